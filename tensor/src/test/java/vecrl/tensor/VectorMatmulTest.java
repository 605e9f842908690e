package vecrl.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/**
 * Vector matrix multiply against the scalar reference (sums in double), in all three forms, with
 * and without accumulation.
 *
 * <p>Tolerance: a float32 dot product of length k with fused multiply-adds in any order is within
 * gamma_k = k u / (1 - k u) of the exact value, relative to sum_p |a_ip| |b_pj| (u = 2^-24); the
 * reference adds at most u |c| more when it rounds its double sum, and beta c adds u |beta c|.
 * The test allows (k + 2) * 2u * (sum_p |a_ip| |b_pj| + |beta c_ij|), twice that bound.
 */
final class VectorMatmulTest {
  private static final int[] SIZES = {0, 1, 2, 7, 16, 17, 33, 65};
  private final ScalarKernels ref = new ScalarKernels();
  private final VectorKernels vec = VectorKernels.create(1);

  @Test
  void gridOfShapesInAllFormsMatchesReference() {
    Rng rng = new Rng(11);
    for (int m : SIZES) {
      for (int k : SIZES) {
        for (int n : SIZES) {
          checkAllForms(rng, m, k, n);
        }
      }
    }
  }

  @Test
  void largerAndOddShapesMatchReference() {
    Rng rng = new Rng(12);
    int[][] shapes = {
        {1, 64, 64}, {1, 257, 100}, {100, 257, 63}, {257, 9, 15}, {63, 64, 65}, {64, 64, 64},
        {9, 100, 257}, {15, 8, 63}, {8, 15, 9}, {2048 / 16, 4, 64}, {128, 64, 1}, {1, 65, 1},
        {17, 600, 65}, {33, 513, 32}, {7, 300, 96}, {200, 64, 64}, {203, 600, 131}, {410, 257, 97}};
    for (int[] s : shapes) checkAllForms(rng, s[0], s[1], s[2]);
  }

  private void checkAllForms(Rng rng, int m, int k, int n) {
    for (int form = 0; form < 3; form++) {
      boolean ta = form == 2, tb = form == 1;
      Tensor a = ta ? Checks.random(rng, -1, 1, k, m) : Checks.random(rng, -1, 1, m, k);
      Tensor b = tb ? Checks.random(rng, -1, 1, n, k) : Checks.random(rng, -1, 1, k, n);
      for (float beta : new float[] {0f, 1f, -0.75f}) {
        Tensor c0 = Checks.random(rng, -2, 2, m, n);
        if (beta == 0f && m * n > 0) c0.set(0, Float.NaN); // beta 0 ignores old contents, even NaN
        Tensor expected = c0.copy(), actual = c0.copy();
        ref.matmul(a, ta, b, tb, expected, beta);
        vec.matmul(a, ta, b, tb, actual, beta);
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            double mag = beta == 0f ? 0 : Math.abs(beta * c0.get(i, j));
            for (int p = 0; p < k; p++) {
              float av = ta ? a.get(p, i) : a.get(i, p);
              float bv = tb ? b.get(j, p) : b.get(p, j);
              mag += Math.abs((double) av * bv);
            }
            double tol = (k + 2) * 2 * Checks.U * mag;
            float e = expected.get(i, j), g = actual.get(i, j);
            if (!(Math.abs((double) e - g) <= tol)) {
              fail("matmul " + m + "x" + k + "x" + n + (ta ? " A^T" : "") + (tb ? " B^T" : "") + " beta " + beta
                  + ": c[" + i + ", " + j + "] = " + g + ", expected " + e + " within " + tol);
            }
          }
        }
      }
    }
  }

  /** Output widths of the few-columns paths (2 .. NR - 1 with 16 lanes), rows of the few-rows paths. */
  private static final int[] FEW = {2, 3, 4, 5, 7, 8, 16, 17, 31};
  private static final int[] FEW_ROWS = {2, 3, 4, 5, 7, 8};
  /** Depths on and off the vector width (1, 5: less than one vector; 63, 67: a tail). */
  private static final int[] DEPTHS = {1, 5, 63, 64, 67};

  @Test
  void fewOutputColumnsMatchReference() {
    Rng rng = new Rng(15);
    for (int n : FEW) {
      for (int k : DEPTHS) {
        // 37 and 130 rows: blocks of 8 with 4-row and single-row remainders, partial panels of NR.
        checkForms(rng, 37, k, n);
        checkForms(rng, 130, k, n);
      }
      checkForms(rng, 21, 2048, n);
    }
    // The PPO shapes: batch 2048, hidden 64.
    for (int n : new int[] {2, 3, 4}) {
      checkForms(rng, 2048, 64, n);
      checkForms(rng, 64, 2048, n);
    }
  }

  @Test
  void fewOutputRowsMatchReference() {
    Rng rng = new Rng(16);
    for (int m : FEW_ROWS) {
      for (int k : DEPTHS) {
        for (int n : new int[] {32, 33, 64, 100}) checkForms(rng, m, k, n);
      }
      checkForms(rng, m, 2048, 64);
      checkForms(rng, m, 300, 257);
    }
  }

  /**
   * All three forms against the reference, as {@link #checkAllForms} but with every old element of c
   * NaN for beta 0 (beta 0 ignores them) and betas 1 and 0.5.
   */
  private void checkForms(Rng rng, int m, int k, int n) {
    for (int form = 0; form < 3; form++) {
      boolean ta = form == 2, tb = form == 1;
      Tensor a = ta ? Checks.random(rng, -1, 1, k, m) : Checks.random(rng, -1, 1, m, k);
      Tensor b = tb ? Checks.random(rng, -1, 1, n, k) : Checks.random(rng, -1, 1, k, n);
      for (float beta : new float[] {0f, 1f, 0.5f}) {
        Tensor c0 = Checks.random(rng, -2, 2, m, n);
        if (beta == 0f) c0.fill(Float.NaN);
        Tensor expected = c0.copy(), actual = c0.copy();
        ref.matmul(a, ta, b, tb, expected, beta);
        vec.matmul(a, ta, b, tb, actual, beta);
        compare(a, ta, b, tb, c0, beta, expected, actual);
      }
    }
  }

  /** Every element within (k + 2) 2u (sum_p |a_ip b_pj| + |beta c_ij|) of the reference (see the class comment). */
  private static void compare(Tensor a, boolean ta, Tensor b, boolean tb, Tensor c0, float beta, Tensor expected,
      Tensor actual) {
    int m = expected.rows(), n = expected.cols(), k = ta ? a.rows() : a.cols();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double mag = beta == 0f ? 0 : Math.abs(beta * c0.get(i, j));
        for (int p = 0; p < k; p++) {
          float av = ta ? a.get(p, i) : a.get(i, p);
          float bv = tb ? b.get(j, p) : b.get(p, j);
          mag += Math.abs((double) av * bv);
        }
        double tol = (k + 2) * 2 * Checks.U * mag;
        float e = expected.get(i, j), g = actual.get(i, j);
        if (!(Math.abs((double) e - g) <= tol)) {
          fail("matmul " + m + "x" + k + "x" + n + (ta ? " A^T" : "") + (tb ? " B^T" : "") + " beta " + beta
              + ": c[" + i + ", " + j + "] = " + g + ", expected " + e + " within " + tol);
        }
      }
    }
  }

  @Test
  void fewColumnsOrRowsWriteOnlyTheOutputWindow() {
    // Outputs at the very start and end of their array (masked stores of partial rows reach before
    // and after the window) and inside a guarded window.
    Rng rng = new Rng(17);
    int[][] shapes = {{37, 64, 3}, {37, 67, 5}, {130, 64, 8}, {37, 64, 2}, {37, 5, 4}, {64, 2048, 3}, {5, 300, 33},
        {3, 64, 100}, {130, 1, 7}};
    for (int[] s : shapes) {
      int m = s[0], k = s[1], n = s[2];
      for (int form = 0; form < 3; form++) {
        boolean ta = form == 2, tb = form == 1;
        Tensor a = ta ? Checks.random(rng, -1, 1, k, m) : Checks.random(rng, -1, 1, m, k);
        Tensor b = tb ? Checks.random(rng, -1, 1, n, k) : Checks.random(rng, -1, 1, k, n);
        for (float beta : new float[] {0f, 0.5f}) {
          Tensor c0 = Checks.random(rng, -1, 1, m, n), want = c0.copy();
          ref.matmul(a, ta, b, tb, want, beta);
          Tensor exact = Tensor.zeros(m, n).copyFrom(c0.toArray());
          float[] guarded = new float[m * n + 40];
          java.util.Arrays.fill(guarded, 7f);
          Tensor window = Tensor.wrap(guarded, 20, new int[] {m, n}).copyFrom(c0.toArray());
          vec.matmul(a, ta, b, tb, exact, beta);
          vec.matmul(a, ta, b, tb, window, beta);
          String what = m + "x" + k + "x" + n + " form " + form + " beta " + beta;
          for (int i = 0; i < 20; i++) {
            assertTrue(guarded[i] == 7f && guarded[guarded.length - 1 - i] == 7f, "matmul wrote outside its output: " + what);
          }
          compare(a, ta, b, tb, c0, beta, want, exact);
          Checks.assertBitsEqual(exact, window, "exact-size output vs window, " + what);
        }
      }
    }
  }

  @Test
  void fewColumnsOrRowsAreBitIdenticalForOneAndTwoThreads() {
    VectorKernels two = VectorKernels.create(2);
    Rng rng = new Rng(18);
    // m x k x n, each at least PARALLEL_MIN_WORK multiply-adds so that two threads split it.
    int[][] shapes = {{2048, 512, 2}, {2051, 131, 7}, {2048, 64, 8}, {1027, 67, 31}, {64, 16384, 3}, {200, 1800, 5},
        {4, 4096, 64}, {5, 1700, 131}, {8, 512, 256}, {3, 1000, 400}};
    for (int[] s : shapes) {
      int m = s[0], k = s[1], n = s[2];
      assertTrue((long) m * n * k >= VectorKernels.PARALLEL_MIN_WORK, "shape too small to split: " + m + "x" + k + "x" + n);
      for (int form = 0; form < 3; form++) {
        boolean ta = form == 2, tb = form == 1;
        Tensor a = ta ? Checks.random(rng, -1, 1, k, m) : Checks.random(rng, -1, 1, m, k);
        Tensor b = tb ? Checks.random(rng, -1, 1, n, k) : Checks.random(rng, -1, 1, k, n);
        Tensor c0 = Checks.random(rng, -1, 1, m, n);
        for (float beta : new float[] {0f, 0.5f}) {
          Tensor c1 = c0.copy(), c2 = c0.copy();
          vec.matmul(a, ta, b, tb, c1, beta);
          two.matmul(a, ta, b, tb, c2, beta);
          Checks.assertBitsEqual(c1, c2, "1 vs 2 threads at " + m + "x" + k + "x" + n + " form " + form + " beta " + beta);
        }
      }
    }
  }

  @Test
  void writesOnlyTheOutputWindow() {
    Rng rng = new Rng(13);
    float[] big = new float[10 + 9 * 40 + 10];
    java.util.Arrays.fill(big, 7f);
    Tensor c = Tensor.wrap(big, 10, new int[] {9, 40});
    Tensor a = Checks.random(rng, -1, 1, 9, 5), b = Checks.random(rng, -1, 1, 5, 40);
    vec.matmul(a, false, b, false, c, 0f);
    for (int i = 0; i < 10; i++) {
      assertTrue(big[i] == 7f && big[big.length - 1 - i] == 7f, "matmul wrote outside its output");
    }
  }

  @Test
  void outputOverlappingAnInputIsRejectedByBothBackends() {
    float[] shared = new float[64];
    Tensor a = Tensor.wrap(shared, 0, new int[] {4, 4});
    Tensor b = Tensor.wrap(shared, 16, new int[] {4, 4});
    Tensor c = Tensor.wrap(shared, 8, new int[] {4, 4}); // overlaps the end of a and the start of b
    for (Kernels k : new Kernels[] {ref, vec}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.matmul(a, false, b, false, c, 0f));
      assertTrue(e.getMessage().startsWith("matmul: [4, 4] x [4, 4]") && e.getMessage().contains("overlaps"), e.getMessage());
    }
    // Disjoint windows of one array are fine.
    Tensor c2 = Tensor.wrap(shared, 32, new int[] {4, 4});
    vec.matmul(a, false, b, false, c2, 0f);
  }

  /**
   * The general path with A packed gives the bits of the kernels reading A in place: each output's
   * multiply-adds are the same, in the same order. Shapes cross the packed blocks of rows (Gemm.MC),
   * the K blocks (Gemm.KC), the row tiles' tails and a last partial panel of B; every form, with and
   * without beta, B packed and B read in place.
   */
  @Test
  void packingAKeepsEveryOutputsBits() {
    Rng rng = new Rng(15);
    int[][] shapes = {{Gemm.MC + 13, Gemm.KC + 37, 3 * Gemm.NR + 5}, {2 * Gemm.MC + 7, 2 * Gemm.KC + 1, 3 * Gemm.NR},
        {9, 70, 4 * Gemm.NR}, {Gemm.MC, 33, 5 * Gemm.NR - 1}};
    for (int[] s : shapes) {
      int m = s[0], k = s[1], n = s[2];
      for (int form = 0; form < 3; form++) {
        boolean ta = form == 2, tb = form == 1;
        Tensor a = ta ? Checks.random(rng, -1, 1, k, m) : Checks.random(rng, -1, 1, m, k);
        Tensor b = tb ? Checks.random(rng, -1, 1, n, k) : Checks.random(rng, -1, 1, k, n);
        int lda = a.cols(), ldb = b.cols(), ars = ta ? 1 : lda, acs = ta ? lda : 1;
        for (boolean direct : new boolean[] {false, true}) {
          if (direct && (tb || n % Gemm.NR != 0)) continue;
          float[] pb = direct ? b.data() : new float[Gemm.scratchSize(n, k, 0)];
          if (!direct) Gemm.packB(b.data(), 0, tb ? 1 : ldb, tb ? ldb : 1, k, n, pb);
          int bs = direct ? ldb : Gemm.NR;
          for (float beta : new float[] {0f, -0.75f}) {
            Tensor c0 = Checks.random(rng, -2, 2, m, n), inPlace = c0.copy(), packed = c0.copy();
            Gemm.gemmRows(a.data(), 0, ars, acs, pb, 0, bs, !direct, k, n, inPlace.data(), 0, n, beta, 0, m,
                new float[8 * Gemm.NR], 0);
            Gemm.gemmRowsPackedA(a.data(), 0, ars, acs, pb, 0, bs, !direct, k, n, packed.data(), 0, n, beta, 0, m,
                new float[8 * Gemm.NR], 0, new float[Gemm.MC * Gemm.KC], 0);
            Checks.assertBitsEqual(inPlace, packed, "packed A at " + m + "x" + k + "x" + n + " form " + form
                + (direct ? " B in place" : " B packed") + " beta " + beta);
          }
        }
      }
    }
  }

  @Test
  void resultsAreBitIdenticalForOneAndTwoThreads() {
    VectorKernels two = VectorKernels.create(2);
    Rng rng = new Rng(14);
    int[][] shapes = {{301, 203, 131}, {1, 1500, 1030}, {2000, 700, 1}, {130, 129, 128}, {257, 65, 257},
        {437, 530, 161}};
    for (int[] s : shapes) {
      int m = s[0], k = s[1], n = s[2];
      assertTrue((long) m * n * k >= VectorKernels.PARALLEL_MIN_WORK, "shape too small to split");
      for (int form = 0; form < 3; form++) {
        boolean ta = form == 2, tb = form == 1;
        Tensor a = ta ? Checks.random(rng, -1, 1, k, m) : Checks.random(rng, -1, 1, m, k);
        Tensor b = tb ? Checks.random(rng, -1, 1, n, k) : Checks.random(rng, -1, 1, k, n);
        Tensor c0 = Checks.random(rng, -1, 1, m, n);
        for (float beta : new float[] {0f, 0.5f}) {
          Tensor c1 = c0.copy(), c2 = c0.copy();
          vec.matmul(a, ta, b, tb, c1, beta);
          two.matmul(a, ta, b, tb, c2, beta);
          assertArrayEquals(c1.toArray(), c2.toArray(), 0f, "1 vs 2 threads differ at " + m + "x" + k + "x" + n + " form " + form);
          Checks.assertBitsEqual(c1, c2, "1 vs 2 threads at " + m + "x" + k + "x" + n + " form " + form);
        }
      }
    }
  }
}
