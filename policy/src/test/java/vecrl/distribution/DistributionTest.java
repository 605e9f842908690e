package vecrl.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vecrl.autodiff.GradCheck;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

class DistributionTest {
  final Kernels k = Backends.kernels();

  static Tensor m(float[][] v) {
    return Tensor.matrix(v);
  }

  static double[] logSoftmax(double[] l) {
    double max = Double.NEGATIVE_INFINITY;
    for (double x : l) max = Math.max(max, x);
    double s = 0;
    for (double x : l) s += Math.exp(x - max);
    double lse = max + Math.log(s);
    double[] out = new double[l.length];
    for (int i = 0; i < l.length; i++) out[i] = l[i] - lse;
    return out;
  }

  // ---- Categorical ----

  @Test
  void categoricalMatchesClosedForms() {
    float[][] logits = {{0.5f, -1.0f, 2.0f}, {0f, 0f, 0f}};
    float[][] logits2 = {{1.0f, 0.2f, -0.3f}, {0.7f, -2f, 0.1f}};
    Tape t = new Tape();
    Categorical p = new Categorical(t.input(m(logits)));
    Categorical q = new Categorical(t.input(m(logits2)));
    Tensor actions = m(new float[][] {{2}, {1}});
    float[] lp = p.logProb(actions).value().toArray();
    float[] h = p.entropy().value().toArray();
    float[] kl = p.kl(q).value().toArray();
    float[] pr = p.prob(actions).value().toArray();
    for (int r = 0; r < 2; r++) {
      double[] a = new double[3], b = new double[3];
      for (int i = 0; i < 3; i++) { a[i] = logits[r][i]; b[i] = logits2[r][i]; }
      double[] la = logSoftmax(a), lb = logSoftmax(b);
      double ent = 0, kld = 0;
      for (int i = 0; i < 3; i++) { ent -= Math.exp(la[i]) * la[i]; kld += Math.exp(la[i]) * (la[i] - lb[i]); }
      int act = (int) actions.get(r, 0);
      assertEquals(la[act], lp[r], 1e-6);
      assertEquals(Math.exp(la[act]), pr[r], 1e-6);
      assertEquals(ent, h[r], 1e-6);
      assertEquals(kld, kl[r], 1e-6);
    }
    assertEquals(Math.log(3), h[1], 1e-6);
  }

  @Test
  void categoricalFromProbsAgreesWithLogits() {
    Tape t = new Tape();
    Categorical c = Categorical.fromProbs(t.input(m(new float[][] {{0.2f, 0.5f, 0.3f}})), null);
    assertEquals(Math.log(0.5), c.logProb(m(new float[][] {{1}})).value().get(0), 1e-6);
    double h = -(0.2 * Math.log(0.2) + 0.5 * Math.log(0.5) + 0.3 * Math.log(0.3));
    assertEquals(h, c.entropy().value().get(0), 1e-6);
  }

  @Test
  void categoricalGradientsMatchDoubleReference() {
    Tensor logits = m(new float[][] {{0.3f, -0.7f, 1.1f, 0.2f}, {-0.5f, 0.4f, 0.0f, 0.9f}});
    Tensor other = m(new float[][] {{0.1f, 0.2f, -0.4f, 0.6f}, {0.3f, -0.3f, 0.8f, -0.1f}});
    Tensor actions = m(new float[][] {{2}, {0}});
    Tensor mask = m(new float[][] {{1, 1, 1, 0}, {1, 0, 1, 1}});
    GradCheck.againstReference(k, (t, v) -> {
      Categorical p = new Categorical(v[0], mask);
      Categorical q = new Categorical(v[1], mask);
      return p.logProb(actions).add(p.entropy().mul(0.7f)).add(p.kl(q).mul(0.3f)).sum();
    }, x -> {
      double total = 0;
      for (int r = 0; r < 2; r++) {
        java.util.List<Integer> valid = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) if (mask.get(r, i) != 0) valid.add(i);
        double[] a = new double[valid.size()], b = new double[valid.size()];
        for (int i = 0; i < a.length; i++) { a[i] = x[0][r * 4 + valid.get(i)]; b[i] = x[1][r * 4 + valid.get(i)]; }
        double[] la = logSoftmax(a), lb = logSoftmax(b);
        double ent = 0, kl = 0;
        for (int i = 0; i < a.length; i++) { ent -= Math.exp(la[i]) * la[i]; kl += Math.exp(la[i]) * (la[i] - lb[i]); }
        total += la[valid.indexOf((int) actions.get(r, 0))] + 0.7 * ent + 0.3 * kl;
      }
      return total;
    }, new Tensor[] {logits, other}, 1e-6, 1e-5, 1e-3).assertPassed();
  }

  @Test
  void maskedActionsHaveProbabilityZeroAndAreNeverSampled() {
    Tape t = new Tape();
    Tensor mask = m(new float[][] {{0, 1, 0, 1}, {1, 0, 0, 0}});
    Categorical c = new Categorical(t.input(m(new float[][] {{5f, 0f, 9f, 1f}, {-3f, 4f, 8f, 2f}})), mask);
    Tensor p = c.probs().value();
    assertEquals(0f, p.get(0, 0));
    assertEquals(0f, p.get(0, 2));
    assertEquals(1f, p.get(1, 0), 0f); // one valid action: probability exactly 1
    float[] h = c.entropy().value().toArray();
    double[] ref = logSoftmax(new double[] {0, 1});
    assertEquals(-(Math.exp(ref[0]) * ref[0] + Math.exp(ref[1]) * ref[1]), h[0], 1e-6);
    assertEquals(0f, h[1], 0f);
    assertEquals(0f, c.logProb(m(new float[][] {{1}, {0}})).value().get(1), 0f);
    Tensor mode = c.mode();
    assertEquals(3f, mode.get(0, 0)); // argmax among valid (1 vs 0): index 3
    assertEquals(0f, mode.get(1, 0));
    Rng rng = new Rng(7);
    Tensor out = Tensor.zeros(2, 1);
    for (int i = 0; i < 2000; i++) {
      c.sample(rng, out);
      assertTrue(out.get(0, 0) == 1f || out.get(0, 0) == 3f);
      assertEquals(0f, out.get(1, 0));
    }
  }

  @Test
  void allFalseMaskRowIsAnErrorNamingTheRow() {
    Tape t = new Tape();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Categorical(t.input(m(new float[][] {{1, 2}, {3, 4}, {5, 6}})), m(new float[][] {{1, 0}, {1, 1}, {0, 0}})));
    assertTrue(e.getMessage().contains("row 2"), e.getMessage());
  }

  @Test
  void hugeLogitsStayFinite() {
    Tape t = new Tape().setFiniteGuard(true);
    Var l = t.variable(m(new float[][] {{1e4f, -1e4f, 0f}, {3e4f, 3e4f, -3e4f}}));
    Categorical c = new Categorical(l);
    float[] lp = c.logProb(m(new float[][] {{1}, {0}})).value().toArray();
    assertEquals(-2e4f, lp[0], 1f);
    assertEquals(-Math.log(2), lp[1], 1e-6);
    float[] h = c.entropy().value().toArray();
    assertEquals(0f, h[0], 1e-6);
    assertEquals(Math.log(2), h[1], 1e-6);
    t.backward(c.logProb(m(new float[][] {{1}, {0}})).add(c.entropy()).sum());
    for (float g : l.grad().toArray()) assertTrue(Float.isFinite(g));
  }

  @Test
  void categoricalSampleFrequenciesMatchProbabilities() {
    Tape t = new Tape();
    Categorical c = new Categorical(t.input(m(new float[][] {{0f, 1f, -1f, 0.5f}})));
    float[] p = c.probs().value().toArray();
    int n = 40000;
    int[] counts = new int[4];
    Rng rng = new Rng(123);
    Tensor out = Tensor.zeros(1, 1);
    for (int i = 0; i < n; i++) { c.sample(rng, out); counts[(int) out.get(0, 0)]++; }
    for (int i = 0; i < 4; i++) {
      double se = Math.sqrt(p[i] * (1 - p[i]) / n);
      assertEquals(p[i], counts[i] / (double) n, 5 * se, "class " + i);
    }
  }

  // ---- Bernoulli ----

  @Test
  void bernoulliMatchesClosedFormsAndGradients() {
    Tensor logits = m(new float[][] {{0.4f, -1.2f, 2.5f}, {-0.3f, 0.0f, 1.7f}});
    Tensor other = m(new float[][] {{-0.2f, 0.5f, 1.0f}, {0.9f, -0.8f, 0.2f}});
    Tensor actions = m(new float[][] {{1, 0, 1}, {0, 1, 0}});
    GradCheck.againstReference(k, (t, v) -> {
      Bernoulli p = new Bernoulli(v[0]);
      return p.logProb(actions).add(p.entropy().mul(0.5f)).add(p.kl(new Bernoulli(v[1])).mul(0.25f)).sum();
    }, x -> {
      double total = 0;
      for (int i = 0; i < 6; i++) {
        double p = 1 / (1 + Math.exp(-x[0][i])), q = 1 / (1 + Math.exp(-x[1][i]));
        double a = actions.get(i);
        total += a * Math.log(p) + (1 - a) * Math.log(1 - p);
        total += 0.5 * -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
        total += 0.25 * (p * Math.log(p / q) + (1 - p) * Math.log((1 - p) / (1 - q)));
      }
      return total;
    }, new Tensor[] {logits, other}, 1e-6, 1e-5, 1e-3).assertPassed();
  }

  @Test
  void bernoulliMasksForceBits() {
    Tape t = new Tape();
    Tensor mask = m(new float[][] {{0, 1, 2}});
    Bernoulli b = new Bernoulli(t.input(m(new float[][] {{5f, -5f, 0.3f}})), mask);
    Rng rng = new Rng(3);
    Tensor out = Tensor.zeros(1, 3);
    for (int i = 0; i < 200; i++) {
      b.sample(rng, out);
      assertEquals(0f, out.get(0, 0));
      assertEquals(1f, out.get(0, 1));
    }
    double p = 1 / (1 + Math.exp(-0.3));
    assertEquals(Math.log(p), b.logProb(m(new float[][] {{0, 1, 1}})).value().get(0), 1e-6);
    assertTrue(b.logProb(m(new float[][] {{1, 1, 1}})).value().get(0) < -1e29f);
    assertEquals(-(p * Math.log(p) + (1 - p) * Math.log(1 - p)), b.entropy().value().get(0), 1e-6);
    assertThrows(IllegalArgumentException.class, () -> new Bernoulli(t.input(m(new float[][] {{1f}})), m(new float[][] {{3f}})));
  }

  @Test
  void bernoulliSampleMeans() {
    Tape t = new Tape();
    Bernoulli b = new Bernoulli(t.input(m(new float[][] {{0.8f, -1.5f}})));
    Rng rng = new Rng(11);
    Tensor out = Tensor.zeros(1, 2);
    int n = 20000;
    double[] s = new double[2];
    for (int i = 0; i < n; i++) { b.sample(rng, out); s[0] += out.get(0, 0); s[1] += out.get(0, 1); }
    float[] mean = b.mean().value().toArray();
    for (int i = 0; i < 2; i++) assertEquals(mean[i], s[i] / n, 5 * Math.sqrt(mean[i] * (1 - mean[i]) / n));
  }

  // ---- MultiCategorical ----

  @Test
  void multiCategoricalSumsItsComponents() {
    Tape t = new Tape();
    float[][] l = {{0.1f, 0.9f, -0.4f, 1.5f, 0.2f}};
    MultiCategorical mc = new MultiCategorical(t.input(m(l)), new int[] {3, 2}, m(new float[][] {{1, 0, 1, 1, 1}}));
    double[] a = logSoftmax(new double[] {0.1, -0.4}); // component 0, class 1 masked
    double[] b = logSoftmax(new double[] {1.5, 0.2});
    assertEquals(a[1] + b[0], mc.logProb(m(new float[][] {{2, 0}})).value().get(0), 1e-6);
    double h = -(Math.exp(a[0]) * a[0] + Math.exp(a[1]) * a[1]) - (Math.exp(b[0]) * b[0] + Math.exp(b[1]) * b[1]);
    assertEquals(h, mc.entropy().value().get(0), 1e-6);
    Tensor mode = mc.mode();
    assertEquals(0f, mode.get(0, 0));
    assertEquals(0f, mode.get(0, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new MultiCategorical(t.input(m(l)), new int[] {3, 2}, m(new float[][] {{1, 0, 1, 0, 0}})));
    assertTrue(e.getMessage().contains("row 0 component 1"), e.getMessage());
    Rng rng = new Rng(5);
    Tensor out = Tensor.zeros(1, 2);
    for (int i = 0; i < 500; i++) { mc.sample(rng, out); assertTrue(out.get(0, 0) != 1f); }
  }

  // ---- Gaussians ----

  static double normalLogPdf(double x, double mu, double logStd) {
    double z = (x - mu) / Math.exp(logStd);
    return -0.5 * z * z - logStd - 0.5 * Math.log(2 * Math.PI);
  }

  @Test
  void diagNormalMatchesClosedFormsAndGradients() {
    Tensor mean = m(new float[][] {{0.3f, -1.0f}, {1.2f, 0.5f}});
    Tensor logStd = Tensor.vector(-0.4f, 0.3f);
    Tensor mean2 = m(new float[][] {{0.1f, 0.2f}, {-0.7f, 0.9f}});
    Tensor logStd2 = Tensor.vector(0.2f, -0.1f);
    Tensor actions = m(new float[][] {{0.5f, -0.2f}, {1.0f, 2.0f}});
    GradCheck.againstReference(k, (t, v) -> {
      DiagNormal p = new DiagNormal(v[0], v[1]);
      DiagNormal q = new DiagNormal(v[2], v[3]);
      return p.logProb(actions).add(p.entropy().mul(0.5f)).add(p.kl(q).mul(0.3f)).sum();
    }, x -> {
      double total = 0;
      for (int r = 0; r < 2; r++) {
        for (int c = 0; c < 2; c++) {
          double mu = x[0][r * 2 + c], ls = x[1][c], mu2 = x[2][r * 2 + c], ls2 = x[3][c];
          total += normalLogPdf(actions.get(r, c), mu, ls);
          total += 0.5 * (0.5 + 0.5 * Math.log(2 * Math.PI) + ls);
          double s1 = Math.exp(ls), s2 = Math.exp(ls2);
          total += 0.3 * (Math.log(s2 / s1) + (s1 * s1 + (mu - mu2) * (mu - mu2)) / (2 * s2 * s2) - 0.5);
        }
      }
      return total;
    }, new Tensor[] {mean, logStd, mean2, logStd2}, 1e-6, 1e-5, 1e-3).assertPassed();
  }

  @Test
  void normalSampleMomentsAndMode() {
    Tape t = new Tape();
    Normal n = new Normal(t.input(m(new float[][] {{1.5f}})), t.input(Tensor.vector((float) Math.log(0.5))));
    Rng rng = new Rng(99);
    int count = 40000;
    double s = 0, s2 = 0;
    Tensor out = Tensor.zeros(1, 1);
    for (int i = 0; i < count; i++) { n.sample(rng, out); s += out.get(0, 0); s2 += out.get(0, 0) * out.get(0, 0); }
    double mean = s / count, var = s2 / count - mean * mean;
    assertEquals(1.5, mean, 5 * 0.5 / Math.sqrt(count));
    assertEquals(0.25, var, 5 * 0.25 * Math.sqrt(2.0 / count));
    assertEquals(1.5f, n.mode().get(0, 0));
    assertEquals(0.5 + 0.5 * Math.log(2 * Math.PI) + Math.log(0.5), n.entropy().value().get(0), 1e-6);
    assertThrows(IllegalArgumentException.class, () -> new Normal(t.input(m(new float[][] {{1f, 2f}})), t.input(Tensor.vector(0f, 0f))));
  }

  // ---- squashed ----

  @Test
  void squashedNormalIsANormalizedDensityOnTheBox() {
    Tape t = new Tape();
    float low = -2f, high = 3f;
    SquashedNormal d = new SquashedNormal(t.input(m(new float[][] {{0.4f}})), t.input(Tensor.vector(-0.2f)), new float[] {low}, new float[] {high});
    int n = 20000;
    Tensor a = Tensor.zeros(n, 1);
    double dx = (high - low) / (double) n;
    for (int i = 0; i < n; i++) a.set(i, 0, (float) (low + (i + 0.5) * dx));
    // Rebuild with a batch of n rows of the same parameters to evaluate the density on a grid.
    Tensor mean = Tensor.full(0.4f, n, 1);
    SquashedNormal grid = new SquashedNormal(t.input(mean), t.input(Tensor.vector(-0.2f)), new float[] {low}, new float[] {high});
    float[] lp = grid.logProb(a).value().toArray();
    double integral = 0;
    for (float v : lp) integral += Math.exp(v) * dx;
    assertEquals(1.0, integral, 2e-3);
    // change of variables at one point, in double
    double x = 1.0, s = 2.5, c = 0.5, y = (x - c) / s, u = 0.5 * Math.log((1 + y) / (1 - y));
    double ref = normalLogPdf(u, 0.4, -0.2) - Math.log(1 - y * y) - Math.log(s);
    assertEquals(ref, d.logProb(m(new float[][] {{1f}})).value().get(0), 2e-5);
    assertEquals((float) (c + s * Math.tanh(0.4)), d.mode().get(0, 0), 1e-6);
    assertThrows(UnsupportedOperationException.class, d::mean);
  }

  @Test
  void squashedAtTheBoundaryIsFiniteAndSamplesStayInBounds() {
    Tape t = new Tape().setFiniteGuard(true);
    Var mean = t.variable(m(new float[][] {{30f, -30f}}));
    Var logStd = t.variable(Tensor.vector(0f, 0f));
    SquashedDiagNormal d = new SquashedDiagNormal(mean, logStd, new float[] {-1f, 0f}, new float[] {1f, 10f});
    Tensor edge = m(new float[][] {{1f, 0f}});
    Var lp = d.logProb(edge);
    assertTrue(Float.isFinite(lp.value().get(0)));
    t.backward(lp.sum());
    for (float g : mean.grad().toArray()) assertTrue(Float.isFinite(g));
    Rng rng = new Rng(1);
    Tensor out = Tensor.zeros(1, 2);
    for (int i = 0; i < 1000; i++) {
      Var l = d.sampleAndLogProb(rng, out);
      assertTrue(out.get(0, 0) >= -1f && out.get(0, 0) <= 1f);
      assertTrue(out.get(0, 1) >= 0f && out.get(0, 1) <= 10f);
      assertTrue(Float.isFinite(l.value().get(0)));
    }
  }

  @Test
  void squashedGradientsMatchDoubleReference() {
    Tensor mean = m(new float[][] {{0.3f, -0.6f}, {1.1f, 0.2f}});
    Tensor logStd = Tensor.vector(-0.3f, 0.4f);
    Tensor actions = m(new float[][] {{0.5f, -1.0f}, {1.5f, 0.3f}});
    float[] low = {-1f, -2f}, high = {2f, 1f};
    GradCheck.againstReference(k, (t, v) -> new SquashedDiagNormal(v[0], v[1], low, high).logProb(actions).sum(), x -> {
      double total = 0;
      for (int r = 0; r < 2; r++) {
        for (int c = 0; c < 2; c++) {
          double s = (high[c] - low[c]) / 2.0, mid = (high[c] + low[c]) / 2.0;
          double y = (actions.get(r, c) - mid) / s, u = 0.5 * Math.log((1 + y) / (1 - y));
          total += normalLogPdf(u, x[0][r * 2 + c], x[1][c]) - Math.log(1 - y * y) - Math.log(s);
        }
      }
      return total;
    }, new Tensor[] {mean, logStd}, 1e-6, 2e-5, 1e-3).assertPassed();
  }

  @Test
  void klOfDifferentKindsIsAnError() {
    Tape t = new Tape();
    Categorical c = new Categorical(t.input(m(new float[][] {{1f, 2f}})));
    Normal n = new Normal(t.input(m(new float[][] {{1f}})), t.input(Tensor.vector(0f)));
    assertThrows(IllegalArgumentException.class, () -> c.kl(n));
    assertThrows(IllegalArgumentException.class, () -> n.kl(c));
  }
}
