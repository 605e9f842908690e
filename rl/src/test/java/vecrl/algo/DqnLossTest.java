package vecrl.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import vecrl.autodiff.GradCheck;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.Tape;
import vecrl.nn.Activation;
import vecrl.policy.MlpQPolicy;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.train.Presets;
import vecrl.train.TrainConfig;

/**
 * DQN's TD targets and Huber loss on a fixed batch of three, against values derived by hand; and the
 * loss's gradient against double-precision central differences of an independent double reference.
 *
 * <p>The hand example: observations of 2, actions 2, networks without hidden layers, so Q is linear:
 * the online network is the identity, {@code Q(s) = s}; the target is {@code Q_t(s) = [2 s0, s1]};
 * gamma 0.5.
 *
 * <pre>
 * row  s          a  r   s'          term trunc  Q(s,a)  DQN: max Q_t(s')  y     double: argmax Q(s') -> Q_t  y
 *  0   [1, 2]     1  1   [1, 1.5]    0    0      2       [2, 1.5] -> 2     2     1 -> 1.5                    1.75
 *  1   [0.5, -1]  0  0   [1, 4]      1    0      0.5     (terminated)      0     (terminated)                0
 *  2   [2, 0]     0  -1  [0.25, 1]   0    1      2       [0.5, 1] -> 1     -0.5  1 -> 1                      -0.5
 * </pre>
 *
 * TD errors {@code Q(s,a) - y}: DQN [0, 0.5, 2.5], double [0.25, 0.5, 2.5]. Huber (delta 1): {@code
 * 0.5 d^2} for |d| <= 1, {@code |d| - 0.5} beyond: DQN (0 + 0.125 + 2) / 3 = 0.708333, double
 * (0.03125 + 0.125 + 2) / 3 = 0.71875. The truncated row bootstraps, the terminated one does not.
 */
final class DqnLossTest {
  private static final Kernels SCALAR = Backends.byName("scalar");
  private static final Box OBS = new Box(-10f, 10f, 2);

  private static SampleBatch batch() {
    SampleBatch b = new SampleBatch(3);
    b.put(SampleBatch.OBS, SampleBatch.Floats.of(new float[] {1, 2, 0.5f, -1, 2, 0}, 2));
    b.put(SampleBatch.ACTIONS, SampleBatch.Floats.of(new float[] {1, 0, 0}, 1));
    b.put(SampleBatch.REWARDS, SampleBatch.Floats.of(new float[] {1, 0, -1}, 1));
    b.put(SampleBatch.NEW_OBS, SampleBatch.Floats.of(new float[] {1, 1.5f, 1, 4, 0.25f, 1}, 2));
    b.put(SampleBatch.TERMINATEDS, SampleBatch.Floats.of(new float[] {0, 1, 0}, 1));
    b.put(SampleBatch.TRUNCATEDS, SampleBatch.Floats.of(new float[] {0, 0, 1}, 1));
    return b;
  }

  private static TemplatePolicy policy(boolean doubleQ) {
    TrainConfig c = Presets.forEnv("dqn", "CartPole-v1").with(Map.of("gamma", "0.5", "doubleQ", String.valueOf(doubleQ)));
    MlpQPolicy q = new MlpQPolicy(OBS, new Discrete(2), new int[0], Activation.RELU, false, new Rng(1));
    q.parameters().get(0).value().copyFrom(new float[] {1, 0, 0, 1}); // [out, in]
    q.parameters().get(1).value().copyFrom(new float[] {0, 0});
    TemplatePolicy p = Algorithms.dqn().build(q, c, SCALAR);
    MlpQPolicy target = p.mixin(Dqn.State.class).target();
    assertArrayEquals(new float[] {1, 0, 0, 1}, target.parameters().get(0).value().toArray(), "the target starts as a copy");
    target.parameters().get(0).value().copyFrom(new float[] {2, 0, 0, 1});
    return p;
  }

  @Test
  void dqnTargetsAndLossByHand() {
    TemplatePolicy p = policy(false);
    SampleBatch b = batch();
    var loss = Dqn.loss(p, p.model(), p.distClass(), b);
    Dqn.State st = p.mixin(Dqn.State.class);
    assertArrayEquals(new float[] {2, 0, -0.5f}, st.targets());
    assertArrayEquals(new float[] {0, 0.5f, 2.5f}, st.tdError());
    assertEquals(2.125 / 3, loss.item(), 1e-7);
  }

  @Test
  void doubleDqnTargetsAndLossByHand() {
    TemplatePolicy p = policy(true);
    var loss = Dqn.loss(p, p.model(), p.distClass(), batch());
    Dqn.State st = p.mixin(Dqn.State.class);
    assertArrayEquals(new float[] {1.75f, 0, -0.5f}, st.targets());
    assertArrayEquals(new float[] {0.25f, 0.5f, 2.5f}, st.tdError());
    assertEquals(2.15625 / 3, loss.item(), 1e-7);
  }

  @Test
  void gradientOfTheLossByHand() {
    // dL/dQ(s_i, a_i) = clip(d_i, -1, 1) / 3 = [0, 0.5, 1] / 3; Q = W s + b, so dL/dW[a_i] += that * s_i, dL/db[a_i] += that
    TemplatePolicy p = policy(false);
    var loss = Dqn.loss(p, p.model(), p.distClass(), batch());
    p.model().parameters().zeroGrad();
    p.tape().backward(loss);
    float third = 1f / 3;
    // row 1 (a 0, s [0.5, -1]) with 0.5/3 and row 2 (a 0, s [2, 0]) with 1/3: W[0] = [0.25/3 + 2/3, -0.5/3]; W[1] = row 0 with 0
    float[] gw = p.model().parameters().get(0).grad().toArray();
    assertArrayEquals(new float[] {2.25f * third, -0.5f * third, 0, 0}, gw, 1e-7f);
    assertArrayEquals(new float[] {1.5f * third, 0}, p.model().parameters().get(1).grad().toArray(), 1e-7f);
  }

  /** The loss's gradient with respect to every parameter of a small tanh Q-network, against central differences of a double reference. */
  @Test
  void gradientMatchesCentralDifferencesInDouble() {
    MlpQPolicy q = new MlpQPolicy(OBS, new Discrete(3), new int[] {4}, Activation.TANH, false, new Rng(5));
    float[] obs = {0.3f, -1.2f, 1.7f, 0.4f, -0.6f, -0.9f, 2.0f, 1.1f};
    int[] actions = {2, 0, 1, 2};
    float[] y = {0.9f, -1.4f, 0.05f, 3.0f}; // differences on both sides of the Huber threshold
    Tensor obsT = Tensor.wrap(obs, new int[] {4, 2}), yT = Tensor.wrap(y, new int[] {4});
    Parameter[] params = q.parameters().asList().toArray(new Parameter[0]);
    GradCheck.againstReference(SCALAR, (tape, in) -> Dqn.tdLoss(tape, q, obsT, actions, yT), x -> referenceLoss(x, obs, actions, y),
        new Tensor[0], params, 1e-6, 1e-5, 1e-3).assertPassed();
  }

  @Test
  void duelingGradientMatchesCentralDifferencesInDouble() {
    MlpQPolicy q = new MlpQPolicy(OBS, new Discrete(3), new int[] {4}, Activation.TANH, true, new Rng(6));
    float[] obs = {0.3f, -1.2f, 1.7f, 0.4f, -0.6f, -0.9f};
    int[] actions = {2, 0, 1};
    float[] y = {0.9f, -1.4f, 2.5f};
    Tensor obsT = Tensor.wrap(obs, new int[] {3, 2}), yT = Tensor.wrap(y, new int[] {3});
    Parameter[] params = q.parameters().asList().toArray(new Parameter[0]);
    GradCheck.againstReference(SCALAR, (tape, in) -> Dqn.tdLoss(tape, q, obsT, actions, yT), x -> referenceDuelingLoss(x, obs, actions, y),
        new Tensor[0], params, 1e-6, 1e-5, 1e-3).assertPassed();
  }

  private static double huber(double d) {
    double a = Math.abs(d);
    return a <= 1 ? 0.5 * d * d : a - 0.5;
  }

  /** {@code W [out, in] x + b}, then tanh when {@code act}. */
  private static double[] layer(double[] w, double[] b, double[] x, boolean act) {
    int out = b.length, in = x.length;
    double[] h = new double[out];
    for (int o = 0; o < out; o++) {
      double s = b[o];
      for (int i = 0; i < in; i++) s += w[o * in + i] * x[i];
      h[o] = act ? Math.tanh(s) : s;
    }
    return h;
  }

  /** x: W1 [4, 2], b1 [4], W2 [3, 4], b2 [3]. */
  private static double referenceLoss(double[][] x, float[] obs, int[] actions, float[] y) {
    double sum = 0;
    for (int r = 0; r < actions.length; r++) {
      double[] s = {obs[2 * r], obs[2 * r + 1]};
      double[] qv = layer(x[2], x[3], layer(x[0], x[1], s, true), false);
      sum += huber(qv[actions[r]] - y[r]);
    }
    return sum / actions.length;
  }

  /** x: features W [4, 2], b [4]; value W [1, 4], b [1]; advantage W [3, 4], b [3]; Q = V + A - mean(A). */
  private static double referenceDuelingLoss(double[][] x, float[] obs, int[] actions, float[] y) {
    double sum = 0;
    for (int r = 0; r < actions.length; r++) {
      double[] s = {obs[2 * r], obs[2 * r + 1]};
      double[] h = layer(x[0], x[1], s, true);
      double v = layer(x[2], x[3], h, false)[0];
      double[] a = layer(x[4], x[5], h, false);
      double mean = (a[0] + a[1] + a[2]) / 3;
      sum += huber(v + a[actions[r]] - mean - y[r]);
    }
    return sum / actions.length;
  }

  @Test
  void aBoxActionSpaceIsAClearError() {
    var e = assertThrows(IllegalArgumentException.class, () -> new MlpQPolicy(OBS, OBS, new int[] {4}, Activation.RELU, false, new Rng(1)));
    assertTrue(e.getMessage().contains("is not Discrete"), e.getMessage());
  }

  @Test
  void targetUpdatesCountEnvSteps() {
    // SB3: after vector step k, update when k % max(targetUpdateInterval / numEnvs, 1) == 0; tau 0.5 halves the distance
    TrainConfig c = Presets.forEnv("dqn", "CartPole-v1").with(Map.of("numEnvs", "2", "targetUpdateInterval", "6", "tau", "0.5"));
    MlpQPolicy q = new MlpQPolicy(OBS, new Discrete(2), new int[0], Activation.RELU, false, new Rng(1));
    TemplatePolicy p = Algorithms.dqn().build(q, c, SCALAR);
    MlpQPolicy target = p.mixin(Dqn.State.class).target();
    q.parameters().get(1).value().copyFrom(new float[] {4, 8});
    target.parameters().get(1).value().copyFrom(new float[] {0, 0});
    for (long t = 2; t <= 12; t += 2) p.onGlobalVarUpdate(t); // vector steps 1..6: updates at 3 and 6
    assertArrayEquals(new float[] {3, 6}, target.parameters().get(1).value().toArray(), "0 -> 2 -> 3 and 0 -> 4 -> 6");
    assertEquals(2, p.mixin(Dqn.State.class).targetUpdates());
  }
}
