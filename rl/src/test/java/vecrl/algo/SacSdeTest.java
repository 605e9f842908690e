package vecrl.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vecrl.algo.OffPolicyLossesTest.LOG_2PI_HALF;
import static vecrl.algo.OffPolicyLossesTest.col;
import static vecrl.algo.OffPolicyLossesTest.concat;
import static vecrl.algo.OffPolicyLossesTest.only;
import static vecrl.algo.OffPolicyLossesTest.params;
import static vecrl.algo.OffPolicyLossesTest.randn;
import static vecrl.algo.OffPolicyLossesTest.rows;
import static vecrl.algo.OffPolicyLossesTest.set;

import org.junit.jupiter.api.Test;
import vecrl.autodiff.GradCheck;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.nn.Activation;
import vecrl.policy.MlpSacPolicy;
import vecrl.space.Box;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * SAC with gSDE exploration ({@link MlpSacPolicy.Sde}): the sample and its log-probability against
 * the closed form of the squashed Gaussian over exploration matrices, written out for a linear
 * actor; the gradient of the actor loss (through the noise, the variance, the latent features, the
 * clamped mean and {@code log_std}) against double-precision central differences of an independent
 * double implementation; the acting path's noise against the variance the log-probability uses, by
 * sampling; the critic target with the batch's one matrix.
 */
final class SacSdeTest {
  static final Kernels K = Backends.byName("scalar");
  static final Box OBS1 = new Box(-10f, 10f, 1), ACT1 = new Box(-2f, 2f, 1);
  // three rows; the last one's mean 0.5 * 5 + 0.1 = 2.6 is clamped to 2
  static final float[] S = {0.4f, -1.2f, 5.0f}, R = {1.0f, -0.5f, 0.25f}, D = {0f, 1f, 0f}, S2 = {0.6f, -1.0f, 2.0f};
  static final float E = 0.7f, LOG_STD = -1f;

  /** No hidden layer: the latent is the observation; mu = clamp(0.5 s + 0.1, -2, 2); log_std = -1; critics as the plain test's. */
  static MlpSacPolicy linearSde() {
    MlpSacPolicy p = new MlpSacPolicy(OBS1, ACT1, new int[0], new int[0], Activation.RELU, 2, 0f, new MlpSacPolicy.Sde(LOG_STD, 2f),
        new Rng(1));
    assertEquals(1, p.latentDim());
    assertEquals(0, p.actor().layers().size());
    set(only(p.sdeMeanHead()), new float[][] {{0.5f}}, new float[] {0.1f});
    set(only(p.critic(0)), new float[][] {{1f, -0.5f}}, new float[] {0.2f});
    set(only(p.critic(1)), new float[][] {{0.8f, 0.3f}}, new float[] {-0.1f});
    set(only(p.target(0)), new float[][] {{0.9f, -0.4f}}, new float[] {0.1f});
    set(only(p.target(1)), new float[][] {{0.7f, 0.2f}}, new float[] {0f});
    return p;
  }

  /** Closed form for one row of the linear actor: {u, log pi}. */
  static double[] byHand(double s) {
    double mu = Math.max(-2, Math.min(2, 0.5 * s + 0.1));
    double std = Math.exp(LOG_STD), w = std * E;
    double u = mu + s * w;
    double var = s * s * std * std + 1e-6;
    double t = Math.tanh(u);
    double logp = -0.5 * (u - mu) * (u - mu) / var - 0.5 * Math.log(var) - LOG_2PI_HALF - Math.log(1 - t * t);
    return new double[] {u, logp};
  }

  @Test
  void sampleAndLogProbabilityMatchTheClosedForm() {
    MlpSacPolicy p = linearSde();
    Tape tape = new Tape(K);
    MlpSacPolicy.Sample sm = p.sample(tape.input(col(S)), Tensor.full(E, 1, 1));
    for (int r = 0; r < 3; r++) {
      double[] h = byHand(S[r]);
      assertEquals(Math.tanh(h[0]), sm.action().value().get(r), 2e-6, "action row " + r);
      assertEquals(h[1], sm.logProb().value().get(r), 2e-5 * Math.max(1, Math.abs(h[1])), "log pi row " + r);
    }
    // the deterministic action is tanh of the clamped mean
    Tensor mode = p.mode(tape.input(col(S))).value();
    assertEquals(Math.tanh(0.3), mode.get(0), 1e-6);
    assertEquals(Math.tanh(2.0), mode.get(2), 1e-6);
    // noise of the wrong shape (the plain policy's [B, d]) is named
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.sample(tape.input(col(S)), Tensor.zeros(3, 1)));
    assertTrue(e.getMessage().contains("[1, 1]"), e.getMessage());
  }

  @Test
  void criticTargetUsesTheBatchMatrixForTheNextObservations() {
    MlpSacPolicy p = linearSde();
    float alpha = 0.1f, gamma = 0.9999f;
    Tensor y = Tensor.zeros(3, 1);
    OffPolicyLosses.sacTarget(new Tape(K), p, col(S2), Tensor.full(E, 1, 1), col(R), col(D), alpha, gamma, y);
    for (int r = 0; r < 3; r++) {
      double[] h = byHand(S2[r]);
      double a = Math.tanh(h[0]);
      double q0 = 0.9 * S2[r] - 0.4 * a + 0.1, q1 = 0.7 * S2[r] + 0.2 * a;
      double expected = R[r] + (1 - D[r]) * gamma * (Math.min(q0, q1) - alpha * h[1]);
      assertEquals(expected, y.get(r), 2e-5 * Math.max(1, Math.abs(expected)), "row " + r);
    }
  }

  static final int B = 5, OD = 3, AD = 2, H = 4;
  static final Box OBS3 = new Box(-5f, 5f, OD), ACT2 = new Box(-1f, 1f, AD);

  @Test
  void actorLossGradientMatchesFiniteDifferences() {
    Rng rng = new Rng(21);
    MlpSacPolicy p = new MlpSacPolicy(OBS3, ACT2, new int[] {H}, new int[] {H}, Activation.TANH, 2, 0f,
        new MlpSacPolicy.Sde(-0.5f, 2f), rng);
    // log_std entries of their own, so each one's gradient is its own
    rng.fillNormal(p.sdeLogStd().value(), -0.5f, 0.4f);
    Tensor obs = randn(rng, B, OD, 1f), eps = randn(rng, H, AD, 1f);
    float alpha = 0.37f;
    OffPolicyLossesTest.RefMlp trunk = new OffPolicyLossesTest.RefMlp(OD, H), head = new OffPolicyLossesTest.RefMlp(H, AD),
        q = new OffPolicyLossesTest.RefMlp(OD + AD, H, 1);
    Parameter[] ps = params(p.actorParameters(), p.criticParameters());
    int logStdAt = trunk.count() + head.count(), criticsAt = logStdAt + 1;
    GradCheck.againstReference(K, (tape, in) -> {
      Var o = tape.input(obs);
      return OffPolicyLosses.sacActorLoss(p, o, p.sample(o, eps), alpha);
    }, x -> {
      double[][] z = trunk.forward(rows(obs), x, 0);
      for (double[] row : z) for (int k = 0; k < H; k++) row[k] = Math.tanh(row[k]); // the trunk's last layer is activated
      double[][] mu = head.forward(z, x, trunk.count());
      double[] ls = x[logStdAt];
      double[][] a = new double[B][AD];
      double[] logp = new double[B];
      for (int r = 0; r < B; r++) {
        for (int j = 0; j < AD; j++) {
          double m = Math.max(-2, Math.min(2, mu[r][j])), noise = 0, var = 1e-6;
          for (int k = 0; k < H; k++) {
            double std = Math.exp(ls[k * AD + j]);
            noise += z[r][k] * std * eps.get(k, j);
            var += z[r][k] * z[r][k] * std * std;
          }
          double u = m + noise, t = Math.tanh(u);
          a[r][j] = t;
          logp[r] += -0.5 * noise * noise / var - 0.5 * Math.log(var) - LOG_2PI_HALF - Math.log(1 - t * t);
        }
      }
      double[][] sa = concat(rows(obs), a);
      double[][] q0 = q.forward(sa, x, criticsAt), q1 = q.forward(sa, x, criticsAt + q.count());
      double l = 0;
      for (int r = 0; r < B; r++) l += (alpha * logp[r] - Math.min(q0[r][0], q1[r][0])) / B;
      return l;
    }, new Tensor[0], ps, 1e-6, 2e-5, 2e-3).assertPassed();
  }

  @Test
  void actingNoiseHasTheVarianceOfTheLogProbability() {
    Rng rng = new Rng(5);
    MlpSacPolicy p = new MlpSacPolicy(OBS3, ACT2, new int[] {H}, new int[] {H}, Activation.TANH, 2, 0f,
        new MlpSacPolicy.Sde(-1f, 2f), rng);
    rng.fillNormal(p.sdeLogStd().value(), -1f, 0.3f);
    int n = 40_000;
    Tensor one = randn(rng, 1, OD, 1f), obs = Tensor.zeros(n, OD);
    for (int i = 0; i < n; i++) for (int c = 0; c < OD; c++) obs.set(i, c, one.get(0, c));
    Tensor matrices = Tensor.zeros(n, H * AD), out = Tensor.zeros(n, AD);
    p.sampleExplorationMatrices(new Rng(9), matrices);
    p.exploreSde(new Tape(K), obs, matrices, out);
    // the variance the log-probability assumes, from the distribution (log-std 0.5 log var) at this observation
    Tape tape = new Tape(K);
    var dist = (vecrl.distribution.SquashedDiagNormal) p.distribution(tape, tape.input(one), null);
    for (int j = 0; j < AD; j++) {
      double mu = dist.gaussianMean().value().get(0, j), var = Math.exp(2 * dist.logStd().value().get(0, j));
      double sum = 0, sq = 0;
      for (int i = 0; i < n; i++) {
        double noise = atanh(out.get(i, j)) - mu;
        sum += noise;
        sq += noise * noise;
      }
      double mean = sum / n, v = sq / n - mean * mean;
      // standard errors: sqrt(var / n) for the mean, sqrt(2 / n) relative for the variance (0.7%); 5 of each
      assertEquals(0, mean, 5 * Math.sqrt(var / n), "mean of the noise, action " + j);
      assertEquals(var, v, 5 * Math.sqrt(2.0 / n) * var, "variance of the noise, action " + j);
    }
  }

  static double atanh(double t) {
    return 0.5 * Math.log((1 + t) / (1 - t));
  }
}
