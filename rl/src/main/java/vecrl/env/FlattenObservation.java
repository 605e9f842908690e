package vecrl.env;

import vecrl.space.Box;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Turns any observation into its flat float form ({@link Space#flatten}); the observation space
 * becomes the inner space's {@link Space#flatSpace()} (Discrete observations become one-hot).
 */
public final class FlattenObservation<O, A> extends Wrapper<float[], A, O, A> {
  private final Box space;

  public FlattenObservation(Env<O, A> env) {
    super(env);
    this.space = env.observationSpace().flatSpace();
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
    Reset<O> r = env.reset(rng);
    return new Reset<>(env.observationSpace().flatten(r.observation()), r.info());
  }

  @Override
  public StepResult<float[]> step(A action) {
    StepResult<O> r = env.step(action);
    return new StepResult<>(env.observationSpace().flatten(r.observation()), r.reward(), r.terminated(), r.truncated(), r.info());
  }
}
