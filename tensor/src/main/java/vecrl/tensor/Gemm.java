package vecrl.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix multiply on the Vector API: a register-blocked kernel (ROWS x NR tile
 * of accumulators, NR = two vectors) over a packed copy of B, plus special paths for one output
 * row (GEMV), one output column (a dot product per row) and the transposes, and for thin outputs:
 * A^T.B with few columns (2 .. NR - 1: the kernel with A and B swapped) and A.B or A^T.B with few
 * rows (up to MR: B read in place). Every method handles a range of output rows or columns, so the caller can split work across threads;
 * an output element's arithmetic never depends on how the work was split.
 *
 * <p>The kernels are generated shapes of one pattern (kernel8 ... kernel1); helpers that take
 * vectors are tiny so that C2 inlines them (a vector passed to a method that is not inlined is
 * boxed on the heap).
 */
final class Gemm {
  private Gemm() {}

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();
  /** Columns per register tile: two vectors. */
  static final int NR = 2 * L;
  /** Rows per register tile of the main kernel (measured; see rowsProperty). */
  static final int MR = rowsProperty();
  /** Depth of one K block: the B micro-panel (KC x NR) stays in L1. */
  static final int KC = Integer.getInteger("vecrl.gemm.kc", 256);
  /** Largest k * n for which A.B reads B in place instead of packing it (when n is a multiple of NR). */
  static final long DIRECT_MAX = Long.getLong("vecrl.gemm.directMax", 1L << 16);

  private static int rowsProperty() {
    // 8 rows (16 accumulators) fit AVX-512's 32 vector registers and measured fastest there at
    // every size; with 16 registers (AVX2) 6 rows (12 accumulators) leave room for B and A.
    int r = Integer.getInteger("vecrl.gemm.rows", L >= 16 ? 8 : 6);
    if (r != 8 && r != 6 && r != 4) throw new IllegalArgumentException("-Dvecrl.gemm.rows=" + r + ": expected 4, 6 or 8");
    return r;
  }

  private static final VectorShuffle<Float> SWAP8 = butterfly(8), SWAP4 = butterfly(4), SWAP2 = butterfly(2),
      SWAP1 = butterfly(1);

  private static VectorShuffle<Float> butterfly(int h) {
    return VectorShuffle.fromOp(S, i -> (i ^ h) & (L - 1));
  }

  /**
   * The sum of v's lanes in a fixed order (a butterfly: lanes i and i^h added for h = L/2 .. 1).
   * {@code reduceLanes(ADD)} is not used because its float order differs between the interpreter
   * and C2, which would make results depend on JIT timing and thread count.
   */
  static float hsum(FloatVector v) {
    if (L > 8) v = v.add(v.rearrange(SWAP8));
    if (L > 4) v = v.add(v.rearrange(SWAP4));
    if (L > 2) v = v.add(v.rearrange(SWAP2));
    if (L > 1) v = v.add(v.rearrange(SWAP1));
    return v.lane(0);
  }

  /** The largest tile height available for {@code left} remaining rows. */
  static int tileRows(int left) {
    if (left >= MR) return MR;
    if (left >= 4) return 4;
    if (left >= 2) return 2;
    return 1;
  }

  /** Floats of scratch the general path needs: packed B plus one tile per task. */
  static int scratchSize(int n, int k, int tasks) {
    int panels = (n + NR - 1) / NR;
    return panels * k * NR + tasks * 8 * NR;
  }

  /**
   * Packs op(B) (k x n; element (p, j) at {@code bd[bo + p * brs + j * bcs]}) into panels of NR
   * columns: panel q holds rows p = 0 .. k-1 of columns q*NR .. q*NR+NR-1, zero-padded.
   */
  static void packB(float[] bd, int bo, int brs, int bcs, int k, int n, float[] pb) {
    int panels = (n + NR - 1) / NR;
    for (int q = 0; q < panels; q++) {
      int j0 = q * NR, nc = Math.min(NR, n - j0), base = q * k * NR;
      if (bcs == 1) {
        for (int p = 0; p < k; p++) {
          int dst = base + p * NR, src = bo + p * brs + j0;
          if (nc == NR) {
            FloatVector.fromArray(S, bd, src).intoArray(pb, dst);
            FloatVector.fromArray(S, bd, src + L).intoArray(pb, dst + L);
          } else {
            System.arraycopy(bd, src, pb, dst, nc);
            java.util.Arrays.fill(pb, dst + nc, dst + NR, 0f);
          }
        }
      } else {
        for (int jj = 0; jj < NR; jj++) {
          if (jj < nc) {
            int src = bo + (j0 + jj) * bcs;
            for (int p = 0; p < k; p++) pb[base + p * NR + jj] = bd[src + p * brs];
          } else {
            for (int p = 0; p < k; p++) pb[base + p * NR + jj] = 0f;
          }
        }
      }
    }
  }

  /**
   * Rows [i0, i1) of c = op(A) . B + beta c, with B either packed by {@link #packB} ({@code
   * packed}, from {@code bo}, row stride NR) or read in place (row-major, row stride {@code
   * bStride}, n a multiple of NR). op(A)'s element (i,
   * p) is at {@code ad[ao + i * ars + p * acs]}. {@code tile} is NR * 8 floats of this task's own
   * scratch, at {@code tileOff}.
   */
  static void gemmRows(float[] ad, int ao, int ars, int acs, float[] pb, int bo, int bStride, boolean packed,
      int k, int n, float[] cd, int co, int ldc, float beta, int i0, int i1, float[] tile, int tileOff) {
    int panels = (n + NR - 1) / NR;
    for (int k0 = 0; k0 < k; k0 += KC) {
      int kc = Math.min(KC, k - k0);
      boolean first = k0 == 0;
      boolean over = first && beta == 0f;
      float s = first ? beta : 1f;
      for (int q = 0; q < panels; q++) {
        int j0 = q * NR, nc = Math.min(NR, n - j0);
        int pbOff = packed ? bo + q * k * NR + k0 * NR : bo + k0 * bStride + j0;
        for (int i = i0; i < i1; ) {
          int r = tileRows(i1 - i);
          int aBase = ao + i * ars + k0 * acs;
          if (nc == NR) {
            kernel(r, ad, aBase, ars, acs, pb, pbOff, bStride, kc, cd, co + i * ldc + j0, ldc, over, s);
          } else {
            kernel(r, ad, aBase, ars, acs, pb, pbOff, bStride, kc, tile, tileOff, NR, true, 0f);
            for (int ii = 0; ii < r; ii++) {
              int cr = co + (i + ii) * ldc + j0, tr = tileOff + ii * NR;
              for (int jj = 0; jj < nc; jj++) {
                cd[cr + jj] = over ? tile[tr + jj] : Math.fma(cd[cr + jj], s, tile[tr + jj]);
              }
            }
          }
          i += r;
        }
      }
    }
  }

  static void kernel(int r, float[] a, int aBase, int ars, int acs, float[] b, int bBase, int bStride, int kc,
      float[] c, int cBase, int ldc, boolean over, float s) {
    switch (r) {
      case 8 -> kernel8(a, aBase, ars, acs, b, bBase, bStride, kc, c, cBase, ldc, over, s);
      case 6 -> kernel6(a, aBase, ars, acs, b, bBase, bStride, kc, c, cBase, ldc, over, s);
      case 4 -> kernel4(a, aBase, ars, acs, b, bBase, bStride, kc, c, cBase, ldc, over, s);
      case 2 -> kernel2(a, aBase, ars, acs, b, bBase, bStride, kc, c, cBase, ldc, over, s);
      default -> kernel1(a, aBase, ars, acs, b, bBase, bStride, kc, c, cBase, ldc, over, s);
    }
  }

  /**
   * Outputs [j0, j1) of {@code out[j] = sum_p x[p] * m[p * ldm + j]} (then {@code + beta out[j]}):
   * a vector-times-matrix product with the matrix read row by row (no packing).
   */
  static void axpyRows(float[] xd, int xo, int k, float[] md, int mo, int ldm,
      float[] od, int oo, float beta, int j0, int j1) {
    int j = j0;
    FloatVector bv = FloatVector.broadcast(S, beta);
    boolean over = beta == 0f;
    for (; j <= j1 - 4 * L; j += 4 * L) {
      FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
      int mp = mo + j;
      for (int p = 0; p < k; p++, mp += ldm) {
        FloatVector x = FloatVector.broadcast(S, xd[xo + p]);
        a0 = x.fma(FloatVector.fromArray(S, md, mp), a0);
        a1 = x.fma(FloatVector.fromArray(S, md, mp + L), a1);
        a2 = x.fma(FloatVector.fromArray(S, md, mp + 2 * L), a2);
        a3 = x.fma(FloatVector.fromArray(S, md, mp + 3 * L), a3);
      }
      if (over) {
        a0.intoArray(od, oo + j);
        a1.intoArray(od, oo + j + L);
        a2.intoArray(od, oo + j + 2 * L);
        a3.intoArray(od, oo + j + 3 * L);
      } else {
        FloatVector.fromArray(S, od, oo + j).fma(bv, a0).intoArray(od, oo + j);
        FloatVector.fromArray(S, od, oo + j + L).fma(bv, a1).intoArray(od, oo + j + L);
        FloatVector.fromArray(S, od, oo + j + 2 * L).fma(bv, a2).intoArray(od, oo + j + 2 * L);
        FloatVector.fromArray(S, od, oo + j + 3 * L).fma(bv, a3).intoArray(od, oo + j + 3 * L);
      }
    }
    for (; j <= j1 - L; j += L) {
      FloatVector a0 = FloatVector.zero(S);
      int mp = mo + j;
      for (int p = 0; p < k; p++, mp += ldm) {
        a0 = FloatVector.broadcast(S, xd[xo + p]).fma(FloatVector.fromArray(S, md, mp), a0);
      }
      if (over) a0.intoArray(od, oo + j);
      else FloatVector.fromArray(S, od, oo + j).fma(bv, a0).intoArray(od, oo + j);
    }
    for (; j < j1; j++) {
      float acc = 0f;
      int mp = mo + j;
      for (int p = 0; p < k; p++, mp += ldm) acc = Math.fma(xd[xo + p], md[mp], acc);
      od[oo + j] = over ? acc : Math.fma(od[oo + j], beta, acc);
    }
  }

  /**
   * Outputs [j0, j1) of {@code out[j] = sum_p x[p] * m[j * ldm + p]} (then {@code + beta out[j]}):
   * one dot product per matrix row, four rows at a time so that each load of x serves four.
   */
  static void dotRows(float[] xd, int xo, int k, float[] md, int mo, int ldm,
      float[] od, int oo, float beta, int j0, int j1) {
    int kv = k - k % L;
    int j = j0;
    for (; j <= j1 - 4; j += 4) {
      int m0 = mo + j * ldm, m1 = m0 + ldm, m2 = m1 + ldm, m3 = m2 + ldm;
      FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
      for (int p = 0; p < kv; p += L) {
        FloatVector x = FloatVector.fromArray(S, xd, xo + p);
        a0 = x.fma(FloatVector.fromArray(S, md, m0 + p), a0);
        a1 = x.fma(FloatVector.fromArray(S, md, m1 + p), a1);
        a2 = x.fma(FloatVector.fromArray(S, md, m2 + p), a2);
        a3 = x.fma(FloatVector.fromArray(S, md, m3 + p), a3);
      }
      float s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
      for (int p = kv; p < k; p++) {
        float x = xd[xo + p];
        s0 = Math.fma(x, md[m0 + p], s0);
        s1 = Math.fma(x, md[m1 + p], s1);
        s2 = Math.fma(x, md[m2 + p], s2);
        s3 = Math.fma(x, md[m3 + p], s3);
      }
      store(od, oo + j, s0, beta);
      store(od, oo + j + 1, s1, beta);
      store(od, oo + j + 2, s2, beta);
      store(od, oo + j + 3, s3, beta);
    }
    for (; j < j1; j++) {
      int m0 = mo + j * ldm;
      FloatVector a0 = FloatVector.zero(S);
      for (int p = 0; p < kv; p += L) {
        a0 = FloatVector.fromArray(S, xd, xo + p).fma(FloatVector.fromArray(S, md, m0 + p), a0);
      }
      float s0 = hsum(a0);
      for (int p = kv; p < k; p++) s0 = Math.fma(xd[xo + p], md[m0 + p], s0);
      store(od, oo + j, s0, beta);
    }
  }

  private static void store(float[] od, int i, float v, float beta) {
    od[i] = beta == 0f ? v : Math.fma(od[i], beta, v);
  }

  // ---------------------------------------------------------------- few output columns or rows (A.B, A^T.B)

  /** The tallest kernel for {@code left} remaining rows of a thin product: MR, 6, 4, 2 or 1. */
  static int groupRows(int left) {
    if (left >= MR) return MR;
    if (left >= 6 && MR > 6) return 6;
    if (left >= 4) return 4;
    if (left >= 2) return 2;
    return 1;
  }

  /**
   * Rows [p0, p1) (p0 a multiple of NR) of {@code c = A^T . B + beta c} when c ([m, n]) has few
   * columns (n < NR): c^T = B^T . A by the register-blocked kernels with the roles swapped, B^T's
   * rows (c's columns, up to MR at a time) against NR of A's columns read in place as the panel
   * (A[i, p] at {@code ad[ao + i * lda + p]}, {@code width} columns readable), into this task's
   * {@code tile} (n x NR floats at {@code tileOff}), then stored transposed. A last partial panel
   * is computed over the NR columns ending at {@code width} and stores only its new rows (the
   * caller packs A when m < NR, so that width >= NR).
   */
  static void atbFewColumns(float[] ad, int ao, int lda, int width, float[] bd, int bo, int ldb, int k, int m,
      int n, float[] cd, int co, float beta, int p0, int p1, float[] tile, int tileOff) {
    for (int p = p0; p < p1; p += NR) {
      int ps = Math.min(p, width - NR), pe = Math.min(p + NR, m);
      for (int k0 = 0; k0 < k; k0 += KC) {
        int kc = Math.min(KC, k - k0);
        boolean first = k0 == 0;
        for (int j = 0; j < n; ) {
          int r = groupRows(n - j);
          kernel(r, bd, bo + k0 * ldb + j, 1, ldb, ad, ao + k0 * lda + ps, lda, kc, tile, tileOff + j * NR, NR, first, 1f);
          j += r;
        }
      }
      for (int pp = p; pp < pe; pp++) {
        int t = tileOff + pp - ps, ci = co + pp * n;
        for (int j = 0; j < n; j++, t += NR) cd[ci + j] = beta == 0f ? tile[t] : Math.fma(cd[ci + j], beta, tile[t]);
      }
    }
  }

  /**
   * Columns [j0, j1) (j0 a multiple of NR) of {@code c = op(A) . B + beta c} for few rows (m <= MR,
   * n >= NR), B read in place (row-major, row stride {@code ldb}): packing B would not pay, since
   * each panel meets one row tile. A last partial panel is computed over the NR columns ending at n,
   * through this task's {@code tile} (8 x NR floats), and stores only its new columns. Each
   * output's arithmetic is that of {@link #gemmRows}.
   */
  static void gemmFewRows(float[] ad, int ao, int ars, int acs, float[] bd, int bo, int ldb, int k, int m, int n,
      float[] cd, int co, float beta, int j0, int j1, float[] tile, int tileOff) {
    for (int j = j0; j < j1; j += NR) {
      boolean full = j + NR <= n;
      int js = full ? j : n - NR, je = Math.min(j + NR, n);
      for (int k0 = 0; k0 < k; k0 += KC) {
        int kc = Math.min(KC, k - k0);
        boolean first = k0 == 0;
        boolean over = first && beta == 0f;
        float s = first ? beta : 1f;
        for (int i = 0; i < m; ) {
          int r = groupRows(m - i);
          int aBase = ao + i * ars + k0 * acs, bBase = bo + k0 * ldb + js;
          if (full) {
            kernel(r, ad, aBase, ars, acs, bd, bBase, ldb, kc, cd, co + i * n + j, n, over, s);
          } else {
            kernel(r, ad, aBase, ars, acs, bd, bBase, ldb, kc, tile, tileOff, NR, true, 0f);
            for (int ii = 0; ii < r; ii++) {
              int cr = co + (i + ii) * n, tr = tileOff + ii * NR - js;
              for (int jj = j; jj < je; jj++) cd[cr + jj] = over ? tile[tr + jj] : Math.fma(cd[cr + jj], s, tile[tr + jj]);
            }
          }
          i += r;
        }
      }
    }
  }

  /** 8 rows x NR columns: c[i, j] (+)= sum over kc of a[i, p] * panel[p, j]. */
  static void kernel8(float[] a, int aBase, int ars, int acs, float[] b, int bBase, int bStride, int kc,
      float[] c, int cBase, int ldc, boolean over, float s) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c60 = FloatVector.zero(S), c61 = FloatVector.zero(S), c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
    int ao = aBase, bo = bBase;
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, b, bo);
      FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector x0 = FloatVector.broadcast(S, a[ao]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      FloatVector x1 = FloatVector.broadcast(S, a[ao + ars]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      FloatVector x2 = FloatVector.broadcast(S, a[ao + 2 * ars]);
      c20 = x2.fma(b0, c20);
      c21 = x2.fma(b1, c21);
      FloatVector x3 = FloatVector.broadcast(S, a[ao + 3 * ars]);
      c30 = x3.fma(b0, c30);
      c31 = x3.fma(b1, c31);
      FloatVector x4 = FloatVector.broadcast(S, a[ao + 4 * ars]);
      c40 = x4.fma(b0, c40);
      c41 = x4.fma(b1, c41);
      FloatVector x5 = FloatVector.broadcast(S, a[ao + 5 * ars]);
      c50 = x5.fma(b0, c50);
      c51 = x5.fma(b1, c51);
      FloatVector x6 = FloatVector.broadcast(S, a[ao + 6 * ars]);
      c60 = x6.fma(b0, c60);
      c61 = x6.fma(b1, c61);
      FloatVector x7 = FloatVector.broadcast(S, a[ao + 7 * ars]);
      c70 = x7.fma(b0, c70);
      c71 = x7.fma(b1, c71);
      ao += acs;
      bo += bStride;
    }
    if (over) {
      c00.intoArray(c, cBase);
      c01.intoArray(c, cBase + L);
      c10.intoArray(c, cBase + ldc);
      c11.intoArray(c, cBase + ldc + L);
      c20.intoArray(c, cBase + 2 * ldc);
      c21.intoArray(c, cBase + 2 * ldc + L);
      c30.intoArray(c, cBase + 3 * ldc);
      c31.intoArray(c, cBase + 3 * ldc + L);
      c40.intoArray(c, cBase + 4 * ldc);
      c41.intoArray(c, cBase + 4 * ldc + L);
      c50.intoArray(c, cBase + 5 * ldc);
      c51.intoArray(c, cBase + 5 * ldc + L);
      c60.intoArray(c, cBase + 6 * ldc);
      c61.intoArray(c, cBase + 6 * ldc + L);
      c70.intoArray(c, cBase + 7 * ldc);
      c71.intoArray(c, cBase + 7 * ldc + L);
    } else {
      FloatVector sv = FloatVector.broadcast(S, s);
      FloatVector.fromArray(S, c, cBase).fma(sv, c00).intoArray(c, cBase);
      FloatVector.fromArray(S, c, cBase + L).fma(sv, c01).intoArray(c, cBase + L);
      FloatVector.fromArray(S, c, cBase + ldc).fma(sv, c10).intoArray(c, cBase + ldc);
      FloatVector.fromArray(S, c, cBase + ldc + L).fma(sv, c11).intoArray(c, cBase + ldc + L);
      FloatVector.fromArray(S, c, cBase + 2 * ldc).fma(sv, c20).intoArray(c, cBase + 2 * ldc);
      FloatVector.fromArray(S, c, cBase + 2 * ldc + L).fma(sv, c21).intoArray(c, cBase + 2 * ldc + L);
      FloatVector.fromArray(S, c, cBase + 3 * ldc).fma(sv, c30).intoArray(c, cBase + 3 * ldc);
      FloatVector.fromArray(S, c, cBase + 3 * ldc + L).fma(sv, c31).intoArray(c, cBase + 3 * ldc + L);
      FloatVector.fromArray(S, c, cBase + 4 * ldc).fma(sv, c40).intoArray(c, cBase + 4 * ldc);
      FloatVector.fromArray(S, c, cBase + 4 * ldc + L).fma(sv, c41).intoArray(c, cBase + 4 * ldc + L);
      FloatVector.fromArray(S, c, cBase + 5 * ldc).fma(sv, c50).intoArray(c, cBase + 5 * ldc);
      FloatVector.fromArray(S, c, cBase + 5 * ldc + L).fma(sv, c51).intoArray(c, cBase + 5 * ldc + L);
      FloatVector.fromArray(S, c, cBase + 6 * ldc).fma(sv, c60).intoArray(c, cBase + 6 * ldc);
      FloatVector.fromArray(S, c, cBase + 6 * ldc + L).fma(sv, c61).intoArray(c, cBase + 6 * ldc + L);
      FloatVector.fromArray(S, c, cBase + 7 * ldc).fma(sv, c70).intoArray(c, cBase + 7 * ldc);
      FloatVector.fromArray(S, c, cBase + 7 * ldc + L).fma(sv, c71).intoArray(c, cBase + 7 * ldc + L);
    }
  }

  /** 6 rows x NR columns: c[i, j] (+)= sum over kc of a[i, p] * panel[p, j]. */
  static void kernel6(float[] a, int aBase, int ars, int acs, float[] b, int bBase, int bStride, int kc,
      float[] c, int cBase, int ldc, boolean over, float s) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    int ao = aBase, bo = bBase;
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, b, bo);
      FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector x0 = FloatVector.broadcast(S, a[ao]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      FloatVector x1 = FloatVector.broadcast(S, a[ao + ars]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      FloatVector x2 = FloatVector.broadcast(S, a[ao + 2 * ars]);
      c20 = x2.fma(b0, c20);
      c21 = x2.fma(b1, c21);
      FloatVector x3 = FloatVector.broadcast(S, a[ao + 3 * ars]);
      c30 = x3.fma(b0, c30);
      c31 = x3.fma(b1, c31);
      FloatVector x4 = FloatVector.broadcast(S, a[ao + 4 * ars]);
      c40 = x4.fma(b0, c40);
      c41 = x4.fma(b1, c41);
      FloatVector x5 = FloatVector.broadcast(S, a[ao + 5 * ars]);
      c50 = x5.fma(b0, c50);
      c51 = x5.fma(b1, c51);
      ao += acs;
      bo += bStride;
    }
    if (over) {
      c00.intoArray(c, cBase);
      c01.intoArray(c, cBase + L);
      c10.intoArray(c, cBase + ldc);
      c11.intoArray(c, cBase + ldc + L);
      c20.intoArray(c, cBase + 2 * ldc);
      c21.intoArray(c, cBase + 2 * ldc + L);
      c30.intoArray(c, cBase + 3 * ldc);
      c31.intoArray(c, cBase + 3 * ldc + L);
      c40.intoArray(c, cBase + 4 * ldc);
      c41.intoArray(c, cBase + 4 * ldc + L);
      c50.intoArray(c, cBase + 5 * ldc);
      c51.intoArray(c, cBase + 5 * ldc + L);
    } else {
      FloatVector sv = FloatVector.broadcast(S, s);
      FloatVector.fromArray(S, c, cBase).fma(sv, c00).intoArray(c, cBase);
      FloatVector.fromArray(S, c, cBase + L).fma(sv, c01).intoArray(c, cBase + L);
      FloatVector.fromArray(S, c, cBase + ldc).fma(sv, c10).intoArray(c, cBase + ldc);
      FloatVector.fromArray(S, c, cBase + ldc + L).fma(sv, c11).intoArray(c, cBase + ldc + L);
      FloatVector.fromArray(S, c, cBase + 2 * ldc).fma(sv, c20).intoArray(c, cBase + 2 * ldc);
      FloatVector.fromArray(S, c, cBase + 2 * ldc + L).fma(sv, c21).intoArray(c, cBase + 2 * ldc + L);
      FloatVector.fromArray(S, c, cBase + 3 * ldc).fma(sv, c30).intoArray(c, cBase + 3 * ldc);
      FloatVector.fromArray(S, c, cBase + 3 * ldc + L).fma(sv, c31).intoArray(c, cBase + 3 * ldc + L);
      FloatVector.fromArray(S, c, cBase + 4 * ldc).fma(sv, c40).intoArray(c, cBase + 4 * ldc);
      FloatVector.fromArray(S, c, cBase + 4 * ldc + L).fma(sv, c41).intoArray(c, cBase + 4 * ldc + L);
      FloatVector.fromArray(S, c, cBase + 5 * ldc).fma(sv, c50).intoArray(c, cBase + 5 * ldc);
      FloatVector.fromArray(S, c, cBase + 5 * ldc + L).fma(sv, c51).intoArray(c, cBase + 5 * ldc + L);
    }
  }

  /** 4 rows x NR columns: c[i, j] (+)= sum over kc of a[i, p] * panel[p, j]. */
  static void kernel4(float[] a, int aBase, int ars, int acs, float[] b, int bBase, int bStride, int kc,
      float[] c, int cBase, int ldc, boolean over, float s) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    int ao = aBase, bo = bBase;
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, b, bo);
      FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector x0 = FloatVector.broadcast(S, a[ao]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      FloatVector x1 = FloatVector.broadcast(S, a[ao + ars]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      FloatVector x2 = FloatVector.broadcast(S, a[ao + 2 * ars]);
      c20 = x2.fma(b0, c20);
      c21 = x2.fma(b1, c21);
      FloatVector x3 = FloatVector.broadcast(S, a[ao + 3 * ars]);
      c30 = x3.fma(b0, c30);
      c31 = x3.fma(b1, c31);
      ao += acs;
      bo += bStride;
    }
    if (over) {
      c00.intoArray(c, cBase);
      c01.intoArray(c, cBase + L);
      c10.intoArray(c, cBase + ldc);
      c11.intoArray(c, cBase + ldc + L);
      c20.intoArray(c, cBase + 2 * ldc);
      c21.intoArray(c, cBase + 2 * ldc + L);
      c30.intoArray(c, cBase + 3 * ldc);
      c31.intoArray(c, cBase + 3 * ldc + L);
    } else {
      FloatVector sv = FloatVector.broadcast(S, s);
      FloatVector.fromArray(S, c, cBase).fma(sv, c00).intoArray(c, cBase);
      FloatVector.fromArray(S, c, cBase + L).fma(sv, c01).intoArray(c, cBase + L);
      FloatVector.fromArray(S, c, cBase + ldc).fma(sv, c10).intoArray(c, cBase + ldc);
      FloatVector.fromArray(S, c, cBase + ldc + L).fma(sv, c11).intoArray(c, cBase + ldc + L);
      FloatVector.fromArray(S, c, cBase + 2 * ldc).fma(sv, c20).intoArray(c, cBase + 2 * ldc);
      FloatVector.fromArray(S, c, cBase + 2 * ldc + L).fma(sv, c21).intoArray(c, cBase + 2 * ldc + L);
      FloatVector.fromArray(S, c, cBase + 3 * ldc).fma(sv, c30).intoArray(c, cBase + 3 * ldc);
      FloatVector.fromArray(S, c, cBase + 3 * ldc + L).fma(sv, c31).intoArray(c, cBase + 3 * ldc + L);
    }
  }

  /** 2 rows x NR columns: c[i, j] (+)= sum over kc of a[i, p] * panel[p, j]. */
  static void kernel2(float[] a, int aBase, int ars, int acs, float[] b, int bBase, int bStride, int kc,
      float[] c, int cBase, int ldc, boolean over, float s) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    int ao = aBase, bo = bBase;
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, b, bo);
      FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector x0 = FloatVector.broadcast(S, a[ao]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      FloatVector x1 = FloatVector.broadcast(S, a[ao + ars]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      ao += acs;
      bo += bStride;
    }
    if (over) {
      c00.intoArray(c, cBase);
      c01.intoArray(c, cBase + L);
      c10.intoArray(c, cBase + ldc);
      c11.intoArray(c, cBase + ldc + L);
    } else {
      FloatVector sv = FloatVector.broadcast(S, s);
      FloatVector.fromArray(S, c, cBase).fma(sv, c00).intoArray(c, cBase);
      FloatVector.fromArray(S, c, cBase + L).fma(sv, c01).intoArray(c, cBase + L);
      FloatVector.fromArray(S, c, cBase + ldc).fma(sv, c10).intoArray(c, cBase + ldc);
      FloatVector.fromArray(S, c, cBase + ldc + L).fma(sv, c11).intoArray(c, cBase + ldc + L);
    }
  }

  /** 1 rows x NR columns: c[i, j] (+)= sum over kc of a[i, p] * panel[p, j]. */
  static void kernel1(float[] a, int aBase, int ars, int acs, float[] b, int bBase, int bStride, int kc,
      float[] c, int cBase, int ldc, boolean over, float s) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    int ao = aBase, bo = bBase;
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, b, bo);
      FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector x0 = FloatVector.broadcast(S, a[ao]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      ao += acs;
      bo += bStride;
    }
    if (over) {
      c00.intoArray(c, cBase);
      c01.intoArray(c, cBase + L);
    } else {
      FloatVector sv = FloatVector.broadcast(S, s);
      FloatVector.fromArray(S, c, cBase).fma(sv, c00).intoArray(c, cBase);
      FloatVector.fromArray(S, c, cBase + L).fma(sv, c01).intoArray(c, cBase + L);
    }
  }
}
