package vecrl.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vecrl.gpu.Tolerances.U;
import static vecrl.gpu.Tolerances.assertOutsideUntouched;
import static vecrl.gpu.Tolerances.assertSameArray;
import static vecrl.gpu.Tolerances.assertUlps;
import static vecrl.gpu.Tolerances.assertWithin;
import static vecrl.gpu.Tolerances.random;
import static vecrl.gpu.Tolerances.twin;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vecrl.tensor.BinaryOp;
import vecrl.tensor.ReduceOp;
import vecrl.tensor.Rng;
import vecrl.tensor.ScalarKernels;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

/**
 * Every OpenCL kernel against {@link ScalarKernels} on the tensor tests' grid of shapes, on views at
 * a non-zero offset (checking the rest of the array is untouched). One backend per concrete class,
 * so each kernel is compiled once; see {@link Tolerances} for where each tolerance comes from. Run
 * in both data-movement modes: {@link OpenClKernelsResidentTest} (data stays on the device; results
 * reach the host through the {@link vecrl.tensor.HostSync} hook when the test reads them) and
 * {@link OpenClKernelsImplicitTest}.
 */
abstract class OpenClKernelsTest {
  private static final int[] SIZES = {0, 1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 100, 257};
  /** A subset for the cases multiplied by broadcast kinds or three matmul dimensions. */
  private static final int[] SOME = {0, 1, 2, 9, 17, 65};

  static OpenClKernels gpu;
  private static final ScalarKernels ref = new ScalarKernels();

  @BeforeEach
  void needsDevice() {
    OpenClTestSupport.assumeOpen(gpu);
  }

  @AfterAll
  static void release() {
    if (gpu != null) gpu.close();
    gpu = null;
  }

  private static String shape(int r, int c) {
    return "[" + r + ", " + c + "]";
  }

  // ------------------------------------------------------------------ conv2d

  /**
   * conv2d and its backward (the interface's composition: im2col, then the fused linear layer on
   * the device; the gradients by device matrix multiplies and col2im) against the scalar direct
   * convolution, with strides, paddings and odd sizes; bound as for matmul, from the magnitudes.
   */
  @Test
  void conv2dForwardAndBackwardMatchTheReference() {
    Rng rng = new Rng(41);
    int[][] geometries = {{2, 5, 7, 3, 4, 3, 3, 1, 1}, {3, 9, 8, 2, 5, 3, 2, 2, 0}, {2, 20, 20, 4, 32, 8, 8, 4, 0}, {1, 7, 7, 9, 17, 3, 3, 1, 1}};
    for (int[] s : geometries) {
      vecrl.tensor.Conv2dGeometry g = new vecrl.tensor.Conv2dGeometry(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]);
      Tensor x = random(rng, -1, 1, g.batch(), g.height(), g.width(), g.channels());
      Tensor w = random(rng, -1, 1, g.outChannels(), g.patchSize()), b = random(rng, -1, 1, g.outChannels());
      Tensor gy = random(rng, -1, 1, g.outRows(), g.outChannels());
      Tensor expected = Tensor.zeros(g.outRows(), g.outChannels()), mag = Tensor.zeros(g.outRows(), g.outChannels());
      ref.conv2d(x, w, b, UnaryOp.RELU, g, null, expected);
      ref.conv2d(abs(x), abs(w), abs(b), null, g, null, mag);
      Tensor cols = Tensor.zeros(g.outRows(), g.patchSize()), out = Tensor.zeros(g.outRows(), g.outChannels());
      gpu.conv2d(x, w, b, UnaryOp.RELU, g, cols, out);
      String what = "conv2d " + g;
      for (int i = 0; i < out.size(); i++) {
        assertWithin(expected.get(i), out.get(i), (g.patchSize() + 3) * U * mag.get(i), what + " element " + i);
      }
      Tensor gx = Tensor.zeros(g.batch(), g.height(), g.width(), g.channels()), gw = Tensor.zeros(g.outChannels(), g.patchSize());
      Tensor gb = Tensor.zeros(g.outChannels());
      Tensor ex = twin(gx), ew = twin(gw), eb = twin(gb), mx = twin(gx), mw = twin(gw), mb = twin(gb);
      ref.conv2dBackward(x, w, gy, g, null, ex, ew, eb);
      ref.conv2dBackward(abs(x), abs(w), abs(gy), g, null, mx, mw, mb);
      gpu.conv2d(x, w, null, null, g, cols, out);
      gpu.conv2dBackward(x, w, gy, g, cols, gx, gw, gb);
      int terms = g.outChannels() * g.kernelH() * g.kernelW() + g.outRows();
      for (int i = 0; i < gx.size(); i++) assertWithin(ex.get(i), gx.get(i), (terms + 3) * U * mx.get(i), what + " input gradient " + i);
      for (int i = 0; i < gw.size(); i++) assertWithin(ew.get(i), gw.get(i), (terms + 3) * U * mw.get(i), what + " weight gradient " + i);
      for (int i = 0; i < gb.size(); i++) assertWithin(eb.get(i), gb.get(i), (terms + 3) * U * mb.get(i), what + " bias gradient " + i);
    }
  }

  /** Geometries for the patch copies: the conv2d grid plus wider padding, stride 3 and an empty batch. */
  private static final int[][] PATCH_GEOMETRIES = {{2, 5, 7, 3, 4, 3, 3, 1, 1}, {3, 9, 8, 2, 5, 3, 2, 2, 0},
      {2, 20, 20, 4, 32, 8, 8, 4, 0}, {1, 7, 7, 9, 17, 3, 3, 1, 1}, {2, 6, 5, 3, 2, 3, 3, 2, 2}, {1, 4, 4, 1, 3, 4, 4, 3, 1},
      {2, 3, 8, 2, 1, 1, 5, 3, 2}, {0, 3, 3, 2, 2, 2, 2, 1, 0}};

  /**
   * The device im2col and col2im against the interface's host loops (the scalar reference does not
   * override them), bit for bit: im2col copies, and col2im adds each input element's patch entries
   * in the host loop's order. Views at an offset, with the rest of each array checked untouched
   * (the comparison covers the whole backing array); the patch matrix starts with stale values.
   */
  @Test
  void im2colAndCol2imMatchTheHostLoopsExactly() {
    Rng rng = new Rng(43);
    for (int[] s : PATCH_GEOMETRIES) {
      vecrl.tensor.Conv2dGeometry g = new vecrl.tensor.Conv2dGeometry(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]);
      Tensor x = random(rng, -1, 1, g.batch(), g.height(), g.width(), g.channels());
      Tensor cols = random(rng, -1, 1, g.outRows(), g.patchSize());
      Tensor expected = twin(cols);
      ref.im2col(x, g, expected);
      gpu.im2col(x, g, cols);
      assertSameArray(expected, cols, "im2col " + g);

      Tensor gx = random(rng, -1, 1, g.batch(), g.height(), g.width(), g.channels());
      Tensor ex = twin(gx);
      Tensor patches = random(rng, -1, 1, g.outRows(), g.patchSize());
      ref.col2imAdd(patches, g, ex);
      gpu.col2imAdd(patches, g, gx);
      assertSameArray(ex, gx, "col2imAdd " + g);

      // The forward is the host patches through the same device linear layer, bit for bit.
      if (g.batch() == 0) continue;
      Tensor w = random(rng, -1, 1, g.outChannels(), g.patchSize()), b = random(rng, -1, 1, g.outChannels());
      Tensor hostCols = Tensor.zeros(g.outRows(), g.patchSize());
      ref.im2col(x, g, hostCols);
      Tensor before = Tensor.zeros(g.outRows(), g.outChannels()), out = Tensor.zeros(g.outRows(), g.outChannels());
      gpu.linear(hostCols, w, b, UnaryOp.RELU, before);
      gpu.conv2d(x, w, b, UnaryOp.RELU, g, Tensor.zeros(g.outRows(), g.patchSize()), out);
      assertSameArray(before, out, "conv2d against host im2col + device linear " + g);
    }
  }

  @Test
  void patchCopiesRejectWrongShapes() {
    vecrl.tensor.Conv2dGeometry g = new vecrl.tensor.Conv2dGeometry(1, 4, 4, 2, 3, 3, 3, 1, 0);
    Tensor x = Tensor.zeros(1, 4, 4, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> gpu.im2col(x, g, Tensor.zeros(4, 17)));
    assertTrue(e.getMessage().contains("patch matrix"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gpu.col2imAdd(Tensor.zeros(4, 18), g, Tensor.zeros(1, 4, 4, 3)));
    assertTrue(e.getMessage().contains("input"), e.getMessage());
  }

  private static Tensor abs(Tensor t) {
    Tensor a = Tensor.zeros(t.shape());
    for (int i = 0; i < a.size(); i++) a.set(i, Math.abs(t.get(i)));
    return a;
  }

  // ------------------------------------------------------------------ matmul

  private static void checkMatmul(Rng rng, int m, int k, int n, boolean ta, boolean tb, float beta) {
    Tensor a = ta ? random(rng, -1, 1, k, m) : random(rng, -1, 1, m, k);
    Tensor b = tb ? random(rng, -1, 1, n, k) : random(rng, -1, 1, k, n);
    Tensor c = random(rng, -1, 1, m, n);
    Tensor before = twin(c);
    Tensor expected = twin(c);
    ref.matmul(a, ta, b, tb, expected, beta);
    gpu.matmul(a, ta, b, tb, c, beta);
    String what = "matmul " + (ta ? "A^T" : "A") + (tb ? "B^T" : "B") + " m=" + m + " k=" + k + " n=" + n + " beta=" + beta;
    assertOutsideUntouched(before, c, what);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double mag = Math.abs(beta * before.get(i, j));
        for (int p = 0; p < k; p++) {
          float av = ta ? a.get(p, i) : a.get(i, p);
          float bv = tb ? b.get(j, p) : b.get(p, j);
          mag += Math.abs((double) av * bv);
        }
        assertWithin(expected.get(i, j), c.get(i, j), (k + 3) * U * mag, what + " at [" + i + ", " + j + "]");
      }
    }
  }

  @Test
  void matmulAllFormsAndBetasOnShapeGrid() {
    Rng rng = new Rng(11);
    for (int m : SOME) {
      for (int k : SOME) {
        for (int n : SOME) {
          for (float beta : new float[] {0f, 0.5f}) {
            checkMatmul(rng, m, k, n, false, false, beta);
            checkMatmul(rng, m, k, n, false, true, beta);
            checkMatmul(rng, m, k, n, true, false, beta);
          }
        }
      }
    }
  }

  @Test
  void matmulLargerThanSeveralTiles() {
    Rng rng = new Rng(12);
    checkMatmul(rng, 100, 257, 63, false, false, 0f);
    checkMatmul(rng, 257, 64, 100, false, true, 1f);
    checkMatmul(rng, 65, 100, 257, true, false, 0f);
    assertTrue(gpu.matmulTile() >= 1, "a tile size was chosen");
  }

  @Test
  void matmulBetaZeroIgnoresNaNInOutput() {
    Tensor a = Tensor.matrix(new float[][] {{1, 2}, {3, 4}});
    Tensor b = Tensor.matrix(new float[][] {{5, 6}, {7, 8}});
    Tensor c = Tensor.full(Float.NaN, 2, 2);
    gpu.matmul(a, false, b, false, c, 0f);
    assertArrayEquals(new float[] {19, 22, 43, 50}, c.toArray());
  }

  @Test
  void matmulShapeErrorsMatchTheOtherBackends() {
    Tensor a = Tensor.zeros(64, 3), b = Tensor.zeros(4, 2), c = Tensor.zeros(64, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.matmul(a, false, b, false, c, 0f));
    IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> ref.matmul(a, false, b, false, c, 0f));
    assertEquals(r.getMessage(), e.getMessage());
    assertEquals("matmul: [64, 3] x [4, 2]: inner sizes 3 and 4 differ", e.getMessage());
  }

  // ------------------------------------------------------------------ unary

  /** ulps allowed for op(x): OpenCL 1.2 limits (exp/log 3, tanh 5, sqrt 3, divide 2.5), composed. */
  private static long unaryUlps(UnaryOp op) {
    return switch (op) {
      case RELU, SQUARE, ABS, NEG -> 0;
      case EXP, LOG, SQRT -> 3;
      case TANH -> 5;
      case SIGMOID -> 8; // exp 3 + add 0.5 + divide 2.5, rounded up
      case SOFTPLUS -> 6; // exp 3 feeding log1p 2, then one add
    };
  }

  private static float lo(UnaryOp op) {
    return op == UnaryOp.LOG || op == UnaryOp.SQRT ? 0.01f : -4f;
  }

  @Test
  void unaryForwardOnShapeGrid() {
    Rng rng = new Rng(21);
    for (UnaryOp op : UnaryOp.values()) {
      for (int r : SIZES) {
        for (int c : SIZES) {
          Tensor x = random(rng, lo(op), 4f, r, c);
          Tensor out = random(rng, -1, 1, r, c);
          Tensor before = twin(out), expected = twin(out);
          ref.unary(op, x, expected);
          gpu.unary(op, x, out);
          String what = "unary " + op + " " + shape(r, c);
          assertOutsideUntouched(before, out, what);
          for (int i = 0; i < x.size(); i++) assertUlps(expected.get(i), out.get(i), unaryUlps(op), what + " element " + i);
        }
      }
    }
  }

  @Test
  void unaryInPlace() {
    Rng rng = new Rng(22);
    Tensor x = random(rng, -3, 3, 17, 9);
    Tensor expected = twin(x);
    ref.unary(UnaryOp.TANH, expected, expected);
    gpu.unary(UnaryOp.TANH, x, x);
    for (int i = 0; i < x.size(); i++) assertUlps(expected.get(i), x.get(i), 5, "tanh in place element " + i);
  }

  @Test
  void unaryBackwardOnShapeGrid() {
    Rng rng = new Rng(23);
    for (UnaryOp op : UnaryOp.values()) {
      for (int r : SIZES) {
        for (int c : SIZES) {
          Tensor x = random(rng, lo(op), 4f, r, c);
          Tensor y = x.zerosLike();
          ref.unary(op, x, y);
          Tensor gy = random(rng, -1, 1, r, c);
          Tensor gx = random(rng, -1, 1, r, c);
          Tensor before = twin(gx), expected = twin(gx);
          ref.unaryBackward(op, x, y, gy, expected);
          gpu.unaryBackward(op, x, y, gy, gx);
          String what = "unaryBackward " + op + " " + shape(r, c);
          assertOutsideUntouched(before, gx, what);
          for (int i = 0; i < x.size(); i++) {
            // gx + d * gy: the derivative is within a few ulps (a divide for LOG and SQRT, the
            // sigmoid for SOFTPLUS), the multiply-add rounds once or twice either way.
            double d = op.derivative(x.get(i), y.get(i));
            // TANH's 1 - y*y cancels as |y| nears 1: its error is absolute, 2U (1 + y^2), with or without FMA.
            double cancel = op == UnaryOp.TANH ? 2 * U * (1 + (double) y.get(i) * y.get(i)) * Math.abs(gy.get(i)) : 0;
            double tol = 10 * U * Math.abs(d * gy.get(i)) + 2 * U * Math.abs(before.get(i)) + cancel;
            assertWithin(expected.get(i), gx.get(i), tol, what + " element " + i);
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------ clamp, binary, where

  @Test
  void clampAndClampBackwardBitExact() {
    Rng rng = new Rng(31);
    for (int r : SIZES) {
      for (int c : SIZES) {
        Tensor x = random(rng, -2, 2, r, c);
        Tensor out = random(rng, -1, 1, r, c), expected = twin(out);
        ref.clamp(x, -0.5f, 0.75f, expected);
        gpu.clamp(x, -0.5f, 0.75f, out);
        assertSameArray(expected, out, "clamp " + shape(r, c));
        Tensor gy = random(rng, -1, 1, r, c);
        Tensor gx = random(rng, -1, 1, r, c), gExpected = twin(gx);
        ref.clampBackward(x, -0.5f, 0.75f, gy, gExpected);
        gpu.clampBackward(x, -0.5f, 0.75f, gy, gx);
        assertSameArray(gExpected, gx, "clampBackward " + shape(r, c));
      }
    }
    assertThrows(IllegalArgumentException.class, () -> gpu.clamp(Tensor.zeros(2), 1f, 0f, Tensor.zeros(2)));
  }

  /** Every way an operand can be laid out against an output of r x c. */
  private static int[][] layouts(int r, int c) {
    return new int[][] {{r, c}, {c}, {1, c}, {r, 1}, {1}};
  }

  private static long binaryUlps(BinaryOp op) {
    return op == BinaryOp.DIV ? 3 : 0; // OpenCL divide: 2.5 ulp; the rest are exact or correctly rounded
  }

  @Test
  void binaryFullShapesOnGrid() {
    Rng rng = new Rng(41);
    for (BinaryOp op : BinaryOp.values()) {
      for (int r : SIZES) {
        for (int c : SIZES) {
          Tensor a = random(rng, -2, 2, r, c), b = random(rng, 0.5f, 2, r, c);
          Tensor out = random(rng, -1, 1, r, c), before = twin(out), expected = twin(out);
          ref.binary(op, a, b, expected);
          gpu.binary(op, a, b, out);
          String what = "binary " + op + " " + shape(r, c);
          assertOutsideUntouched(before, out, what);
          for (int i = 0; i < out.size(); i++) assertUlps(expected.get(i), out.get(i), binaryUlps(op), what + " element " + i);
          Tensor s = random(rng, -1, 1, r, c), sExpected = twin(s);
          ref.binaryScalar(op, a, 1.75f, sExpected);
          gpu.binaryScalar(op, a, 1.75f, s);
          for (int i = 0; i < s.size(); i++) assertUlps(sExpected.get(i), s.get(i), binaryUlps(op), "binaryScalar " + what + " element " + i);
        }
      }
    }
  }

  @Test
  void binaryBroadcastingAndWhere() {
    Rng rng = new Rng(42);
    for (int r : SOME) {
      for (int c : SOME) {
        for (int[] la : layouts(r, c)) {
          for (int[] lb : layouts(r, c)) {
            Tensor a = random(rng, -2, 2, la), b = random(rng, 0.5f, 2, lb);
            for (BinaryOp op : BinaryOp.values()) {
              Tensor out = random(rng, -1, 1, r, c), expected = twin(out);
              ref.binary(op, a, b, expected);
              gpu.binary(op, a, b, out);
              String what = "binary " + op + " " + a.shapeString() + " with " + b.shapeString() + " -> " + shape(r, c);
              for (int i = 0; i < out.size(); i++) assertUlps(expected.get(i), out.get(i), binaryUlps(op), what + " element " + i);
            }
            Tensor mask = random(rng, -1, 1, r, c);
            for (int i = 0; i < mask.size(); i++) mask.set(i, mask.get(i) > 0 ? 1f : 0f);
            Tensor out = random(rng, -1, 1, r, c), expected = twin(out);
            ref.where(mask, a, b, expected);
            gpu.where(mask, a, b, out);
            assertSameArray(expected, out, "where " + a.shapeString() + " / " + b.shapeString());
          }
        }
      }
    }
  }

  @Test
  void binaryInPlaceAndBroadcastErrors() {
    Rng rng = new Rng(43);
    Tensor a = random(rng, -1, 1, 9, 7), row = random(rng, -1, 1, 7);
    Tensor expected = twin(a);
    ref.binary(BinaryOp.MUL, expected, row, expected);
    gpu.binary(BinaryOp.MUL, a, row, a);
    assertSameArray(expected, a, "binary MUL in place");
    Tensor bad = Tensor.zeros(3, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.binary(BinaryOp.ADD, a, bad, Tensor.zeros(9, 7)));
    IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> ref.binary(BinaryOp.ADD, a, bad, Tensor.zeros(9, 7)));
    assertEquals(r.getMessage(), e.getMessage());
  }

  @Test
  void binaryBackwardWithBroadcasting() {
    Rng rng = new Rng(44);
    for (int r : SOME) {
      for (int c : SOME) {
        for (int[] la : layouts(r, c)) {
          for (int[] lb : layouts(r, c)) {
            Tensor a = random(rng, -2, 2, la), b = random(rng, 0.5f, 2, lb);
            Tensor gy = random(rng, -1, 1, r, c);
            for (BinaryOp op : BinaryOp.values()) {
              // Both gradients are views of one array, as in a flat gradient buffer.
              float[] shared = new float[a.size() + b.size() + 5];
              for (int i = 0; i < shared.length; i++) shared[i] = rng.uniform(-1, 1);
              Tensor ga = Tensor.wrap(shared, 2, la), gb = Tensor.wrap(shared, 3 + a.size(), lb);
              float[] expShared = shared.clone();
              Tensor gaE = Tensor.wrap(expShared, 2, la), gbE = Tensor.wrap(expShared, 3 + a.size(), lb);
              float[] initial = shared.clone();
              ref.binaryBackward(op, a, b, gy, gaE, gbE);
              gpu.binaryBackward(op, a, b, gy, ga, gb);
              String what = "binaryBackward " + op + " " + a.shapeString() + " , " + b.shapeString() + " -> " + shape(r, c);
              // Each gradient element sums n = (broadcast count) terms gy * partial (a divide for DIV).
              int count = r * c / Math.max(1, a.size());
              for (int i = 0; i < a.size(); i++) {
                double mag = Math.abs(initial[2 + i]) + magnitude(op, a, b, gy, true, i);
                assertWithin(gaE.get(i), ga.get(i), (r * c + 8) * U * mag, what + " ga element " + i + " (sum of " + count + ")");
              }
              for (int i = 0; i < b.size(); i++) {
                double mag = Math.abs(initial[3 + a.size() + i]) + magnitude(op, a, b, gy, false, i);
                assertWithin(gbE.get(i), gb.get(i), (r * c + 8) * U * mag, what + " gb element " + i);
              }
              assertEquals(initial[0], shared[0]);
              assertEquals(initial[2 + a.size()], shared[2 + a.size()], "the gap between the two gradients is untouched");
            }
          }
        }
      }
    }
  }

  /** Sum of |gy * partial| over the output elements that feed gradient element i of a (or b). */
  private static double magnitude(BinaryOp op, Tensor a, Tensor b, Tensor gy, boolean ofA, int i) {
    int rows = gy.rows(), cols = gy.cols();
    double s = 0;
    Tensor x = ofA ? a : b;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        if (flat(x, rows, cols, r, c) != i) continue;
        float av = a.data()[a.offset() + flat(a, rows, cols, r, c)], bv = b.data()[b.offset() + flat(b, rows, cols, r, c)];
        s += Math.abs((double) gy.get(r, c) * (ofA ? op.da(av, bv) : op.db(av, bv)));
      }
    }
    return s;
  }

  private static int flat(Tensor x, int rows, int cols, int r, int c) {
    if (x.rows() == rows && x.cols() == cols) return r * cols + c;
    if (x.size() == 1) return 0;
    if (x.cols() == cols && x.rows() == 1) return c;
    return r;
  }

  // ------------------------------------------------------------------ reductions and rows

  @Test
  void reductionsOnShapeGrid() {
    Rng rng = new Rng(51);
    for (ReduceOp op : ReduceOp.values()) {
      for (int r : SIZES) {
        for (int c : SIZES) {
          Tensor x = random(rng, -2, 2, r, c);
          Tensor rows = random(rng, -1, 1, r), rowsE = twin(rows);
          ref.reduceRows(op, x, rowsE);
          gpu.reduceRows(op, x, rows);
          for (int i = 0; i < r; i++) checkReduce(op, rowsE.get(i), rows.get(i), x, i, 0, c, 1, "reduceRows " + op + " " + shape(r, c) + " row " + i);
          Tensor cols = random(rng, -1, 1, c), colsE = twin(cols);
          ref.reduceCols(op, x, colsE);
          gpu.reduceCols(op, x, cols);
          for (int j = 0; j < c; j++) checkReduce(op, colsE.get(j), cols.get(j), x, j, 0, r, c, "reduceCols " + op + " " + shape(r, c) + " col " + j);
          Tensor all = random(rng, -1, 1, 1), allE = twin(all);
          ref.reduceAll(op, x, allE);
          gpu.reduceAll(op, x, all);
          checkReduce(op, allE.get(0), all.get(0), x, 0, 0, r * c, 1, "reduceAll " + op + " " + shape(r, c));
          assertOutsideUntouched(allE, all, "reduceAll " + op);
        }
      }
    }
  }

  /** SUM: float sum bound; MEAN: the same divided by n, plus the divide's 2.5 ulp; MAX: exact. */
  private static void checkReduce(ReduceOp op, float expected, float actual, Tensor x, int line, int unused,
      int count, int stride, String what) {
    if (op == ReduceOp.MAX) {
      assertUlps(expected, actual, 0, what);
      return;
    }
    int start = stride == 1 ? line * count : line;
    int step = stride == 1 ? 1 : stride;
    if (stride == 1 && count == x.size()) start = 0;
    double mag = 0;
    for (int t = 0; t < count; t++) mag += Math.abs(x.get(start + t * step));
    double tol = (count + 1) * U * mag;
    if (op == ReduceOp.MEAN) tol = tol / Math.max(1, count) + 3 * U * Math.abs(expected);
    assertWithin(expected, actual, tol, what);
  }

  /** Absolute error bound of log-sum-exp over a row of n: exp 3 ulp per term, the sum, log 3 ulp, the add. */
  private static double lseTol(int n, float lse) {
    return U * (n + 8 + 4 * Math.abs(lse));
  }

  @Test
  void softmaxFamilyOnShapeGrid() {
    Rng rng = new Rng(61);
    for (int r : SIZES) {
      for (int c : SIZES) {
        Tensor x = random(rng, -5, 5, r, c);
        Tensor lse = random(rng, -1, 1, r), lseE = twin(lse);
        ref.logSumExpRows(x, lseE);
        gpu.logSumExpRows(x, lse);
        for (int i = 0; i < r; i++) assertWithin(lseE.get(i), lse.get(i), lseTol(c, lseE.get(i)), "logSumExpRows " + shape(r, c) + " row " + i);
        Tensor sm = random(rng, -1, 1, r, c), smE = twin(sm), before = twin(sm);
        ref.softmaxRows(x, smE);
        gpu.softmaxRows(x, sm);
        assertOutsideUntouched(before, sm, "softmaxRows");
        Tensor ls = random(rng, -1, 1, r, c), lsE = twin(ls);
        ref.logSoftmaxRows(x, lsE);
        gpu.logSoftmaxRows(x, ls);
        for (int i = 0; i < r; i++) {
          double tl = lseTol(c, lseE.get(i));
          for (int j = 0; j < c; j++) {
            double arg = Math.abs(x.get(i, j) - lseE.get(i));
            // exp(x - lse): the argument's absolute error becomes a relative error of the result.
            assertWithin(smE.get(i, j), sm.get(i, j), smE.get(i, j) * (tl + 2 * U * arg + 4 * U), "softmaxRows " + shape(r, c) + " at [" + i + ", " + j + "]");
            assertWithin(lsE.get(i, j), ls.get(i, j), tl + U * (Math.abs(x.get(i, j)) + 2 * arg), "logSoftmaxRows " + shape(r, c) + " at [" + i + ", " + j + "]");
          }
        }
      }
    }
  }

  @Test
  void reduceMaxAndLogSumExpPropagateNaNAndInfinity() {
    Tensor x = Tensor.matrix(new float[][] {{1, Float.NaN, 3}, {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, {1, Float.POSITIVE_INFINITY, 2}});
    Tensor m = Tensor.zeros(3), mE = Tensor.zeros(3), l = Tensor.zeros(3), lE = Tensor.zeros(3);
    ref.reduceRows(ReduceOp.MAX, x, mE);
    gpu.reduceRows(ReduceOp.MAX, x, m);
    assertSameArray(mE, m, "reduceRows MAX with NaN and infinities");
    ref.logSumExpRows(x, lE);
    gpu.logSumExpRows(x, l);
    assertSameArray(lE, l, "logSumExpRows with NaN and infinities");
  }

  @Test
  void argmaxGatherScatterOnShapeGrid() {
    Rng rng = new Rng(71);
    for (int r : SIZES) {
      for (int c : SIZES) {
        Tensor x = random(rng, -2, 2, r, c);
        if (r > 1 && c > 2) x.set(1, 2, x.get(1, 0)); // a tie: the first index wins
        int[] am = new int[r], amE = new int[r];
        ref.argmaxRows(x, amE);
        gpu.argmaxRows(x, am);
        assertArrayEquals(amE, am, "argmaxRows " + shape(r, c));
        if (c == 0) continue;
        int[] idx = new int[r];
        for (int i = 0; i < r; i++) idx[i] = rng.nextInt(c);
        Tensor g = random(rng, -1, 1, r), gE = twin(g);
        ref.gatherRows(x, idx, gE);
        gpu.gatherRows(x, idx, g);
        assertSameArray(gE, g, "gatherRows " + shape(r, c));
        Tensor src = random(rng, -1, 1, r);
        Tensor out = random(rng, -1, 1, r, c), outE = twin(out);
        ref.scatterAddRows(src, idx, outE);
        gpu.scatterAddRows(src, idx, out);
        assertSameArray(outE, out, "scatterAddRows " + shape(r, c));
      }
    }
    int[] bad = {0, 5};
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> gpu.gatherRows(Tensor.zeros(2, 3), bad, Tensor.zeros(2)));
    assertTrue(e.getMessage().startsWith("gatherRows: index 5 at row 1"), e.getMessage());
  }

  // ------------------------------------------------------------------ fill, copy, adam

  @Test
  void fillAndCopyOnShapeGrid() {
    Rng rng = new Rng(81);
    for (int r : SIZES) {
      for (int c : SIZES) {
        Tensor out = random(rng, -1, 1, r, c), outE = twin(out);
        ref.fill(outE, -2.5f);
        gpu.fill(out, -2.5f);
        assertSameArray(outE, out, "fill " + shape(r, c));
        Tensor src = random(rng, -1, 1, r * c);
        Tensor dst = random(rng, -1, 1, r, c), dstE = twin(dst);
        ref.copy(src, dstE);
        gpu.copy(src, dst);
        assertSameArray(dstE, dst, "copy " + shape(r, c));
      }
    }
    assertThrows(IllegalArgumentException.class, () -> gpu.copy(Tensor.zeros(3), Tensor.zeros(4)));
  }

  private static void checkAdam(Rng rng, int n, boolean shared, float weightDecay, long t) {
    Tensor p, m, v;
    float[] arena = null;
    if (shared) {
      // Parameter, m and v as views of one flat array, as an optimizer with one state buffer keeps them.
      arena = new float[3 * n + 4];
      for (int i = 0; i < arena.length; i++) arena[i] = rng.uniform(-1, 1);
      p = Tensor.wrap(arena, 1, new int[] {n});
      m = Tensor.wrap(arena, 2 + n, new int[] {n});
      v = Tensor.wrap(arena, 3 + 2 * n, new int[] {n});
      for (int i = 0; i < n; i++) v.set(i, Math.abs(v.get(i)) * 0.1f);
    } else {
      p = random(rng, -1, 1, n);
      m = random(rng, -0.1f, 0.1f, n);
      v = random(rng, 0, 0.01f, n);
    }
    Tensor g = random(rng, -1, 1, n);
    float[] pArr = p.data().clone(), mArr = m.data().clone(), vArr = v.data().clone();
    if (shared) mArr = vArr = pArr;
    Tensor pE = Tensor.wrap(pArr, p.offset(), new int[] {n}), mE = Tensor.wrap(mArr, m.offset(), new int[] {n}), vE = Tensor.wrap(vArr, v.offset(), new int[] {n});
    float[] p0 = p.toArray(), m0 = m.toArray(), v0 = v.toArray();
    float lr = 1e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
    ref.adamStep(pE, g, mE, vE, lr, b1, b2, eps, weightDecay, t);
    gpu.adamStep(p, g, m, v, lr, b1, b2, eps, weightDecay, t);
    String what = "adamStep n=" + n + (shared ? " (one shared array)" : "") + " t=" + t;
    double bc1 = 1 - Math.pow(b1, t), bc2 = 1 - Math.pow(b2, t);
    for (int i = 0; i < n; i++) {
      float gi = g.get(i);
      // m and v: one multiply-add pair each, with or without contraction.
      double dm = 2 * U * (Math.abs(b1 * m0[i]) + Math.abs((1 - b1) * gi));
      double dv = 2 * U * (Math.abs(b2 * v0[i]) + Math.abs((1 - b2) * gi * gi));
      assertWithin(mE.get(i), m.get(i), dm, what + " m element " + i);
      assertWithin(vE.get(i), v.get(i), dv, what + " v element " + i);
      // The step lr m^ / (sqrt(v^) + eps): two divides (2.5 ulp), a sqrt (3 ulp), float bias
      // corrections and the rounding of its inputs m and v, relative to the step.
      double mh = mE.get(i) / bc1, vh = vE.get(i) / bc2;
      double step = lr * mh / (Math.sqrt(vh) + eps);
      double rel = 16 * U + dm / Math.max(Math.abs(mE.get(i)), Float.MIN_NORMAL) + 0.5 * dv / Math.max(vE.get(i), Float.MIN_NORMAL);
      double tol = Math.abs(step) * rel + 3 * U * (Math.abs(p0[i]) + Math.abs(lr * weightDecay * p0[i]));
      assertWithin(pE.get(i), p.get(i), tol, what + " parameter element " + i);
    }
    if (shared) {
      assertEquals(arena[0], pArr[0], what + ": element before the views");
      assertEquals(arena[1 + n], pArr[1 + n], what + ": gap between parameter and m");
    }
  }

  @Test
  void adamStepSeparateAndSharedArrays() {
    Rng rng = new Rng(91);
    for (int n : SIZES) {
      checkAdam(rng, n, false, 0f, 1);
      checkAdam(rng, n, false, 0.01f, 7);
      checkAdam(rng, n, true, 0.01f, 3);
    }
    assertThrows(IllegalArgumentException.class,
        () -> gpu.adamStep(Tensor.zeros(2), Tensor.zeros(2), Tensor.zeros(2), Tensor.zeros(2), 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 0));
  }

  @Test
  void namedOpencl() {
    assertEquals("opencl", gpu.name());
    assertTrue(!gpu.deviceName().isEmpty());
  }
}
