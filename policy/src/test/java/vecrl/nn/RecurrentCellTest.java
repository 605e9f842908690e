package vecrl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
 * The cells against a double-precision reference of PyTorch's equations: values and the gradients
 * of every input, initial state and parameter through several steps (backpropagation through
 * time, with an episode reset inside a sequence), on sizes off the vector width; and the tape-free
 * row step against the tape.
 */
class RecurrentCellTest {
  static final double H = 1e-6, ABS = 1e-4, REL = 1e-3;
  static final int B = 3, IN = 5, HID = 7, L = 4;

  static Tensor rand(Rng rng, float lo, float hi, int... shape) {
    Tensor t = Tensor.zeros(shape);
    rng.fillUniform(t, lo, hi);
    return t;
  }

  static double sig(double x) { return 1 / (1 + Math.exp(-x)); }

  /** {@code W x + b} for row {@code r} of a flat [rows, n] input, W [out, n] flat. */
  static double[] affine(double[] w, double[] b, double[] x, int xo, int n) {
    double[] y = new double[b.length];
    for (int o = 0; o < y.length; o++) {
      double s = b[o];
      for (int i = 0; i < n; i++) s += w[o * n + i] * x[xo + i];
      y[o] = s;
    }
    return y;
  }

  /**
   * PyTorch's LSTM/GRU in double: v = x [B*L, IN] (sequence-major), h0, (c0), W_ih, b_ih, W_hh, b_hh.
   * Returns sum(h_t * r1) + sum(h_last * r2) (+ sum(c_last * r3)).
   */
  static double reference(boolean lstm, double[][] v, float[] keep, Tensor r1, Tensor r2, Tensor r3) {
    int p = lstm ? 3 : 2;
    double[] x = v[0], wih = v[p], bih = v[p + 1], whh = v[p + 2], bhh = v[p + 3];
    double total = 0;
    for (int j = 0; j < B; j++) {
      double[] h = new double[HID], c = new double[HID];
      for (int k = 0; k < HID; k++) { h[k] = v[1][j * HID + k]; if (lstm) c[k] = v[2][j * HID + k]; }
      for (int t = 0; t < L; t++) {
        if (keep[t * B + j] == 0f) { java.util.Arrays.fill(h, 0); java.util.Arrays.fill(c, 0); }
        double[] a = affine(wih, bih, x, (j * L + t) * IN, IN);
        double[] g = affine(whh, bhh, h, 0, HID);
        for (int k = 0; k < HID; k++) {
          if (lstm) {
            double i = sig(a[k] + g[k]), f = sig(a[HID + k] + g[HID + k]);
            double gg = Math.tanh(a[2 * HID + k] + g[2 * HID + k]), o = sig(a[3 * HID + k] + g[3 * HID + k]);
            c[k] = f * c[k] + i * gg;
            h[k] = o * Math.tanh(c[k]);
          } else {
            double r = sig(a[k] + g[k]), z = sig(a[HID + k] + g[HID + k]);
            double n = Math.tanh(a[2 * HID + k] + r * g[2 * HID + k]);
            h[k] = (1 - z) * n + z * h[k];
          }
          total += h[k] * r1.get((j * L + t) * HID + k);
        }
      }
      for (int k = 0; k < HID; k++) {
        total += h[k] * r2.get(j * HID + k);
        if (lstm) total += c[k] * r3.get(j * HID + k);
      }
    }
    return total;
  }

  static RecurrentCell cell(boolean lstm, int in, int hid, Rng rng) {
    return lstm ? new LSTMCell("cell", in, hid, rng) : new GRUCell("cell", in, hid, rng);
  }

  void checkThroughTime(boolean lstm) {
    Rng rng = new Rng(lstm ? 11 : 12);
    RecurrentCell cell = cell(lstm, IN, HID, rng);
    // larger weights than the default init, so that the gates leave their linear range
    for (Parameter p : params(cell)) rng.fillUniform(p.value(), -0.8f, 0.8f);
    Tensor x = rand(rng, -1.5f, 1.5f, B * L, IN);
    Tensor h0 = rand(rng, -0.9f, 0.9f, B, HID), c0 = rand(rng, -1.5f, 1.5f, B, HID);
    Tensor r1 = rand(rng, -1f, 1f, B * L, HID), r2 = rand(rng, -1f, 1f, B, HID), r3 = rand(rng, -1f, 1f, B, HID);
    float[] keep = new float[L * B];
    java.util.Arrays.fill(keep, 1f);
    keep[2 * B + 1] = 0f; // sequence 1 starts a new episode at step 2
    Tensor keepT = Tensor.wrap(keep, new int[] {L * B});
    Tensor[] inputs = lstm ? new Tensor[] {x, h0, c0} : new Tensor[] {x, h0};
    Parameter[] ps = params(cell).asList().toArray(new Parameter[0]);
    for (Kernels k : new Kernels[] {Backends.kernels(), new ScalarKernels()}) {
      GradCheck.Result res = GradCheck.againstReference(k, (t, v) -> {
        RecurrentCell.Unrolled u = cell.unroll(v[0], L, new RecurrentCell.State(v[1], lstm ? v[2] : null), keepT);
        Var loss = u.outputs().mul(t.input(r1)).sum().add(u.last().h().mul(t.input(r2)).sum());
        return lstm ? loss.add(u.last().c().mul(t.input(r3)).sum()) : loss;
      }, v -> reference(lstm, v, keep, r1, r2, r3), inputs, ps, H, ABS, REL);
      if (!res.passed()) throw new AssertionError((lstm ? "LSTM" : "GRU") + " on " + k.name() + ": " + res.description());
    }
    // a reset cuts the gradient: with sequence 1 reset at step 0, nothing reaches its initial state
    float[] keep0 = new float[L * B];
    java.util.Arrays.fill(keep0, 1f);
    keep0[1] = 0f;
    Tape t = new Tape();
    Var hv = t.variable(h0.copy()), cv = t.variable(c0.copy());
    RecurrentCell.Unrolled u = cell.unroll(t.input(x), L, new RecurrentCell.State(hv, lstm ? cv : null), Tensor.wrap(keep0, new int[] {L * B}));
    t.backward(u.outputs().mul(t.input(r1)).sum());
    for (int k = 0; k < HID; k++) {
      assertEquals(0f, hv.grad().get(1, k));
      assertTrue(hv.grad().get(0, k) != 0f);
    }
  }

  static ParameterSet params(RecurrentCell c) {
    ParameterSet s = new ParameterSet();
    c.addParameters(s);
    return s;
  }

  @Test
  void lstmGradientsThroughTimeMatchCentralDifferences() {
    checkThroughTime(true);
  }

  @Test
  void gruGradientsThroughTimeMatchCentralDifferences() {
    checkThroughTime(false);
  }

  @Test
  void parametersAreNamedInPyTorchOrderAndInitialisedUniformlyInOneOverSqrtHidden() {
    for (boolean lstm : new boolean[] {true, false}) {
      RecurrentCell c = cell(lstm, 3, 25, new Rng(5));
      ParameterSet ps = params(c);
      assertEquals(List.of("cell.ih.weight", "cell.ih.bias", "cell.hh.weight", "cell.hh.bias"), ps.names());
      int g = lstm ? 4 : 3;
      assertArrayEquals(new int[] {g * 25, 3}, ps.get(0).value().shape());
      assertArrayEquals(new int[] {g * 25}, ps.get(1).value().shape());
      assertArrayEquals(new int[] {g * 25, 25}, ps.get(2).value().shape());
      assertArrayEquals(new int[] {g * 25}, ps.get(3).value().shape());
      float bound = 0.2f, max = 0f;
      for (Parameter p : ps) {
        for (float w : p.value().toArray()) {
          assertTrue(Math.abs(w) <= bound, p.name() + " " + w);
          max = Math.max(max, Math.abs(w));
        }
      }
      assertTrue(max > 0.95f * bound, "draws fill the range, max " + max);
      assertEquals(lstm ? 50 : 25, c.stateSize());
      assertEquals((lstm ? "LSTMCell[3 -> 25, gates i,f,g,o" : "GRUCell[3 -> 25, gates r,z,n") + ", init uniform(0.2)]", c.describe());
    }
  }

  /** The tape-free row step is the tape's step, row by row, across several steps. */
  @Test
  void rowStepEqualsTheTapeStep() {
    for (boolean lstm : new boolean[] {true, false}) {
      for (int hid : new int[] {1, 7, 17, 64}) {
        Rng rng = new Rng(hid);
        RecurrentCell c = cell(lstm, IN, hid, rng);
        Tensor x = rand(rng, -2f, 2f, B * L, IN);
        int ss = c.stateSize();
        float[] state = new float[B * ss];
        for (int i = 0; i < state.length; i++) state[i] = (float) (rng.uniformDouble() - 0.5);
        Tape t = new Tape();
        RecurrentCell.State s = c.unpack(t.input(Tensor.wrap(state.clone(), new int[] {B, ss})));
        float[] scratch = new float[c.rowScratchSize()], red = new float[Linear.REDUCTION_SCRATCH];
        RecurrentCell.Unrolled all = c.unroll(t.input(x), L, s, null);
        for (int step = 0; step < L; step++) {
          Tensor xs = Tensor.zeros(B, IN);
          for (int j = 0; j < B; j++) for (int i = 0; i < IN; i++) xs.set(j, i, x.get(j * L + step, i));
          s = c.step(t.input(xs), s);
          Tensor packed = c.pack(s).value();
          for (int j = 0; j < B; j++) {
            c.stepRow(xs.data(), j * IN, state, j * ss, scratch, red);
            for (int k = 0; k < ss; k++) assertEquals(packed.get(j, k), state[j * ss + k], 1e-5f, "hidden " + hid + " row " + j + " step " + step);
            for (int k = 0; k < hid; k++) assertEquals(all.outputs().value().get(j * L + step, k), packed.get(j, k), 1e-6f, "unroll = steps");
          }
        }
      }
    }
  }

  @Test
  void badShapesAreClearErrors() {
    RecurrentCell c = new LSTMCell("enc", 4, 6, new Rng(1));
    Tape t = new Tape();
    var s = new RecurrentCell.State(t.input(Tensor.zeros(2, 6)), t.input(Tensor.zeros(2, 6)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.unroll(t.input(Tensor.zeros(6, 4)), 4, s, null));
    assertTrue(e.getMessage().contains("expected [sequences * 4, 4]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> c.unroll(t.input(Tensor.zeros(6, 4)), 3, new RecurrentCell.State(s.h(), null), null));
    assertTrue(e.getMessage().contains("expected h and c of [2, 6]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> c.unroll(t.input(Tensor.zeros(6, 4)), 3, s, Tensor.zeros(5)));
    assertTrue(e.getMessage().contains("expected 6 values"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new GRUCell("g", 3, 0, new Rng(1)));
  }
}
