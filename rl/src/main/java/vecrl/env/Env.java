package vecrl.env;

import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * An environment, after Gymnasium's {@code Env}: it declares its spaces, {@link #reset(Rng)} starts
 * an episode and {@link #step} advances it by one action.
 *
 * <p>Implement this interface to plug in your own environment (or implement {@link Dynamics} and
 * wrap it in a {@link DynamicsEnv}, which keeps the dynamics a pure function of state and action).
 * An environment object is used by one thread at a time; vector environments give each thread its
 * own environments.
 *
 * @param <O> the observation type (see {@link Space} for the value types of each space)
 * @param <A> the action type
 */
public interface Env<O, A> {

  /** The space every observation lies in. */
  Space<O> observationSpace();

  /** The space of valid actions. */
  Space<A> actionSpace();

  /**
   * Starts a new episode, drawing its random initial state from {@code rng}. The environment may
   * keep {@code rng} for randomness during the episode; the caller must not share it with another
   * thread.
   */
  Reset<O> reset(Rng rng);

  /** Starts a new episode from a fresh generator seeded with {@code seed}. */
  default Reset<O> reset(long seed) {
    return reset(new Rng(seed));
  }

  /** Advances the episode by one action. */
  StepResult<O> step(A action);

  /**
   * The mask of actions allowed in the current state, in the form the action space's {@code
   * sample(rng, mask)} takes (for {@code Discrete}, a {@code boolean[n]}; for {@code MultiDiscrete}
   * a {@code boolean[][]} per component; for {@code MultiBinary} an {@code int[n]} of codes 0, 1,
   * 2), or null when every action is allowed (the default). Training and evaluation turn it into
   * the policy's mask row with {@link vecrl.policy.ActionMasks}; a mask that allows no action is an
   * error there.
   */
  default Object actionMask() {
    return null;
  }

  /** Releases resources; the default does nothing. */
  default void close() {}
}
