package vecrl.env;

import vecrl.space.Box;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Clips float observations into {@code [low, high]}. The observation space becomes the
 * intersection of the inner Box with those bounds (as Gymnasium's {@code ClipObservation}).
 */
public final class ClipObservation<A> extends Wrapper<float[], A, float[], A> {
  private final Box space;

  public ClipObservation(Env<float[], A> env, float low, float high) {
    super(env);
    if (!(env.observationSpace() instanceof Box b)) {
      throw new IllegalArgumentException("ClipObservation: observation space " + env.observationSpace() + " is not a Box");
    }
    if (!(low <= high)) throw new IllegalArgumentException("ClipObservation: low " + low + " > high " + high);
    float[] lo = b.low();
    float[] hi = b.high();
    for (int i = 0; i < lo.length; i++) {
      lo[i] = Math.max(lo[i], low);
      hi[i] = Math.min(hi[i], high);
      if (lo[i] > hi[i]) {
        throw new IllegalArgumentException("ClipObservation: [" + low + ", " + high + "] misses the inner bounds of element " + i + " of " + b);
      }
    }
    this.space = new Box(lo, hi, b.shape());
  }

  @Override
  public Space<float[]> observationSpace() {
    return space;
  }

  @Override
  public Space<A> actionSpace() {
    return env.actionSpace();
  }

  @Override
  public Reset<float[]> reset(Rng rng) {
    Reset<float[]> r = env.reset(rng);
    return new Reset<>(space.clipInPlace(r.observation().clone()), r.info());
  }

  @Override
  public StepResult<float[]> step(A action) {
    StepResult<float[]> r = env.step(action);
    return new StepResult<>(space.clipInPlace(r.observation().clone()), r.reward(), r.terminated(), r.truncated(), r.info());
  }
}
