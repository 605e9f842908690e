package vecrl.env;

import java.util.function.Function;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/** Applies {@code f} to every observation; {@code space} is the space of the results. */
public final class TransformObservation<O, A, IO> extends Wrapper<O, A, IO, A> {
  private final Function<? super IO, ? extends O> f;
  private final Space<O> space;

  public TransformObservation(Env<IO, A> env, Function<? super IO, ? extends O> f, Space<O> space) {
    super(env);
    if (f == null || space == null) throw new IllegalArgumentException("TransformObservation: function and space must not be null");
    this.f = f;
    this.space = space;
  }

  @Override
  public Space<O> observationSpace() {
    return space;
  }

  @Override
  public Space<A> actionSpace() {
    return env.actionSpace();
  }

  @Override
  public Reset<O> reset(Rng rng) {
    Reset<IO> r = env.reset(rng);
    return new Reset<>(f.apply(r.observation()), r.info());
  }

  @Override
  public StepResult<O> step(A action) {
    StepResult<IO> r = env.step(action);
    return new StepResult<>(f.apply(r.observation()), r.reward(), r.terminated(), r.truncated(), r.info());
  }
}
