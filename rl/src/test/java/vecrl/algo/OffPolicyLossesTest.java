package vecrl.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vecrl.autodiff.GradCheck;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.nn.Activation;
import vecrl.nn.Linear;
import vecrl.nn.MLP;
import vecrl.policy.MlpDeterministicPolicy;
import vecrl.policy.MlpDiscreteSacPolicy;
import vecrl.policy.MlpSacPolicy;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * The SAC, TD3, DDPG and discrete SAC losses on small fixed batches: values against closed forms
 * written out by hand for linear networks (one layer each, so every quantity is a line of
 * arithmetic below), and the gradients of every loss against double-precision central differences
 * of an independent double implementation, on networks with a hidden layer.
 */
final class OffPolicyLossesTest {
  static final Kernels K = Backends.byName("scalar");
  static final double LOG_2PI_HALF = 0.5 * Math.log(2 * Math.PI);
  static final double TOL = 2e-6;

  static final Box OBS1 = new Box(-10f, 10f, 1);
  static final Box ACT1 = new Box(-2f, 2f, 1);

  // The fixed batch: one observation and one action dimension, three rows.
  static final float[] S = {0.4f, -1.2f, 0.9f}, A = {0.3f, -0.7f, 0.95f}, R = {1.0f, -0.5f, 0.25f}, D = {0f, 1f, 0f},
      S2 = {0.6f, -1.0f, 5.0f}, EPS2 = {0.5f, -1.5f, 0.1f}, EPS = {-0.3f, 0.8f, 1.7f};
  static final float GAMMA = 0.99f;

  static void set(Linear l, float[][] w, float[] b) {
    l.weight().value().copyFrom(Tensor.matrix(w));
    l.bias().value().copyFrom(Tensor.vector(b));
  }

  static Linear only(MLP m) {
    assertEquals(1, m.layers().size());
    return m.layers().get(0);
  }

  static Tensor col(float[] v) {
    return Tensor.of(v.clone(), v.length, 1);
  }

  // ------------------------------------------------------------ SAC by hand

  /** Linear SAC networks: mu = 0.5 s + 0.1, log std = 0.2 s - 1; Q0 = s - 0.5 a + 0.2, Q1 = 0.8 s + 0.3 a - 0.1; targets below. */
  static MlpSacPolicy linearSac() {
    MlpSacPolicy p = new MlpSacPolicy(OBS1, ACT1, new int[0], new int[0], Activation.RELU, 2, (float) Math.log(0.2), new Rng(1));
    set(only(p.actor()), new float[][] {{0.5f}, {0.2f}}, new float[] {0.1f, -1f});
    set(only(p.critic(0)), new float[][] {{1f, -0.5f}}, new float[] {0.2f});
    set(only(p.critic(1)), new float[][] {{0.8f, 0.3f}}, new float[] {-0.1f});
    set(only(p.target(0)), new float[][] {{0.9f, -0.4f}}, new float[] {0.1f});
    set(only(p.target(1)), new float[][] {{0.7f, 0.2f}}, new float[] {0f});
    return p;
  }

  /** log pi of a tanh-squashed Gaussian sample u = mu + exp(ls) eps, written out directly. */
  static double squashedLogp(double ls, double eps, double u) {
    double t = Math.tanh(u);
    return -0.5 * eps * eps - ls - LOG_2PI_HALF - Math.log(1 - t * t);
  }

  @Test
  void sacTargetMatchesHandValues() {
    MlpSacPolicy p = linearSac();
    double alpha = 0.2;
    assertEquals(alpha, p.alpha(), 1e-7);
    Tensor y = Tensor.zeros(3, 1);
    OffPolicyLosses.sacTarget(new Tape(K), p, col(S2), col(EPS2), Tensor.vector(R), Tensor.vector(D), p.alpha(), GAMMA, y);
    for (int r = 0; r < 3; r++) {
      double s = S2[r], mu = 0.5 * s + 0.1, ls = 0.2 * s - 1, u = mu + Math.exp(ls) * EPS2[r], a = Math.tanh(u);
      double q0 = 0.9 * s - 0.4 * a + 0.1, q1 = 0.7 * s + 0.2 * a;
      double expected = R[r] + (1 - D[r]) * GAMMA * (Math.min(q0, q1) - alpha * squashedLogp(ls, EPS2[r], u));
      assertEquals(expected, y.get(r), TOL, "row " + r);
    }
    // Row 1 is terminal: the target is its reward alone.
    assertEquals(-0.5f, y.get(1), 0f);
  }

  @Test
  void sacCriticActorAndTemperatureLossesMatchHandValues() {
    MlpSacPolicy p = linearSac();
    double alpha = 0.2;
    Tensor y = Tensor.of(new float[] {1.5f, -0.5f, 2.0f}, 3, 1);
    Tape tape = new Tape(K);
    Var obs = tape.input(col(S));
    Var loss = OffPolicyLosses.sacCriticLoss(tape, p, obs, tape.input(col(A)), y);
    double l0 = 0, l1 = 0, g0 = 0, g1 = 0;
    for (int r = 0; r < 3; r++) {
      double q0 = S[r] - 0.5 * A[r] + 0.2, q1 = 0.8 * S[r] + 0.3 * A[r] - 0.1;
      l0 += Math.pow(q0 - y.get(r), 2) / 3;
      l1 += Math.pow(q1 - y.get(r), 2) / 3;
      g0 += (q0 - y.get(r)) / 3;  // d/d bias of 0.5 mean((q - y)^2)
      g1 += (q1 - y.get(r)) / 3;
    }
    assertEquals(0.5 * (l0 + l1), loss.item(), TOL);
    p.parameters().zeroGrad();
    tape.backward(loss);
    assertEquals(g0, p.critic(0).layers().get(0).bias().grad().get(0), TOL);
    assertEquals(g1, p.critic(1).layers().get(0).bias().grad().get(0), TOL);

    // The actor's loss and the temperature's, on a fresh reparameterised sample of the same observations.
    tape.clear();
    obs = tape.input(col(S));
    MlpSacPolicy.Sample sm = p.sample(obs, col(EPS));
    Var actorLoss = OffPolicyLosses.sacActorLoss(p, obs, sm, (float) alpha);
    double expectActor = 0, meanLogp = 0;
    for (int r = 0; r < 3; r++) {
      double s = S[r], mu = 0.5 * s + 0.1, ls = 0.2 * s - 1, u = mu + Math.exp(ls) * EPS[r], a = Math.tanh(u);
      double logp = squashedLogp(ls, EPS[r], u);
      assertEquals(a, sm.action().value().get(r), TOL);
      assertEquals(logp, sm.logProb().value().get(r), 4 * TOL);
      double q0 = s - 0.5 * a + 0.2, q1 = 0.8 * s + 0.3 * a - 0.1;
      expectActor += (alpha * logp - Math.min(q0, q1)) / 3;
      meanLogp += logp / 3;
    }
    assertEquals(expectActor, actorLoss.item(), 4 * TOL);
    Tensor logp = sm.logProb().value().copy();
    Var tLoss = OffPolicyLosses.temperatureLoss(tape, p.logAlpha(), logp, -1f);
    assertEquals(-Math.log(alpha) * (meanLogp - 1), tLoss.item(), 4 * TOL);
    p.parameters().zeroGrad();
    tape.backward(tLoss);
    assertEquals(-(meanLogp - 1), p.logAlpha().grad().get(0), 4 * TOL);
  }

  @Test
  void squashedLogProbIsFiniteFarIntoTheTanhTail() {
    // u = 30: tanh(u) is 1 in float, so log(1 - tanh^2) would be -inf; the stable form gives 2 (log 2 - u - softplus(-2u)).
    MlpSacPolicy p = linearSac();
    set(only(p.actor()), new float[][] {{0f}, {0f}}, new float[] {30f, 0f});
    Tape tape = new Tape(K);
    MlpSacPolicy.Sample sm = p.sample(tape.input(col(S)), Tensor.zeros(3, 1));
    double expected = -LOG_2PI_HALF - 2 * (Math.log(2) - 30 - Math.log1p(Math.exp(-60)));
    for (int r = 0; r < 3; r++) assertEquals(expected, sm.logProb().value().get(r), 1e-5 * Math.abs(expected));
  }

  // ------------------------------------------------------------ TD3 / DDPG by hand

  static MlpDeterministicPolicy linearDeterministic(int critics) {
    MlpDeterministicPolicy p = new MlpDeterministicPolicy("TD3", OBS1, ACT1, new int[0], new int[0], Activation.RELU, critics, new Rng(2));
    ParameterSet a = p.actorParameters(), at = p.actorTargetParameters(), c = p.criticParameters(), t = p.targetParameters();
    a.get(0).value().set(0, 0.5f); a.get(1).value().set(0, 0.1f);          // mu(s) = tanh(0.5 s + 0.1)
    at.get(0).value().set(0, 0.4f); at.get(1).value().set(0, 0.05f);       // mu'(s) = tanh(0.4 s + 0.05)
    c.get(0).value().copyFrom(Tensor.matrix(new float[][] {{1f, -0.5f}})); c.get(1).value().set(0, 0.2f);
    t.get(0).value().copyFrom(Tensor.matrix(new float[][] {{0.9f, -0.4f}})); t.get(1).value().set(0, 0.1f);
    if (critics == 2) {
      c.get(2).value().copyFrom(Tensor.matrix(new float[][] {{0.8f, 0.3f}})); c.get(3).value().set(0, -0.1f);
      t.get(2).value().copyFrom(Tensor.matrix(new float[][] {{0.7f, 0.2f}})); t.get(3).value().set(0, 0f);
    }
    return p;
  }

  @Test
  void td3TargetSmoothsClipsAndTakesTheMinimum() {
    MlpDeterministicPolicy p = linearDeterministic(2);
    Tensor eps = Tensor.of(new float[] {0.5f, -3.0f, 4.0f}, 3, 1), noise = Tensor.zeros(3, 1);
    OffPolicyLosses.smoothingNoise(eps, 0.2f, 0.5f, noise);
    assertEquals(0.1f, noise.get(0), 1e-7f);
    assertEquals(-0.5f, noise.get(1), 0f);   // -0.6 clipped
    assertEquals(0.5f, noise.get(2), 0f);    // 0.8 clipped
    Tensor y = Tensor.zeros(3, 1);
    OffPolicyLosses.td3Target(new Tape(K), p, col(S2), noise, Tensor.vector(R), Tensor.vector(D), GAMMA, y);
    double[] n = {0.1, -0.5, 0.5};
    for (int r = 0; r < 3; r++) {
      double s = S2[r], a = Math.max(-1, Math.min(1, Math.tanh(0.4 * s + 0.05) + n[r]));
      double q0 = 0.9 * s - 0.4 * a + 0.1, q1 = 0.7 * s + 0.2 * a;
      assertEquals(R[r] + (1 - D[r]) * GAMMA * Math.min(q0, q1), y.get(r), TOL, "row " + r);
    }
    // Row 2: tanh(2.05) + 0.5 > 1, so the smoothed action is clipped to 1.
    assertTrue(Math.tanh(0.4 * 5 + 0.05) + 0.5 > 1);
  }

  @Test
  void td3AndDdpgLossesMatchHandValues() {
    for (int critics = 1; critics <= 2; critics++) {
      MlpDeterministicPolicy p = linearDeterministic(critics);
      Tensor y = Tensor.zeros(3, 1);
      OffPolicyLosses.td3Target(new Tape(K), p, col(S2), null, Tensor.vector(R), Tensor.vector(D), GAMMA, y);
      for (int r = 0; r < 3; r++) {
        double s = S2[r], a = Math.tanh(0.4 * s + 0.05);
        double q = 0.9 * s - 0.4 * a + 0.1;
        if (critics == 2) q = Math.min(q, 0.7 * s + 0.2 * a);
        assertEquals(R[r] + (1 - D[r]) * GAMMA * q, y.get(r), TOL);
      }
      Tape tape = new Tape(K);
      Var obs = tape.input(col(S));
      Var loss = OffPolicyLosses.td3CriticLoss(tape, p, obs, tape.input(col(A)), y);
      double expect = 0;
      for (int r = 0; r < 3; r++) {
        expect += Math.pow(S[r] - 0.5 * A[r] + 0.2 - y.get(r), 2) / 3;
        if (critics == 2) expect += Math.pow(0.8 * S[r] + 0.3 * A[r] - 0.1 - y.get(r), 2) / 3;
      }
      assertEquals(expect, loss.item(), TOL);
      tape.clear();
      obs = tape.input(col(S));
      Var actor = OffPolicyLosses.td3ActorLoss(p, obs);
      double ea = 0, dW = 0;
      for (int r = 0; r < 3; r++) {
        double m = Math.tanh(0.5 * S[r] + 0.1);
        ea -= (S[r] - 0.5 * m + 0.2) / 3;
        dW -= (-0.5) * (1 - m * m) * S[r] / 3;  // d/dW of -Q0(s, tanh(W s + b)), W = 0.5
      }
      assertEquals(ea, actor.item(), TOL);
      p.parameters().zeroGrad();
      tape.backward(actor);
      assertEquals(dW, p.actorParameters().get(0).grad().get(0), TOL);
    }
  }

  // ------------------------------------------------------------ discrete SAC by hand

  @Test
  void discreteSacLossesMatchHandValues() {
    MlpDiscreteSacPolicy p = new MlpDiscreteSacPolicy(OBS1, new Discrete(2), new int[0], new int[0], Activation.RELU, 2,
        (float) Math.log(0.3), new Rng(3));
    double alpha = 0.3;
    // logits = (s, -s + 0.5); Q0 = (s, 2s), Q1 = (0.5, -s); Q0' = (s + 1, 0), Q1' = (0.3 s, s)
    set(only(p.actor()), new float[][] {{1f}, {-1f}}, new float[] {0f, 0.5f});
    set(only(p.critic(0)), new float[][] {{1f}, {2f}}, new float[] {0f, 0f});
    set(only(p.critic(1)), new float[][] {{0f}, {-1f}}, new float[] {0.5f, 0f});
    ParameterSet t = p.targetParameters();
    t.get(0).value().copyFrom(Tensor.matrix(new float[][] {{1f}, {0f}})); t.get(1).value().copyFrom(Tensor.vector(1f, 0f));
    t.get(2).value().copyFrom(Tensor.matrix(new float[][] {{0.3f}, {1f}})); t.get(3).value().copyFrom(Tensor.vector(0f, 0f));

    Tensor y = Tensor.zeros(3, 1);
    OffPolicyLosses.discreteSacTarget(new Tape(K), p, col(S2), Tensor.vector(R), Tensor.vector(D), p.alpha(), GAMMA, y);
    for (int r = 0; r < 3; r++) {
      double s = S2[r];
      double[] pi = softmax(s, -s + 0.5);
      double v = pi[0] * (Math.min(s + 1, 0.3 * s) - alpha * Math.log(pi[0])) + pi[1] * (Math.min(0, s) - alpha * Math.log(pi[1]));
      assertEquals(R[r] + (1 - D[r]) * GAMMA * v, y.get(r), TOL, "row " + r);
    }

    int[] actions = {1, 0, 1};
    Tape tape = new Tape(K);
    Var obs = tape.input(col(S));
    Var critic = OffPolicyLosses.discreteSacCriticLoss(tape, p, obs, actions, y);
    double ec = 0;
    for (int r = 0; r < 3; r++) {
      double s = S[r];
      double q0 = actions[r] == 0 ? s : 2 * s, q1 = actions[r] == 0 ? 0.5 : -s;
      ec += 0.5 * (Math.pow(q0 - y.get(r), 2) + Math.pow(q1 - y.get(r), 2)) / 3;
    }
    assertEquals(ec, critic.item(), TOL);

    tape.clear();
    obs = tape.input(col(S));
    Var actor = OffPolicyLosses.discreteSacActorLoss(tape, p, obs, (float) alpha);
    double ea = 0;
    for (int r = 0; r < 3; r++) {
      double s = S[r];
      double[] pi = softmax(s, -s + 0.5);
      ea += (pi[0] * (alpha * Math.log(pi[0]) - Math.min(s, 0.5)) + pi[1] * (alpha * Math.log(pi[1]) - Math.min(2 * s, -s))) / 3;
    }
    assertEquals(ea, actor.item(), TOL);
    p.parameters().zeroGrad();
    tape.backward(actor);
    // The critics are constants of the actor's loss.
    for (Parameter q : p.criticParameters()) for (float g : q.grad().toArray()) assertEquals(0f, g);
  }

  static double[] softmax(double a, double b) {
    double m = Math.max(a, b), ea = Math.exp(a - m), eb = Math.exp(b - m);
    return new double[] {ea / (ea + eb), eb / (ea + eb)};
  }

  // ------------------------------------------------------------ finite differences

  /** A double forward pass of an MLP (hidden tanh, identity output) from flat parameters, layer by layer: W [out, in] then b. */
  static final class RefMlp {
    final int[] sizes;
    RefMlp(int... sizes) { this.sizes = sizes; }

    int count() {
      int n = 0;
      for (int i = 0; i + 1 < sizes.length; i++) n += 2;
      return n;
    }

    /** Reads its parameters from {@code p[from ..]} (one array per parameter); returns [rows][out]. */
    double[][] forward(double[][] x, double[][] p, int from) {
      double[][] h = x;
      for (int l = 0; l + 1 < sizes.length; l++) {
        double[] w = p[from + 2 * l], b = p[from + 2 * l + 1];
        int in = sizes[l], out = sizes[l + 1];
        double[][] next = new double[h.length][out];
        for (int r = 0; r < h.length; r++) {
          for (int o = 0; o < out; o++) {
            double s = b[o];
            for (int i = 0; i < in; i++) s += w[o * in + i] * h[r][i];
            next[r][o] = l + 2 < sizes.length ? Math.tanh(s) : s;
          }
        }
        h = next;
      }
      return h;
    }
  }

  static double[][] concat(double[][] a, double[][] b) {
    double[][] c = new double[a.length][];
    for (int r = 0; r < a.length; r++) {
      c[r] = new double[a[r].length + b[r].length];
      System.arraycopy(a[r], 0, c[r], 0, a[r].length);
      System.arraycopy(b[r], 0, c[r], a[r].length, b[r].length);
    }
    return c;
  }

  static double[][] rows(Tensor t) {
    double[][] x = new double[t.rows()][t.cols()];
    for (int r = 0; r < t.rows(); r++) for (int c = 0; c < t.cols(); c++) x[r][c] = t.get(r, c);
    return x;
  }

  static Parameter[] params(ParameterSet... sets) {
    List<Parameter> out = new ArrayList<>();
    for (ParameterSet s : sets) for (Parameter p : s) out.add(p);
    return out.toArray(new Parameter[0]);
  }

  static final int B = 5, OD = 3, AD = 2, H = 4;
  static final Box OBS3 = new Box(-5f, 5f, OD), ACT2 = new Box(-1f, 1f, AD);

  static Tensor randn(Rng rng, int r, int c, float std) {
    Tensor t = Tensor.zeros(r, c);
    rng.fillNormal(t, 0f, std);
    return t;
  }

  static void check(GradCheck.TapeFunction f, GradCheck.ReferenceFunction ref, Parameter[] ps) {
    GradCheck.againstReference(K, f, ref, new Tensor[0], ps, 1e-6, 2e-5, 2e-3).assertPassed();
  }

  @Test
  void sacLossGradientsMatchFiniteDifferences() {
    Rng rng = new Rng(11);
    MlpSacPolicy p = new MlpSacPolicy(OBS3, ACT2, new int[] {H}, new int[] {H}, Activation.TANH, 2, -0.7f, rng);
    Tensor obs = randn(rng, B, OD, 1f), act = Tensor.zeros(B, AD), eps = randn(rng, B, AD, 1f), y = randn(rng, B, 1, 1f);
    rng.fillUniform(act, -0.9f, 0.9f);
    RefMlp actor = new RefMlp(OD, H, 2 * AD), q = new RefMlp(OD + AD, H, 1);
    float alpha = 0.37f;

    // Critic loss: the parameters of both critics.
    Parameter[] cp = params(p.criticParameters());
    check((tape, in) -> OffPolicyLosses.sacCriticLoss(tape, p, tape.input(obs), tape.input(act), y), x -> {
      double[][] sa = concat(rows(obs), rows(act));
      double l = 0;
      for (int i = 0; i < 2; i++) {
        double[][] qv = q.forward(sa, x, i * q.count());
        for (int r = 0; r < B; r++) l += 0.5 * Math.pow(qv[r][0] - y.get(r), 2) / B;
      }
      return l;
    }, cp);

    // Actor loss: the actor's and the critics' parameters (the gradient reaches both; training steps only the actor's).
    Parameter[] ap = params(p.actorParameters(), p.criticParameters());
    check((tape, in) -> {
      Var o = tape.input(obs);
      return OffPolicyLosses.sacActorLoss(p, o, p.sample(o, eps), alpha);
    }, x -> {
      double[][] out = actor.forward(rows(obs), x, 0);
      double[][] a = new double[B][AD];
      double[] logp = new double[B];
      for (int r = 0; r < B; r++) {
        for (int j = 0; j < AD; j++) {
          double ls = Math.max(MlpSacPolicy.LOG_STD_MIN, Math.min(MlpSacPolicy.LOG_STD_MAX, out[r][AD + j]));
          double u = out[r][j] + Math.exp(ls) * eps.get(r, j);
          a[r][j] = Math.tanh(u);
          logp[r] += squashedLogp(ls, eps.get(r, j), u);
        }
      }
      double[][] sa = concat(rows(obs), a);
      double[][] q0 = q.forward(sa, x, actor.count()), q1 = q.forward(sa, x, actor.count() + q.count());
      double l = 0;
      for (int r = 0; r < B; r++) l += (alpha * logp[r] - Math.min(q0[r][0], q1[r][0])) / B;
      return l;
    }, ap);

    // Temperature loss: log alpha.
    Tensor logp = randn(rng, B, 1, 1f);
    check((tape, in) -> OffPolicyLosses.temperatureLoss(tape, p.logAlpha(), logp, -2f), x -> {
      double l = 0;
      for (int r = 0; r < B; r++) l += -x[0][0] * (logp.get(r) - 2) / B;
      return l;
    }, params(p.alphaParameters()));
  }

  @Test
  void td3AndDdpgLossGradientsMatchFiniteDifferences() {
    for (int critics = 1; critics <= 2; critics++) {
      Rng rng = new Rng(12 + critics);
      MlpDeterministicPolicy p = new MlpDeterministicPolicy("TD3", OBS3, ACT2, new int[] {H}, new int[] {H}, Activation.TANH, critics, rng);
      Tensor obs = randn(rng, B, OD, 1f), act = Tensor.zeros(B, AD), y = randn(rng, B, 1, 1f);
      rng.fillUniform(act, -0.9f, 0.9f);
      RefMlp actor = new RefMlp(OD, H, AD), q = new RefMlp(OD + AD, H, 1);
      int n = critics;
      check((tape, in) -> OffPolicyLosses.td3CriticLoss(tape, p, tape.input(obs), tape.input(act), y), x -> {
        double[][] sa = concat(rows(obs), rows(act));
        double l = 0;
        for (int i = 0; i < n; i++) {
          double[][] qv = q.forward(sa, x, i * q.count());
          for (int r = 0; r < B; r++) l += Math.pow(qv[r][0] - y.get(r), 2) / B;
        }
        return l;
      }, params(p.criticParameters()));
      check((tape, in) -> OffPolicyLosses.td3ActorLoss(p, tape.input(obs)), x -> {
        double[][] a = actor.forward(rows(obs), x, 0);
        for (double[] row : a) for (int j = 0; j < AD; j++) row[j] = Math.tanh(row[j]);
        double[][] q0 = q.forward(concat(rows(obs), a), x, actor.count());
        double l = 0;
        for (int r = 0; r < B; r++) l -= q0[r][0] / B;
        return l;
      }, params(p.actorParameters(), p.criticParameters()));
    }
  }

  @Test
  void discreteSacLossGradientsMatchFiniteDifferences() {
    Rng rng = new Rng(21);
    int nA = 3;
    MlpDiscreteSacPolicy p = new MlpDiscreteSacPolicy(OBS3, new Discrete(nA), new int[] {H}, new int[] {H}, Activation.TANH, 2, 0f, rng);
    Tensor obs = randn(rng, B, OD, 1f), y = randn(rng, B, 1, 1f);
    int[] actions = {0, 2, 1, 1, 0};
    RefMlp net = new RefMlp(OD, H, nA);
    float alpha = 0.4f;
    check((tape, in) -> OffPolicyLosses.discreteSacCriticLoss(tape, p, tape.input(obs), actions, y), x -> {
      double l = 0;
      for (int i = 0; i < 2; i++) {
        double[][] qv = net.forward(rows(obs), x, i * net.count());
        for (int r = 0; r < B; r++) l += 0.5 * Math.pow(qv[r][actions[r]] - y.get(r), 2) / B;
      }
      return l;
    }, params(p.criticParameters()));
    // The actor's loss holds the critics constant: check the actor's parameters, with the critics' values fixed.
    double[][] cvals = new double[p.criticParameters().size()][];
    for (int i = 0; i < cvals.length; i++) {
      Tensor v = p.criticParameters().get(i).value();
      cvals[i] = new double[v.size()];
      for (int j = 0; j < v.size(); j++) cvals[i][j] = v.get(j);
    }
    check((tape, in) -> OffPolicyLosses.discreteSacActorLoss(tape, p, tape.input(obs), alpha), x -> {
      double[][] logits = net.forward(rows(obs), x, 0);
      double[][] q0 = net.forward(rows(obs), cvals, 0), q1 = net.forward(rows(obs), cvals, net.count());
      double l = 0;
      for (int r = 0; r < B; r++) {
        double m = Double.NEGATIVE_INFINITY, z = 0;
        for (double v : logits[r]) m = Math.max(m, v);
        for (double v : logits[r]) z += Math.exp(v - m);
        for (int a = 0; a < nA; a++) {
          double logpi = logits[r][a] - m - Math.log(z);
          l += Math.exp(logpi) * (alpha * logpi - Math.min(q0[r][a], q1[r][a])) / B;
        }
      }
      return l;
    }, params(p.actorParameters()));
  }
}
