package vecrl.env.classic;

import vecrl.env.Dynamics;
import vecrl.env.Transition;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Gymnasium's {@code CartPole-v1} dynamics (Barto, Sutton and Anderson 1983): a pole on a cart,
 * pushed left (action 0) or right (action 1) with force 10 N, integrated with explicit Euler over
 * {@code tau} = 0.02 s. Reward 1 on every step, including the terminating one. Terminates when
 * |x| > 2.4 or |theta| > 12 degrees. Initial state: each component uniform in [-0.05, 0.05). The
 * state is float64, observations are the state cast to float32. Time limit 500 (from the registry).
 */
public final class CartPole implements Dynamics<CartPole.State, float[], Integer> {
  public static final double GRAVITY = 9.8;
  public static final double MASS_CART = 1.0;
  public static final double MASS_POLE = 0.1;
  public static final double TOTAL_MASS = MASS_POLE + MASS_CART;
  /** Half the pole's length. */
  public static final double LENGTH = 0.5;
  public static final double POLE_MASS_LENGTH = MASS_POLE * LENGTH;
  public static final double FORCE_MAG = 10.0;
  public static final double TAU = 0.02;
  public static final double THETA_THRESHOLD_RADIANS = 12 * 2 * Math.PI / 360;
  public static final double X_THRESHOLD = 2.4;

  /** Cart position, cart velocity, pole angle (radians, 0 = upright), pole angular velocity. */
  public record State(double x, double xDot, double theta, double thetaDot) {}

  private static final Box OBSERVATION_SPACE;
  private static final Discrete ACTION_SPACE = new Discrete(2);

  static {
    float[] high = {(float) (X_THRESHOLD * 2), Float.MAX_VALUE, (float) (THETA_THRESHOLD_RADIANS * 2), Float.MAX_VALUE};
    float[] low = new float[4];
    for (int i = 0; i < 4; i++) low[i] = -high[i];
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
    return -0.05 + 0.1 * rng.uniformDouble();
  }

  @Override
  public Transition<State> step(State s, Integer action) {
    if (action == null || (action != 0 && action != 1)) {
      throw new IllegalArgumentException("CartPole-v1: action " + action + " is not in Discrete(2)");
    }
    double force = action == 1 ? FORCE_MAG : -FORCE_MAG;
    double cos = StrictMath.cos(s.theta);
    double sin = StrictMath.sin(s.theta);
    // Gymnasium's expressions in Gymnasium's order of operations, so that the float64 state is
    // bit-identical: polemass_length * theta_dot**2 * sintheta, masspole * costheta**2 / total_mass
    double temp = (force + POLE_MASS_LENGTH * (s.thetaDot * s.thetaDot) * sin) / TOTAL_MASS;
    double thetaAcc = (GRAVITY * sin - cos * temp) / (LENGTH * (4.0 / 3.0 - MASS_POLE * (cos * cos) / TOTAL_MASS));
    double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * cos / TOTAL_MASS;
    double x = s.x + TAU * s.xDot;
    double xDot = s.xDot + TAU * xAcc;
    double theta = s.theta + TAU * s.thetaDot;
    double thetaDot = s.thetaDot + TAU * thetaAcc;
    boolean terminated = x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD_RADIANS || theta > THETA_THRESHOLD_RADIANS;
    return new Transition<>(new State(x, xDot, theta, thetaDot), 1.0, terminated);
  }

  @Override
  public float[] observation(State s) {
    return new float[] {(float) s.x, (float) s.xDot, (float) s.theta, (float) s.thetaDot};
  }
}
