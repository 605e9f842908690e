package vecrl.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import vecrl.tensor.BinaryOp;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.ScalarKernels;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

/**
 * Every primitive against double-precision central differences of a double-precision reference
 * (GradCheck.againstReference), on shapes that include 1, 7, 9 and 17 (off the vector width) and
 * every broadcasting form. Each check differentiates {@code sum(op(inputs) * R)} with a random
 * fixed R, so that every output element carries a different weight.
 *
 * <p>Tolerance: the tape runs in float32 (unit roundoff 6e-8) over sums of at most ~17 terms of
 * order one, so its gradients are good to about 1e-5 absolute; the double-precision numeric
 * gradient (h = 1e-6) is good to about 1e-9. We allow 1e-4 absolute plus 1e-3 relative.
 */
class OpGradTest {
  static final double H = 1e-6, ABS = 1e-4, REL = 1e-3;
  static final int[] SIZES = {1, 7, 9, 17};
  final Kernels k = vecrl.tensor.Backends.kernels();
  final Rng rng = new Rng(20240611L);

  interface TapeOp { Var apply(Tape t, Var[] x); }
  interface RefOp { double[] apply(double[][] x); }

  /** Checks op against ref on the given inputs, with loss = sum(op * R), on the default backend and the scalar reference. */
  void check(String what, TapeOp op, RefOp ref, Tensor... inputs) {
    for (Kernels kk : new Kernels[] {k, new ScalarKernels()}) {
      Tape probe = new Tape(kk);
      Var[] pv = new Var[inputs.length];
      for (int i = 0; i < inputs.length; i++) pv[i] = probe.input(inputs[i]);
      Tensor outShape = op.apply(probe, pv).value();
      Tensor r = Tensor.zeros(outShape.shape());
      rng.fillUniform(r, -1f, 1f);
      double[] rd = toDouble(r);
      GradCheck.Result res = GradCheck.againstReference(kk,
          (t, x) -> t.sum(t.mul(op.apply(t, x), t.input(r))),
          x -> { double[] y = ref.apply(x); double s = 0; for (int i = 0; i < y.length; i++) s += y[i] * rd[i]; return s; },
          inputs, H, ABS, REL);
      if (!res.passed()) throw new AssertionError(what + " on " + kk.name() + ": " + res.description());
    }
  }

  static double[] toDouble(Tensor t) {
    double[] d = new double[t.size()];
    for (int i = 0; i < d.length; i++) d[i] = t.get(i);
    return d;
  }

  Tensor rand(float lo, float hi, int... shape) {
    Tensor t = Tensor.zeros(shape);
    rng.fillUniform(t, lo, hi);
    return t;
  }

  /** Values in [lo, hi] with magnitude at least 0.05, away from the kinks of relu and abs. */
  Tensor randAwayFromZero(int... shape) {
    Tensor t = rand(0.05f, 1f, shape);
    for (int i = 0; i < t.size(); i++) if (rng.uniform() < 0.5f) t.set(i, -t.get(i));
    return t;
  }

  static double[] map(double[] x, java.util.function.DoubleUnaryOperator f) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) y[i] = f.applyAsDouble(x[i]);
    return y;
  }

  /** Element (r, c) of an input of xr x xc that broadcasts to the output. */
  static double bget(double[] x, int xr, int xc, int r, int c) {
    return x[(xr == 1 ? 0 : r) * xc + (xc == 1 ? 0 : c)];
  }

  @Test
  void matmulAllTransposes() {
    for (int m : SIZES) for (int kk : new int[] {1, 9}) for (int n : new int[] {7, 17}) {
      Tensor a = rand(-1, 1, m, kk), b = rand(-1, 1, kk, n);
      check("A.B", (t, x) -> t.matmul(x[0], false, x[1], false), x -> mm(x[0], x[1], m, kk, n, false, false), a, b);
      Tensor bt = rand(-1, 1, n, kk);
      check("A.B^T", (t, x) -> t.matmul(x[0], false, x[1], true), x -> mm(x[0], x[1], m, kk, n, false, true), a, bt);
      Tensor at = rand(-1, 1, kk, m);
      check("A^T.B", (t, x) -> t.matmul(x[0], true, x[1], false), x -> mm(x[0], x[1], m, kk, n, true, false), at, b);
    }
  }

  static double[] mm(double[] a, double[] b, int m, int k, int n, boolean ta, boolean tb) {
    double[] c = new double[m * n];
    for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
      double s = 0;
      for (int p = 0; p < k; p++) s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s;
    }
    return c;
  }

  @Test
  void linearWithAndWithoutBiasAndActivation() {
    UnaryOp[] acts = {null, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.RELU, UnaryOp.SOFTPLUS};
    for (int batch : new int[] {1, 7, 17}) for (int in : new int[] {1, 9}) for (int out : new int[] {7, 17}) {
      for (UnaryOp act : acts) {
        Tensor x = rand(-1, 1, batch, in), w = rand(-1, 1, out, in), b = rand(-0.5f, 0.5f, out);
        if (act == UnaryOp.RELU) {
          // keep the pre-activation away from 0, where relu has a kink
          for (int i = 0; i < b.size(); i++) b.set(i, 0f);
          x = randAwayFromZero(batch, in);
        }
        final Tensor fx = x;
        Function<double[][], double[]> lin = z -> {
          double[] y = mm(z[0], z[1], batch, in, out, false, true);
          if (z.length > 2) for (int i = 0; i < batch; i++) for (int j = 0; j < out; j++) y[i * out + j] += z[2][j];
          return act == null ? y : map(y, v -> refUnary(act, v));
        };
        if (act == UnaryOp.RELU && !reluSafe(lin.apply(new double[][] {toDouble(fx), toDouble(w)}))) continue;
        check("linear " + act, (t, v) -> t.linear(v[0], v[1], v[2], act), lin::apply, fx, w, b);
        check("linear no bias " + act, (t, v) -> t.linear(v[0], v[1], null, act), lin::apply, fx, w);
      }
    }
  }

  static boolean reluSafe(double[] pre) {
    for (double v : pre) if (Math.abs(v) < 1e-3) return false;
    return true;
  }

  static double refUnary(UnaryOp op, double v) {
    return switch (op) {
      case EXP -> Math.exp(v);
      case LOG -> Math.log(v);
      case TANH -> Math.tanh(v);
      case SIGMOID -> 1 / (1 + Math.exp(-v));
      case RELU -> Math.max(v, 0);
      case SOFTPLUS -> Math.log1p(Math.exp(v));
      case SQUARE -> v * v;
      case SQRT -> Math.sqrt(v);
      case ABS -> Math.abs(v);
      case NEG -> -v;
    };
  }

  @Test
  void unaryOps() {
    for (UnaryOp op : UnaryOp.values()) {
      for (int r : SIZES) for (int c : new int[] {1, 9, 17}) {
        Tensor x = switch (op) {
          case LOG, SQRT -> rand(0.3f, 2f, r, c);
          case RELU, ABS -> randAwayFromZero(r, c);
          default -> rand(-2f, 2f, r, c);
        };
        check(op.name(), (t, v) -> t.unary(op, v[0]), z -> map(z[0], v -> refUnary(op, v)), x);
      }
    }
    check("rank-1 tanh", (t, v) -> v[0].tanh(), z -> map(z[0], Math::tanh), rand(-1, 1, 9));
  }

  @Test
  void clampHasZeroGradientOutside() {
    for (int r : SIZES) {
      Tensor x = rand(-2f, 2f, r, 9);
      for (int i = 0; i < x.size(); i++) if (Math.abs(Math.abs(x.get(i)) - 0.5f) < 0.01f) x.set(i, 0.1f);
      check("clamp", (t, v) -> v[0].clamp(-0.5f, 0.5f), z -> map(z[0], v -> Math.min(Math.max(v, -0.5), 0.5)), x);
    }
  }

  /** Shapes for each broadcasting form: {a shape, b shape}, against an r x c output. */
  static int[][][] forms(int r, int c) {
    return new int[][][] {
      {{r, c}, {r, c}}, {{r, c}, {c}}, {{c}, {r, c}}, {{r, c}, {1, c}}, {{r, c}, {r, 1}}, {{r, 1}, {r, c}},
      {{r, c}, {1}}, {{1}, {r, c}}
    };
  }

  static int rowsOf(int[] s) { return s.length == 1 ? 1 : s[0]; }
  static int colsOf(int[] s) { return s[s.length - 1]; }

  @Test
  void binaryOpsWithBroadcasting() {
    for (BinaryOp op : BinaryOp.values()) {
      for (int r : new int[] {1, 7, 17}) for (int c : new int[] {1, 9}) for (int[][] f : forms(r, c)) {
        Tensor a = rand(-1, 1, f[0]);
        Tensor b = op == BinaryOp.DIV ? rand(0.5f, 2f, f[1]) : rand(-1, 1, f[1]);
        int ar = rowsOf(f[0]), ac = colsOf(f[0]), br = rowsOf(f[1]), bc = colsOf(f[1]);
        if (op == BinaryOp.MIN || op == BinaryOp.MAX) separate(a, b, ar, ac, br, bc, r, c);
        check(op + " " + java.util.Arrays.deepToString(f), (t, v) -> t.binary(op, v[0], v[1]), z -> {
          double[] y = new double[r * c];
          for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) {
            double av = bget(z[0], ar, ac, i, j), bv = bget(z[1], br, bc, i, j);
            y[i * c + j] = switch (op) {
              case ADD -> av + bv; case SUB -> av - bv; case MUL -> av * bv; case DIV -> av / bv;
              case MAX -> Math.max(av, bv); case MIN -> Math.min(av, bv);
            };
          }
          return y;
        }, a, b);
      }
    }
  }

  /** Nudges b so that no pair compared by min/max is within 0.05 (away from the tie). */
  void separate(Tensor a, Tensor b, int ar, int ac, int br, int bc, int r, int c) {
    for (int pass = 0; pass < 4; pass++) {
      for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) {
        int ia = (ar == 1 ? 0 : i) * ac + (ac == 1 ? 0 : j), ib = (br == 1 ? 0 : i) * bc + (bc == 1 ? 0 : j);
        if (Math.abs(a.get(ia) - b.get(ib)) < 0.05f) b.set(ib, b.get(ib) + 0.37f);
      }
    }
  }

  @Test
  void sameValueOnBothSides() {
    Tensor x = rand(0.5f, 2f, 7, 9);
    check("x*x", (t, v) -> v[0].mul(v[0]), z -> map(z[0], u -> u * u), x);
    check("x/x + x", (t, v) -> v[0].div(v[0]).add(v[0]), z -> map(z[0], u -> 1 + u), x);
    check("x+x", (t, v) -> v[0].add(v[0]), z -> map(z[0], u -> 2 * u), x);
  }

  @Test
  void scalarOps() {
    for (int r : SIZES) {
      Tensor x = rand(0.5f, 2f, r, 7);
      check("add s", (t, v) -> v[0].add(1.5f), z -> map(z[0], u -> u + 1.5f), x);
      check("sub s", (t, v) -> v[0].sub(1.5f), z -> map(z[0], u -> u - 1.5f), x);
      check("mul s", (t, v) -> v[0].mul(-2.5f), z -> map(z[0], u -> u * -2.5f), x);
      check("div s", (t, v) -> v[0].div(3f), z -> map(z[0], u -> u / 3f), x);
      check("rdiv", (t, v) -> Composites.rdiv(2f, v[0]), z -> map(z[0], u -> 2 / u), x);
      check("rsub", (t, v) -> Composites.rsub(2f, v[0]), z -> map(z[0], u -> 2 - u), x);
      // accumulation into an already written gradient
      check("mul s twice", (t, v) -> v[0].mul(2f).add(v[0].mul(3f)), z -> map(z[0], u -> 5 * u), x);
    }
  }

  @Test
  void reductions() {
    for (int r : SIZES) for (int c : SIZES) {
      Tensor x = rand(-1, 1, r, c);
      check("sum", (t, v) -> v[0].sum(), z -> new double[] {sum(z[0], 0, z[0].length)}, x);
      check("mean", (t, v) -> v[0].mean(), z -> new double[] {sum(z[0], 0, z[0].length) / (r * c)}, x);
      check("sumRows", (t, v) -> v[0].sumRows(), z -> rowwise(z[0], r, c, (d, o) -> sum(d, o, c)), x);
      check("meanRows", (t, v) -> v[0].meanRows(), z -> rowwise(z[0], r, c, (d, o) -> sum(d, o, c) / c), x);
      check("logSumExpRows", (t, v) -> v[0].logSumExpRows(), z -> rowwise(z[0], r, c, (d, o) -> lse(d, o, c)), x);
      check("softmaxRows", (t, v) -> v[0].softmaxRows(), z -> softmax(z[0], r, c, false), x);
      check("logSoftmaxRows", (t, v) -> v[0].logSoftmaxRows(), z -> softmax(z[0], r, c, true), x);
      // row results broadcast back as columns
      check("x - lse", (t, v) -> v[0].sub(v[0].logSumExpRows()), z -> softmax(z[0], r, c, true), x);
    }
    check("sum rank 1", (t, v) -> v[0].sum(), z -> new double[] {sum(z[0], 0, 9)}, rand(-1, 1, 9));
  }

  interface RowFn { double apply(double[] d, int offset); }

  static double[] rowwise(double[] x, int r, int c, RowFn f) {
    double[] y = new double[r];
    for (int i = 0; i < r; i++) y[i] = f.apply(x, i * c);
    return y;
  }

  static double sum(double[] d, int o, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += d[o + i];
    return s;
  }

  static double lse(double[] d, int o, int n) {
    double m = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) m = Math.max(m, d[o + i]);
    double s = 0;
    for (int i = 0; i < n; i++) s += Math.exp(d[o + i] - m);
    return m + Math.log(s);
  }

  static double[] softmax(double[] x, int r, int c, boolean log) {
    double[] y = new double[r * c];
    for (int i = 0; i < r; i++) {
      double l = lse(x, i * c, c);
      for (int j = 0; j < c; j++) y[i * c + j] = log ? x[i * c + j] - l : Math.exp(x[i * c + j] - l);
    }
    return y;
  }

  @Test
  void gatherWhereConcatSliceReshape() {
    for (int r : SIZES) for (int c : new int[] {1, 7, 9}) {
      Tensor x = rand(-1, 1, r, c);
      int[] idx = new int[r];
      for (int i = 0; i < r; i++) idx[i] = rng.nextInt(c);
      check("gatherRows", (t, v) -> v[0].gatherRows(idx), z -> {
        double[] y = new double[r];
        for (int i = 0; i < r; i++) y[i] = z[0][i * c + idx[i]];
        return y;
      }, x);

      Tensor mask = Tensor.zeros(r, c);
      for (int i = 0; i < mask.size(); i++) mask.set(i, rng.uniform() < 0.5f ? 1f : 0f);
      Tensor b = rand(-1, 1, r, c), brow = rand(-1, 1, c);
      check("where", (t, v) -> t.where(mask, v[0], v[1]), z -> {
        double[] y = new double[r * c];
        for (int i = 0; i < y.length; i++) y[i] = mask.get(i) != 0 ? z[0][i] : z[1][i];
        return y;
      }, x, b);
      check("where row", (t, v) -> t.where(mask, v[0], v[1]), z -> {
        double[] y = new double[r * c];
        for (int i = 0; i < y.length; i++) y[i] = mask.get(i) != 0 ? z[0][i] : z[1][i % c];
        return y;
      }, x, brow);

      Tensor y2 = rand(-1, 1, r, 9);
      check("concatCols", (t, v) -> t.concatCols(v[0], v[1]), z -> {
        double[] y = new double[r * (c + 9)];
        for (int i = 0; i < r; i++) {
          for (int j = 0; j < c; j++) y[i * (c + 9) + j] = z[0][i * c + j];
          for (int j = 0; j < 9; j++) y[i * (c + 9) + c + j] = z[1][i * 9 + j];
        }
        return y;
      }, x, y2);
      // split then reuse both parts (accumulates into one gradient twice)
      check("splitCols", (t, v) -> {
        Var[] parts = t.splitCols(v[0], 4, 5);
        return t.concatCols(parts[1].mul(2f), parts[0].square());
      }, z -> {
        double[] y = new double[r * 9];
        for (int i = 0; i < r; i++) {
          for (int j = 0; j < 5; j++) y[i * 9 + j] = 2 * z[0][i * 9 + 4 + j];
          for (int j = 0; j < 4; j++) y[i * 9 + 5 + j] = z[0][i * 9 + j] * z[0][i * 9 + j];
        }
        return y;
      }, y2);
      check("reshape", (t, v) -> v[0].reshape(c, r).tanh(), z -> map(z[0], Math::tanh), x);
    }
  }

  @Test
  void compositesNeedNoBackwardCode() {
    Tensor logits = rand(-2, 2, 9, 7);
    int[] labels = new int[9];
    for (int i = 0; i < 9; i++) labels[i] = rng.nextInt(7);
    check("crossEntropy", (t, v) -> Composites.crossEntropy(v[0], labels), z -> {
      double[] ls = softmax(z[0], 9, 7, true);
      double s = 0;
      for (int i = 0; i < 9; i++) s -= ls[i * 7 + labels[i]];
      return new double[] {s / 9};
    }, logits);
    check("entropyRows", (t, v) -> Composites.entropyRows(v[0]), z -> {
      double[] ls = softmax(z[0], 9, 7, true);
      double[] h = new double[9];
      for (int i = 0; i < 9; i++) for (int j = 0; j < 7; j++) h[i] -= Math.exp(ls[i * 7 + j]) * ls[i * 7 + j];
      return h;
    }, logits);
    check("logSigmoid", (t, v) -> Composites.logSigmoid(v[0]), z -> map(z[0], u -> -Math.log1p(Math.exp(-u))), logits);
  }

  @Test
  void tapeFormOfGradCheckAgreesOnASmoothFunction() {
    Tensor x = rand(-1, 1, 7, 9), w = rand(-1, 1, 5, 9);
    GradCheck.Result r = GradCheck.againstTape(k, (t, v) -> v[0].linear(v[1], null, UnaryOp.TANH).square().mean(),
        new Tensor[] {x, w}, 1e-2f, 2e-4, 2e-2);
    r.assertPassed();
  }

  @Test
  void gradCheckReportsAWrongGradient() {
    // A reference that is 2x the function: the check must fail and say where.
    Tensor x = rand(-1, 1, 3, 3);
    GradCheck.Result r = GradCheck.againstReference(k, (t, v) -> v[0].square().sum(),
        z -> 2 * sum(map(z[0], u -> u * u), 0, 9), new Tensor[] {x}, H, ABS, REL);
    assertEquals(false, r.passed());
    org.junit.jupiter.api.Assertions.assertTrue(r.description().contains("FAILED"), r.description());
  }
}
