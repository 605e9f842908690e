package vecrl.env;

import java.util.Map;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * A stateful {@link Env} that holds a {@link Dynamics} state and advances it with the pure step.
 * It never truncates; time limits come from {@link TimeLimit}.
 */
public final class DynamicsEnv<S, O, A> implements Env<O, A> {
  private final Dynamics<S, O, A> dynamics;
  private S state;

  public DynamicsEnv(Dynamics<S, O, A> dynamics) {
    if (dynamics == null) throw new IllegalArgumentException("DynamicsEnv: dynamics is null");
    this.dynamics = dynamics;
  }

  /** The pure dynamics this environment steps. */
  public Dynamics<S, O, A> dynamics() {
    return dynamics;
  }

  /** The current state; null before the first reset. */
  public S state() {
    return state;
  }

  /** Puts the environment in {@code state}, for tests and for replaying trajectories. */
  public void setState(S state) {
    if (state == null) throw new IllegalArgumentException("DynamicsEnv.setState: state is null");
    this.state = state;
  }

  @Override
  public Space<O> observationSpace() {
    return dynamics.observationSpace();
  }

  @Override
  public Space<A> actionSpace() {
    return dynamics.actionSpace();
  }

  @Override
  public Reset<O> reset(Rng rng) {
    state = dynamics.initialState(rng);
    return new Reset<>(dynamics.observation(state), Map.of());
  }

  @Override
  public StepResult<O> step(A action) {
    if (state == null) throw new IllegalStateException(dynamics.getClass().getSimpleName() + ": step before reset");
    Transition<S> t;
    try {
      t = dynamics.step(state, action);
    } catch (ClassCastException e) {
      // an action of the wrong Java type (env.step(1.0f) on a Discrete space): say which type the space takes
      Object example = dynamics.actionSpace().sample(new Rng(0));
      if (action == null || example == null || example.getClass().isInstance(action)) throw e;
      throw new IllegalArgumentException(dynamics.getClass().getSimpleName() + ".step: action " + action + " is a "
          + action.getClass().getSimpleName() + ", but " + dynamics.actionSpace() + " takes a " + example.getClass().getSimpleName()
          + " (such as " + (example instanceof float[] f ? java.util.Arrays.toString(f) : String.valueOf(example)) + ")", e);
    }
    state = t.state();
    return new StepResult<>(dynamics.observation(state), t.reward(), t.terminated(), false, Map.of());
  }

  @Override
  public Object actionMask() {
    return state == null ? null : dynamics.actionMask(state);
  }

  @Override
  public String toString() {
    return dynamics.getClass().getSimpleName();
  }
}
