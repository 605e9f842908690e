package vecrl.env.classic;

import vecrl.env.Dynamics;
import vecrl.env.Transition;
import vecrl.space.Box;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Gymnasium's {@code Pendulum-v1} dynamics: a pendulum swung up by a torque clipped to [-2, 2].
 * Semi-implicit Euler over dt = 0.05 s: the new angular velocity {@code thdot + (3g/(2l) sin(th) +
 * 3/(m l^2) u) dt} is clipped to [-8, 8], then the angle advances by {@code newthdot * dt} (the
 * angle itself is never wrapped; only the cost uses {@link #angleNormalize}). Reward {@code
 * -(angleNormalize(th)^2 + 0.1 thdot^2 + 0.001 u^2)}, computed on the state before the step. Never
 * terminates; time limit 200. Initial state uniform in [-pi, pi) x [-1, 1). Observation
 * {@code [cos th, sin th, thdot]} as float32.
 *
 * <p>Arithmetic is float64 throughout; the dynamics are Gymnasium's term for term. The cost is not
 * bit-exact: Gymnasium computes {@code 0.1 * thdot**2} and {@code 0.001 * (u**2)} where {@code u} is
 * the float32 torque, so {@code u**2} is rounded to float32 (under NumPy 1.x the products with the
 * Python floats are then float64; under NumPy 2, NEP 50, {@code 0.001 * u**2} and the torque term
 * {@code 3.0 / (m l^2) * u} of the dynamics are float32 as well). This class evaluates {@code 0.1 *
 * thdot * thdot} and {@code 0.001 * u * u} left to right in float64: the reward can differ from
 * Gymnasium's in its last bits (relative 1e-7 at most, from the float32 square), never the state
 * under NumPy 1.x. It is kept so that recorded runs (RegressionHashesTest) keep their bits.
 */
public final class Pendulum implements Dynamics<Pendulum.State, float[], float[]> {
  public static final double MAX_SPEED = 8.0;
  public static final double MAX_TORQUE = 2.0;
  public static final double DT = 0.05;
  public static final double DEFAULT_G = 10.0;
  public static final double M = 1.0;
  public static final double L = 1.0;

  /** Angle (radians, 0 = upright) and angular velocity. */
  public record State(double theta, double thetaDot) {}

  private static final Box OBSERVATION_SPACE = Box.of(new float[] {-1f, -1f, -8f}, new float[] {1f, 1f, 8f});
  private static final Box ACTION_SPACE = new Box((float) -MAX_TORQUE, (float) MAX_TORQUE, 1);

  private final double g;

  /** Gravity {@value #DEFAULT_G}, as {@code gym.make("Pendulum-v1")}. */
  public Pendulum() {
    this(DEFAULT_G);
  }

  /** A pendulum under gravity {@code g} (Gymnasium's {@code g} keyword). */
  public Pendulum(double g) {
    this.g = g;
  }

  public double g() {
    return g;
  }

  /** {@code ((x + pi) mod 2pi) - pi} with a floored modulo (Python's %), so the result is in [-pi, pi]. */
  public static double angleNormalize(double x) {
    double period = 2 * Math.PI;
    double m = (x + Math.PI) % period;
    if (m < 0) m += period; // Java's % truncates; Python's floors (and, like Python, may round up to 2pi)
    return m - Math.PI;
  }

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
    double th = -Math.PI + 2 * Math.PI * rng.uniformDouble();
    double thdot = -1.0 + 2.0 * rng.uniformDouble();
    return new State(th, thdot);
  }

  @Override
  public Transition<State> step(State s, float[] action) {
    if (action == null || action.length != 1) {
      throw new IllegalArgumentException("Pendulum-v1: action must be a float[1], got "
          + (action == null ? "null" : "float[" + action.length + "]"));
    }
    double u = Math.min(Math.max(action[0], -MAX_TORQUE), MAX_TORQUE);
    double th = s.theta;
    double thdot = s.thetaDot;
    double an = angleNormalize(th);
    double costs = an * an + 0.1 * thdot * thdot + 0.001 * u * u;
    double newthdot = thdot + (3 * g / (2 * L) * StrictMath.sin(th) + 3.0 / (M * L * L) * u) * DT;
    newthdot = Math.min(Math.max(newthdot, -MAX_SPEED), MAX_SPEED);
    double newth = th + newthdot * DT;
    return new Transition<>(new State(newth, newthdot), -costs, false);
  }

  @Override
  public float[] observation(State s) {
    return new float[] {(float) StrictMath.cos(s.theta), (float) StrictMath.sin(s.theta), (float) s.thetaDot};
  }
}
