package vecrl.env.classic;

import vecrl.env.Dynamics;
import vecrl.env.Transition;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Gymnasium's {@code Acrobot-v1} dynamics (Sutton 1996; Sutton and Barto's book): two links, the
 * joint between them driven by a torque of -1, 0 or +1 (actions 0, 1, 2). One step integrates the
 * book's equations of motion (Gymnasium's default {@code book_or_nips = "book"}) with one classical
 * fourth-order Runge-Kutta step over dt = 0.2 s, then wraps both angles into [-pi, pi] and clips the
 * angular velocities to [-4pi, 4pi] and [-9pi, 9pi]. Terminates when {@code -cos(th1) - cos(th1 +
 * th2) > 1} (the tip above the bar); reward -1 per step and 0 on the terminating one. Initial state:
 * four values uniform in [-0.1, 0.1), rounded to float32 as Gymnasium does. Observation {@code [cos
 * th1, sin th1, cos th2, sin th2, dth1, dth2]} as float32. No torque noise. Time limit 500.
 */
public final class Acrobot implements Dynamics<Acrobot.State, float[], Integer> {
  public static final double DT = 0.2;
  public static final double LINK_LENGTH_1 = 1.0;
  public static final double LINK_LENGTH_2 = 1.0;
  public static final double LINK_MASS_1 = 1.0;
  public static final double LINK_MASS_2 = 1.0;
  public static final double LINK_COM_POS_1 = 0.5;
  public static final double LINK_COM_POS_2 = 0.5;
  public static final double LINK_MOI = 1.0;
  public static final double MAX_VEL_1 = 4 * Math.PI;
  public static final double MAX_VEL_2 = 9 * Math.PI;
  public static final double G = 9.8;
  private static final double[] AVAIL_TORQUE = {-1.0, 0.0, 1.0};

  /** Joint angles (radians; 0, 0 = hanging down) and angular velocities. */
  public record State(double theta1, double theta2, double dtheta1, double dtheta2) {}

  private static final Box OBSERVATION_SPACE;
  private static final Discrete ACTION_SPACE = new Discrete(3);

  static {
    float[] high = {1f, 1f, 1f, 1f, (float) MAX_VEL_1, (float) MAX_VEL_2};
    float[] low = new float[6];
    for (int i = 0; i < 6; i++) low[i] = -high[i];
    OBSERVATION_SPACE = Box.of(low, high);
  }

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
    return new State(u(rng), u(rng), u(rng), u(rng));
  }

  private static double u(Rng rng) {
    return (float) (-0.1 + 0.2 * rng.uniformDouble());
  }

  /**
   * The time derivative of {@code s = [theta1, theta2, dtheta1, dtheta2]} under torque {@code a}
   * (the book's equations), written to {@code out}.
   */
  public static void derivatives(double[] s, double a, double[] out) {
    double m1 = LINK_MASS_1, m2 = LINK_MASS_2, l1 = LINK_LENGTH_1;
    double lc1 = LINK_COM_POS_1, lc2 = LINK_COM_POS_2, i1 = LINK_MOI, i2 = LINK_MOI;
    double theta1 = s[0], theta2 = s[1], dtheta1 = s[2], dtheta2 = s[3];
    double cos2 = StrictMath.cos(theta2);
    double sin2 = StrictMath.sin(theta2);
    double d1 = m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cos2) + i1 + i2;
    double d2 = m2 * (lc2 * lc2 + l1 * lc2 * cos2) + i2;
    double phi2 = m2 * lc2 * G * StrictMath.cos(theta1 + theta2 - Math.PI / 2.0);
    double phi1 = -m2 * l1 * lc2 * dtheta2 * dtheta2 * sin2
        - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin2
        + (m1 * lc1 + m2 * l1) * G * StrictMath.cos(theta1 - Math.PI / 2)
        + phi2;
    double ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * dtheta1 * dtheta1 * sin2 - phi2)
        / (m2 * lc2 * lc2 + i2 - d2 * d2 / d1);
    double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
    out[0] = dtheta1;
    out[1] = dtheta2;
    out[2] = ddtheta1;
    out[3] = ddtheta2;
  }

  /** One classical RK4 step of length {@code dt} from {@code y0} under constant torque {@code a}. */
  public static double[] rk4(double[] y0, double a, double dt) {
    double[] k1 = new double[4], k2 = new double[4], k3 = new double[4], k4 = new double[4], y = new double[4];
    double dt2 = dt / 2.0;
    derivatives(y0, a, k1);
    for (int i = 0; i < 4; i++) y[i] = y0[i] + dt2 * k1[i];
    derivatives(y, a, k2);
    for (int i = 0; i < 4; i++) y[i] = y0[i] + dt2 * k2[i];
    derivatives(y, a, k3);
    for (int i = 0; i < 4; i++) y[i] = y0[i] + dt * k3[i];
    derivatives(y, a, k4);
    double[] out = new double[4];
    for (int i = 0; i < 4; i++) out[i] = y0[i] + dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    return out;
  }

  /** Gymnasium's {@code wrap}: shifts {@code x} by whole periods {@code M - m} until m <= x <= M. */
  public static double wrap(double x, double m, double bigM) {
    double diff = bigM - m;
    while (x > bigM) x = x - diff;
    while (x < m) x = x + diff;
    return x;
  }

  @Override
  public Transition<State> step(State s, Integer action) {
    if (action == null || action < 0 || action > 2) {
      throw new IllegalArgumentException("Acrobot-v1: action " + action + " is not in Discrete(3)");
    }
    double torque = AVAIL_TORQUE[action];
    double[] ns = rk4(new double[] {s.theta1, s.theta2, s.dtheta1, s.dtheta2}, torque, DT);
    double th1 = wrap(ns[0], -Math.PI, Math.PI);
    double th2 = wrap(ns[1], -Math.PI, Math.PI);
    double dth1 = Math.min(Math.max(ns[2], -MAX_VEL_1), MAX_VEL_1);
    double dth2 = Math.min(Math.max(ns[3], -MAX_VEL_2), MAX_VEL_2);
    boolean terminated = -StrictMath.cos(th1) - StrictMath.cos(th2 + th1) > 1.0;
    return new Transition<>(new State(th1, th2, dth1, dth2), terminated ? 0.0 : -1.0, terminated);
  }

  @Override
  public float[] observation(State s) {
    return new float[] {(float) StrictMath.cos(s.theta1), (float) StrictMath.sin(s.theta1),
        (float) StrictMath.cos(s.theta2), (float) StrictMath.sin(s.theta2), (float) s.dtheta1, (float) s.dtheta2};
  }
}
