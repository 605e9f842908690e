package vecrl.env;

import vecrl.space.Box;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Takes actions in {@code [min, max]} and maps them affinely onto the inner Box's bounds, as
 * Gymnasium's {@code RescaleAction}: {@code low + (high - low) * (a - min) / (max - min)}, then
 * clipped to [low, high]. The inner Box must be bounded.
 */
public final class RescaleAction<O> extends Wrapper<O, float[], O, float[]> {
  private final Box inner;
  private final Box space;

  /** The same {@code [min, max]} for every element. */
  public RescaleAction(Env<O, float[]> env, float min, float max) {
    super(env);
    if (!(env.actionSpace() instanceof Box b)) {
      throw new IllegalArgumentException("RescaleAction: action space " + env.actionSpace() + " is not a Box");
    }
    if (!b.isBounded()) throw new IllegalArgumentException("RescaleAction: inner action space " + b + " is unbounded");
    if (!(min < max) || Float.isInfinite(min) || Float.isInfinite(max)) {
      throw new IllegalArgumentException("RescaleAction: range [" + min + ", " + max + "] must be finite with min < max");
    }
    this.inner = b;
    this.space = new Box(min, max, b.shape());
  }

  @Override
  public Space<O> observationSpace() {
    return env.observationSpace();
  }

  @Override
  public Space<float[]> actionSpace() {
    return space;
  }

  @Override
  public Reset<O> reset(Rng rng) {
    return env.reset(rng);
  }

  @Override
  public StepResult<O> step(float[] action) {
    float[] a = space.cast(action);
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      double lo = inner.low(i), hi = inner.high(i), min = space.low(i), max = space.high(i);
      double v = lo + (hi - lo) * ((a[i] - min) / (max - min));
      out[i] = (float) Math.min(Math.max(v, lo), hi);
    }
    return env.step(out);
  }
}
