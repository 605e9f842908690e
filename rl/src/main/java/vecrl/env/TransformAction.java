package vecrl.env;

import java.util.function.Function;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Takes actions from {@code space} and passes {@code f(action)} to the inner environment. The
 * inner action mask is forwarded unchanged.
 */
public final class TransformAction<O, A, IA> extends Wrapper<O, A, O, IA> {
  private final Function<? super A, ? extends IA> f;
  private final Space<A> space;

  public TransformAction(Env<O, IA> env, Function<? super A, ? extends IA> f, Space<A> space) {
    super(env);
    if (f == null || space == null) throw new IllegalArgumentException("TransformAction: function and space must not be null");
    this.f = f;
    this.space = space;
  }

  @Override
  public Space<O> observationSpace() {
    return env.observationSpace();
  }

  @Override
  public Space<A> actionSpace() {
    return space;
  }

  @Override
  public Reset<O> reset(Rng rng) {
    return env.reset(rng);
  }

  @Override
  public StepResult<O> step(A action) {
    return env.step(f.apply(action));
  }
}
