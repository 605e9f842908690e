package vecrl.tensor;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The fused layer kernels, {@link Kernels#linear} and {@link Kernels#unaryGradColSums}, against
 * the kernels they fuse. Their contract is "exactly the unfused sequence", so on the vector
 * backend the fused result must equal, bit for bit, the interface's default (matmul, bias add,
 * unary; fill, unaryBackward, reduceCols) run on the same backend, on one thread and on two. The
 * scalar reference runs the default too, which ties both to the reference within the usual
 * tolerances.
 */
final class FusedKernelsTest {
  private static final UnaryOp[] ACTS = {null, UnaryOp.TANH, UnaryOp.RELU, UnaryOp.SIGMOID, UnaryOp.SOFTPLUS, UnaryOp.EXP};

  /** The interface defaults on a backend, with its fused overrides bypassed. */
  private static Kernels unfused(Kernels k) {
    return new CompositeKernels(k);
  }

  /** [m, k, n]: below, at and above one register tile (32 columns on AVX-512), past one epilogue block (48 rows) and one K block (256). */
  private static final int[][] LINEAR_SHAPES = {
      {1, 5, 3}, {2, 4, 2}, {7, 3, 31}, {50, 4, 32}, {49, 17, 33}, {97, 64, 64}, {128, 64, 2}, {300, 300, 40},
      {8, 1, 64}, {2048, 4, 64}, {3, 0, 40}};

  @Test
  void linearIsExactlyMatmulThenBiasThenActivation() {
    Rng rng = new Rng(31);
    VectorKernels one = VectorKernels.create(1), two = VectorKernels.create(2);
    ScalarKernels ref = new ScalarKernels();
    for (int[] s : LINEAR_SHAPES) {
      int m = s[0], k = s[1], n = s[2];
      Tensor x = Checks.random(rng, -2f, 2f, m, k), w = Checks.random(rng, -1f, 1f, n, k), b = Checks.random(rng, -1f, 1f, n);
      for (UnaryOp act : ACTS) {
        for (Tensor bias : new Tensor[] {b, null}) {
          String what = "linear " + m + "x" + k + "x" + n + " " + act + (bias == null ? " no bias" : "");
          Tensor expected = Checks.random(rng, 0f, 1f, m, n);
          unfused(one).linear(x, w, bias, act, expected);
          for (VectorKernels vk : new VectorKernels[] {one, two}) {
            Tensor actual = Checks.random(rng, 0f, 1f, m, n);
            if (actual.size() > 0) actual.set(0, Float.NaN); // old contents are ignored
            vk.linear(x, w, bias, act, actual);
            Checks.assertBitsEqual(expected, actual, what + " on " + vk.threads() + " thread(s)");
          }
          Tensor scalar = Tensor.zeros(m, n);
          ref.linear(x, w, bias, act, scalar);
          for (int i = 0; i < scalar.size(); i++) {
            float e = scalar.get(i), a = expected.get(i);
            // Two k-term dot products (|x w| <= 2 per term) summed in different orders, each within
            // (k - 1) u 2k of the exact sum; then the bias add and the activation, whose error
            // stays within a few ulps of the value (relative for exp, whose slope is its value).
            double tol = (4.0 * k * (k + 1) + 16) * Checks.U * Math.max(1, Math.abs(e));
            Checks.assertWithin(e, a, tol, what + " vs scalar, element " + i);
          }
        }
      }
    }
  }

  @Test
  void unaryGradColSumsIsExactlyFillBackwardReduce() {
    Rng rng = new Rng(32);
    VectorKernels vec = VectorKernels.create(1);
    Kernels plain = unfused(vec);
    int[][] shapes = {{1, 1}, {3, 7}, {5, 16}, {33, 17}, {100, 64}, {2048, 64}, {70, 65}, {9, 200}, {4, 0}, {0, 4}};
    for (UnaryOp op : UnaryOp.values()) {
      boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT;
      for (int[] s : shapes) {
        Tensor x = Checks.random(rng, positive ? 0.1f : -3f, 3f, s), y = Tensor.zeros(s), gy = Checks.random(rng, -1f, 1f, s);
        vec.unary(op, x, y);
        for (boolean sums : new boolean[] {true, false}) {
          String what = "unaryGradColSums " + op + " [" + s[0] + ", " + s[1] + "]" + (sums ? "" : " without sums");
          Tensor eg = Checks.random(rng, 0f, 1f, s), ag = Checks.random(rng, 0f, 1f, s);
          if (ag.size() > 0) ag.set(0, Float.NaN); // written, not accumulated
          Tensor es = sums ? Checks.random(rng, 0f, 1f, s[1]) : null, as = sums ? Checks.random(rng, 0f, 1f, s[1]) : null;
          plain.unaryGradColSums(op, x, y, gy, eg, es);
          vec.unaryGradColSums(op, x, y, gy, ag, as);
          Checks.assertBitsEqual(eg, ag, what + " gradient");
          if (sums) Checks.assertBitsEqual(es, as, what + " column sums");
        }
      }
    }
  }

  @Test
  void adamStepsIsExactlyOneAdamStepPerParameter() {
    Rng rng = new Rng(34);
    VectorKernels vec = VectorKernels.create(1);
    int[][] shapes = {{64, 4}, {64}, {64, 64}, {2, 64}, {2}, {1}, {17, 3}, {0}};
    for (float wd : new float[] {0f, 0.01f}) {
      int n = shapes.length;
      Tensor[] p = new Tensor[n], g = new Tensor[n], m = new Tensor[n], v = new Tensor[n];
      Tensor[] p2 = new Tensor[n], m2 = new Tensor[n], v2 = new Tensor[n];
      for (int i = 0; i < n; i++) {
        p[i] = Checks.random(rng, -1f, 1f, shapes[i]);
        g[i] = i == 5 ? null : Checks.random(rng, -1f, 1f, shapes[i]); // a parameter without a gradient is left alone
        m[i] = Checks.random(rng, -0.1f, 0.1f, shapes[i]);
        v[i] = Checks.random(rng, 0f, 0.01f, shapes[i]);
        p2[i] = p[i].copy();
        m2[i] = m[i].copy();
        v2[i] = v[i].copy();
      }
      for (long t = 1; t <= 3; t++) {
        vec.adamSteps(p, g, m, v, 2.5e-4f, 0.9f, 0.999f, 1e-5f, wd, t);
        for (int i = 0; i < n; i++) if (g[i] != null) vec.adamStep(p2[i], g[i], m2[i], v2[i], 2.5e-4f, 0.9f, 0.999f, 1e-5f, wd, t);
        for (int i = 0; i < n; i++) {
          String what = "adamSteps wd " + wd + " step " + t + " parameter " + i;
          Checks.assertBitsEqual(p2[i], p[i], what + " value");
          Checks.assertBitsEqual(m2[i], m[i], what + " first moment");
          Checks.assertBitsEqual(v2[i], v[i], what + " second moment");
        }
      }
    }
    Tensor a = Tensor.zeros(3), b = Tensor.zeros(4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> vec.adamSteps(new Tensor[] {a, a}, new Tensor[] {a, b}, new Tensor[] {a, a}, new Tensor[] {a, a}, 1f, 0.9f, 0.999f, 1e-8f, 0f, 1));
    assertTrue(e.getMessage().contains("adamSteps") && e.getMessage().contains("[4]"), e.getMessage());
  }

  @Test
  void sumOfSquaresIsExactlyMultiplyThenReduceAll() {
    Rng rng = new Rng(35);
    VectorKernels vec = VectorKernels.create(1);
    for (int[] s : new int[][] {{0}, {1}, {15}, {16}, {17}, {64}, {64, 4}, {64, 64}, {33, 7}, {2, 64}}) {
      Tensor x = Checks.random(rng, -3f, 3f, s), sq = Tensor.zeros(s), sum = Tensor.scalar(0f);
      vec.binary(BinaryOp.MUL, x, x, sq);
      vec.reduceAll(ReduceOp.SUM, sq, sum);
      float got = vec.sumOfSquares(x);
      assertTrue(Float.floatToRawIntBits(got) == Float.floatToRawIntBits(sum.get(0)),
          "sumOfSquares of " + x.shapeString() + ": " + got + ", multiply then reduceAll: " + sum.get(0));
      double exact = 0;
      for (int i = 0; i < x.size(); i++) exact += (double) x.get(i) * x.get(i);
      Checks.assertWithin((float) exact, got, 2 * (x.size() + 1) * Checks.U * exact, "sumOfSquares against a double sum");
    }
  }

  @Test
  void columnSumsMatchAPlainDoubleSum() {
    // reduceCols now keeps its sums in registers; check it against a plain sum, not only itself.
    Rng rng = new Rng(33);
    VectorKernels vec = VectorKernels.create(1);
    for (int cols : new int[] {1, 15, 16, 17, 63, 64, 65, 129}) {
      Tensor x = Checks.random(rng, -1f, 1f, 301, cols), out = Tensor.zeros(cols);
      vec.reduceCols(ReduceOp.SUM, x, out);
      for (int c = 0; c < cols; c++) {
        double sum = 0, abs = 0;
        for (int r = 0; r < 301; r++) {
          sum += x.get(r * cols + c);
          abs += Math.abs(x.get(r * cols + c));
        }
        Checks.assertWithin((float) sum, out.get(c), 2 * 302 * Checks.U * abs, "reduceCols column " + c + " of " + cols);
      }
    }
  }

  @Test
  void badShapesNameTheKernelAndTheShapes() {
    VectorKernels vec = VectorKernels.create(1);
    Tensor x = Tensor.zeros(4, 3), w = Tensor.zeros(5, 3), out = Tensor.zeros(4, 5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> vec.linear(x, Tensor.zeros(5, 2), null, null, out));
    assertTrue(e.getMessage().contains("linear") && e.getMessage().contains("[5, 2]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> vec.linear(x, w, Tensor.zeros(4), null, out));
    assertTrue(e.getMessage().contains("bias [4]") && e.getMessage().contains("[5]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> vec.linear(x, w, null, null, Tensor.zeros(4, 4)));
    assertTrue(e.getMessage().contains("[4, 4]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> vec.unaryGradColSums(UnaryOp.TANH, x, x, x, x, Tensor.zeros(4)));
    assertTrue(e.getMessage().contains("unaryGradColSums TANH") && e.getMessage().contains("[4]"), e.getMessage());
  }
}
