package vecrl.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix multiply on the Vector API: a register-blocked kernel (ROWS x NR tile
 * of accumulators, NR = two vectors) over a packed copy of B, plus special paths for one output
 * row (GEMV), one output column (a dot product per row) and the transposes, and for thin outputs:
 * few columns (2 .. NR - 1: tiles of dot products for A.B^T and A.B, the kernel with A and B
 * swapped for A^T.B) and few rows (up to MR: B read in place, or dot products for A.B^T). Every
 * method handles a range of output rows or columns, so the caller can split work across threads;
 * an output element's arithmetic never depends on how the work was split.
 *
 * <p>When B has three or more panels, the general path also packs A, a block of MC rows by one K
 * block at a time, tile by tile ({@link #gemmRowsPackedA}): each block is copied once for all of B's
 * panels and the 8-row kernel reads it at a fixed stride. The order of every output's multiply-adds
 * is the same as with A read in place, so the bits are too.
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
  /** Rows of a panel packed together from a strided B (16 floats: one 64-byte line of a contiguous source row). */
  private static final int PACK_TILE = 16;

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
        // Strided B (a transposed weight): tiles of PACK_TILE rows of the panel at a time, so that the
        // writes stay within a few KB and each source cache line is read once per tile (a column at a
        // time over the whole of k wrote the panel with a stride of NR floats: measured 2.5 times
        // slower on a [512, 3136] weight). The same values land in the same places.
        for (int p0 = 0; p0 < k; p0 += PACK_TILE) {
          int p1 = Math.min(k, p0 + PACK_TILE);
          for (int jj = 0; jj < NR; jj++) {
            if (jj < nc) {
              int src = bo + (j0 + jj) * bcs;
              for (int p = p0; p < p1; p++) pb[base + p * NR + jj] = bd[src + p * brs];
            } else {
              for (int p = p0; p < p1; p++) pb[base + p * NR + jj] = 0f;
            }
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

  /** Rows of A per packed block of {@link #gemmRowsPackedA} (a multiple of 8 and 6): MC x KC floats stay in L2. */
  static final int MC = Integer.getInteger("vecrl.gemm.mc", 192);
  /** Whether the general path may pack A ({@code -Dvecrl.gemm.packA=false} turns it off, for comparisons). */
  static final boolean PACK_A = Boolean.parseBoolean(System.getProperty("vecrl.gemm.packA", "true"));

  /**
   * Whether the general path packs A ({@link #gemmRowsPackedA}) for n output columns: when each
   * packed block meets at least three of B's panels. With one or two (n <= 2 NR: a PPO layer of 64)
   * the copy costs more than the kernel gains (2048x64x64: 12% slower in two alternating pairs).
   */
  static boolean packsA(int n) {
    return PACK_A && n > 2 * NR;
  }

  /**
   * Rows [i0, i1) of c = op(A) . B + beta c as {@link #gemmRows}, with blocks of up to MC rows of
   * op(A) (one K block deep) first packed into {@code pa[paOff ...]} (MC * KC floats of this task's
   * scratch), tile by tile, a tile of r rows as kc groups of r floats: the kernel then reads A at a
   * fixed stride, and each block of A is packed once for all of B's panels. Each output's arithmetic
   * (the order of its multiply-adds, the K blocks, beta) is that of {@link #gemmRows}.
   */
  static void gemmRowsPackedA(float[] ad, int ao, int ars, int acs, float[] pb, int bo, int bStride, boolean packed,
      int k, int n, float[] cd, int co, int ldc, float beta, int i0, int i1, float[] tile, int tileOff,
      float[] pa, int paOff) {
    int panels = (n + NR - 1) / NR;
    for (int k0 = 0; k0 < k; k0 += KC) {
      int kc = Math.min(KC, k - k0);
      boolean first = k0 == 0;
      boolean over = first && beta == 0f;
      float s = first ? beta : 1f;
      for (int ib = i0; ib < i1; ib += MC) {
        int ie = Math.min(ib + MC, i1);
        packA(ad, ao + k0 * acs, ars, acs, ib, ie, kc, pa, paOff);
        for (int q = 0; q < panels; q++) {
          int j0 = q * NR, nc = Math.min(NR, n - j0);
          int pbOff = packed ? bo + q * k * NR + k0 * NR : bo + k0 * bStride + j0;
          int at = paOff;
          for (int i = ib; i < ie; ) {
            int r = tileRows(ie - i);
            if (nc == NR) {
              kernelPacked(r, pa, at, pb, pbOff, bStride, kc, cd, co + i * ldc + j0, ldc, over, s);
            } else {
              kernelPacked(r, pa, at, pb, pbOff, bStride, kc, tile, tileOff, NR, true, 0f);
              for (int ii = 0; ii < r; ii++) {
                int cr = co + (i + ii) * ldc + j0, tr = tileOff + ii * NR;
                for (int jj = 0; jj < nc; jj++) {
                  cd[cr + jj] = over ? tile[tr + jj] : Math.fma(cd[cr + jj], s, tile[tr + jj]);
                }
              }
            }
            at += r * kc;
            i += r;
          }
        }
      }
    }
  }

  /**
   * Packs rows [ib, ie) of a K block of op(A) (element (i, p) at {@code ad[ao + i * ars + p * acs]},
   * p < kc) into {@code pa[off ...]}: tiles of {@link #tileRows} rows, each kc groups of its r rows.
   */
  static void packA(float[] ad, int ao, int ars, int acs, int ib, int ie, int kc, float[] pa, int off) {
    for (int i = ib; i < ie; ) {
      int r = tileRows(ie - i);
      for (int ii = 0; ii < r; ii++) {
        int src = ao + (i + ii) * ars, dst = off + ii;
        if (acs == 1) {
          for (int p = 0; p < kc; p++, dst += r) pa[dst] = ad[src + p];
        } else {
          for (int p = 0; p < kc; p++, dst += r) pa[dst] = ad[src + p * acs];
        }
      }
      off += r * kc;
      i += r;
    }
  }

  static void kernelPacked(int r, float[] a, int aBase, float[] b, int bBase, int bStride, int kc,
      float[] c, int cBase, int ldc, boolean over, float s) {
    switch (r) {
      case 8 -> kernelP8(a, aBase, b, bBase, bStride, kc, c, cBase, ldc, over, s);
      default -> kernel(r, a, aBase, 1, r, b, bBase, bStride, kc, c, cBase, ldc, over, s);
    }
  }

  /** 8 rows x NR columns from a packed tile of A (kc groups of 8): c[i, j] (+)= sum over kc of a[i, p] * panel[p, j]. */
  static void kernelP8(float[] a, int aBase, float[] b, int bBase, int bStride, int kc,
      float[] c, int cBase, int ldc, boolean over, float s) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c60 = FloatVector.zero(S), c61 = FloatVector.zero(S), c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
    int bo = bBase;
    for (int p = 0; p < kc; p++) {
      int ao = aBase + 8 * p;
      FloatVector b0 = FloatVector.fromArray(S, b, bo);
      FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector x0 = FloatVector.broadcast(S, a[ao]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      FloatVector x1 = FloatVector.broadcast(S, a[ao + 1]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      FloatVector x2 = FloatVector.broadcast(S, a[ao + 2]);
      c20 = x2.fma(b0, c20);
      c21 = x2.fma(b1, c21);
      FloatVector x3 = FloatVector.broadcast(S, a[ao + 3]);
      c30 = x3.fma(b0, c30);
      c31 = x3.fma(b1, c31);
      FloatVector x4 = FloatVector.broadcast(S, a[ao + 4]);
      c40 = x4.fma(b0, c40);
      c41 = x4.fma(b1, c41);
      FloatVector x5 = FloatVector.broadcast(S, a[ao + 5]);
      c50 = x5.fma(b0, c50);
      c51 = x5.fma(b1, c51);
      FloatVector x6 = FloatVector.broadcast(S, a[ao + 6]);
      c60 = x6.fma(b0, c60);
      c61 = x6.fma(b1, c61);
      FloatVector x7 = FloatVector.broadcast(S, a[ao + 7]);
      c70 = x7.fma(b0, c70);
      c71 = x7.fma(b1, c71);
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

  // ---------------------------------------------------------------- dot products (A.B^T, few columns or rows)

  /**
   * Fixed cost of a dot-product output in multiply-adds (folding its lane sums, storing it), for
   * {@link #dotPays}; measured with 16 lanes (AVX-512) and 8 (AVX2).
   */
  static final int DOT_OVERHEAD = Integer.getInteger("vecrl.gemm.dotOverhead", L >= 16 ? 40 : 64);

  /**
   * Whether {@link #dotTiles} beats the register-blocked kernel for n (2 .. NR - 1) outputs per row
   * of length k ({@code fewRows}: for A.B^T with n <= MR rows, the roles swapped). The tiles cost
   * about k + DOT_OVERHEAD per output (n rounded up to a group of 4, but for n = 2); the kernel
   * about k per column of its NR for few columns, and about half that per row for few rows (it
   * wastes nothing there, but packs B^T). Measured at 2048 rows (columns), one thread: break-even
   * near n = 4 at k = 8, 8 at k = 16, 20 at k = 64 and 28 at k = 256 for few columns, n = 4 at k =
   * 16 and 8 at k = 64 for few rows.
   */
  static boolean dotPays(int n, int k, boolean fewRows) {
    int padded = n == 2 ? 2 : (n + 3) & ~3;
    return (long) padded * (k + DOT_OVERHEAD) <= (long) (fewRows ? NR / 2 : NR) * k;
  }

  /** Floats of scratch one task of {@link #dotTiles} needs: two folded tiles and the tails of 8 rows of A. */
  static final int DOT_TASK_SCRATCH = 10 * L;

  /**
   * The lane sums of several accumulators at once, for the dot tiles: level l (1 ..) pairs vectors
   * x and y into one whose lanes i with bit h = {@code L >> l} clear hold {@code x[i] + x[i ^ h]}
   * and the others {@code y[i] + y[i ^ h]}: {@code x.blend(y, FOLD_MASKl)} plus {@code y.blend(x,
   * FOLD_MASKl).rearrange(FOLD_SWAPl)}. Each lane adds exactly the pairs {@link #hsum} adds, in the
   * same order, so a folded sum equals hsum's bit for bit; T accumulators take T - 1 folds (T - 1
   * shuffles) instead of T hsums (T log2 L). Needs L <= 16, as hsum does.
   */
  private static final VectorMask<Float> FOLD_MASK1 = upperHalves(L >> 1), FOLD_MASK2 = upperHalves(L >> 2),
      FOLD_MASK3 = upperHalves(L >> 3), FOLD_MASK4 = upperHalves(L >> 4);
  private static final VectorShuffle<Float> FOLD_SWAP1 = butterfly(L >> 1), FOLD_SWAP2 = butterfly(L >> 2),
      FOLD_SWAP3 = butterfly(L >> 3), FOLD_SWAP4 = butterfly(L >> 4);

  private static VectorMask<Float> upperHalves(int h) {
    boolean[] bits = new boolean[L];
    for (int i = 0; i < L; i++) bits[i] = (i & h) != 0;
    return VectorMask.fromArray(S, bits, 0);
  }

  /** How a tile is stored (see {@link #place}). */
  private static final int WHOLE = 0, ROWS = 1, SCALAR = 2;

  /**
   * Floats of shared scratch {@link #dotTiles} needs for n rows of B of length k: a zero-padded copy
   * of B's last partial group of 4 rows, and the zero-padded tails of B's rows.
   */
  static int dotSharedScratch(int n, int k) {
    int w = n % 4, padded = n - w + (w != 0 ? 4 : 0);
    return (w != 0 ? 4 * k : 0) + (k % L != 0 ? padded * L : 0);
  }

  /** Fills the shared scratch of {@link #dotTiles} (dotSharedScratch(n, k) floats at {@code sc[base]}) from B. */
  static void prepareDots(float[] bd, int bo, int ldb, int k, int n, float[] sc, int base) {
    int w = n % 4, full = n - w, kv = k - k % L, tbo = base + (w != 0 ? 4 * k : 0);
    if (w != 0) {
      for (int r = 0; r < 4; r++) {
        if (r < w) System.arraycopy(bd, bo + (full + r) * ldb, sc, base + r * k, k);
        else java.util.Arrays.fill(sc, base + r * k, base + (r + 1) * k, 0f);
      }
    }
    if (kv < k) {
      copyTails(bd, bo, ldb, kv, k, full, sc, tbo);
      if (w != 0) copyTails(sc, base, k, kv, k, 4, sc, tbo + full * L);
    }
  }

  /**
   * Rows [i0, i1) of {@code c[i, j] = sum_p A[i, p] B[j, p]} (then {@code + beta c}) for j in [0, n):
   * each output the dot product of two contiguous rows of length k, A's row i at {@code ad[ao + i *
   * lda]} and B's row j at {@code bd[bo + j * ldb]}. c[i, j] is at {@code cd[co + i * cri + j *
   * ccj]}, so the caller can write c or its transpose.
   *
   * <p>Tiles of 16 outputs (with 16 lanes: 4 rows of A x a group of 4 rows of B, or 8 x 2 when n is
   * 2) keep one accumulator vector per output, so each vector loaded serves several multiply-adds,
   * and the kernels (dot4x4 ...) fold the tile's lane sums into one vector (see FOLD_MASK1), left in
   * {@code sc}; {@link #place} stores it. B's last partial group is read from a copy padded with
   * zero rows. The kernels read whole vectors only (their size is what C1 can compile: masked loads
   * would make them too big for it, and a method C1 gives up on can stay interpreted): the last
   * {@code k % L} products come from zero-padded copies of the rows' tails, B's made by {@link
   * #prepareDots} into {@code sc[base, base + dotSharedScratch(n, k))}, A's here per block of rows,
   * and are folded separately and added. Every output's arithmetic is fixed by its position,
   * whatever the split (tasks start on multiples of 8 rows). {@code sc[so, so + DOT_TASK_SCRATCH)}
   * is this task's scratch.
   */
  static void dotTiles(float[] ad, int ao, int lda, float[] bd, int bo, int ldb, int k, int n,
      float[] cd, int co, int cri, int ccj, float beta, int i0, int i1, float[] sc, int so, int base) {
    int kv = k - k % L, w = n % 4, full = n - w;
    float[] ta = kv < k ? sc : null;
    int red = so, tao = so + 2 * L, tbo = base + (w != 0 ? 4 * k : 0);
    boolean pairs = L >= 16 && n == 2;
    // Tiles of L outputs: 4 x 4 with 16 lanes (8 x 2 for n = 2), 4 x 2 with 8.
    int tileCols = L >= 16 ? 4 : 2;
    int store = L < 8 || ccj != 1 ? SCALAR : cri == tileCols ? WHOLE : ROWS;
    int store2 = ccj == 1 && cri == 2 ? WHOLE : SCALAR;
    int i = i0;
    if (L >= 16) {
      for (; i <= i1 - 8; i += 8) {
        int a0 = ao + i * lda, a4 = a0 + 4 * lda, c0 = co + i * cri, c4 = c0 + 4 * cri;
        if (ta != null) copyTails(ad, a0, lda, kv, k, 8, sc, tao);
        if (pairs) {
          dotTile(8, 2, ad, a0, lda, bd, bo, ldb, kv, ta, tao, tbo, sc, red);
          place(store2, 8, 2, 2, sc, red, cd, c0, cri, ccj, beta);
          continue;
        }
        for (int j = 0; j < n; j += 4) {
          boolean last = j == full;
          float[] bg = last ? sc : bd;
          int b0 = last ? base : bo + j * ldb, lb = last ? k : ldb, cols = last ? w : 4, cj = j * ccj;
          dotTile(4, 4, ad, a0, lda, bg, b0, lb, kv, ta, tao, tbo + j * L, sc, red);
          place(store, 4, 4, cols, sc, red, cd, c0 + cj, cri, ccj, beta);
          dotTile(4, 4, ad, a4, lda, bg, b0, lb, kv, ta, tao + 4 * L, tbo + j * L, sc, red);
          place(store, 4, 4, cols, sc, red, cd, c4 + cj, cri, ccj, beta);
        }
      }
    }
    for (; i <= i1 - 4; i += 4) {
      int a0 = ao + i * lda, c0 = co + i * cri;
      if (ta != null) copyTails(ad, a0, lda, kv, k, 4, sc, tao);
      for (int j = 0; j < n; j += 4) {
        boolean last = j == full;
        float[] bg = last ? sc : bd;
        int b0 = last ? base : bo + j * ldb, lb = last ? k : ldb, cols = last ? w : 4, cj = j * ccj;
        if (L >= 16) {
          dotTile(4, 4, ad, a0, lda, bg, b0, lb, kv, ta, tao, tbo + j * L, sc, red);
          place(store, 4, 4, cols, sc, red, cd, c0 + cj, cri, ccj, beta);
        } else if (L == 8) {
          dotTile(4, 2, ad, a0, lda, bg, b0, lb, kv, ta, tao, tbo + j * L, sc, red);
          place(store, 4, 2, Math.min(cols, 2), sc, red, cd, c0 + cj, cri, ccj, beta);
          if (cols > 2) {
            dotTile(4, 2, ad, a0, lda, bg, b0 + 2 * lb, lb, kv, ta, tao, tbo + (j + 2) * L, sc, red);
            place(store, 4, 2, cols - 2, sc, red, cd, c0 + cj + 2 * ccj, cri, ccj, beta);
          }
        } else {
          for (int jj = 0; jj < cols; jj++) {
            dotTile(4, 1, ad, a0, lda, bg, b0 + jj * lb, lb, kv, ta, tao, tbo + (j + jj) * L, sc, red);
            finish(4, 1, 1, L / 4, sc, red, cd, c0 + cj + jj * ccj, cri, ccj, beta);
          }
        }
      }
    }
    for (; i < i1; i++) {
      int a0 = ao + i * lda, c0 = co + i * cri;
      if (ta != null) copyTails(ad, a0, lda, kv, k, 1, sc, tao);
      for (int j = 0; j < n; j += 4) {
        boolean last = j == full;
        dotTile(1, 4, ad, a0, lda, last ? sc : bd, last ? base : bo + j * ldb, last ? k : ldb, kv, ta, tao,
            tbo + j * L, sc, red);
        finish(1, 4, last ? w : 4, L / 4, sc, red, cd, c0 + j * ccj, cri, ccj, beta);
      }
    }
  }

  /**
   * Copies the tails (columns [kv, k), fewer than L) of {@code rows} rows (row r at {@code src[so +
   * r * ld]}) to {@code dst[do_ + r * L]}, zero-padded to L floats.
   */
  static void copyTails(float[] src, int so, int ld, int kv, int k, int rows, float[] dst, int do_) {
    VectorMask<Float> m = S.indexInRange(kv, k);
    for (int r = 0; r < rows; r++) {
      int from = so + r * ld + kv, to = do_ + r * L;
      if (from <= src.length - L) {
        FloatVector.fromArray(S, src, from, m).intoArray(dst, to);
      } else {
        // A masked load reaching past the array allocates: the last rows are copied one by one.
        for (int p = 0; p < L; p++) dst[to + p] = p < k - kv ? src[from + p] : 0f;
      }
    }
  }

  /**
   * The folded lane sums of a rows x cols tile into {@code red[ro, ro + L)}: over [0, kv) from A and
   * B in place, plus (when {@code ta} is not null) over the rest from the padded tails, A's at
   * {@code ta[tao]} and B's at {@code red[tbo]} (the task's scratch array).
   */
  private static void dotTile(int rows, int cols, float[] ad, int a0, int lda, float[] bd, int b0, int ldb, int kv,
      float[] ta, int tao, int tbo, float[] red, int ro) {
    if (ta == null) {
      dotKernel(rows, cols, ad, a0, lda, bd, b0, ldb, kv, red, ro);
    } else if (kv == 0) {
      dotKernel(rows, cols, ta, tao, L, red, tbo, L, L, red, ro);
    } else {
      dotKernel(rows, cols, ad, a0, lda, bd, b0, ldb, kv, red, ro);
      dotKernel(rows, cols, ta, tao, L, red, tbo, L, L, red, ro + L);
      FloatVector.fromArray(S, red, ro).add(FloatVector.fromArray(S, red, ro + L)).intoArray(red, ro);
    }
  }

  private static void dotKernel(int rows, int cols, float[] ad, int a0, int lda, float[] bd, int b0, int ldb, int kv,
      float[] red, int ro) {
    switch (rows * 16 + cols) {
      case 0x44 -> dot4x4(ad, a0, lda, bd, b0, ldb, kv, red, ro);
      case 0x82 -> dot8x2(ad, a0, lda, bd, b0, ldb, kv, red, ro);
      case 0x42 -> dot4x2(ad, a0, lda, bd, b0, ldb, kv, red, ro);
      case 0x41 -> dot4x1(ad, a0, lda, bd, b0, ldb, kv, red, ro);
      default -> dot1x4(ad, a0, lda, bd, b0, ldb, kv, red, ro);
    }
  }

  /**
   * Stores a tile of L outputs (rows x cols, lane {@code cols i + j} for output (i, j)) from {@code
   * red[ro, ro + L)}, its first {@code valid} columns: {@code WHOLE}, they are c's next L floats;
   * {@code ROWS}, the tile's rows are contiguous in c (row i at c0 + i * cri), one masked store
   * each; else one by one ({@link #finish}).
   */
  private static void place(int store, int rows, int cols, int valid, float[] red, int ro, float[] cd, int c0,
      int cri, int ccj, float beta) {
    if (store == WHOLE) {
      FloatVector f = FloatVector.fromArray(S, red, ro);
      if (beta == 0f) f.intoArray(cd, c0);
      else FloatVector.fromArray(S, cd, c0).fma(FloatVector.broadcast(S, beta), f).intoArray(cd, c0);
    } else if (store == ROWS) {
      // Row i is lanes [cols i, cols i + valid), stored from c0 + i * (cri - cols); a row whose vector
      // would reach outside the array is stored one by one (a masked access there allocates).
      FloatVector f = FloatVector.fromArray(S, red, ro);
      long bits = (1L << valid) - 1;
      for (int i = 0; i < rows; i++) {
        int ci = c0 + i * (cri - cols);
        if (ci < 0 || ci > cd.length - L) {
          finish(1, cols, valid, 1, red, ro + i * cols, cd, c0 + i * cri, cri, ccj, beta);
          continue;
        }
        VectorMask<Float> m = VectorMask.fromLong(S, bits << (i * cols));
        if (beta == 0f) f.intoArray(cd, ci, m);
        else FloatVector.fromArray(S, cd, ci, m).fma(FloatVector.broadcast(S, beta), f).intoArray(cd, ci, m);
      }
    } else {
      finish(rows, cols, valid, 1, red, ro, cd, c0, cri, ccj, beta);
    }
  }

  /**
   * Stores the first {@code valid} columns of a rows x cols tile from its sums ((i, j) at {@code
   * red[ro + (cols i + j) stride]}) into c, with beta.
   */
  private static void finish(int rows, int cols, int valid, int stride, float[] red, int ro, float[] cd, int c0,
      int cri, int ccj, float beta) {
    for (int i = 0; i < rows; i++) {
      for (int j = 0, q = ro + i * cols * stride, ci = c0 + i * cri; j < valid; j++, q += stride, ci += ccj) {
        cd[ci] = beta == 0f ? red[q] : Math.fma(cd[ci], beta, red[q]);
      }
    }
  }

  /**
   * 4 rows of A x 4 rows of B (16 accumulators; needs L >= 16): the lane sums over [0, kv) of
   * output (i, j) in {@code red[redOff + (4 i + j) * (L / 16)]}. See {@link #dotTiles}.
   */
  private static void dot4x4(float[] ad, int a0, int lda, float[] bd, int b0, int ldb, int kv,
      float[] red, int redOff) {
    int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
    int b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
    FloatVector z = FloatVector.zero(S);
    FloatVector s00 = z, s01 = z, s02 = z, s03 = z, s10 = z, s11 = z, s12 = z, s13 = z;
    FloatVector s20 = z, s21 = z, s22 = z, s23 = z, s30 = z, s31 = z, s32 = z, s33 = z;
    for (int p = 0; p < kv; p += L) {
      FloatVector x0 = FloatVector.fromArray(S, ad, a0 + p);
      FloatVector x1 = FloatVector.fromArray(S, ad, a1 + p);
      FloatVector x2 = FloatVector.fromArray(S, ad, a2 + p);
      FloatVector x3 = FloatVector.fromArray(S, ad, a3 + p);
      FloatVector y0 = FloatVector.fromArray(S, bd, b0 + p);
      s00 = x0.fma(y0, s00);
      s10 = x1.fma(y0, s10);
      s20 = x2.fma(y0, s20);
      s30 = x3.fma(y0, s30);
      FloatVector y1 = FloatVector.fromArray(S, bd, b1 + p);
      s01 = x0.fma(y1, s01);
      s11 = x1.fma(y1, s11);
      s21 = x2.fma(y1, s21);
      s31 = x3.fma(y1, s31);
      FloatVector y2 = FloatVector.fromArray(S, bd, b2 + p);
      s02 = x0.fma(y2, s02);
      s12 = x1.fma(y2, s12);
      s22 = x2.fma(y2, s22);
      s32 = x3.fma(y2, s32);
      FloatVector y3 = FloatVector.fromArray(S, bd, b3 + p);
      s03 = x0.fma(y3, s03);
      s13 = x1.fma(y3, s13);
      s23 = x2.fma(y3, s23);
      s33 = x3.fma(y3, s33);
    }
    // Fold the accumulators into one vector: accumulator q = 4 i + j's lane sum in lane q * (L / 16).
    FloatVector f10 = s00.blend(s20, FOLD_MASK1).add(s20.blend(s00, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f11 = s01.blend(s21, FOLD_MASK1).add(s21.blend(s01, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f12 = s02.blend(s22, FOLD_MASK1).add(s22.blend(s02, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f13 = s03.blend(s23, FOLD_MASK1).add(s23.blend(s03, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f14 = s10.blend(s30, FOLD_MASK1).add(s30.blend(s10, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f15 = s11.blend(s31, FOLD_MASK1).add(s31.blend(s11, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f16 = s12.blend(s32, FOLD_MASK1).add(s32.blend(s12, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f17 = s13.blend(s33, FOLD_MASK1).add(s33.blend(s13, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f20 = f10.blend(f14, FOLD_MASK2).add(f14.blend(f10, FOLD_MASK2).rearrange(FOLD_SWAP2));
    FloatVector f21 = f11.blend(f15, FOLD_MASK2).add(f15.blend(f11, FOLD_MASK2).rearrange(FOLD_SWAP2));
    FloatVector f22 = f12.blend(f16, FOLD_MASK2).add(f16.blend(f12, FOLD_MASK2).rearrange(FOLD_SWAP2));
    FloatVector f23 = f13.blend(f17, FOLD_MASK2).add(f17.blend(f13, FOLD_MASK2).rearrange(FOLD_SWAP2));
    FloatVector f30 = f20.blend(f22, FOLD_MASK3).add(f22.blend(f20, FOLD_MASK3).rearrange(FOLD_SWAP3));
    FloatVector f31 = f21.blend(f23, FOLD_MASK3).add(f23.blend(f21, FOLD_MASK3).rearrange(FOLD_SWAP3));
    FloatVector f = f30.blend(f31, FOLD_MASK4).add(f31.blend(f30, FOLD_MASK4).rearrange(FOLD_SWAP4));
    f.intoArray(red, redOff);
  }

  /**
   * 8 rows of A x 2 rows of B (16 accumulators; needs L >= 16): the lane sums over [0, kv) of
   * output (i, j) in {@code red[redOff + (2 i + j) * (L / 16)]}. See {@link #dotTiles}.
   */
  private static void dot8x2(float[] ad, int a0, int lda, float[] bd, int b0, int ldb, int kv,
      float[] red, int redOff) {
    int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
    int b1 = b0 + ldb;
    FloatVector z = FloatVector.zero(S);
    FloatVector s00 = z, s01 = z, s10 = z, s11 = z, s20 = z, s21 = z, s30 = z, s31 = z;
    FloatVector s40 = z, s41 = z, s50 = z, s51 = z, s60 = z, s61 = z, s70 = z, s71 = z;
    for (int p = 0; p < kv; p += L) {
      FloatVector x0 = FloatVector.fromArray(S, ad, a0 + p);
      FloatVector x1 = FloatVector.fromArray(S, ad, a1 + p);
      FloatVector x2 = FloatVector.fromArray(S, ad, a2 + p);
      FloatVector x3 = FloatVector.fromArray(S, ad, a3 + p);
      FloatVector x4 = FloatVector.fromArray(S, ad, a4 + p);
      FloatVector x5 = FloatVector.fromArray(S, ad, a5 + p);
      FloatVector x6 = FloatVector.fromArray(S, ad, a6 + p);
      FloatVector x7 = FloatVector.fromArray(S, ad, a7 + p);
      FloatVector y0 = FloatVector.fromArray(S, bd, b0 + p);
      s00 = x0.fma(y0, s00);
      s10 = x1.fma(y0, s10);
      s20 = x2.fma(y0, s20);
      s30 = x3.fma(y0, s30);
      s40 = x4.fma(y0, s40);
      s50 = x5.fma(y0, s50);
      s60 = x6.fma(y0, s60);
      s70 = x7.fma(y0, s70);
      FloatVector y1 = FloatVector.fromArray(S, bd, b1 + p);
      s01 = x0.fma(y1, s01);
      s11 = x1.fma(y1, s11);
      s21 = x2.fma(y1, s21);
      s31 = x3.fma(y1, s31);
      s41 = x4.fma(y1, s41);
      s51 = x5.fma(y1, s51);
      s61 = x6.fma(y1, s61);
      s71 = x7.fma(y1, s71);
    }
    // Fold the accumulators into one vector: accumulator q = 2 i + j's lane sum in lane q * (L / 16).
    FloatVector f10 = s00.blend(s40, FOLD_MASK1).add(s40.blend(s00, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f11 = s01.blend(s41, FOLD_MASK1).add(s41.blend(s01, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f12 = s10.blend(s50, FOLD_MASK1).add(s50.blend(s10, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f13 = s11.blend(s51, FOLD_MASK1).add(s51.blend(s11, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f14 = s20.blend(s60, FOLD_MASK1).add(s60.blend(s20, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f15 = s21.blend(s61, FOLD_MASK1).add(s61.blend(s21, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f16 = s30.blend(s70, FOLD_MASK1).add(s70.blend(s30, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f17 = s31.blend(s71, FOLD_MASK1).add(s71.blend(s31, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f20 = f10.blend(f14, FOLD_MASK2).add(f14.blend(f10, FOLD_MASK2).rearrange(FOLD_SWAP2));
    FloatVector f21 = f11.blend(f15, FOLD_MASK2).add(f15.blend(f11, FOLD_MASK2).rearrange(FOLD_SWAP2));
    FloatVector f22 = f12.blend(f16, FOLD_MASK2).add(f16.blend(f12, FOLD_MASK2).rearrange(FOLD_SWAP2));
    FloatVector f23 = f13.blend(f17, FOLD_MASK2).add(f17.blend(f13, FOLD_MASK2).rearrange(FOLD_SWAP2));
    FloatVector f30 = f20.blend(f22, FOLD_MASK3).add(f22.blend(f20, FOLD_MASK3).rearrange(FOLD_SWAP3));
    FloatVector f31 = f21.blend(f23, FOLD_MASK3).add(f23.blend(f21, FOLD_MASK3).rearrange(FOLD_SWAP3));
    FloatVector f = f30.blend(f31, FOLD_MASK4).add(f31.blend(f30, FOLD_MASK4).rearrange(FOLD_SWAP4));
    f.intoArray(red, redOff);
  }

  /**
   * 4 rows of A x 2 rows of B (8 accumulators; needs L >= 8): the lane sums over [0, kv) of
   * output (i, j) in {@code red[redOff + (2 i + j) * (L / 8)]}. See {@link #dotTiles}.
   */
  private static void dot4x2(float[] ad, int a0, int lda, float[] bd, int b0, int ldb, int kv,
      float[] red, int redOff) {
    int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
    int b1 = b0 + ldb;
    FloatVector z = FloatVector.zero(S);
    FloatVector s00 = z, s01 = z, s10 = z, s11 = z, s20 = z, s21 = z, s30 = z, s31 = z;
    for (int p = 0; p < kv; p += L) {
      FloatVector x0 = FloatVector.fromArray(S, ad, a0 + p);
      FloatVector x1 = FloatVector.fromArray(S, ad, a1 + p);
      FloatVector x2 = FloatVector.fromArray(S, ad, a2 + p);
      FloatVector x3 = FloatVector.fromArray(S, ad, a3 + p);
      FloatVector y0 = FloatVector.fromArray(S, bd, b0 + p);
      s00 = x0.fma(y0, s00);
      s10 = x1.fma(y0, s10);
      s20 = x2.fma(y0, s20);
      s30 = x3.fma(y0, s30);
      FloatVector y1 = FloatVector.fromArray(S, bd, b1 + p);
      s01 = x0.fma(y1, s01);
      s11 = x1.fma(y1, s11);
      s21 = x2.fma(y1, s21);
      s31 = x3.fma(y1, s31);
    }
    // Fold the accumulators into one vector: accumulator q = 2 i + j's lane sum in lane q * (L / 8).
    FloatVector f10 = s00.blend(s20, FOLD_MASK1).add(s20.blend(s00, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f11 = s01.blend(s21, FOLD_MASK1).add(s21.blend(s01, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f12 = s10.blend(s30, FOLD_MASK1).add(s30.blend(s10, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f13 = s11.blend(s31, FOLD_MASK1).add(s31.blend(s11, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f20 = f10.blend(f12, FOLD_MASK2).add(f12.blend(f10, FOLD_MASK2).rearrange(FOLD_SWAP2));
    FloatVector f21 = f11.blend(f13, FOLD_MASK2).add(f13.blend(f11, FOLD_MASK2).rearrange(FOLD_SWAP2));
    FloatVector f = f20.blend(f21, FOLD_MASK3).add(f21.blend(f20, FOLD_MASK3).rearrange(FOLD_SWAP3));
    if (L > 8) f = f.add(f.rearrange(FOLD_SWAP4));
    f.intoArray(red, redOff);
  }

  /**
   * 4 rows of A x 1 row of B (4 accumulators; needs L >= 4): the lane sums over [0, kv) of
   * output (i, j) in {@code red[redOff + (1 i + j) * (L / 4)]}. See {@link #dotTiles}.
   */
  private static void dot4x1(float[] ad, int a0, int lda, float[] bd, int b0, int ldb, int kv,
      float[] red, int redOff) {
    int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
    FloatVector z = FloatVector.zero(S);
    FloatVector s00 = z, s10 = z, s20 = z, s30 = z;
    for (int p = 0; p < kv; p += L) {
      FloatVector x0 = FloatVector.fromArray(S, ad, a0 + p);
      FloatVector x1 = FloatVector.fromArray(S, ad, a1 + p);
      FloatVector x2 = FloatVector.fromArray(S, ad, a2 + p);
      FloatVector x3 = FloatVector.fromArray(S, ad, a3 + p);
      FloatVector y0 = FloatVector.fromArray(S, bd, b0 + p);
      s00 = x0.fma(y0, s00);
      s10 = x1.fma(y0, s10);
      s20 = x2.fma(y0, s20);
      s30 = x3.fma(y0, s30);
    }
    // Fold the accumulators into one vector: accumulator q = 1 i + j's lane sum in lane q * (L / 4).
    FloatVector f10 = s00.blend(s20, FOLD_MASK1).add(s20.blend(s00, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f11 = s10.blend(s30, FOLD_MASK1).add(s30.blend(s10, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f = f10.blend(f11, FOLD_MASK2).add(f11.blend(f10, FOLD_MASK2).rearrange(FOLD_SWAP2));
    if (L > 4) f = f.add(f.rearrange(FOLD_SWAP3));
    if (L > 8) f = f.add(f.rearrange(FOLD_SWAP4));
    f.intoArray(red, redOff);
  }

  /**
   * 1 row of A x 4 rows of B (4 accumulators; needs L >= 4): the lane sums over [0, kv) of
   * output (i, j) in {@code red[redOff + (4 i + j) * (L / 4)]}. See {@link #dotTiles}.
   */
  private static void dot1x4(float[] ad, int a0, int lda, float[] bd, int b0, int ldb, int kv,
      float[] red, int redOff) {
    int b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
    FloatVector z = FloatVector.zero(S);
    FloatVector s00 = z, s01 = z, s02 = z, s03 = z;
    for (int p = 0; p < kv; p += L) {
      FloatVector x0 = FloatVector.fromArray(S, ad, a0 + p);
      FloatVector y0 = FloatVector.fromArray(S, bd, b0 + p);
      s00 = x0.fma(y0, s00);
      FloatVector y1 = FloatVector.fromArray(S, bd, b1 + p);
      s01 = x0.fma(y1, s01);
      FloatVector y2 = FloatVector.fromArray(S, bd, b2 + p);
      s02 = x0.fma(y2, s02);
      FloatVector y3 = FloatVector.fromArray(S, bd, b3 + p);
      s03 = x0.fma(y3, s03);
    }
    // Fold the accumulators into one vector: accumulator q = 4 i + j's lane sum in lane q * (L / 4).
    FloatVector f10 = s00.blend(s02, FOLD_MASK1).add(s02.blend(s00, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f11 = s01.blend(s03, FOLD_MASK1).add(s03.blend(s01, FOLD_MASK1).rearrange(FOLD_SWAP1));
    FloatVector f = f10.blend(f11, FOLD_MASK2).add(f11.blend(f10, FOLD_MASK2).rearrange(FOLD_SWAP2));
    if (L > 4) f = f.add(f.rearrange(FOLD_SWAP3));
    if (L > 8) f = f.add(f.rearrange(FOLD_SWAP4));
    f.intoArray(red, redOff);
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
