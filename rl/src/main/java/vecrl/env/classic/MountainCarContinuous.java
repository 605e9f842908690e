package vecrl.env.classic;

import vecrl.env.Dynamics;
import vecrl.env.Transition;
import vecrl.space.Box;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Gymnasium's {@code MountainCarContinuous-v0} dynamics: {@code force = clip(action[0], -1, 1)},
 * {@code velocity += force * 0.0015 - 0.0025 cos(3 position)}, clipped to [-0.07, 0.07]; {@code
 * position += velocity}, clipped to [-1.2, 0.6]; at the left wall a negative velocity becomes 0.
 * Terminates when position >= 0.45 and velocity >= 0. Reward {@code 100} on reaching the goal,
 * minus {@code 0.1 * action[0]^2} with the unclipped action on every step. Initial position uniform
 * in [-0.6, -0.4), velocity 0. As in Gymnasium, the state is stored as float32 after every step,
 * and within a step the arithmetic is Gymnasium's under NumPy 1.x: float64, except {@code 3 *
 * position}, a float32 product there (NumPy 2 would also make {@code force * 0.0015} float32).
 * Time limit 999.
 */
public final class MountainCarContinuous implements Dynamics<MountainCarContinuous.State, float[], float[]> {
  public static final double MIN_ACTION = -1.0;
  public static final double MAX_ACTION = 1.0;
  public static final double MIN_POSITION = -1.2;
  public static final double MAX_POSITION = 0.6;
  public static final double MAX_SPEED = 0.07;
  public static final double GOAL_POSITION = 0.45;
  public static final double GOAL_VELOCITY = 0.0;
  public static final double POWER = 0.0015;
  public static final double GRAVITY = 0.0025;

  public record State(double position, double velocity) {}

  private static final Box OBSERVATION_SPACE = Box.of(
      new float[] {(float) MIN_POSITION, (float) -MAX_SPEED}, new float[] {(float) MAX_POSITION, (float) MAX_SPEED});
  private static final Box ACTION_SPACE = new Box((float) MIN_ACTION, (float) MAX_ACTION, 1);

  @Override
  public Space<float[]> observationSpace() {
    return OBSERVATION_SPACE;
  }

  @Override
  public Space<float[]> actionSpace() {
    return ACTION_SPACE;
  }

  @Override
  public State initialState(Rng rng) {
    return new State(-0.6 + 0.2 * rng.uniformDouble(), 0.0);
  }

  @Override
  public Transition<State> step(State s, float[] action) {
    if (action == null || action.length != 1) {
      throw new IllegalArgumentException("MountainCarContinuous-v0: action must be a float[1], got "
          + (action == null ? "null" : "float[" + action.length + "]"));
    }
    double a = action[0];
    double position = s.position;
    double velocity = s.velocity;
    double force = Math.min(Math.max(a, MIN_ACTION), MAX_ACTION);
    // 3 * position is float32 in Gymnasium (the state is an np.float32 scalar times a Python int)
    velocity += force * POWER - GRAVITY * StrictMath.cos((float) (3 * position));
    if (velocity > MAX_SPEED) velocity = MAX_SPEED;
    if (velocity < -MAX_SPEED) velocity = -MAX_SPEED;
    position += velocity;
    if (position > MAX_POSITION) position = MAX_POSITION;
    if (position < MIN_POSITION) position = MIN_POSITION;
    if (position == MIN_POSITION && velocity < 0) velocity = 0;
    boolean terminated = position >= GOAL_POSITION && velocity >= GOAL_VELOCITY;
    double reward = (terminated ? 100.0 : 0.0) - a * a * 0.1;
    return new Transition<>(new State((float) position, (float) velocity), reward, terminated);
  }

  @Override
  public float[] observation(State s) {
    return new float[] {(float) s.position, (float) s.velocity};
  }
}
