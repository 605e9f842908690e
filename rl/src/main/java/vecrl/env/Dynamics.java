package vecrl.env;

import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * An environment's dynamics as pure functions of an explicit state, as in Lerax: {@link #step}
 * depends only on its arguments, so a test can start from any chosen state and compare with a
 * formula. {@link DynamicsEnv} turns dynamics into a stateful {@link Env}.
 *
 * @param <S> the state type (for the built-in environments, an immutable record of doubles)
 * @param <O> the observation type
 * @param <A> the action type
 */
public interface Dynamics<S, O, A> {

  Space<O> observationSpace();

  Space<A> actionSpace();

  /** A random initial state. */
  S initialState(Rng rng);

  /** The next state, reward and termination flag after {@code action} in {@code state}. */
  Transition<S> step(S state, A action);

  /** The observation of {@code state}. */
  O observation(S state);

  /** The action mask in {@code state} (see {@link Env#actionMask()}); null when unmasked. */
  default Object actionMask(S state) {
    return null;
  }
}
