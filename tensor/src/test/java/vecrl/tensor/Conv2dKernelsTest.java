package vecrl.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/**
 * Convolution kernels: the Vector API backend (im2col + GEMM, on one thread and on two) against the
 * scalar reference (a direct convolution with sums in double), forward and backward, on a grid of
 * geometries with strides, paddings, odd sizes, kernels wider than tall, strides that leave input
 * rows unread, and the NatureCNN layers.
 *
 * <p>Tolerance: a float sum of k products differs from the exact one by at most about {@code k u
 * S}, where S is the sum of the products' magnitudes. S is computed per element by running the
 * reference on the absolute values, so the bound is tight where values cancel and loose only where
 * the sum is large.
 */
final class Conv2dKernelsTest {
  /** batch, height, width, channels, outChannels, kernelH, kernelW, stride, padding. */
  static final int[][] GEOMETRIES = {
      {1, 1, 1, 1, 1, 1, 1, 1, 0},
      {2, 5, 7, 3, 4, 3, 3, 1, 1},
      {3, 9, 8, 2, 5, 3, 2, 2, 0},
      {2, 10, 10, 3, 7, 3, 3, 2, 0},    // (10 - 3) / 2 + 1 = 4: the last input row is never read
      {2, 11, 13, 4, 33, 4, 4, 3, 2},
      {1, 6, 6, 1, 3, 6, 6, 1, 2},      // the kernel is as large as the input
      {2, 20, 20, 4, 32, 8, 8, 4, 0},   // NatureCNN conv1 on a 20x20 image
      {2, 9, 9, 32, 64, 4, 4, 2, 0},    // NatureCNN conv2
      {2, 7, 7, 64, 17, 3, 3, 1, 1},
      {0, 5, 5, 2, 3, 3, 3, 1, 1},      // an empty batch
  };

  static Conv2dGeometry geometry(int[] s) {
    return new Conv2dGeometry(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]);
  }

  private static Tensor abs(Tensor t) {
    Tensor a = t.copy();
    for (int i = 0; i < a.size(); i++) a.set(i, Math.abs(a.get(i)));
    return a;
  }

  private static void assertClose(Tensor expected, Tensor actual, Tensor magnitude, int terms, String what) {
    assertEquals(expected.size(), actual.size(), what);
    for (int i = 0; i < expected.size(); i++) {
      double tol = (terms + 2) * Checks.U * magnitude.get(i) + 1e-30;
      double err = Math.abs((double) expected.get(i) - actual.get(i));
      if (!(err <= tol)) fail(what + ": element " + i + " is " + actual.get(i) + ", expected " + expected.get(i) + " within " + tol);
    }
  }

  @Test
  void forwardMatchesTheDirectReference() {
    Rng rng = new Rng(11);
    ScalarKernels ref = new ScalarKernels();
    for (Kernels k : new Kernels[] {VectorKernels.create(1), VectorKernels.create(2), ref}) {
      for (int[] s : GEOMETRIES) {
        Conv2dGeometry g = geometry(s);
        Tensor x = Checks.random(rng, -1f, 1f, g.batch(), g.height(), g.width(), g.channels());
        Tensor w = Checks.random(rng, -1f, 1f, g.outChannels(), g.patchSize());
        Tensor b = Checks.random(rng, -1f, 1f, g.outChannels());
        for (UnaryOp act : new UnaryOp[] {null, UnaryOp.RELU}) {
          Tensor expected = Tensor.zeros(g.outRows(), g.outChannels()), mag = Tensor.zeros(g.outRows(), g.outChannels());
          ref.conv2d(x, w, b, act, g, null, expected);
          ref.conv2d(abs(x), abs(w), abs(b), null, g, null, mag);
          Tensor out = Tensor.full(Float.NaN, g.outRows(), g.outChannels());
          Tensor cols = Tensor.full(Float.NaN, g.outRows(), g.patchSize());
          // The scalar backend's inherited default (im2col + linear) is checked too, through a wrapper.
          Kernels run = k == ref ? composite(ref) : k;
          run.conv2d(x, w, b, act, g, cols, out);
          assertClose(expected, out, mag, g.patchSize() + 1, run.name() + " " + g + " act " + act);
        }
      }
    }
  }

  @Test
  void backwardMatchesTheDirectReference() {
    Rng rng = new Rng(12);
    ScalarKernels ref = new ScalarKernels();
    for (Kernels k : new Kernels[] {VectorKernels.create(1), VectorKernels.create(2), composite(ref)}) {
      for (int[] s : GEOMETRIES) {
        Conv2dGeometry g = geometry(s);
        Tensor x = Checks.random(rng, -1f, 1f, g.batch(), g.height(), g.width(), g.channels());
        Tensor w = Checks.random(rng, -1f, 1f, g.outChannels(), g.patchSize());
        Tensor gy = Checks.random(rng, -1f, 1f, g.outRows(), g.outChannels());
        // Gradients start from non-zero values: the kernel accumulates.
        Tensor gx0 = Checks.random(rng, -1f, 1f, g.batch(), g.height(), g.width(), g.channels());
        Tensor gw0 = Checks.random(rng, -1f, 1f, g.outChannels(), g.patchSize());
        Tensor gb0 = Checks.random(rng, -1f, 1f, g.outChannels());
        Tensor gx = gx0.copy(), gw = gw0.copy(), gb = gb0.copy();
        ref.conv2dBackward(x, w, gy, g, null, gx, gw, gb);
        Tensor mx = abs(gx0), mw = abs(gw0), mb = abs(gb0);
        ref.conv2dBackward(abs(x), abs(w), abs(gy), g, null, mx, mw, mb);

        Tensor cols = Tensor.zeros(g.outRows(), g.patchSize()), out = Tensor.zeros(g.outRows(), g.outChannels());
        k.conv2d(x, w, null, null, g, cols, out);
        Tensor ax = gx0.copy(), aw = gw0.copy(), ab = gb0.copy();
        k.conv2dBackward(x, w, gy, g, cols, ax, aw, ab);
        String what = k.name() + " " + g;
        assertClose(gx, ax, mx, g.outChannels() * g.kernelH() * g.kernelW() + 1, what + " input gradient");
        assertClose(gw, aw, mw, g.outRows() + 1, what + " weight gradient");
        assertClose(gb, ab, mb, g.outRows() + 1, what + " bias gradient");

        // Each gradient is optional.
        k.conv2d(x, w, null, null, g, cols, out);
        Tensor onlyW = gw0.copy();
        k.conv2dBackward(x, w, gy, g, cols, null, onlyW, null);
        assertClose(gw, onlyW, mw, g.outRows() + 1, what + " weight gradient alone");
      }
    }
  }

  /**
   * The vector backend's direct convolution (NatureCNN-like geometries: output channels a multiple of
   * two vectors, no padding) gives the same bits on one, two and three threads, with a batch whose
   * output positions are not a multiple of its block of 6, with bias and each activation.
   */
  @Test
  void vectorDirectConvolutionIsTheSameOnEveryThreadCount() {
    Rng rng = new Rng(14);
    int oc = 2 * jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    for (Conv2dGeometry g : new Conv2dGeometry[] {new Conv2dGeometry(10, 20, 20, 4, oc, 8, 8, 4, 0),
        new Conv2dGeometry(7, 9, 9, 32, 2 * oc, 4, 4, 2, 0), new Conv2dGeometry(3, 7, 5, 3, oc, 3, 2, 1, 0)}) {
      assertTrue(VectorKernels.directConv(g), g.toString());
      boolean splits = (long) g.outRows() * g.patchSize() * g.outChannels() >= VectorKernels.PARALLEL_MIN_WORK;
      assertTrue(splits || g.batch() == 3, g + ": too small for the threads to split it");
      Tensor x = Checks.random(rng, -1f, 1f, g.batch(), g.height(), g.width(), g.channels());
      Tensor w = Checks.random(rng, -1f, 1f, g.outChannels(), g.patchSize());
      Tensor b = Checks.random(rng, -1f, 1f, g.outChannels());
      for (UnaryOp act : new UnaryOp[] {null, UnaryOp.RELU, UnaryOp.TANH}) {
        Tensor one = Tensor.full(Float.NaN, g.outRows(), g.outChannels());
        VectorKernels.create(1).conv2d(x, w, b, act, g, Tensor.zeros(g.outRows(), g.patchSize()), one);
        for (int threads : new int[] {2, 3}) {
          Tensor many = Tensor.full(Float.NaN, g.outRows(), g.outChannels());
          VectorKernels.create(threads).conv2d(x, w, b, act, g, Tensor.zeros(g.outRows(), g.patchSize()), many);
          Checks.assertBitsEqual(one, many, g + " act " + act + " on " + threads + " threads");
        }
        Tensor expected = Tensor.zeros(g.outRows(), g.outChannels()), mag = Tensor.zeros(g.outRows(), g.outChannels());
        new ScalarKernels().conv2d(x, w, b, act, g, null, expected);
        new ScalarKernels().conv2d(abs(x), abs(w), abs(b), null, g, null, mag);
        assertClose(expected, one, mag, g.patchSize() + 1, "direct " + g + " act " + act);
      }
    }
  }

  @Test
  void vectorIm2colAndCol2imEqualTheDefaultLoopsBitForBit() {
    Rng rng = new Rng(13);
    Kernels plain = new ScalarKernels(), vec = VectorKernels.create(1);
    for (int[] s : GEOMETRIES) {
      Conv2dGeometry g = geometry(s);
      Tensor x = Checks.random(rng, -1f, 1f, g.batch(), g.height(), g.width(), g.channels());
      Tensor a = Tensor.full(Float.NaN, g.outRows(), g.patchSize()), b = Tensor.full(Float.NaN, g.outRows(), g.patchSize());
      plain.im2col(x, g, a);
      vec.im2col(x, g, b);
      Checks.assertBitsEqual(a, b, "im2col " + g);
      Tensor ga = Checks.random(rng, -1f, 1f, g.batch(), g.height(), g.width(), g.channels()), gb = ga.copy();
      // Sums of up to kernelH * kernelW patches per input element: the order is the same in both.
      plain.col2imAdd(a, g, ga);
      vec.col2imAdd(a, g, gb);
      Checks.assertBitsEqual(ga, gb, "col2imAdd " + g);
    }
  }

  @Test
  void im2colOfASmallImageByHand() {
    // One 3x3 single-channel image, a 2x2 kernel, stride 1, padding 1: 4x4 outputs; corner patches
    // see one pixel each.
    Conv2dGeometry g = new Conv2dGeometry(1, 3, 3, 1, 1, 2, 2, 1, 1);
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 3, 3, 1);
    Tensor cols = Tensor.zeros(16, 4);
    VectorKernels.create(1).im2col(x, g, cols);
    assertEquals("[0.0, 0.0, 0.0, 1.0]", java.util.Arrays.toString(row(cols, 0)));
    assertEquals("[1.0, 2.0, 4.0, 5.0]", java.util.Arrays.toString(row(cols, 5)));
    assertEquals("[9.0, 0.0, 0.0, 0.0]", java.util.Arrays.toString(row(cols, 15)));
    assertEquals("[0.0, 0.0, 3.0, 0.0]", java.util.Arrays.toString(row(cols, 3)));
  }

  private static float[] row(Tensor t, int r) {
    float[] out = new float[t.cols()];
    for (int c = 0; c < out.length; c++) out[c] = t.get(r * t.cols() + c);
    return out;
  }

  @Test
  void badShapesNameTheKernelAndTheExpectedShape() {
    Conv2dGeometry g = new Conv2dGeometry(2, 8, 8, 3, 4, 3, 3, 1, 0);
    Kernels k = VectorKernels.create(1);
    Tensor x = Tensor.zeros(2, 8, 8, 3), cols = Tensor.zeros(g.outRows(), g.patchSize()), out = Tensor.zeros(g.outRows(), 4);
    var e = assertThrows(IllegalArgumentException.class, () -> k.conv2d(x, Tensor.zeros(4, 3, 3, 3), null, null, g, cols, out));
    assertTrue(e.getMessage().contains("conv2d: weight [4, 3, 3, 3]") && e.getMessage().contains("expects [4, 27]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> k.conv2d(Tensor.zeros(2, 8, 8, 1), Tensor.zeros(4, 27), null, null, g, cols, out));
    assertTrue(e.getMessage().contains("im2col: input [2, 8, 8, 1]") && e.getMessage().contains("expects [2, 8, 8, 3]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Conv2dGeometry(1, 4, 4, 1, 1, 5, 5, 1, 0));
    assertTrue(e.getMessage().contains("5x5 kernel does not fit a 4x4 input"), e.getMessage());
  }

  /** The interface's default conv2d, conv2dBackward, im2col and col2imAdd on the scalar kernels. */
  static Kernels composite(ScalarKernels k) {
    return new CompositeKernels(k);
  }
}
