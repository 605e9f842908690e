package vecrl.env.classic;

import vecrl.env.Dynamics;
import vecrl.env.Transition;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Partially observed {@code CartPole-v1}, registered as {@code CartPoleNoVel-v1}: {@link CartPole}'s
 * dynamics, rewards, terminations and time limit, but the observation is only {@code [x, theta]}
 * (cart position and pole angle); the two velocities are hidden, so a policy must infer them from
 * the history (a memory task, as in SB3-contrib's {@code CartPoleNoVel}).
 */
public final class CartPoleNoVelocity implements Dynamics<CartPole.State, float[], Integer> {
  private static final Box OBSERVATION_SPACE = Box.of(
      new float[] {(float) (-CartPole.X_THRESHOLD * 2), (float) (-CartPole.THETA_THRESHOLD_RADIANS * 2)},
      new float[] {(float) (CartPole.X_THRESHOLD * 2), (float) (CartPole.THETA_THRESHOLD_RADIANS * 2)});
  private final CartPole full = new CartPole();

  @Override public Space<float[]> observationSpace() { return OBSERVATION_SPACE; }
  @Override public Space<Integer> actionSpace() { return full.actionSpace(); }
  @Override public CartPole.State initialState(Rng rng) { return full.initialState(rng); }
  @Override public Transition<CartPole.State> step(CartPole.State s, Integer action) { return full.step(s, action); }

  @Override
  public float[] observation(CartPole.State s) {
    return new float[] {(float) s.x(), (float) s.theta()};
  }
}
