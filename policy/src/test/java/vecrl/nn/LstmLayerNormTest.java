package vecrl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecrl.autodiff.GradCheck;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.ScalarKernels;
import vecrl.tensor.Tensor;

/**
 * The layer-normalised LSTM cell and stacked recurrent layers: values and every gradient against
 * PyTorch (lstm_fixtures.txt, written by make_lstm_fixtures.py beside it: a layer-normalised LSTM in
 * torch.nn.functional.layer_norm, torch.nn.LSTM with two layers, two stacked layer-normalised layers),
 * gradients through time against central differences of a double-precision reference of the same
 * equations, on both CPU backends; the tape-free row step against the tape; names, sizes, errors.
 */
class LstmLayerNormTest {
  static final int B = 2, T = 4, IN = 3, H = 5;
  static final Kernels[] BACKENDS = {Backends.kernels(), new ScalarKernels()};

  // ---- PyTorch's values ----

  static Map<String, Map<String, double[]>> fixtures() throws IOException {
    Map<String, Map<String, double[]>> cases = new HashMap<>();
    try (var in = LstmLayerNormTest.class.getResourceAsStream("lstm_fixtures.txt")) {
      if (in == null) throw new AssertionError("lstm_fixtures.txt is missing from the test resources");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null;) {
        if (line.startsWith("#") || line.isBlank()) continue;
        String[] f = line.trim().split(" ");
        int n = Integer.parseInt(f[2]);
        if (f.length != n + 3) throw new AssertionError(f[0] + " " + f[1] + ": " + (f.length - 3) + " values, expected " + n);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = Double.parseDouble(f[i + 3]);
        cases.computeIfAbsent(f[0], k -> new HashMap<>()).put(f[1], v);
      }
    }
    return cases;
  }

  static RecurrentStack stackOf(String kase) {
    return switch (kase) {
      case "ln1" -> new RecurrentStack("lstm", "cell", IN, H, 1, true, new Rng(1));
      case "lstm2" -> new RecurrentStack("lstm", "cell", IN, H, 2, false, new Rng(1));
      case "ln2" -> new RecurrentStack("lstm", "cell", IN, H, 2, true, new Rng(1));
      default -> throw new AssertionError(kase);
    };
  }

  static Tensor tensor(double[] v, int... shape) {
    Tensor t = Tensor.zeros(shape);
    assertEquals(t.size(), v.length);
    for (int i = 0; i < v.length; i++) t.data()[t.offset() + i] = (float) v[i];
    return t;
  }

  static void assertClose(String what, double[] expected, Tensor actual) {
    assertEquals(expected.length, actual.size(), what + ": size");
    for (int i = 0; i < expected.length; i++) {
      double a = actual.data()[actual.offset() + i];
      // float32 against float64 through at most 8 layer-steps: 2e-5 absolute plus 2e-4 of the value
      assertTrue(Math.abs(a - expected[i]) <= 2e-5 + 2e-4 * Math.abs(expected[i]),
          what + "[" + i + "]: " + a + ", PyTorch " + expected[i]);
    }
  }

  @Test
  void valuesAndGradientsMatchPyTorch() throws IOException {
    var all = fixtures();
    assertEquals(java.util.Set.of("ln1", "lstm2", "ln2"), all.keySet());
    for (String kase : List.of("ln1", "lstm2", "ln2")) {
      Map<String, double[]> f = all.get(kase);
      RecurrentStack stack = stackOf(kase);
      ParameterSet ps = new ParameterSet();
      stack.addParameters(ps);
      List<String> names = new ArrayList<>();
      for (Parameter p : ps) {
        names.add(p.name());
        double[] v = f.get("param:" + p.name());
        if (v == null) throw new AssertionError(kase + ": PyTorch has no parameter " + p.name());
        p.value().copyFrom(tensor(v, p.value().shape()));
      }
      assertEquals(f.keySet().stream().filter(k -> k.startsWith("param:")).count(), names.size(), kase + ": parameter count");
      for (Kernels k : BACKENDS) {
        Tape t = new Tape(k);
        Var x = t.variable(tensor(f.get("x"), B * T, IN));
        Var s0 = t.variable(tensor(f.get("state"), B, stack.stateSize()));
        RecurrentStack.Unrolled u = stack.unroll(x, T, s0, null);
        Var loss = u.outputs().mul(t.input(tensor(f.get("r"), B * T, H))).sum();
        for (Parameter p : ps) p.zeroGrad();
        t.backward(loss);
        String at = kase + " on " + k.name() + ": ";
        assertClose(at + "outputs", f.get("outputs"), u.outputs().value());
        assertClose(at + "final state", f.get("final"), u.last().value());
        assertClose(at + "loss", f.get("loss"), loss.value());
        assertClose(at + "d loss / d x", f.get("grad:x"), x.grad());
        assertClose(at + "d loss / d initial state", f.get("grad:state"), s0.grad());
        for (Parameter p : ps) assertClose(at + "d loss / d " + p.name(), f.get("grad:" + p.name()), p.grad());
      }
    }
  }

  // ---- central differences of a double-precision reference ----

  static double sig(double x) { return 1 / (1 + Math.exp(-x)); }

  /** LN over v[0..n) with gain g and shift s (null: none), in place. */
  static void ln(double[] v, double[] g, double[] s) {
    int n = v.length;
    double m = 0, var = 0;
    for (double a : v) m += a;
    m /= n;
    for (double a : v) var += (a - m) * (a - m);
    double inv = 1 / Math.sqrt(var / n + 1e-5);
    for (int j = 0; j < n; j++) v[j] = (v[j] - m) * inv * g[j] + s[j];
  }

  static double[] project(double[] w, double[] x, int xo, int n, int out) {
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double sum = 0;
      for (int i = 0; i < n; i++) sum += w[o * n + i] * x[xo + i];
      y[o] = sum;
    }
    return y;
  }

  /**
   * A stack of (layer-normalised) LSTM layers in double, Stable-Baselines' equations: v = x [B·T, IN],
   * state [B, 2H·layers], then per layer W_ih, b_ih, W_hh, b_hh (and the three LN gains and shifts).
   * Returns sum(outputs ⊙ r) + sum(final state ⊙ r2).
   */
  static double reference(double[][] v, int layers, boolean norm, float[] keep, Tensor r, Tensor r2) {
    int per = norm ? 10 : 4;
    double total = 0;
    for (int j = 0; j < B; j++) {
      double[][] h = new double[layers][H], c = new double[layers][H];
      for (int l = 0; l < layers; l++) {
        for (int k = 0; k < H; k++) {
          h[l][k] = v[1][j * 2 * H * layers + 2 * H * l + k];
          c[l][k] = v[1][j * 2 * H * layers + 2 * H * l + H + k];
        }
      }
      for (int t = 0; t < T; t++) {
        if (keep != null && keep[t * B + j] == 0f) {
          for (int l = 0; l < layers; l++) { java.util.Arrays.fill(h[l], 0); java.util.Arrays.fill(c[l], 0); }
        }
        double[] in = v[0];
        int io = (j * T + t) * IN, n = IN;
        for (int l = 0; l < layers; l++) {
          int p = 2 + l * per;
          double[] a = project(v[p], in, io, n, 4 * H), g = project(v[p + 2], h[l], 0, H, 4 * H);
          if (norm) { ln(a, v[p + 4], v[p + 5]); ln(g, v[p + 6], v[p + 7]); }
          double[] o = new double[H];
          for (int k = 0; k < H; k++) {
            double zi = a[k] + g[k] + v[p + 1][k] + v[p + 3][k];
            double zf = a[H + k] + g[H + k] + v[p + 1][H + k] + v[p + 3][H + k];
            double zg = a[2 * H + k] + g[2 * H + k] + v[p + 1][2 * H + k] + v[p + 3][2 * H + k];
            double zo = a[3 * H + k] + g[3 * H + k] + v[p + 1][3 * H + k] + v[p + 3][3 * H + k];
            c[l][k] = sig(zf) * c[l][k] + sig(zi) * Math.tanh(zg);
            o[k] = sig(zo);
          }
          double[] cn = c[l].clone();
          if (norm) ln(cn, v[p + 8], v[p + 9]);
          for (int k = 0; k < H; k++) h[l][k] = o[k] * Math.tanh(cn[k]);
          in = h[l];
          io = 0;
          n = H;
        }
        for (int k = 0; k < H; k++) total += h[layers - 1][k] * r.get((j * T + t) * H + k);
      }
      for (int l = 0; l < layers; l++) {
        for (int k = 0; k < H; k++) {
          total += h[l][k] * r2.get(j * 2 * H * layers + 2 * H * l + k) + c[l][k] * r2.get(j * 2 * H * layers + 2 * H * l + H + k);
        }
      }
    }
    return total;
  }

  static Tensor rand(Rng rng, float lo, float hi, int... shape) {
    Tensor t = Tensor.zeros(shape);
    rng.fillUniform(t, lo, hi);
    return t;
  }

  void checkThroughTime(int layers, boolean norm) {
    Rng rng = new Rng(40 + layers * 2 + (norm ? 1 : 0));
    RecurrentStack stack = new RecurrentStack("lstm", "cell", IN, H, layers, norm, rng);
    ParameterSet set = new ParameterSet();
    stack.addParameters(set);
    for (Parameter p : set) {
      boolean gain = p.name().contains(".ln_") && p.name().endsWith(".weight");
      if (gain) rng.fillUniform(p.value(), 0.5f, 1.5f); else rng.fillUniform(p.value(), -0.8f, 0.8f);
    }
    Tensor x = rand(rng, -1.5f, 1.5f, B * T, IN), s0 = rand(rng, -0.9f, 0.9f, B, stack.stateSize());
    Tensor r = rand(rng, -1f, 1f, B * T, H), r2 = rand(rng, -1f, 1f, B, stack.stateSize());
    float[] keep = new float[T * B];
    java.util.Arrays.fill(keep, 1f);
    keep[2 * B + 1] = 0f; // sequence 1 starts a new episode at step 2
    Tensor keepT = Tensor.wrap(keep, new int[] {T * B});
    Parameter[] ps = set.asList().toArray(new Parameter[0]);
    for (Kernels k : BACKENDS) {
      GradCheck.Result res = GradCheck.againstReference(k, (t, v) -> {
        RecurrentStack.Unrolled u = stack.unroll(v[0], T, v[1], keepT);
        return u.outputs().mul(t.input(r)).sum().add(u.last().mul(t.input(r2)).sum());
      }, v -> reference(v, layers, norm, keep, r, r2), new Tensor[] {x, s0}, ps, 1e-6, 1e-4, 1e-3);
      if (!res.passed()) throw new AssertionError(layers + " layers" + (norm ? ", layer norm" : "") + " on " + k.name() + ": " + res.description());
    }
  }

  @Test
  void layerNormCellGradientsThroughTimeMatchCentralDifferences() {
    checkThroughTime(1, true);
  }

  @Test
  void stackedGradientsThroughTimeMatchCentralDifferences() {
    checkThroughTime(2, false);
    checkThroughTime(3, true);
  }

  // ---- the row path, names, errors ----

  @Test
  void rowStepsEqualTheTape() {
    for (boolean norm : new boolean[] {false, true}) {
      for (int layers : new int[] {1, 2, 3}) {
        Rng rng = new Rng(7 + layers);
        RecurrentStack stack = new RecurrentStack("lstm", "cell", 19, 17, layers, norm, rng);
        ParameterSet set = new ParameterSet();
        stack.addParameters(set);
        for (Parameter p : set) if (p.name().contains(".ln_")) rng.fillUniform(p.value(), 0.5f, 1.5f);
        Tensor x = rand(rng, -1f, 1f, 1 * 3, 19);
        float[] state = new float[stack.stateSize()];
        float[] scratch = new float[stack.rowScratchSize()], red = new float[Linear.REDUCTION_SCRATCH];
        Tape t = new Tape();
        RecurrentStack.Unrolled u = stack.unroll(t.input(x), 3, t.input(Tensor.zeros(1, stack.stateSize())), null);
        for (int step = 0; step < 3; step++) {
          stack.stepRow(x.data(), x.offset() + step * 19, state, 0, scratch, red);
          for (int k = 0; k < 17; k++) {
            float tape = u.outputs().value().get(step, k), row = state[stack.outputOffset() + k];
            assertEquals(tape, row, 2e-5f, layers + " layers, norm " + norm + ", step " + step + ", unit " + k);
          }
        }
        for (int i = 0; i < state.length; i++) assertEquals(u.last().value().get(0, i), state[i], 2e-5f, "final state " + i);
      }
    }
  }

  @Test
  void namesSizesAndErrors() {
    RecurrentStack one = new RecurrentStack("lstm", "lstm", 4, 8, 1, true, new Rng(1));
    ParameterSet s = new ParameterSet();
    one.addParameters(s);
    List<String> names = new ArrayList<>();
    for (Parameter p : s) names.add(p.name() + java.util.Arrays.toString(p.value().shape()));
    assertEquals(List.of("lstm.ih.weight[32, 4]", "lstm.ih.bias[32]", "lstm.hh.weight[32, 8]", "lstm.hh.bias[32]",
        "lstm.ln_ih.weight[32]", "lstm.ln_ih.bias[32]", "lstm.ln_hh.weight[32]", "lstm.ln_hh.bias[32]", "lstm.ln_c.weight[8]",
        "lstm.ln_c.bias[8]"), names);
    assertEquals(16, one.stateSize());
    assertTrue(one.describe().startsWith("LayerNormLSTMCell[4 -> 8"), one.describe());
    // gains 1, shifts 0
    assertEquals(1f, s.get("lstm.ln_c.weight").value().get(3));
    assertEquals(0f, s.get("lstm.ln_ih.bias").value().get(5));

    RecurrentStack gru = new RecurrentStack("gru", "gru", 4, 8, 3, false, new Rng(1));
    assertEquals(24, gru.stateSize());
    assertEquals(16, gru.outputOffset());
    assertEquals("gru.l2.ih.weight", gru.layer(2).inputLayer().weight().name());
    assertEquals(8, gru.layer(1).inputSize());
    // a one-layer stack is the lone cell: same names, same draws from the generator
    RecurrentStack plain = new RecurrentStack("lstm", "lstm", 4, 8, 1, false, new Rng(5));
    LSTMCell lone = new LSTMCell("lstm", 4, 8, new Rng(5));
    assertEquals(lone.describe(), plain.describe());
    assertTrue(java.util.Arrays.equals(lone.hiddenLayer().weight().value().data(), plain.layer(0).hiddenLayer().weight().value().data()));

    var e = assertThrows(IllegalArgumentException.class, () -> new RecurrentStack("gru", "g", 4, 8, 1, true, new Rng(1)));
    assertTrue(e.getMessage().contains("layer normalisation") && e.getMessage().contains("gru"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new RecurrentStack("lstm", "l", 4, 8, 0, false, new Rng(1)));
    assertTrue(e.getMessage().contains("0 layers"), e.getMessage());
  }
}
