package vecrl.env;

import vecrl.space.Box;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Clips continuous actions into the inner Box's bounds before stepping (the caller's array is not
 * changed). As in Gymnasium, the action space seen outside is unbounded, with the same shape.
 */
public final class ClipAction<O> extends Wrapper<O, float[], O, float[]> {
  private final Box inner;
  private final Box space;

  public ClipAction(Env<O, float[]> env) {
    super(env);
    if (!(env.actionSpace() instanceof Box b)) {
      throw new IllegalArgumentException("ClipAction: action space " + env.actionSpace() + " is not a Box");
    }
    this.inner = b;
    this.space = new Box(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, b.shape());
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
    return env.step(inner.clipInPlace(inner.cast(action).clone()));
  }
}
