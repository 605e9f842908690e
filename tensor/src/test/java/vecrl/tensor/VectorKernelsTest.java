package vecrl.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every non-matmul kernel of {@link VectorKernels} against {@link ScalarKernels} on a grid of
 * shapes whose column counts straddle the vector width (0, 1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65,
 * 100, 257).
 *
 * <p>Tolerances. Kernels made of single IEEE operations (+, -, *, /, sqrt, min, max, compares)
 * perform the same operation on each element as the reference, so they must match bit for bit.
 * exp and log come from {@link VMath} (float algorithms within about 1 ulp of the exact result,
 * see {@link VMathTest}); the reference is correctly rounded to within 0.5 ulp, so the two float
 * results are at most 2 ulps apart. Composite functions (sigmoid, softplus) add a few roundings on
 * top: 4 ulps. tanh is a rational function within 6 ulps. Sums of n floats in any order are
 * within (n - 1) u sum |x_i| (u = 2^-24) of the exact sum; the tests allow 2 (n + 1) u sum |x_i|.
 */
final class VectorKernelsTest {
  private static final int[] COLS = {0, 1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 100, 257};
  private static final int[] ROWS = {1, 3};
  private final ScalarKernels ref = new ScalarKernels();
  private final VectorKernels vec = VectorKernels.create(1);

  private static List<int[]> shapes() {
    List<int[]> out = new ArrayList<>();
    for (int r : ROWS) for (int c : COLS) out.add(new int[] {r, c});
    out.add(new int[] {0, 5});
    out.add(new int[] {257, 65});
    return out;
  }

  /** Special values placed at the start of an input: zeros, infinities, NaN, extremes. */
  private static final float[] SPECIALS = {0f, -0f, 1f, -1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
      88.5f, -87f, -103f, 100f, -100f, 1e-30f, -1e-30f, 20f, -20f, 9f};

  private static Tensor input(Rng rng, float lo, float hi, boolean specials, int... shape) {
    Tensor t = Checks.random(rng, lo, hi, shape);
    if (specials) for (int i = 0; i < Math.min(t.size(), SPECIALS.length); i++) t.set(i, SPECIALS[i]);
    return t;
  }

  @Test
  void unaryMatchesReference() {
    Rng rng = new Rng(21);
    for (UnaryOp op : UnaryOp.values()) {
      long ulps = switch (op) {
        case EXP, LOG -> 2;
        case SIGMOID, SOFTPLUS -> 4;
        case TANH -> 6;
        default -> 0;
      };
      boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT;
      for (int[] s : shapes()) {
        Tensor x = positive ? input(rng, 1e-3f, 50f, false, s) : input(rng, -12f, 12f, true, s);
        if (positive && x.size() > 3) { // special values of the positive domain
          x.set(0, 0f);
          x.set(1, Float.POSITIVE_INFINITY);
          x.set(2, 1f);
        }
        Tensor expected = Tensor.zeros(s), actual = Tensor.zeros(s);
        ref.unary(op, x, expected);
        vec.unary(op, x, actual);
        Checks.assertUlps(expected, actual, ulps, "unary " + op + " " + x.shapeString());
        Tensor inPlace = x.copy();
        vec.unary(op, inPlace, inPlace);
        Checks.assertBitsEqual(actual, inPlace, "unary " + op + " in place");
      }
    }
  }

  @Test
  void unaryBackwardMatchesReference() {
    Rng rng = new Rng(22);
    for (UnaryOp op : UnaryOp.values()) {
      boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT;
      for (int[] s : shapes()) {
        Tensor x = positive ? input(rng, 1e-2f, 50f, false, s) : input(rng, -12f, 12f, false, s);
        if (!positive && x.size() > 2) x.set(1, 0f); // relu and abs at their kink
        Tensor y = Tensor.zeros(s);
        ref.unary(op, x, y);
        Tensor gy = Checks.random(rng, -1, 1, s);
        Tensor g0 = Checks.random(rng, -1, 1, s);
        Tensor expected = g0.copy(), actual = g0.copy();
        ref.unaryBackward(op, x, y, gy, expected);
        vec.unaryBackward(op, x, y, gy, actual);
        if (op == UnaryOp.SOFTPLUS) {
          // d/dx softplus = sigmoid(x), recomputed (4 ulps); the += adds u |gx|.
          for (int i = 0; i < x.size(); i++) {
            double tol = 4 * 2 * Checks.U * Math.abs(gy.get(i)) + 2 * Checks.U * Math.abs(expected.get(i));
            Checks.assertWithin(expected.get(i), actual.get(i), tol, "unaryBackward SOFTPLUS at " + i);
          }
        } else {
          Checks.assertBitsEqual(expected, actual, "unaryBackward " + op + " " + x.shapeString());
        }
      }
    }
  }

  @Test
  void clampAndItsBackwardMatchReference() {
    Rng rng = new Rng(23);
    for (int[] s : shapes()) {
      Tensor x = input(rng, -3, 3, true, s);
      Tensor e = Tensor.zeros(s), a = Tensor.zeros(s);
      ref.clamp(x, -1f, 2f, e);
      vec.clamp(x, -1f, 2f, a);
      Checks.assertBitsEqual(e, a, "clamp " + x.shapeString());
      if (x.size() > 2) x.set(2, 2f); // exactly at a bound: no gradient
      Tensor gy = Checks.random(rng, -1, 1, s), g0 = Checks.random(rng, -1, 1, s);
      Tensor ge = g0.copy(), ga = g0.copy();
      ref.clampBackward(x, -1f, 2f, gy, ge);
      vec.clampBackward(x, -1f, 2f, gy, ga);
      Checks.assertBitsEqual(ge, ga, "clampBackward " + x.shapeString());
    }
  }

  /** Operand shapes for an output of rows x cols: full, row [cols], row [1, cols], column, scalar, rank 0. */
  private static List<int[]> operandShapes(int rows, int cols) {
    List<int[]> out = new ArrayList<>();
    out.add(new int[] {rows, cols});
    out.add(new int[] {cols});
    out.add(new int[] {1, cols});
    out.add(new int[] {rows, 1});
    out.add(new int[] {1});
    out.add(new int[] {});
    return out;
  }

  private static List<int[]> broadcastOutputs() {
    return List.of(new int[] {3, 1}, new int[] {3, 7}, new int[] {2, 16}, new int[] {4, 17}, new int[] {5, 65},
        new int[] {1, 9}, new int[] {3, 100}, new int[] {2, 257}, new int[] {0, 8}, new int[] {3, 0});
  }

  @Test
  void binaryWithEveryBroadcastMatchesReference() {
    Rng rng = new Rng(24);
    for (BinaryOp op : BinaryOp.values()) {
      for (int[] os : broadcastOutputs()) {
        for (int[] as : operandShapes(os[0], os[1])) {
          for (int[] bs : operandShapes(os[0], os[1])) {
            Tensor a = input(rng, -3, 3, false, as), b = input(rng, 0.5f, 3, false, bs);
            if (op == BinaryOp.MAX || op == BinaryOp.MIN) b = input(rng, -3, 3, false, bs);
            Tensor e = Tensor.zeros(os), g = Tensor.zeros(os);
            ref.binary(op, a, b, e);
            vec.binary(op, a, b, g);
            String what = "binary " + op + " " + a.shapeString() + " " + b.shapeString();
            Checks.assertBitsEqual(e, g, what);
            checkBinaryBackward(rng, op, a, b, os, what);
          }
        }
      }
    }
  }

  private void checkBinaryBackward(Rng rng, BinaryOp op, Tensor a, Tensor b, int[] os, String what) {
    Tensor gy = Checks.random(rng, -1, 1, os);
    Tensor ga0 = Checks.random(rng, -1, 1, a.shape()), gb0 = Checks.random(rng, -1, 1, b.shape());
    Tensor gae = ga0.copy(), gaa = ga0.copy(), gbe = gb0.copy(), gba = gb0.copy();
    ref.binaryBackward(op, a, b, gy, gae, gbe);
    vec.binaryBackward(op, a, b, gy, gaa, gba);
    int rows = os[0], cols = os[1];
    compareGradient(op, true, a, b, gy, ga0, gae, gaa, rows, cols, what + " backward da");
    compareGradient(op, false, a, b, gy, gb0, gbe, gba, rows, cols, what + " backward db");
    // A null gradient is skipped, and the other one is unchanged by that.
    Tensor only = ga0.copy();
    vec.binaryBackward(op, a, b, gy, only, null);
    Checks.assertBitsEqual(gaa, only, what + " backward with gb null");
  }

  /**
   * Full and row-broadcast gradients add one term per element in the reference's order (bit
   * exact); column and scalar gradients are sums over n terms (the rounding bound).
   */
  private static void compareGradient(BinaryOp op, boolean left, Tensor a, Tensor b, Tensor gy, Tensor g0, Tensor expected,
      Tensor actual, int rows, int cols, String what) {
    Tensor x = left ? a : b;
    boolean summed = !(x.rows() == rows && x.cols() == cols) && (x.size() == 1 || x.cols() == 1);
    if (x.size() == 1 && rows * cols == 1) summed = false;
    if (!summed || rows * cols == 0) {
      Checks.assertBitsEqual(expected, actual, what);
      return;
    }
    for (int i = 0; i < x.size(); i++) {
      double mag = Math.abs(g0.get(i));
      int n = 0;
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          boolean hits = x.size() == 1 || r == i;
          if (!hits) continue;
          float av = a.size() == 1 ? a.get(0) : a.cols() == 1 && a.rows() == rows && cols != 1 ? a.get(r) : a.rows() == rows ? a.get(r, c) : a.get(c);
          float bv = b.size() == 1 ? b.get(0) : b.cols() == 1 && b.rows() == rows && cols != 1 ? b.get(r) : b.rows() == rows ? b.get(r, c) : b.get(c);
          mag += Math.abs(gy.get(r, c) * (left ? op.da(av, bv) : op.db(av, bv)));
          n++;
        }
      }
      Checks.assertWithin(expected.get(i), actual.get(i), 2 * (n + 2) * Checks.U * mag, what + " at " + i);
    }
  }

  @Test
  void binaryScalarMatchesReferenceAndRunsInPlace() {
    Rng rng = new Rng(25);
    for (BinaryOp op : BinaryOp.values()) {
      for (int[] s : shapes()) {
        Tensor a = input(rng, -3, 3, true, s);
        Tensor e = Tensor.zeros(s), g = Tensor.zeros(s);
        ref.binaryScalar(op, a, 1.75f, e);
        vec.binaryScalar(op, a, 1.75f, g);
        Checks.assertBitsEqual(e, g, "binaryScalar " + op);
        vec.binaryScalar(op, a, 1.75f, a);
        Checks.assertBitsEqual(e, a, "binaryScalar " + op + " in place");
      }
    }
  }

  @Test
  void addRowVectorMatchesReference() {
    Rng rng = new Rng(26);
    for (int[] s : shapes()) {
      Tensor x = Checks.random(rng, -1, 1, s), row = Checks.random(rng, -1, 1, s[1]);
      Tensor e = Tensor.zeros(s), g = Tensor.zeros(s);
      ref.addRowVector(x, row, e);
      vec.addRowVector(x, row, g);
      Checks.assertBitsEqual(e, g, "addRowVector " + x.shapeString());
    }
  }

  @Test
  void whereWithEveryBroadcastMatchesReference() {
    Rng rng = new Rng(27);
    for (int[] os : broadcastOutputs()) {
      List<int[]> shapes = operandShapes(os[0], os[1]);
      for (int[] ms : shapes) {
        for (int[] as : shapes) {
          Tensor mask = Checks.random(rng, 0, 1, ms);
          for (int i = 0; i < mask.size(); i++) {
            float u = mask.get(i);
            mask.set(i, u < 0.3f ? 0f : u < 0.4f ? -0f : u < 0.5f ? Float.NaN : u < 0.7f ? 1f : -2f);
          }
          Tensor a = Checks.random(rng, -1, 1, as), b = Checks.random(rng, -1, 1, shapes.get(rng.nextInt(shapes.size())));
          Tensor e = Tensor.zeros(os), g = Tensor.zeros(os);
          ref.where(mask, a, b, e);
          vec.where(mask, a, b, g);
          Checks.assertBitsEqual(e, g, "where " + mask.shapeString() + " " + a.shapeString() + " " + b.shapeString());
        }
      }
    }
  }

  @Test
  void reductionsMatchReference() {
    Rng rng = new Rng(28);
    for (int[] s : shapes()) {
      Tensor x = Checks.random(rng, -2, 2, s);
      int rows = s[0], cols = s[1];
      for (ReduceOp op : ReduceOp.values()) {
        Tensor er = Tensor.zeros(rows), gr = Tensor.zeros(rows);
        ref.reduceRows(op, x, er);
        vec.reduceRows(op, x, gr);
        Tensor ec = Tensor.zeros(cols), gc = Tensor.zeros(cols);
        ref.reduceCols(op, x, ec);
        vec.reduceCols(op, x, gc);
        Tensor ea = Tensor.zeros(1), ga = Tensor.zeros(1);
        ref.reduceAll(op, x, ea);
        vec.reduceAll(op, x, ga);
        if (op == ReduceOp.MAX) {
          Checks.assertBitsEqual(er, gr, "reduceRows MAX");
          Checks.assertBitsEqual(ec, gc, "reduceCols MAX");
          Checks.assertBitsEqual(ea, ga, "reduceAll MAX");
          continue;
        }
        double div = op == ReduceOp.MEAN ? 1 : 0;
        for (int r = 0; r < rows; r++) {
          double mag = 0;
          for (int c = 0; c < cols; c++) mag += Math.abs(x.get(r, c));
          if (div > 0) mag /= cols;
          Checks.assertWithin(er.get(r), gr.get(r), 2 * (cols + 2) * Checks.U * mag, "reduceRows " + op + " row " + r);
        }
        for (int c = 0; c < cols; c++) {
          double mag = 0;
          for (int r = 0; r < rows; r++) mag += Math.abs(x.get(r, c));
          if (div > 0) mag /= rows;
          Checks.assertWithin(ec.get(c), gc.get(c), 2 * (rows + 2) * Checks.U * mag, "reduceCols " + op + " col " + c);
        }
        double mag = 0;
        for (int i = 0; i < x.size(); i++) mag += Math.abs(x.get(i));
        if (div > 0) mag /= x.size();
        Checks.assertWithin(ea.get(0), ga.get(0), 2 * (x.size() + 2) * Checks.U * mag, "reduceAll " + op);
      }
    }
  }

  @Test
  void maxPropagatesNaNAndArgmaxMatchesReferenceOnTiesAndNaN() {
    Rng rng = new Rng(29);
    for (int[] s : shapes()) {
      Tensor x = Checks.random(rng, -2, 2, s);
      for (int i = 0; i < x.size(); i++) x.set(i, Math.round(x.get(i) * 2) / 2f); // many ties
      if (x.size() > 20) x.set(20, Float.NaN);
      if (s[0] > 2 && s[1] > 0) x.set(2, 0, Float.NaN); // NaN first in a row
      int[] e = new int[s[0]], g = new int[s[0]];
      ref.argmaxRows(x, e);
      vec.argmaxRows(x, g);
      assertArrayEquals(e, g, "argmaxRows " + x.shapeString());
      Tensor er = Tensor.zeros(s[0]), gr = Tensor.zeros(s[0]);
      ref.reduceRows(ReduceOp.MAX, x, er);
      vec.reduceRows(ReduceOp.MAX, x, gr);
      Checks.assertBitsEqual(er, gr, "reduceRows MAX with NaN " + x.shapeString());
    }
  }

  @Test
  void softmaxFamilyMatchesReference() {
    Rng rng = new Rng(30);
    for (int[] s : shapes()) {
      for (float scale : new float[] {1f, 30f}) {
        Tensor x = Checks.random(rng, -scale, scale, s);
        if (s[0] > 0 && s[1] > 3) x.set(0, 1, Float.NEGATIVE_INFINITY); // a masked entry
        int rows = s[0], cols = s[1];
        Tensor el = Tensor.zeros(rows), gl = Tensor.zeros(rows);
        ref.logSumExpRows(x, el);
        vec.logSumExpRows(x, gl);
        Tensor es = Tensor.zeros(s), gs = Tensor.zeros(s), els = Tensor.zeros(s), gls = Tensor.zeros(s);
        ref.softmaxRows(x, es);
        vec.softmaxRows(x, gs);
        ref.logSoftmaxRows(x, els);
        vec.logSoftmaxRows(x, gls);
        for (int r = 0; r < rows; r++) {
          float lse = el.get(r);
          // exp(x - max) has error u |x - max| + 1 ulp per term; the float sum n u; log adds u |lse|.
          double lseTol = 2 * Checks.U * (cols + 4 + 2 * scale + Math.abs(lse));
          Checks.assertWithin(lse, gl.get(r), lseTol, "logSumExpRows row " + r + " of " + x.shapeString());
          for (int c = 0; c < cols; c++) {
            double argTol = lseTol + 2 * Checks.U * (Math.abs(x.get(r, c)) + Math.abs(lse));
            Checks.assertWithin(els.get(r, c), gls.get(r, c), argTol, "logSoftmaxRows [" + r + ", " + c + "]");
            double p = es.get(r, c);
            Checks.assertWithin(es.get(r, c), gs.get(r, c), p * (argTol + 4 * Checks.U) + Float.MIN_VALUE,
                "softmaxRows [" + r + ", " + c + "]");
          }
        }
      }
    }
    // Rows of -infinity, +infinity and NaN give what the reference gives.
    Tensor odd = Tensor.matrix(new float[][] {
        {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, {Float.POSITIVE_INFINITY, 1f}, {Float.NaN, 1f}});
    Tensor e = Tensor.zeros(3), g = Tensor.zeros(3);
    ref.logSumExpRows(odd, e);
    vec.logSumExpRows(odd, g);
    Checks.assertBitsEqual(e, g, "logSumExpRows of non-finite rows");
  }

  @Test
  void gatherScatterFillCopyMatchReference() {
    Rng rng = new Rng(31);
    for (int[] s : shapes()) {
      if (s[1] == 0) continue;
      Tensor x = Checks.random(rng, -1, 1, s);
      int[] idx = new int[s[0]];
      for (int i = 0; i < idx.length; i++) idx[i] = rng.nextInt(s[1]);
      Tensor e = Tensor.zeros(s[0]), g = Tensor.zeros(s[0]);
      ref.gatherRows(x, idx, e);
      vec.gatherRows(x, idx, g);
      Checks.assertBitsEqual(e, g, "gatherRows");
      Tensor src = Checks.random(rng, -1, 1, s[0]);
      Tensor se = x.copy(), sg = x.copy();
      ref.scatterAddRows(src, idx, se);
      vec.scatterAddRows(src, idx, sg);
      Checks.assertBitsEqual(se, sg, "scatterAddRows");
      vec.fill(sg, 2.5f);
      for (int i = 0; i < sg.size(); i++) assertEquals(2.5f, sg.get(i));
      vec.copy(x, sg);
      Checks.assertBitsEqual(x, sg, "copy");
    }
  }

  @Test
  void adamStepMatchesReference() {
    Rng rng = new Rng(32);
    for (int[] s : shapes()) {
      for (float wd : new float[] {0f, 0.01f}) {
        Tensor p0 = Checks.random(rng, -1, 1, s), g = Checks.random(rng, -1, 1, s);
        Tensor m0 = Checks.random(rng, -0.1f, 0.1f, s), v0 = Checks.random(rng, 0, 0.01f, s);
        Tensor pe = p0.copy(), me = m0.copy(), ve = v0.copy(), pg = p0.copy(), mg = m0.copy(), vg = v0.copy();
        for (long t = 1; t <= 3; t++) {
          ref.adamStep(pe, g, me, ve, 1e-2f, 0.9f, 0.999f, 1e-8f, wd, t);
          vec.adamStep(pg, g, mg, vg, 1e-2f, 0.9f, 0.999f, 1e-8f, wd, t);
        }
        Checks.assertBitsEqual(me, mg, "adamStep m");
        Checks.assertBitsEqual(ve, vg, "adamStep v");
        // Each step rounds a handful of float operations (about 6 u of the step, u of p) instead of
        // one double expression: 3 steps, allowed 2 x 3 x 8 u of (|p| + lr).
        for (int i = 0; i < p0.size(); i++) {
          Checks.assertWithin(pe.get(i), pg.get(i), 48 * Checks.U * (Math.abs(p0.get(i)) + 1e-2), "adamStep p at " + i);
        }
      }
    }
  }
}
