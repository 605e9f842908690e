package vecrl.env.classic;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import vecrl.env.DynamicsEnv;
import vecrl.env.Env;
import vecrl.env.Envs;
import vecrl.env.Reset;
import vecrl.env.StepResult;
import vecrl.env.TimeLimit;
import vecrl.env.Transition;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Rng;

/** Constants and hand-computed steps from Gymnasium's classic_control sources. */
class ClassicControlTest {
  private static final double EPS = 1e-12;

  @Test
  void cartPoleConstantsAndSpaces() {
    assertEquals(9.8, CartPole.GRAVITY);
    assertEquals(1.0, CartPole.MASS_CART);
    assertEquals(0.1, CartPole.MASS_POLE);
    assertEquals(0.5, CartPole.LENGTH);
    assertEquals(10.0, CartPole.FORCE_MAG);
    assertEquals(0.02, CartPole.TAU);
    assertEquals(12 * 2 * Math.PI / 360, CartPole.THETA_THRESHOLD_RADIANS);
    assertEquals(2.4, CartPole.X_THRESHOLD);
    CartPole cp = new CartPole();
    assertEquals(new Discrete(2), cp.actionSpace());
    Box obs = (Box) cp.observationSpace();
    assertEquals(4.8f, obs.high(0));
    assertEquals(Float.MAX_VALUE, obs.high(1));
    assertEquals((float) (2 * 12 * 2 * Math.PI / 360), obs.high(2));
    assertEquals(-Float.MAX_VALUE, obs.low(3));
  }

  /**
   * Gymnasium's cartpole.py step, term by term in its order of operations (Python evaluates left to
   * right; {@code x**2} is {@code x * x}): the float64 state must match bit for bit, not within a
   * tolerance, or trajectories drift apart after a hundred steps. (Gymnasium calls math.cos and
   * math.sin; both sides here use StrictMath, so the test checks the arithmetic.)
   */
  static double[] gymnasiumCartPoleStep(double x, double xDot, double theta, double thetaDot, int action) {
    double gravity = 9.8, masscart = 1.0, masspole = 0.1, length = 0.5, forceMag = 10.0, tau = 0.02;
    double totalMass = masspole + masscart;
    double polemassLength = masspole * length;
    double force = action == 1 ? forceMag : -forceMag;
    double costheta = StrictMath.cos(theta);
    double sintheta = StrictMath.sin(theta);
    double temp = (force + polemassLength * StrictMath.pow(thetaDot, 2) * sintheta) / totalMass;
    double thetaacc = (gravity * sintheta - costheta * temp) / (length * (4.0 / 3.0 - masspole * StrictMath.pow(costheta, 2) / totalMass));
    double xacc = temp - polemassLength * thetaacc * costheta / totalMass;
    return new double[] {x + tau * xDot, xDot + tau * xacc, theta + tau * thetaDot, thetaDot + tau * thetaacc};
  }

  @Test
  void cartPoleIsBitExactWithGymnasiumsOrderOfOperations() {
    CartPole cp = new CartPole();
    vecrl.tensor.Rng rng = new vecrl.tensor.Rng(15);
    for (int k = 0; k < 20_000; k++) {
      double x = 4 * rng.uniformDouble() - 2, xd = 6 * rng.uniformDouble() - 3, th = 0.5 * rng.uniformDouble() - 0.25;
      double thd = 8 * rng.uniformDouble() - 4;
      int a = rng.nextInt(2);
      double[] g = gymnasiumCartPoleStep(x, xd, th, thd, a);
      CartPole.State s = cp.step(new CartPole.State(x, xd, th, thd), a).state();
      double[] v = {s.x(), s.xDot(), s.theta(), s.thetaDot()};
      for (int i = 0; i < 4; i++) {
        assertEquals(Double.doubleToRawLongBits(g[i]), Double.doubleToRawLongBits(v[i]), "component " + i + " of " + k + ": " + g[i] + " vs " + v[i]);
      }
    }
    // and a whole episode, actions alternating in runs
    double[] g = {0.01, -0.02, 0.03, -0.04};
    CartPole.State s = new CartPole.State(g[0], g[1], g[2], g[3]);
    for (int t = 0; t < 500; t++) {
      int a = (t / 3) % 2;
      g = gymnasiumCartPoleStep(g[0], g[1], g[2], g[3], a);
      s = cp.step(s, a).state();
      assertEquals(Double.doubleToRawLongBits(g[1]), Double.doubleToRawLongBits(s.xDot()), "step " + t);
      assertEquals(Double.doubleToRawLongBits(g[3]), Double.doubleToRawLongBits(s.thetaDot()), "step " + t);
    }
  }

  /** Gymnasium's continuous_mountain_car.py step under NumPy 1.x: float32 state, 3 * position a float32 product. */
  @Test
  void mountainCarContinuousIsBitExactWithGymnasium() {
    MountainCarContinuous mc = new MountainCarContinuous();
    vecrl.tensor.Rng rng = new vecrl.tensor.Rng(15);
    int differ = 0;
    for (int k = 0; k < 20_000; k++) {
      float position = (float) (-1.2 + 1.8 * rng.uniformDouble()), velocity = (float) (0.14 * rng.uniformDouble() - 0.07);
      float a = (float) (2.4 * rng.uniformDouble() - 1.2);
      double force = Math.min(Math.max(a, -1.0), 1.0);
      float threeP = 3 * position; // np.float32 * int: float32
      double v = velocity + (force * 0.0015 - 0.0025 * StrictMath.cos(threeP));
      v = Math.min(Math.max(v, -0.07), 0.07);
      double p = Math.min(Math.max(position + v, -1.2), 0.6);
      if (p == -1.2 && v < 0) v = 0;
      MountainCarContinuous.State s = mc.step(new MountainCarContinuous.State(position, velocity), new float[] {a}).state();
      assertEquals((float) p, (float) s.position(), "position " + k);
      assertEquals((float) v, (float) s.velocity(), "velocity " + k);
      if (threeP != 3.0 * position) differ++;
    }
    assertTrue(differ > 1000, "the float32 product matters: " + differ);
  }

  @Test
  void cartPoleEulerStepMatchesTheFormula() {
    CartPole cp = new CartPole();
    double x = 0.1, xd = -0.3, th = 0.05, thd = 0.4;
    for (int action = 0; action < 2; action++) {
      Transition<CartPole.State> t = cp.step(new CartPole.State(x, xd, th, thd), action);
      double force = action == 1 ? 10.0 : -10.0;
      double temp = (force + 0.05 * thd * thd * Math.sin(th)) / 1.1;
      double thacc = (9.8 * Math.sin(th) - Math.cos(th) * temp) / (0.5 * (4.0 / 3.0 - 0.1 * Math.cos(th) * Math.cos(th) / 1.1));
      double xacc = temp - 0.05 * thacc * Math.cos(th) / 1.1;
      assertEquals(x + 0.02 * xd, t.state().x(), EPS);
      assertEquals(xd + 0.02 * xacc, t.state().xDot(), EPS);
      assertEquals(th + 0.02 * thd, t.state().theta(), EPS);
      assertEquals(thd + 0.02 * thacc, t.state().thetaDot(), EPS);
      assertEquals(1.0, t.reward());
      assertFalse(t.terminated());
    }
    // Concrete value: from rest, pushing right accelerates the cart by ~+9.76 m/s^2 (x velocity 0.195 after one step).
    Transition<CartPole.State> t = cp.step(new CartPole.State(0, 0, 0, 0), 1);
    assertEquals(0.02 * (10.0 / 1.1 - 0.05 * (-(10.0 / 1.1) / (0.5 * (4.0 / 3.0 - 0.1 / 1.1))) / 1.1), t.state().xDot(), EPS);
    assertEquals(0.0, t.state().x());
  }

  @Test
  void cartPoleTerminatesOutsideThresholdsWithRewardOne() {
    CartPole cp = new CartPole();
    Transition<CartPole.State> t = cp.step(new CartPole.State(2.39, 1.0, 0, 0), 1); // x -> 2.41
    assertTrue(t.terminated());
    assertEquals(1.0, t.reward());
    double thr = CartPole.THETA_THRESHOLD_RADIANS;
    assertTrue(cp.step(new CartPole.State(0, 0, -thr + 0.001, -1.0), 0).terminated()); // theta -> -thr - 0.019
    assertFalse(cp.step(new CartPole.State(0, 0, thr - 0.01, 0.0), 0).terminated()); // theta unchanged by Euler
    assertFalse(cp.step(new CartPole.State(2.4, 0, 0, 0), 0).terminated(), "x == 2.4 is not beyond the threshold");
  }

  @Test
  void cartPoleResetIsUniformInPlusMinus005AndObservationsAreFloat32() {
    DynamicsEnv<CartPole.State, float[], Integer> env = new DynamicsEnv<>(new CartPole());
    Rng rng = new Rng(7);
    for (int k = 0; k < 200; k++) {
      Reset<float[]> r = env.reset(rng);
      CartPole.State s = env.state();
      double[] v = {s.x(), s.xDot(), s.theta(), s.thetaDot()};
      for (int i = 0; i < 4; i++) {
        assertTrue(v[i] >= -0.05 && v[i] < 0.05);
        assertEquals((float) v[i], r.observation()[i]);
      }
    }
    // The same seed gives the same episode start.
    assertArrayEquals(env.reset(42L).observation(), env.reset(42L).observation());
  }

  @Test
  void pendulumAngleNormalizeUsesAFlooredModulo() {
    assertEquals(-0.5, Pendulum.angleNormalize(-0.5), EPS);
    assertEquals(4.0 - 2 * Math.PI, Pendulum.angleNormalize(4.0), EPS);
    assertEquals(-4.0 + 2 * Math.PI, Pendulum.angleNormalize(-4.0), EPS);  // a truncated % (Java's) would give -4.0 + pi - pi = -4.0
    assertEquals(-7.0 + 2 * Math.PI, Pendulum.angleNormalize(-7.0), EPS);
    assertEquals(-7.0 + 2 * Math.PI, Pendulum.angleNormalize(-7.0 - 2 * Math.PI), 1e-9);
    assertEquals(100.0 - 16 * 2 * Math.PI, Pendulum.angleNormalize(100.0), 1e-9);
    // Python: ((x + pi) % (2 pi)) - pi == x - 2 pi floor((x + pi) / (2 pi))
    for (double x = -20; x <= 20; x += 0.37) {
      assertEquals(x - 2 * Math.PI * Math.floor((x + Math.PI) / (2 * Math.PI)), Pendulum.angleNormalize(x), 1e-9);
    }
  }

  @Test
  void pendulumStepMatchesTheFormulaAndClipsTorqueAndSpeed() {
    Pendulum p = new Pendulum();
    assertEquals(8.0, Pendulum.MAX_SPEED);
    assertEquals(2.0, Pendulum.MAX_TORQUE);
    assertEquals(0.05, Pendulum.DT);
    assertEquals(10.0, p.g());
    double th = 4.0, thd = -2.0;
    Transition<Pendulum.State> t = p.step(new Pendulum.State(th, thd), new float[] {3.0f}); // torque clipped to 2
    double u = 2.0;
    double an = 4.0 - 2 * Math.PI;
    assertEquals(-(an * an + 0.1 * thd * thd + 0.001 * u * u), t.reward(), EPS);
    double newthd = thd + (3 * 10.0 / 2 * Math.sin(th) + 3.0 * u) * 0.05;
    assertEquals(newthd, t.state().thetaDot(), EPS);
    assertEquals(th + newthd * 0.05, t.state().theta(), EPS, "the angle is not wrapped in the state");
    assertFalse(t.terminated());
    // Speed clipped to +8.
    Transition<Pendulum.State> fast = p.step(new Pendulum.State(Math.PI / 2, 7.9), new float[] {2f});
    assertEquals(8.0, fast.state().thetaDot());
    assertEquals(Math.PI / 2 + 8.0 * 0.05, fast.state().theta(), EPS);
    // Observation.
    assertArrayEquals(new float[] {(float) Math.cos(1.0), (float) Math.sin(1.0), -3f}, p.observation(new Pendulum.State(1.0, -3.0)));
    assertEquals(Box.of(new float[] {-1, -1, -8}, new float[] {1, 1, 8}), p.observationSpace());
    assertEquals(new Box(-2f, 2f, 1), p.actionSpace());
  }

  @Test
  void pendulumResetRange() {
    Pendulum p = new Pendulum();
    Rng rng = new Rng(8);
    for (int k = 0; k < 200; k++) {
      Pendulum.State s = p.initialState(rng);
      assertTrue(s.theta() >= -Math.PI && s.theta() < Math.PI);
      assertTrue(s.thetaDot() >= -1 && s.thetaDot() < 1);
    }
  }

  /** The book's Acrobot equations, written out again for the test. */
  private static double[] acrobotDerivative(double[] s, double a) {
    double t1 = s[0], t2 = s[1], w1 = s[2], w2 = s[3];
    double d1 = 0.25 + (1 + 0.25 + Math.cos(t2)) + 2; // m1 lc1^2 + m2 (l1^2 + lc2^2 + 2 l1 lc2 cos t2) + I1 + I2
    double d2 = (0.25 + 0.5 * Math.cos(t2)) + 1;
    double phi2 = 0.5 * 9.8 * Math.cos(t1 + t2 - Math.PI / 2);
    double phi1 = -0.5 * w2 * w2 * Math.sin(t2) - 2 * 0.5 * w2 * w1 * Math.sin(t2) + 1.5 * 9.8 * Math.cos(t1 - Math.PI / 2) + phi2;
    double dd2 = (a + d2 / d1 * phi1 - 0.5 * w1 * w1 * Math.sin(t2) - phi2) / (0.25 + 1 - d2 * d2 / d1);
    double dd1 = -(d2 * dd2 + phi1) / d1;
    return new double[] {w1, w2, dd1, dd2};
  }

  private static double[] axpy(double[] y, double h, double[] k) {
    double[] r = new double[4];
    for (int i = 0; i < 4; i++) r[i] = y[i] + h * k[i];
    return r;
  }

  @Test
  void acrobotRk4StepMatchesTheBookDynamics() {
    assertEquals(0.2, Acrobot.DT);
    assertEquals(4 * Math.PI, Acrobot.MAX_VEL_1);
    assertEquals(9 * Math.PI, Acrobot.MAX_VEL_2);
    Acrobot ac = new Acrobot();
    double[] y0 = {0.3, -0.2, 0.5, -1.0};
    for (int action = 0; action < 3; action++) {
      double a = action - 1.0;
      double[] k1 = acrobotDerivative(y0, a);
      double[] k2 = acrobotDerivative(axpy(y0, 0.1, k1), a);
      double[] k3 = acrobotDerivative(axpy(y0, 0.1, k2), a);
      double[] k4 = acrobotDerivative(axpy(y0, 0.2, k3), a);
      double[] want = new double[4];
      for (int i = 0; i < 4; i++) want[i] = y0[i] + 0.2 / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
      Transition<Acrobot.State> t = ac.step(new Acrobot.State(y0[0], y0[1], y0[2], y0[3]), action);
      assertEquals(want[0], t.state().theta1(), 1e-12);
      assertEquals(want[1], t.state().theta2(), 1e-12);
      assertEquals(want[2], t.state().dtheta1(), 1e-12);
      assertEquals(want[3], t.state().dtheta2(), 1e-12);
      assertEquals(-1.0, t.reward());
      assertFalse(t.terminated());
    }
  }

  @Test
  void acrobotWrapsAnglesClipsVelocitiesAndTerminatesAboveTheBar() {
    assertEquals(-Math.PI + 0.5, Acrobot.wrap(Math.PI + 0.5, -Math.PI, Math.PI), EPS);
    assertEquals(Math.PI - 0.5, Acrobot.wrap(-Math.PI - 0.5 - 4 * Math.PI, -Math.PI, Math.PI), 1e-12);
    assertEquals(Math.PI, Acrobot.wrap(Math.PI, -Math.PI, Math.PI), "pi itself stays");
    Acrobot ac = new Acrobot();
    // Fast spin: angle wraps past pi into [-pi, pi], velocities clip.
    Transition<Acrobot.State> t = ac.step(new Acrobot.State(3.0, 0, 12.5, 28.0), 2);
    assertTrue(t.state().theta1() >= -Math.PI && t.state().theta1() <= Math.PI);
    assertTrue(t.state().theta2() >= -Math.PI && t.state().theta2() <= Math.PI);
    assertTrue(Math.abs(t.state().dtheta1()) <= 4 * Math.PI);
    assertTrue(Math.abs(t.state().dtheta2()) <= 9 * Math.PI);
    Transition<Acrobot.State> huge = ac.step(new Acrobot.State(0, 0, 100, -100), 1);
    assertEquals(4 * Math.PI, Math.abs(huge.state().dtheta1()));
    assertEquals(9 * Math.PI, Math.abs(huge.state().dtheta2()));
    // Upright (both links above the pivot): -cos(pi) - cos(pi) = 2 > 1.
    Transition<Acrobot.State> up = ac.step(new Acrobot.State(Math.PI, 0, 0, 0), 1);
    assertTrue(up.terminated());
    assertEquals(0.0, up.reward());
    // Observation layout.
    assertArrayEquals(new float[] {(float) Math.cos(0.3), (float) Math.sin(0.3), (float) Math.cos(-0.2), (float) Math.sin(-0.2), 0.5f, -1f},
        ac.observation(new Acrobot.State(0.3, -0.2, 0.5, -1.0)));
    // Reset values are float32-rounded uniforms in [-0.1, 0.1].
    Rng rng = new Rng(9);
    for (int k = 0; k < 100; k++) {
      Acrobot.State s = ac.initialState(rng);
      for (double v : new double[] {s.theta1(), s.theta2(), s.dtheta1(), s.dtheta2()}) {
        assertTrue(v >= -0.1 && v <= 0.1);
        assertEquals((float) v, v);
      }
    }
  }

  @Test
  void mountainCarStepWallAndGoal() {
    MountainCar mc = new MountainCar();
    Transition<MountainCar.State> t = mc.step(new MountainCar.State(-0.5, 0.01), 2);
    double v = 0.01 + 0.001 + Math.cos(3 * -0.5) * -0.0025;
    assertEquals(v, t.state().velocity(), EPS);
    assertEquals(-0.5 + v, t.state().position(), EPS);
    assertEquals(-1.0, t.reward());
    assertFalse(t.terminated());
    // Speed clip.
    assertEquals(0.07, mc.step(new MountainCar.State(-0.5, 0.07), 2).state().velocity());
    // Left wall: position clipped to -1.2 and the negative velocity zeroed.
    Transition<MountainCar.State> wall = mc.step(new MountainCar.State(-1.19, -0.05), 0);
    assertEquals(-1.2, wall.state().position());
    assertEquals(0.0, wall.state().velocity());
    // Goal: position >= 0.5 with velocity >= 0.
    Transition<MountainCar.State> goal = mc.step(new MountainCar.State(0.49, 0.02), 1);
    assertTrue(goal.terminated());
    assertEquals(-1.0, goal.reward());
    assertFalse(mc.step(new MountainCar.State(0.3, 0.0), 1).terminated());
    Rng rng = new Rng(10);
    for (int k = 0; k < 100; k++) {
      MountainCar.State s = mc.initialState(rng);
      assertTrue(s.position() >= -0.6 && s.position() < -0.4);
      assertEquals(0.0, s.velocity());
    }
  }

  @Test
  void mountainCarContinuousRewardUsesTheUnclippedActionAndStateIsFloat32() {
    MountainCarContinuous mc = new MountainCarContinuous();
    assertEquals(0.45, MountainCarContinuous.GOAL_POSITION);
    assertEquals(0.0015, MountainCarContinuous.POWER);
    Transition<MountainCarContinuous.State> t = mc.step(new MountainCarContinuous.State(-0.5, 0.01), new float[] {2.0f});
    double v = 0.01 + 1.0 * 0.0015 - 0.0025 * Math.cos(3 * -0.5); // force clipped to 1
    assertEquals((float) v, t.state().velocity(), 0.0);
    assertEquals((float) (-0.5 + v), t.state().position(), 0.0);
    assertEquals(-0.1 * 4.0, t.reward(), EPS, "penalty uses the unclipped action");
    Transition<MountainCarContinuous.State> goal = mc.step(new MountainCarContinuous.State(0.44, 0.03), new float[] {0.5f});
    assertTrue(goal.terminated());
    assertEquals(100.0 - 0.1 * 0.25, goal.reward(), EPS);
    Transition<MountainCarContinuous.State> wall = mc.step(new MountainCarContinuous.State(-1.19, -0.05), new float[] {-1f});
    assertEquals((float) -1.2, wall.state().position(), 0.0);
    assertEquals(0.0, wall.state().velocity());
  }

  @Test
  void makeAppliesGymnasiumTimeLimits() {
    String[] ids = {"CartPole-v1", "Pendulum-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0"};
    int[] limits = {500, 200, 500, 200, 999};
    for (int i = 0; i < ids.length; i++) {
      Env<?, ?> e = Envs.make(ids[i]);
      assertInstanceOf(TimeLimit.class, e, ids[i]);
      assertEquals(limits[i], ((TimeLimit<?, ?>) e).maxEpisodeSteps(), ids[i]);
    }
    // Pendulum never terminates: the 200th step truncates, and only it.
    Env<float[], float[]> p = Envs.make("Pendulum-v1");
    p.reset(3L);
    for (int k = 1; k <= 200; k++) {
      StepResult<float[]> r = p.step(new float[] {0.5f});
      assertFalse(r.terminated());
      assertEquals(k == 200, r.truncated(), "step " + k);
      assertTrue(r.reward() <= 0 && r.reward() >= -(Math.PI * Math.PI + 0.1 * 64 + 0.001 * 4));
      assertTrue(p.observationSpace().contains(r.observation()));
    }
  }
}
