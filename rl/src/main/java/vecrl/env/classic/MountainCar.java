package vecrl.env.classic;

import vecrl.env.Dynamics;
import vecrl.env.Transition;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Gymnasium's {@code MountainCar-v0} dynamics (Moore 1990): action 0, 1, 2 accelerates left, not
 * at all, right. {@code velocity += (action - 1) * 0.001 - 0.0025 cos(3 position)}, clipped to
 * [-0.07, 0.07]; {@code position += velocity}, clipped to [-1.2, 0.6]; at the left wall a negative
 * velocity becomes 0. Terminates when position >= 0.5 and velocity >= 0. Reward -1 per step. Initial
 * position uniform in [-0.6, -0.4), velocity 0. Float64 state, float32 observations; time limit 200.
 */
public final class MountainCar implements Dynamics<MountainCar.State, float[], Integer> {
  public static final double MIN_POSITION = -1.2;
  public static final double MAX_POSITION = 0.6;
  public static final double MAX_SPEED = 0.07;
  public static final double GOAL_POSITION = 0.5;
  public static final double GOAL_VELOCITY = 0.0;
  public static final double FORCE = 0.001;
  public static final double GRAVITY = 0.0025;

  public record State(double position, double velocity) {}

  private static final Box OBSERVATION_SPACE = Box.of(
      new float[] {(float) MIN_POSITION, (float) -MAX_SPEED}, new float[] {(float) MAX_POSITION, (float) MAX_SPEED});
  private static final Discrete ACTION_SPACE = new Discrete(3);

  @Override
  public Space<float[]> observationSpace() {
    return OBSERVATION_SPACE;
  }

  @Override
  public Space<Integer> actionSpace() {
    return ACTION_SPACE;
  }

  @Override
  public State initialState(Rng rng) {
    return new State(-0.6 + 0.2 * rng.uniformDouble(), 0.0);
  }

  @Override
  public Transition<State> step(State s, Integer action) {
    if (action == null || action < 0 || action > 2) {
      throw new IllegalArgumentException("MountainCar-v0: action " + action + " is not in Discrete(3)");
    }
    double position = s.position;
    double velocity = s.velocity;
    velocity += (action - 1) * FORCE + StrictMath.cos(3 * position) * (-GRAVITY);
    velocity = Math.min(Math.max(velocity, -MAX_SPEED), MAX_SPEED);
    position += velocity;
    position = Math.min(Math.max(position, MIN_POSITION), MAX_POSITION);
    if (position == MIN_POSITION && velocity < 0) velocity = 0;
    boolean terminated = position >= GOAL_POSITION && velocity >= GOAL_VELOCITY;
    return new Transition<>(new State(position, velocity), -1.0, terminated);
  }

  @Override
  public float[] observation(State s) {
    return new float[] {(float) s.position, (float) s.velocity};
  }
}
