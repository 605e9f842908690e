package vecrl.env;

import java.util.function.DoubleUnaryOperator;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/** Applies {@code f} to every reward. */
public final class TransformReward<O, A> extends Wrapper<O, A, O, A> {
  private final DoubleUnaryOperator f;

  public TransformReward(Env<O, A> env, DoubleUnaryOperator f) {
    super(env);
    if (f == null) throw new IllegalArgumentException("TransformReward: function is null");
    this.f = f;
  }

  @Override
  public Space<O> observationSpace() {
    return env.observationSpace();
  }

  @Override
  public Space<A> actionSpace() {
    return env.actionSpace();
  }

  @Override
  public Reset<O> reset(Rng rng) {
    return env.reset(rng);
  }

  @Override
  public StepResult<O> step(A action) {
    StepResult<O> r = env.step(action);
    return new StepResult<>(r.observation(), f.applyAsDouble(r.reward()), r.terminated(), r.truncated(), r.info());
  }
}
