package vecrl.tensor;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.NE;

import java.util.concurrent.atomic.AtomicReference;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import vecrl.tensor.KernelChecks.Broadcast;

/**
 * Kernels on the Vector API ({@code jdk.incubator.vector}, {@link FloatVector#SPECIES_PREFERRED}),
 * the default backend. Loops run whole vectors and finish the last {@code size % lanes} elements
 * with the scalar definitions in {@link UnaryOp} and {@link BinaryOp} (exp, log, tanh, sigmoid and
 * softplus: with the scalar twins in {@link VMath}).
 *
 * <p>Matrix multiply is a register-blocked SGEMM (see {@link Gemm}) with special paths for one
 * output row, one output column, and few output columns or rows (the shapes of a policy head and
 * its weight gradients, where a register tile of NR columns would be mostly wasted); large
 * products split by output rows (or columns) over a {@link Parallel} pool. Results are bit-identical for every thread count. Elementwise exp, log and tanh (and sigmoid,
 * softplus and the softmax family built on them) come from {@link VMath}, made only of exactly
 * rounded operations, not from the lanewise {@code EXP}, {@code LOG} and {@code TANH} operators,
 * whose last bits differ between interpreted and compiled code; they are within about 1 ulp of the
 * correctly rounded result, and vector lanes and scalar tails agree bit for bit.
 *
 * <p>Horizontal sums use a fixed lane order ({@code Gemm.hsum}), never {@code reduceLanes(ADD)},
 * whose order differs between the interpreter and compiled code: a call gives the same bits
 * before and after JIT compilation, on any thread.
 *
 * <p>An instance may be used from several threads at once. Its only mutable state is a reusable
 * scratch buffer for packing B, handed out to one caller at a time (a concurrent caller allocates
 * its own), so steady-state calls allocate nothing on one thread.
 */
public final class VectorKernels implements Kernels {
  private static final VectorSpecies<Float> S = Gemm.S;
  private static final int L = Gemm.L;

  /**
   * Matrix products with at least this many multiply-adds (m * n * k) are split across threads.
   * Below it the ~5 us cost of waking the workers outweighs the gain.
   */
  static final long PARALLEL_MIN_WORK = Long.getLong("vecrl.gemm.parallelMinWork", 1L << 20);

  private static final String[] UNARY = names("unary ", UnaryOp.values());
  private static final String[] UNARY_BACKWARD = names("unaryBackward ", UnaryOp.values());
  private static final String[] UNARY_GRAD_COLSUMS = names("unaryGradColSums ", UnaryOp.values());
  private static final String[] BINARY = names("binary ", BinaryOp.values());
  private static final String[] BINARY_SCALAR = names("binaryScalar ", BinaryOp.values());
  private static final String[] BINARY_BACKWARD = names("binaryBackward ", BinaryOp.values());
  private static final String[] REDUCE_ROWS = names("reduceRows ", ReduceOp.values());
  private static final String[] REDUCE_COLS = names("reduceCols ", ReduceOp.values());
  private static final String[] REDUCE_ALL = names("reduceAll ", ReduceOp.values());

  private static String[] names(String prefix, Enum<?>[] values) {
    String[] out = new String[values.length];
    for (Enum<?> v : values) out[v.ordinal()] = prefix + v;
    return out;
  }

  private final Parallel pool;
  private final AtomicReference<float[]> scratch = new AtomicReference<>();

  private VectorKernels(Parallel pool) {
    this.pool = pool;
  }

  /**
   * Kernels on the shared pool, whose size is {@code -Dvecrl.threads} (default: the number of
   * available processors).
   */
  public static VectorKernels create() {
    return new VectorKernels(Parallel.defaultPool());
  }

  /** Kernels on {@code threads} threads (1: always the caller's thread only), with a pool of their own. */
  public static VectorKernels create(int threads) {
    if (threads < 1) throw new IllegalArgumentException("VectorKernels: thread count " + threads + " must be at least 1");
    return new VectorKernels(threads == 1 ? null : new Parallel(threads));
  }

  /** The most threads one kernel call may use. */
  public int threads() {
    return pool == null ? 1 : pool.threads();
  }

  @Override
  public String name() {
    return "vector";
  }

  // ---------------------------------------------------------------- matrix multiply

  @Override
  public void matmul(Tensor a, boolean ta, Tensor b, boolean tb, Tensor c, float beta) {
    KernelChecks.matmul(a, ta, b, tb, c);
    final int m = c.rows(), n = c.cols(), k = ta ? a.rows() : a.cols();
    if (m == 0 || n == 0) return;
    final float[] ad = a.data(), bd = b.data(), cd = c.data();
    final int ao = a.offset(), bo = b.offset(), co = c.offset();
    final int lda = a.cols(), ldb = b.cols();
    if (k == 0) {
      for (int i = 0, size = m * n; i < size; i++) cd[co + i] = beta == 0f ? 0f : beta * cd[co + i];
      return;
    }
    long work = (long) m * n * k;
    int threads = pool == null || work < PARALLEL_MIN_WORK ? 1 : pool.threads();
    if (m == 1) {
      // One output row: x = op(A) is contiguous ([1, k], or [k, 1] transposed).
      if (threads == 1) {
        if (!tb) Gemm.axpyRows(ad, ao, k, bd, bo, ldb, cd, co, beta, 0, n);
        else Gemm.dotRows(ad, ao, k, bd, bo, ldb, cd, co, beta, 0, n);
      } else if (!tb) {
        split(n, 4 * L, threads, (j0, j1) -> Gemm.axpyRows(ad, ao, k, bd, bo, ldb, cd, co, beta, j0, j1));
      } else {
        split(n, 4, threads, (j0, j1) -> Gemm.dotRows(ad, ao, k, bd, bo, ldb, cd, co, beta, j0, j1));
      }
      return;
    }
    if (n == 1) {
      // One output column: y = op(B) is contiguous ([k, 1], or [1, k] transposed).
      if (threads == 1) {
        if (!ta) Gemm.dotRows(bd, bo, k, ad, ao, lda, cd, co, beta, 0, m);
        else Gemm.axpyRows(bd, bo, k, ad, ao, lda, cd, co, beta, 0, m);
      } else if (!ta) {
        split(m, 4, threads, (i0, i1) -> Gemm.dotRows(bd, bo, k, ad, ao, lda, cd, co, beta, i0, i1));
      } else {
        split(m, 4 * L, threads, (i0, i1) -> Gemm.axpyRows(bd, bo, k, ad, ao, lda, cd, co, beta, i0, i1));
      }
      return;
    }
    final int ars = ta ? 1 : lda, acs = ta ? lda : 1;
    final int nr = Gemm.NR;
    if (n < nr && !ta && Gemm.dotPays(n, k, false)) {
      // Few columns, A.B^T or A.B: c[i, j] is the dot product of A's row i and B^T's row j (for A.B,
      // B is transposed into scratch first). The register-blocked kernel would compute NR columns
      // and drop most.
      dotProducts(threads, ad, ao, lda, m, bd, bo, ldb, !tb, n, k, cd, co, n, 1, beta);
      return;
    }
    if (n < nr && ta) {
      // Few columns, A^T.B: c^T = B^T . A, with A's rows read in place as the kernel's panel (packed
      // into one zero-padded panel first when m < NR).
      final boolean pack = m < nr;
      final int panels = (m + nr - 1) / nr, tasks = Math.min(threads, panels), tile = n * nr;
      final int tileBase = pack ? k * nr : 0;
      final float[] sc = takeScratch(tileBase + tasks * tile);
      if (pack) Gemm.packB(ad, ao, lda, 1, k, m, sc);
      final float[] xd = pack ? sc : ad;
      final int xo = pack ? 0 : ao, ldx = pack ? nr : lda, width = pack ? nr : m;
      if (tasks == 1) {
        Gemm.atbFewColumns(xd, xo, ldx, width, bd, bo, ldb, k, m, n, cd, co, beta, 0, m, sc, tileBase);
      } else {
        final int per = ((panels + tasks - 1) / tasks) * nr;
        pool.run(tasks, t -> Gemm.atbFewColumns(xd, xo, ldx, width, bd, bo, ldb, k, m, n, cd, co, beta,
            t * per, Math.min(m, (t + 1) * per), sc, tileBase + t * tile));
      }
      scratch.set(sc);
      return;
    }
    if (m <= Gemm.MR && n >= nr && (!tb || Gemm.dotPays(m, k, true))) {
      if (tb) {
        // Few rows, A.B^T: the dot products with the roles of A and B swapped, written transposed.
        dotProducts(threads, bd, bo, ldb, n, ad, ao, lda, false, m, k, cd, co, 1, n, beta);
        return;
      }
      // Few rows, A.B or A^T.B: B read in place, split by column panels.
      final int panels = (n + nr - 1) / nr, tasks = Math.min(threads, panels), tile = 8 * nr;
      final float[] sc = takeScratch(tasks * tile);
      if (tasks == 1) {
        Gemm.gemmFewRows(ad, ao, ars, acs, bd, bo, ldb, k, m, n, cd, co, beta, 0, n, sc, 0);
      } else {
        final int per = ((panels + tasks - 1) / tasks) * nr;
        pool.run(tasks, t -> Gemm.gemmFewRows(ad, ao, ars, acs, bd, bo, ldb, k, m, n, cd, co, beta,
            t * per, Math.min(n, (t + 1) * per), sc, t * tile));
      }
      scratch.set(sc);
      return;
    }
    final int mr = Gemm.MR;
    int blocks = (m + mr - 1) / mr;
    final int tasks = Math.min(threads, blocks);
    final int rowsPerTask = ((blocks + tasks - 1) / tasks) * mr;
    boolean direct = !tb && n % Gemm.NR == 0 && (long) k * n <= Gemm.DIRECT_MAX;
    if (Gemm.packsA(n)) {
      // A packed per block of rows, B packed (or read in place when direct), see Gemm.gemmRowsPackedA.
      final int paPer = Math.min(Gemm.MC, rowsPerTask) * Math.min(Gemm.KC, k);
      final int bSize = direct ? 0 : Gemm.scratchSize(n, k, 0);
      final int tileBase = bSize, paBase = bSize + tasks * 8 * Gemm.NR;
      final float[] sc = takeScratch(paBase + tasks * paPer);
      if (!direct) Gemm.packB(bd, bo, tb ? 1 : ldb, tb ? ldb : 1, k, n, sc);
      final float[] bp = direct ? bd : sc;
      final int bpo = direct ? bo : 0, bps = direct ? ldb : Gemm.NR;
      if (tasks == 1) {
        Gemm.gemmRowsPackedA(ad, ao, ars, acs, bp, bpo, bps, !direct, k, n, cd, co, n, beta, 0, m, sc, tileBase, sc, paBase);
      } else {
        pool.run(tasks, t -> Gemm.gemmRowsPackedA(ad, ao, ars, acs, bp, bpo, bps, !direct, k, n, cd, co, n, beta,
            t * rowsPerTask, Math.min(m, (t + 1) * rowsPerTask), sc, tileBase + t * 8 * Gemm.NR, sc, paBase + t * paPer));
      }
      scratch.set(sc);
      return;
    }
    int need = direct ? tasks * 8 * Gemm.NR : Gemm.scratchSize(n, k, tasks);
    float[] buf = scratch.getAndSet(null);
    if (buf == null || buf.length < need) buf = new float[need];
    final float[] sc = buf;
    final int tileBase = direct ? 0 : need - tasks * 8 * Gemm.NR;
    if (direct) {
      if (tasks == 1) {
        Gemm.gemmRows(ad, ao, ars, acs, bd, bo, ldb, false, k, n, cd, co, n, beta, 0, m, sc, tileBase);
      } else {
        pool.run(tasks, t -> Gemm.gemmRows(ad, ao, ars, acs, bd, bo, ldb, false, k, n, cd, co, n, beta,
            t * rowsPerTask, Math.min(m, (t + 1) * rowsPerTask), sc, tileBase + t * 8 * Gemm.NR));
      }
    } else {
      Gemm.packB(bd, bo, tb ? 1 : ldb, tb ? ldb : 1, k, n, sc);
      if (tasks == 1) {
        Gemm.gemmRows(ad, ao, ars, acs, sc, 0, Gemm.NR, true, k, n, cd, co, n, beta, 0, m, sc, tileBase);
      } else {
        pool.run(tasks, t -> Gemm.gemmRows(ad, ao, ars, acs, sc, 0, Gemm.NR, true, k, n, cd, co, n, beta,
            t * rowsPerTask, Math.min(m, (t + 1) * rowsPerTask), sc, tileBase + t * 8 * Gemm.NR));
      }
    }
    scratch.set(sc);
  }

  /**
   * {@code c[i, j] = sum_p X[i, p] Y[j, p] (+ beta c)} for i < rows, j < cols, by {@link
   * Gemm#dotTiles} split by blocks of 8 rows; c[i, j] at {@code cd[co + i * cri + j * ccj]}. X's rows
   * are at {@code xd[xo + i * ldx]}; Y's at {@code yd[yo + j * ldy]}, or, with {@code transposeY},
   * Y is given as its transpose ([k, cols], row stride ldy) and copied to scratch first.
   */
  private void dotProducts(int threads, float[] xd, int xo, int ldx, int rows, float[] yd, int yo, int ldy,
      boolean transposeY, int cols, int k, float[] cd, int co, int cri, int ccj, float beta) {
    int base = transposeY ? cols * k : 0, taskBase = base + Gemm.dotSharedScratch(cols, k);
    int blocks = (rows + 7) / 8, tasks = Math.min(threads, blocks);
    final float[] sc = takeScratch(taskBase + tasks * Gemm.DOT_TASK_SCRATCH);
    if (transposeY) transpose(yd, yo, ldy, k, cols, sc);
    final float[] y = transposeY ? sc : yd;
    final int y0 = transposeY ? 0 : yo, ly = transposeY ? k : ldy;
    Gemm.prepareDots(y, y0, ly, k, cols, sc, base);
    if (tasks == 1) {
      Gemm.dotTiles(xd, xo, ldx, y, y0, ly, k, cols, cd, co, cri, ccj, beta, 0, rows, sc, taskBase, base);
    } else {
      final int per = ((blocks + tasks - 1) / tasks) * 8;
      pool.run(tasks, t -> Gemm.dotTiles(xd, xo, ldx, y, y0, ly, k, cols, cd, co, cri, ccj, beta,
          t * per, Math.min(rows, (t + 1) * per), sc, taskBase + t * Gemm.DOT_TASK_SCRATCH, base));
    }
    scratch.set(sc);
  }

  /** The reusable scratch buffer, at least {@code need} floats (a new one if another caller holds it); give it back with {@code scratch.set}. */
  private float[] takeScratch(int need) {
    float[] buf = scratch.getAndSet(null);
    return buf == null || buf.length < need ? new float[need] : buf;
  }

  /** {@code out[j * k + p] = b[bo + p * ldb + j]}: B ([k, n], row stride ldb) transposed. */
  private static void transpose(float[] bd, int bo, int ldb, int k, int n, float[] out) {
    for (int p = 0; p < k; p++) {
      int src = bo + p * ldb;
      for (int j = 0, dst = p; j < n; j++, dst += k) out[dst] = bd[src + j];
    }
  }

  @FunctionalInterface
  private interface Range {
    void run(int from, int to);
  }

  /** Runs body over [0, size) in pieces aligned to {@code align}, on up to {@code threads} threads. */
  private void split(int size, int align, int threads, Range body) {
    int units = (size + align - 1) / align;
    int tasks = Math.min(threads, units);
    if (tasks <= 1) {
      body.run(0, size);
      return;
    }
    int per = ((units + tasks - 1) / tasks) * align;
    pool.run(tasks, t -> body.run(t * per, Math.min(size, (t + 1) * per)));
  }

  // ---------------------------------------------------------------- unary

  @Override
  public void unary(UnaryOp op, Tensor x, Tensor out) {
    KernelChecks.sameShape(UNARY[op.ordinal()], x, out);
    float[] xd = x.data(), od = out.data();
    int xo = x.offset(), oo = out.offset(), n = x.size();
    int vn = n - n % L;
    VectorLoops.run(VectorLoops.Unary.of(op), VectorLoops.FORWARD, xd, xo, true, 0f, null, 0, false, 0f, null, 0, od, oo, true, vn);
    for (int i = vn; i < n; i++) od[oo + i] = scalarUnary(op, xd[xo + i]);
  }

  /** The scalar twin of a vector lane: {@link VMath} where the vector loop uses it, else the op's definition. */
  private static float scalarUnary(UnaryOp op, float x) {
    return switch (op) {
      case EXP -> VMath.exp(x);
      case LOG -> VMath.log(x);
      case TANH -> VMath.tanh(x);
      case SIGMOID -> VMath.sigmoid(x);
      case SOFTPLUS -> VMath.softplus(x);
      default -> op.apply(x);
    };
  }

  private static FloatVector load(float[] d, int i) {
    return FloatVector.fromArray(S, d, i);
  }

  @Override
  public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx) {
    String name = UNARY_BACKWARD[op.ordinal()];
    KernelChecks.sameShape(name, x, y, gy);
    KernelChecks.sameShape(name, x, gx);
    float[] xd = x.data(), yd = y.data(), gd = gy.data(), od = gx.data();
    int xo = x.offset(), yo = y.offset(), go = gy.offset(), oo = gx.offset(), n = x.size();
    int vn = n - n % L;
    VectorLoops.run(VectorLoops.Unary.of(op), VectorLoops.BACKWARD, xd, xo, true, 0f, yd, yo, true, 0f, gd, go, od, oo, true, vn);
    for (int i = vn; i < n; i++) {
      float d = op == UnaryOp.SOFTPLUS ? VMath.sigmoid(xd[xo + i]) : op.derivative(xd[xo + i], yd[yo + i]);
      od[oo + i] += d * gd[go + i];
    }
  }

  @Override
  public void clamp(Tensor x, float lo, float hi, Tensor out) {
    KernelChecks.sameShape("clamp", x, out);
    if (!(lo <= hi)) throw new IllegalArgumentException("clamp: lower bound " + lo + " exceeds upper bound " + hi);
    float[] xd = x.data(), od = out.data();
    int xo = x.offset(), oo = out.offset(), n = x.size(), vn = n - n % L;
    for (int i = 0; i < vn; i += L) load(xd, xo + i).max(lo).min(hi).intoArray(od, oo + i);
    for (int i = vn; i < n; i++) od[oo + i] = Math.min(Math.max(xd[xo + i], lo), hi);
  }

  @Override
  public void clampBackward(Tensor x, float lo, float hi, Tensor gy, Tensor gx) {
    KernelChecks.sameShape("clampBackward", x, gy, gx);
    float[] xd = x.data(), gd = gy.data(), od = gx.data();
    int xo = x.offset(), go = gy.offset(), oo = gx.offset(), n = x.size(), vn = n - n % L;
    for (int i = 0; i < vn; i += L) {
      FloatVector v = load(xd, xo + i);
      VectorMask<Float> inside = v.compare(GT, lo).and(v.compare(LT, hi));
      FloatVector g = load(od, oo + i);
      g.add(load(gd, go + i), inside).intoArray(od, oo + i);
    }
    for (int i = vn; i < n; i++) {
      float v = xd[xo + i];
      if (v > lo && v < hi) od[oo + i] += gd[go + i];
    }
  }

  // ---------------------------------------------------------------- binary

  @Override
  public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    String name = BINARY[op.ordinal()];
    Broadcast ka = KernelChecks.broadcast(name, a, out, "left operand");
    Broadcast kb = KernelChecks.broadcast(name, b, out, "right operand");
    int rows = out.rows(), cols = out.cols(), vn = cols - cols % L;
    float[] ad = a.data(), bd = b.data(), od = out.data();
    boolean av = ka == Broadcast.FULL || ka == Broadcast.ROW, bv = kb == Broadcast.FULL || kb == Broadcast.ROW;
    VectorLoops.Binary loop = VectorLoops.Binary.of(op);
    for (int r = 0; r < rows; r++) {
      int ar = rowStart(ka, a, r, cols), br = rowStart(kb, b, r, cols), orow = out.offset() + r * cols;
      float as = av ? 0f : ad[ar], bs = bv ? 0f : bd[br];
      VectorLoops.run(loop, VectorLoops.FORWARD, ad, ar, av, as, bd, br, bv, bs, null, 0, od, orow, true, vn);
      for (int c = vn; c < cols; c++) od[orow + c] = op.apply(av ? ad[ar + c] : as, bv ? bd[br + c] : bs);
    }
  }

  /** Where row r of x starts (FULL, ROW) or where its one value for row r is (COLUMN, SCALAR). */
  private static int rowStart(Broadcast kind, Tensor x, int r, int cols) {
    return switch (kind) {
      case FULL -> x.offset() + r * cols;
      case ROW, SCALAR -> x.offset();
      case COLUMN -> x.offset() + r;
    };
  }

  @Override
  public void binaryScalar(BinaryOp op, Tensor a, float s, Tensor out) {
    KernelChecks.sameShape(BINARY_SCALAR[op.ordinal()], a, out);
    float[] ad = a.data(), od = out.data();
    int ao = a.offset(), oo = out.offset(), n = a.size(), vn = n - n % L;
    VectorLoops.run(VectorLoops.Binary.of(op), VectorLoops.FORWARD, ad, ao, true, 0f, ad, ao, false, s, null, 0, od, oo, true, vn);
    for (int i = vn; i < n; i++) od[oo + i] = op.apply(ad[ao + i], s);
  }

  @Override
  public void binaryBackward(BinaryOp op, Tensor a, Tensor b, Tensor gy, Tensor ga, Tensor gb) {
    String name = BINARY_BACKWARD[op.ordinal()];
    Broadcast ka = KernelChecks.broadcast(name, a, gy, "left operand");
    Broadcast kb = KernelChecks.broadcast(name, b, gy, "right operand");
    if (ga != null && ga.size() != a.size()) {
      throw new IllegalArgumentException(name + ": gradient " + ga.shapeString() + " does not match operand " + a.shapeString());
    }
    if (gb != null && gb.size() != b.size()) {
      throw new IllegalArgumentException(name + ": gradient " + gb.shapeString() + " does not match operand " + b.shapeString());
    }
    int rows = gy.rows(), cols = gy.cols(), vn = cols - cols % L;
    float[] ad = a.data(), bd = b.data(), gd = gy.data();
    float[] gad = ga == null ? null : ga.data(), gbd = gb == null ? null : gb.data();
    int gaShift = ga == null ? 0 : ga.offset() - a.offset(), gbShift = gb == null ? 0 : gb.offset() - b.offset();
    boolean av = ka == Broadcast.FULL || ka == Broadcast.ROW, bv = kb == Broadcast.FULL || kb == Broadcast.ROW;
    VectorLoops.Binary loop = VectorLoops.Binary.of(op);
    // Sums for operands broadcast across columns (COLUMN: per row) or everything (SCALAR).
    float aScalarSum = 0f, bScalarSum = 0f;
    for (int r = 0; r < rows; r++) {
      int ar = rowStart(ka, a, r, cols), br = rowStart(kb, b, r, cols), gr = gy.offset() + r * cols;
      float as = av ? 0f : ad[ar], bs = bv ? 0f : bd[br];
      // Whole vectors: elementwise targets are updated in place, broadcast ones return the row's sum.
      float aVec = gad == null ? 0f : VectorLoops.run(loop, VectorLoops.GRAD_A, ad, ar, av, as, bd, br, bv, bs, gd, gr, gad, ar + gaShift, av, vn);
      float bVec = gbd == null ? 0f : VectorLoops.run(loop, VectorLoops.GRAD_B, ad, ar, av, as, bd, br, bv, bs, gd, gr, gbd, br + gbShift, bv, vn);
      float aRow = 0f, bRow = 0f;
      for (int c = vn; c < cols; c++) {
        float x = av ? ad[ar + c] : as, y = bv ? bd[br + c] : bs, g = gd[gr + c];
        if (gad != null) {
          float t = g * op.da(x, y);
          if (av) gad[ar + c + gaShift] += t;
          else aRow += t;
        }
        if (gbd != null) {
          float t = g * op.db(x, y);
          if (bv) gbd[br + c + gbShift] += t;
          else bRow += t;
        }
      }
      if (gad != null && !av) {
        float sum = aVec + aRow;
        if (ka == Broadcast.COLUMN) gad[ar + gaShift] += sum;
        else aScalarSum += sum;
      }
      if (gbd != null && !bv) {
        float sum = bVec + bRow;
        if (kb == Broadcast.COLUMN) gbd[br + gbShift] += sum;
        else bScalarSum += sum;
      }
    }
    if (gad != null && ka == Broadcast.SCALAR) gad[ga.offset()] += aScalarSum;
    if (gbd != null && kb == Broadcast.SCALAR) gbd[gb.offset()] += bScalarSum;
  }

  @Override
  public void where(Tensor mask, Tensor a, Tensor b, Tensor out) {
    Broadcast km = KernelChecks.broadcast("where", mask, out, "mask");
    Broadcast ka = KernelChecks.broadcast("where", a, out, "left operand");
    Broadcast kb = KernelChecks.broadcast("where", b, out, "right operand");
    int rows = out.rows(), cols = out.cols(), vn = cols - cols % L;
    if (a == b) { // both choices the same: a broadcast copy of a, whatever the mask says
      broadcastCopy(ka, a, out);
      return;
    }
    float[] md = mask.data(), ad = a.data(), bd = b.data(), od = out.data();
    boolean mv = km == Broadcast.FULL || km == Broadcast.ROW;
    boolean av = ka == Broadcast.FULL || ka == Broadcast.ROW, bv = kb == Broadcast.FULL || kb == Broadcast.ROW;
    for (int r = 0; r < rows; r++) {
      int mr = rowStart(km, mask, r, cols), ar = rowStart(ka, a, r, cols), br = rowStart(kb, b, r, cols);
      int orow = out.offset() + r * cols;
      float ms = mv ? 0f : md[mr], as = av ? 0f : ad[ar], bs = bv ? 0f : bd[br];
      FloatVector msv = FloatVector.broadcast(S, ms), asv = FloatVector.broadcast(S, as), bsv = FloatVector.broadcast(S, bs);
      for (int c = 0; c < vn; c += L) {
        FloatVector m = mv ? load(md, mr + c) : msv;
        FloatVector x = av ? load(ad, ar + c) : asv;
        FloatVector y = bv ? load(bd, br + c) : bsv;
        y.blend(x, m.compare(NE, 0f)).intoArray(od, orow + c);
      }
      for (int c = vn; c < cols; c++) {
        boolean pick = (mv ? md[mr + c] : ms) != 0f;
        od[orow + c] = pick ? (av ? ad[ar + c] : as) : (bv ? bd[br + c] : bs);
      }
    }
  }

  /** {@code out = a} broadcast (full, row, column or single value) to out's shape. */
  private void broadcastCopy(Broadcast ka, Tensor a, Tensor out) {
    int rows = out.rows(), cols = out.cols();
    float[] ad = a.data(), od = out.data();
    int ao = a.offset(), oo = out.offset();
    switch (ka) {
      case FULL -> System.arraycopy(ad, ao, od, oo, rows * cols);
      case SCALAR -> fill(out, ad[ao]);
      case ROW -> {
        for (int r = 0; r < rows; r++) System.arraycopy(ad, ao, od, oo + r * cols, cols);
      }
      case COLUMN -> {
        for (int r = 0; r < rows; r++) java.util.Arrays.fill(od, oo + r * cols, oo + (r + 1) * cols, ad[ao + r]);
      }
    }
  }

  // ---------------------------------------------------------------- reductions

  /** Sum or max of d[from .. from+n). MAX propagates NaN and gives -infinity for n == 0. */
  private static float reduceRange(ReduceOp op, float[] d, int from, int n) {
    int vn = n - n % L;
    if (op == ReduceOp.MAX) {
      FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
      for (int i = 0; i < vn; i += L) acc = acc.max(load(d, from + i));
      float m = acc.reduceLanes(MAX);
      for (int i = vn; i < n; i++) m = Math.max(m, d[from + i]);
      return m;
    }
    FloatVector acc = FloatVector.zero(S);
    for (int i = 0; i < vn; i += L) acc = acc.add(load(d, from + i));
    float s = Gemm.hsum(acc);
    for (int i = vn; i < n; i++) s += d[from + i];
    return op == ReduceOp.MEAN ? s / n : s;
  }

  @Override
  public void reduceRows(ReduceOp op, Tensor x, Tensor out) {
    KernelChecks.reduce(REDUCE_ROWS[op.ordinal()], x, out, x.rows(), "rows");
    int cols = x.cols();
    for (int r = 0; r < x.rows(); r++) {
      out.data()[out.offset() + r] = reduceRange(op, x.data(), x.offset() + r * cols, cols);
    }
  }

  @Override
  public void reduceCols(ReduceOp op, Tensor x, Tensor out) {
    KernelChecks.reduce(REDUCE_COLS[op.ordinal()], x, out, x.cols(), "columns");
    int rows = x.rows(), cols = x.cols(), vn = cols - cols % L;
    float[] xd = x.data(), od = out.data();
    int xo = x.offset(), oo = out.offset();
    boolean max = op == ReduceOp.MAX;
    float init = max ? Float.NEGATIVE_INFINITY : 0f;
    java.util.Arrays.fill(od, oo, oo + cols, init);
    if (!max) {
      addRows(xd, xo, cols, 0, rows, od, oo);
      if (op == ReduceOp.MEAN) {
        for (int c = 0; c < cols; c++) od[oo + c] /= rows;
      }
      return;
    }
    for (int r = 0; r < rows; r++) {
      int xr = xo + r * cols;
      for (int c = 0; c < vn; c += L) {
        FloatVector o = load(od, oo + c), v = load(xd, xr + c);
        (max ? o.max(v) : o.add(v)).intoArray(od, oo + c);
      }
      for (int c = vn; c < cols; c++) od[oo + c] = max ? Math.max(od[oo + c], xd[xr + c]) : od[oo + c] + xd[xr + c];
    }
    if (op == ReduceOp.MEAN) {
      for (int c = 0; c < cols; c++) od[oo + c] /= rows;
    }
  }

  @Override
  public void reduceAll(ReduceOp op, Tensor x, Tensor out) {
    KernelChecks.reduce(REDUCE_ALL[op.ordinal()], x, out, 1, "value");
    out.data()[out.offset()] = reduceRange(op, x.data(), x.offset(), x.size());
  }

  @Override
  public void argmaxRows(Tensor x, int[] out) {
    if (out.length != x.rows()) {
      throw new IllegalArgumentException("argmaxRows: " + x.shapeString() + " has " + x.rows() + " rows but the output holds " + out.length);
    }
    int cols = x.cols(), vn = cols - cols % L;
    float[] d = x.data();
    for (int r = 0; r < x.rows(); r++) {
      int base = x.offset() + r * cols;
      if (cols == 0) {
        out[r] = -1;
        continue;
      }
      if (Float.isNaN(d[base])) { // the reference keeps index 0: nothing compares greater than NaN
        out[r] = 0;
        continue;
      }
      // The largest non-NaN value (NaN never compares greater), then its first position.
      FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
      for (int c = 0; c < vn; c += L) {
        FloatVector v = load(d, base + c);
        acc = acc.blend(v, v.compare(GT, acc));
      }
      float best = acc.reduceLanes(MAX);
      for (int c = vn; c < cols; c++) if (d[base + c] > best) best = d[base + c];
      int found = -1;
      for (int c = 0; c < vn && found < 0; c += L) {
        VectorMask<Float> hit = load(d, base + c).compare(EQ, best);
        if (hit.anyTrue()) found = c + hit.firstTrue();
      }
      for (int c = vn; c < cols && found < 0; c++) if (d[base + c] == best) found = c;
      out[r] = found;
    }
  }

  /**
   * log(sum exp(d[from .. from+n) - max)) for the row's maximum {@code max}, or 0 where max is
   * not finite (empty rows, NaN, infinities), so that max + result, x - max - result and
   * exp(x - max - result) give what the reference gives for such rows.
   */
  private static float logSumShifted(float[] d, int from, int n, float max) {
    if (Float.isNaN(max) || Float.isInfinite(max)) return 0f;
    int vn = n - n % L;
    FloatVector acc = FloatVector.zero(S);
    for (int i = 0; i < vn; i += L) acc = acc.add(VMath.exp(load(d, from + i).sub(max)));
    float s = Gemm.hsum(acc);
    for (int i = vn; i < n; i++) s += VMath.exp(d[from + i] - max);
    return VMath.log(s);
  }

  @Override
  public void logSumExpRows(Tensor x, Tensor out) {
    KernelChecks.reduce("logSumExpRows", x, out, x.rows(), "rows");
    int cols = x.cols();
    float[] xd = x.data();
    for (int r = 0; r < x.rows(); r++) {
      int xb = x.offset() + r * cols;
      float max = reduceRange(ReduceOp.MAX, xd, xb, cols);
      out.data()[out.offset() + r] = max + logSumShifted(xd, xb, cols, max);
    }
  }

  /** exp((x - max) - log(sum)): no rounding of max + log(sum) to lose the low bits of large logits. */
  @Override
  public void softmaxRows(Tensor x, Tensor out) {
    KernelChecks.sameShape("softmaxRows", x, out);
    int cols = x.cols(), vn = cols - cols % L;
    float[] xd = x.data(), od = out.data();
    for (int r = 0; r < x.rows(); r++) {
      int xb = x.offset() + r * cols, ob = out.offset() + r * cols;
      float max = reduceRange(ReduceOp.MAX, xd, xb, cols);
      float ls = logSumShifted(xd, xb, cols, max);
      for (int c = 0; c < vn; c += L) VMath.exp(load(xd, xb + c).sub(max).sub(ls)).intoArray(od, ob + c);
      for (int c = vn; c < cols; c++) od[ob + c] = VMath.exp((xd[xb + c] - max) - ls);
    }
  }

  /**
   * (x - max) - log(sum exp(x - max)): x - max is exact for nearby logits, so large logits keep
   * their precision (x - (max + log(sum)) would round max + log(sum) to the ulp of max first).
   */
  @Override
  public void logSoftmaxRows(Tensor x, Tensor out) {
    KernelChecks.sameShape("logSoftmaxRows", x, out);
    int cols = x.cols(), vn = cols - cols % L;
    float[] xd = x.data(), od = out.data();
    for (int r = 0; r < x.rows(); r++) {
      int xb = x.offset() + r * cols, ob = out.offset() + r * cols;
      float max = reduceRange(ReduceOp.MAX, xd, xb, cols);
      float ls = logSumShifted(xd, xb, cols, max);
      for (int c = 0; c < vn; c += L) load(xd, xb + c).sub(max).sub(ls).intoArray(od, ob + c);
      for (int c = vn; c < cols; c++) od[ob + c] = (xd[xb + c] - max) - ls;
    }
  }

  // ---------------------------------------------------------------- convolution (im2col + GEMM)

  /**
   * Copies each kernel row of a patch as one run of {@code kernelW * channels} floats (NHWC keeps
   * it contiguous) where the window lies inside the image, element by element at the borders.
   */
  @Override
  public void im2col(Tensor x, Conv2dGeometry g, Tensor cols) {
    g.checkInput("im2col", x);
    g.checkMatrix("im2col", "patch matrix", cols, g.outRows(), g.patchSize());
    float[] xd = x.data(), cd = cols.data();
    int xo = x.offset(), co = cols.offset();
    int oh = g.outHeight(), ow = g.outWidth(), c = g.channels(), s = g.stride(), p = g.padding();
    int h = g.height(), w = g.width(), kH = g.kernelH(), kW = g.kernelW(), run = kW * c, patch = g.patchSize();
    for (int n = 0, r = 0; n < g.batch(); n++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++, r++) {
          int dst = co + r * patch, iw0 = j * s - p;
          boolean full = iw0 >= 0 && iw0 + kW <= w;
          for (int kh = 0; kh < kH; kh++, dst += run) {
            int ih = i * s - p + kh;
            if (ih < 0 || ih >= h) {
              java.util.Arrays.fill(cd, dst, dst + run, 0f);
            } else if (full) {
              System.arraycopy(xd, xo + ((n * h + ih) * w + iw0) * c, cd, dst, run);
            } else {
              for (int kw = 0; kw < kW; kw++) {
                int iw = iw0 + kw, d = dst + kw * c;
                if (iw < 0 || iw >= w) java.util.Arrays.fill(cd, d, d + c, 0f);
                else System.arraycopy(xd, xo + ((n * h + ih) * w + iw) * c, cd, d, c);
              }
            }
          }
        }
      }
    }
  }

  /** Adds each in-bounds run of a patch row back with vector adds. */
  @Override
  public void col2imAdd(Tensor cols, Conv2dGeometry g, Tensor gx) {
    g.checkInput("col2imAdd", gx);
    g.checkMatrix("col2imAdd", "patch matrix", cols, g.outRows(), g.patchSize());
    float[] xd = gx.data(), cd = cols.data();
    int xo = gx.offset(), co = cols.offset();
    int oh = g.outHeight(), ow = g.outWidth(), c = g.channels(), s = g.stride(), p = g.padding();
    int h = g.height(), w = g.width(), kH = g.kernelH(), kW = g.kernelW(), patch = g.patchSize();
    for (int n = 0, r = 0; n < g.batch(); n++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++, r++) {
          int src = co + r * patch, iw0 = j * s - p;
          int kw0 = Math.max(0, -iw0), kw1 = Math.min(kW, w - iw0);
          for (int kh = 0; kh < kH; kh++, src += kW * c) {
            int ih = i * s - p + kh;
            if (ih < 0 || ih >= h || kw0 >= kw1) continue;
            addRun(cd, src + kw0 * c, xd, xo + ((n * h + ih) * w + iw0 + kw0) * c, (kw1 - kw0) * c);
          }
        }
      }
    }
  }

  /** Output positions in one register block of the direct convolution. */
  private static final int CONV_POSITIONS = 6;

  /**
   * Whether {@link #conv2d} runs the direct convolution for {@code g}: output channels a multiple of
   * two vectors and no padding (NatureCNN's layers). Otherwise it runs im2col + the fused GEMM.
   */
  static boolean directConv(Conv2dGeometry g) {
    return g.outChannels() % (2 * L) == 0 && g.padding() == 0 && g.outRows() > 0;
  }

  /**
   * The direct convolution where {@link #directConv} allows it: no patch matrix; a register block of
   * 6 output positions (consecutive over the whole batch) x 2 vectors of output channels, walking the
   * kernel window with one broadcast input value per position against the weight transposed to
   * [patch, outChannels] (packed per call into the kernels' scratch), bias and activation on the way
   * out. Measured faster than im2col + GEMM on all three NatureCNN layers (bench
   * Conv2dChoiceTiming; README, Images). Each output element is one chain of FMAs in (kh, kw, c)
   * order, so results do not depend on the thread count. It leaves {@code cols} untouched: {@link
   * #conv2dBackward} makes the patches itself for such geometries. Other geometries: the interface's
   * im2col + {@link #linear}.
   */
  @Override
  public void conv2d(Tensor x, Tensor w, Tensor bias, UnaryOp act, Conv2dGeometry g, Tensor cols, Tensor out) {
    if (!directConv(g)) {
      Kernels.super.conv2d(x, w, bias, act, g, cols, out);
      return;
    }
    g.checkInput("conv2d", x);
    g.checkWeight("conv2d", w);
    g.checkBias("conv2d", bias);
    g.checkMatrix("conv2d", "output", out, g.outRows(), g.outChannels());
    int oc = g.outChannels(), patch = g.patchSize(), rows = g.outRows(), need = patch * oc;
    float[] buf = scratch.getAndSet(null);
    if (buf == null || buf.length < need) buf = new float[need];
    final float[] wt = buf;
    float[] wd = w.data();
    for (int o = 0, wo = w.offset(); o < oc; o++) for (int q = 0; q < patch; q++) wt[q * oc + o] = wd[wo + o * patch + q];
    long work = (long) rows * patch * oc;
    int blocks = (rows + CONV_POSITIONS - 1) / CONV_POSITIONS;
    int tasks = pool == null || work < PARALLEL_MIN_WORK ? 1 : Math.min(pool.threads(), blocks);
    if (tasks == 1) {
      convRows(x, wt, bias, act, g, out, 0, rows);
    } else {
      int per = ((blocks + tasks - 1) / tasks) * CONV_POSITIONS;
      pool.run(tasks, t -> convRows(x, wt, bias, act, g, out, t * per, Math.min(rows, (t + 1) * per)));
    }
    scratch.set(wt);
  }

  /** Output positions [r0, r1) of the direct convolution, all output channels; r0 is a multiple of the block. */
  private static void convRows(Tensor x, float[] wt, Tensor bias, UnaryOp act, Conv2dGeometry g, Tensor out, int r0, int r1) {
    float[] xd = x.data(), od = out.data(), bd = bias == null ? null : bias.data();
    int xo = x.offset(), oo = out.offset(), bo = bias == null ? 0 : bias.offset();
    int oc = g.outChannels(), kh = g.kernelH(), run = g.kernelW() * g.channels(), rowStride = g.width() * g.channels();
    for (int ob = 0; ob < oc; ob += 2 * L) {
      int r = r0;
      for (; r + CONV_POSITIONS <= r1; r += CONV_POSITIONS) {
        convBlock6(xd, xo + window(r, g), xo + window(r + 1, g), xo + window(r + 2, g), xo + window(r + 3, g), xo + window(r + 4, g),
            xo + window(r + 5, g), wt, ob, oc, kh, run, rowStride, od, oo + r * oc + ob);
      }
      for (; r < r1; r++) convBlock1(xd, xo + window(r, g), wt, ob, oc, kh, run, rowStride, od, oo + r * oc + ob);
      for (int q = r0; q < r1; q++) convEpilogue(od, oo + q * oc + ob, bd, bo + ob, act);
    }
  }

  /** Where output position r's window starts in the image batch (padding 0). */
  private static int window(int r, Conv2dGeometry g) {
    int per = g.outHeight() * g.outWidth(), n = r / per, rem = r - n * per, i = rem / g.outWidth(), j = rem - i * g.outWidth();
    return ((n * g.height() + i * g.stride()) * g.width() + j * g.stride()) * g.channels();
  }

  /** Bias and activation on two vectors of channels of one output position, in place. */
  private static void convEpilogue(float[] od, int o, float[] bd, int b, UnaryOp act) {
    for (int v = 0; v < 2; v++, o += L, b += L) {
      FloatVector y = load(od, o);
      if (bd != null) y = y.add(load(bd, b));
      if (act == UnaryOp.RELU) y = y.max(0f);
      y.intoArray(od, o);
      if (act != null && act != UnaryOp.RELU) for (int i = 0; i < L; i++) od[o + i] = act.apply(od[o + i]);
    }
  }

  /** Six output positions (windows at x0 .. x5) x 2 vectors of channels from {@code ob}: plain sums into {@code od}. */
  private static void convBlock6(float[] x, int x0, int x1, int x2, int x3, int x4, int x5, float[] wt, int ob, int oc, int kh, int run,
      int rowStride, float[] od, int o0) {
    FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00;
    FloatVector a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00;
    for (int r = 0; r < kh; r++) {
      int d = r * rowStride, wb = r * run * oc + ob;
      for (int q = 0; q < run; q++, d++, wb += oc) {
        FloatVector w0 = load(wt, wb), w1 = load(wt, wb + L);
        FloatVector v = FloatVector.broadcast(S, x[x0 + d]);
        a00 = w0.fma(v, a00);
        a01 = w1.fma(v, a01);
        v = FloatVector.broadcast(S, x[x1 + d]);
        a10 = w0.fma(v, a10);
        a11 = w1.fma(v, a11);
        v = FloatVector.broadcast(S, x[x2 + d]);
        a20 = w0.fma(v, a20);
        a21 = w1.fma(v, a21);
        v = FloatVector.broadcast(S, x[x3 + d]);
        a30 = w0.fma(v, a30);
        a31 = w1.fma(v, a31);
        v = FloatVector.broadcast(S, x[x4 + d]);
        a40 = w0.fma(v, a40);
        a41 = w1.fma(v, a41);
        v = FloatVector.broadcast(S, x[x5 + d]);
        a50 = w0.fma(v, a50);
        a51 = w1.fma(v, a51);
      }
    }
    a00.intoArray(od, o0);
    a01.intoArray(od, o0 + L);
    a10.intoArray(od, o0 + oc);
    a11.intoArray(od, o0 + oc + L);
    a20.intoArray(od, o0 + 2 * oc);
    a21.intoArray(od, o0 + 2 * oc + L);
    a30.intoArray(od, o0 + 3 * oc);
    a31.intoArray(od, o0 + 3 * oc + L);
    a40.intoArray(od, o0 + 4 * oc);
    a41.intoArray(od, o0 + 4 * oc + L);
    a50.intoArray(od, o0 + 5 * oc);
    a51.intoArray(od, o0 + 5 * oc + L);
  }

  /** One output position: the same chains as {@link #convBlock6}, so the same bits. */
  private static void convBlock1(float[] x, int x0, float[] wt, int ob, int oc, int kh, int run, int rowStride, float[] od, int o0) {
    FloatVector a0 = FloatVector.zero(S), a1 = a0;
    for (int r = 0; r < kh; r++) {
      int d = r * rowStride, wb = r * run * oc + ob;
      for (int q = 0; q < run; q++, d++, wb += oc) {
        FloatVector v = FloatVector.broadcast(S, x[x0 + d]);
        a0 = load(wt, wb).fma(v, a0);
        a1 = load(wt, wb + L).fma(v, a1);
      }
    }
    a0.intoArray(od, o0);
    a1.intoArray(od, o0 + L);
  }

  /**
   * The interface's composition (weight gradient by one matrix multiply, input gradient by a matrix
   * multiply and col2im) with the bias gradient summed here, row after row, with vector adds. Where
   * {@link #conv2d} ran the direct convolution, {@code cols} does not hold the patches yet, and the
   * weight gradient makes them first ({@link #im2col}).
   */
  @Override
  public void conv2dBackward(Tensor x, Tensor w, Tensor gy, Conv2dGeometry g, Tensor cols, Tensor gx, Tensor gw, Tensor gb) {
    g.checkWeight("conv2dBackward", w);
    g.checkMatrix("conv2dBackward", "output gradient", gy, g.outRows(), g.outChannels());
    g.checkMatrix("conv2dBackward", "patch matrix", cols, g.outRows(), g.patchSize());
    g.checkBias("conv2dBackward", gb);
    if (gw != null) {
      g.checkWeight("conv2dBackward weight gradient", gw);
      if (directConv(g)) im2col(x, g, cols);
      matmul(gy, true, cols, false, gw, 1f);
    }
    if (gb != null) {
      float[] gd = gy.data(), bd = gb.data();
      int oc = g.outChannels(), go = gy.offset(), bo = gb.offset();
      for (int r = 0, rows = g.outRows(); r < rows; r++) addRun(gd, go + r * oc, bd, bo, oc);
    }
    if (gx != null) {
      g.checkInput("conv2dBackward input gradient", gx);
      matmul(gy, false, w, false, cols, 0f);
      col2imAdd(cols, g, gx);
    }
  }

  /** {@code dst[d + i] += src[s + i]} for i < len. */
  private static void addRun(float[] src, int s, float[] dst, int d, int len) {
    int vn = len - len % L, i = 0;
    for (; i < vn; i += L) load(dst, d + i).add(load(src, s + i)).intoArray(dst, d + i);
    for (; i < len; i++) dst[d + i] += src[s + i];
  }

  // ---------------------------------------------------------------- indexing, fill, copy

  /** A plain loop: one element per row, nothing to vectorize. */
  @Override
  public void gatherRows(Tensor x, int[] idx, Tensor out) {
    KernelChecks.indices("gatherRows", x, idx);
    KernelChecks.reduce("gatherRows", x, out, x.rows(), "rows");
    for (int r = 0; r < x.rows(); r++) out.data()[out.offset() + r] = x.data()[x.offset() + r * x.cols() + idx[r]];
  }

  /** A plain loop: one element per row, nothing to vectorize. */
  @Override
  public void scatterAddRows(Tensor src, int[] idx, Tensor out) {
    KernelChecks.indices("scatterAddRows", out, idx);
    KernelChecks.reduce("scatterAddRows", out, src, out.rows(), "rows");
    for (int r = 0; r < out.rows(); r++) out.data()[out.offset() + r * out.cols() + idx[r]] += src.data()[src.offset() + r];
  }

  @Override
  public void fill(Tensor out, float value) {
    float[] od = out.data();
    int oo = out.offset(), n = out.size(), vn = n - n % L;
    FloatVector v = FloatVector.broadcast(S, value);
    for (int i = 0; i < vn; i += L) v.intoArray(od, oo + i);
    for (int i = vn; i < n; i++) od[oo + i] = value;
  }

  /** {@link System#arraycopy} (already vectorized by the JIT). */
  @Override
  public void copy(Tensor src, Tensor dst) {
    dst.copyFrom(src);
  }

  @Override
  public void adamStep(Tensor p, Tensor g, Tensor m, Tensor v,
      float lr, float beta1, float beta2, float eps, float weightDecay, long t) {
    KernelChecks.sameShape("adamStep", p, g, m);
    KernelChecks.sameShape("adamStep", p, v);
    if (t < 1) throw new IllegalArgumentException("adamStep: step count " + t + " must be at least 1");
    float bc1 = (float) (1.0 - Math.pow(beta1, t)), bc2 = (float) (1.0 - Math.pow(beta2, t));
    adamRange(p, g, m, v, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
  }

  /**
   * {@link #adamStep} on every parameter {@code p[i]} whose gradient {@code g[i]} is not null, in one
   * call: the bias corrections are computed once, and each parameter's arithmetic is adamStep's, so
   * the bits are the same as one adamStep per parameter. Modifies {@code p[i]}, {@code m[i]} and
   * {@code v[i]}. All shapes are checked before anything is written.
   */
  public void adamSteps(Tensor[] p, Tensor[] g, Tensor[] m, Tensor[] v,
      float lr, float beta1, float beta2, float eps, float weightDecay, long t) {
    if (g.length != p.length || m.length != p.length || v.length != p.length) {
      throw new IllegalArgumentException("adamSteps: " + p.length + " parameters, " + g.length + " gradients, " + m.length + " first and "
          + v.length + " second moments; expected one of each per parameter");
    }
    for (int i = 0; i < p.length; i++) {
      if (g[i] == null) continue;
      KernelChecks.sameShape("adamSteps", p[i], g[i], m[i]);
      KernelChecks.sameShape("adamSteps", p[i], v[i]);
    }
    if (t < 1) throw new IllegalArgumentException("adamSteps: step count " + t + " must be at least 1");
    float bc1 = (float) (1.0 - Math.pow(beta1, t)), bc2 = (float) (1.0 - Math.pow(beta2, t));
    for (int i = 0; i < p.length; i++) if (g[i] != null) adamRange(p[i], g[i], m[i], v[i], lr, beta1, beta2, eps, weightDecay, bc1, bc2);
  }

  private static void adamRange(Tensor p, Tensor g, Tensor m, Tensor v,
      float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2) {
    float[] pd = p.data(), gd = g.data(), md = m.data(), vd = v.data();
    int po = p.offset(), go = g.offset(), mo = m.offset(), vo = v.offset(), n = p.size(), vn = n - n % L;
    float c1 = 1f - beta1, c2 = 1f - beta2, decay = lr * weightDecay, step = lr / bc1, invBc2 = 1f / bc2;
    for (int i = 0; i < vn; i += L) {
      FloatVector gi = load(gd, go + i);
      FloatVector mi = load(md, mo + i).mul(beta1).add(gi.mul(c1));
      FloatVector vi = load(vd, vo + i).mul(beta2).add(gi.mul(c2).mul(gi));
      mi.intoArray(md, mo + i);
      vi.intoArray(vd, vo + i);
      FloatVector pi = load(pd, po + i);
      pi = pi.sub(pi.mul(decay));
      pi = pi.sub(mi.mul(step).div(vi.mul(invBc2).sqrt().add(eps)));
      pi.intoArray(pd, po + i);
    }
    for (int i = vn; i < n; i++) {
      float gi = gd[go + i];
      float mi = beta1 * md[mo + i] + c1 * gi;
      float vi = beta2 * vd[vo + i] + c2 * gi * gi;
      md[mo + i] = mi;
      vd[vo + i] = vi;
      float pi = pd[po + i];
      pi -= decay * pi;
      pi -= mi * step / ((float) Math.sqrt(vi * invBc2) + eps);
      pd[po + i] = pi;
    }
  }

  /**
   * The sum of the squares of {@code x}'s elements in float32, with the same bits as {@code
   * binary(MUL, x, x, t)} followed by {@code reduceAll(SUM, t, out)}: the same products, added in
   * reduceAll's order, without writing them out. For the gradient's global norm.
   */
  public float sumOfSquares(Tensor x) {
    float[] d = x.data();
    int from = x.offset(), n = x.size(), vn = n - n % L;
    FloatVector acc = FloatVector.zero(S);
    for (int i = 0; i < vn; i += L) {
      FloatVector xi = load(d, from + i);
      acc = acc.add(xi.mul(xi));
    }
    float s = Gemm.hsum(acc);
    for (int i = vn; i < n; i++) s += d[from + i] * d[from + i];
    return s;
  }

  // ---------------------------------------------------------------- fused layer kernels

  /**
   * Rows per block of {@link #linear}'s epilogue: the block's output (48 x n floats) is still in
   * L1 when bias and activation are applied. A multiple of every register tile height (8, 6, 4).
   */
  static final int EPILOGUE_ROWS = 48;

  /** Elements per block of {@link #unaryGradColSums} (8 kB of each operand). */
  static final int GRAD_BLOCK = 2048;

  /**
   * {@code out = act(x w^T + bias)} with bias and activation applied to each block of {@link
   * #EPILOGUE_ROWS} output rows right after the block's matrix multiply, while it is in cache. Same
   * bits as {@link #matmul}, {@link #binary} and {@link #unary} one after the other (an element's
   * arithmetic does not depend on how rows are blocked). Outputs with fewer columns than one
   * register tile, or no more rows than one, take {@link #matmul}'s thin-shape paths and then the
   * epilogue over the whole (small) output.
   */
  @Override
  public void linear(Tensor x, Tensor w, Tensor bias, UnaryOp act, Tensor out) {
    KernelChecks.linear(x, w, bias, out);
    final int m = out.rows(), n = out.cols(), k = x.cols();
    if (m <= Gemm.MR || n < Gemm.NR || k == 0) {
      matmul(x, false, w, true, out, 0f);
      epilogue(out.data(), out.offset(), m * n, n, bias, act);
      return;
    }
    final float[] xd = x.data(), wd = w.data(), od = out.data();
    final int xo = x.offset(), wo = w.offset(), oo = out.offset();
    long work = (long) m * n * k;
    int threads = pool == null || work < PARALLEL_MIN_WORK ? 1 : pool.threads();
    final int mr = Gemm.MR;
    int blocks = (m + mr - 1) / mr;
    final int tasks = Math.min(threads, blocks);
    final int rowsPerTask = ((blocks + tasks - 1) / tasks) * mr;
    int need = Gemm.scratchSize(n, k, tasks);
    float[] buf = scratch.getAndSet(null);
    if (buf == null || buf.length < need) buf = new float[need];
    final float[] sc = buf;
    final int tileBase = need - tasks * 8 * Gemm.NR;
    Gemm.packB(wd, wo, 1, k, k, n, sc); // op(B) = w^T: element (p, j) is w[j, p]
    if (tasks == 1) {
      linearRows(xd, xo, k, sc, n, od, oo, bias, act, 0, m, tileBase);
    } else {
      pool.run(tasks, t -> linearRows(xd, xo, k, sc, n, od, oo, bias, act,
          t * rowsPerTask, Math.min(m, (t + 1) * rowsPerTask), tileBase + t * 8 * Gemm.NR));
    }
    scratch.set(sc);
  }

  /** Rows [i0, i1) of {@link #linear}: matrix multiply and epilogue, block by block. */
  private static void linearRows(float[] xd, int xo, int k, float[] packed, int n, float[] od, int oo,
      Tensor bias, UnaryOp act, int i0, int i1, int tileOff) {
    for (int r0 = i0; r0 < i1; r0 += EPILOGUE_ROWS) {
      int r1 = Math.min(i1, r0 + EPILOGUE_ROWS);
      Gemm.gemmRows(xd, xo, k, 1, packed, 0, Gemm.NR, true, k, n, od, oo, n, 0f, r0, r1, packed, tileOff);
      epilogue(od, oo + r0 * n, (r1 - r0) * n, n, bias, act);
    }
  }

  /** {@code o[i] = act(o[i] + bias[i % n])} over {@code len} elements of rows of n, in place. */
  private static void epilogue(float[] od, int off, int len, int n, Tensor bias, UnaryOp act) {
    if (bias != null) addRowVector(od, off, len / n, n, bias.data(), bias.offset());
    if (act != null) {
      int vn = len - len % L;
      VectorLoops.run(VectorLoops.Unary.of(act), VectorLoops.FORWARD, od, off, true, 0f, null, 0, false, 0f, null, 0,
          od, off, true, vn);
      for (int i = vn; i < len; i++) od[off + i] = scalarUnary(act, od[off + i]);
    }
  }

  /**
   * tanh's {@link #unaryGradColSums}: {@code gx = 0 + (1 - y^2) gy} (the + 0 keeps the bits of
   * the zero fill and accumulate it replaces, -0 included) and the column sums, four column
   * vectors at a time with the sums in registers.
   */
  private static void tanhGradColSums(float[] yd, int yo, float[] gd, int go, float[] od, int oo, int rows, int cols,
      float[] cd, int co) {
    FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
    int c = 0;
    for (; c + 4 * L <= cols; c += 4 * L) {
      FloatVector s0 = zero, s1 = zero, s2 = zero, s3 = zero;
      for (int r = 0, i = c; r < rows; r++, i += cols) {
        FloatVector v0 = load(yd, yo + i), v1 = load(yd, yo + i + L), v2 = load(yd, yo + i + 2 * L), v3 = load(yd, yo + i + 3 * L);
        FloatVector d0 = zero.add(one.sub(v0.mul(v0)).mul(load(gd, go + i)));
        FloatVector d1 = zero.add(one.sub(v1.mul(v1)).mul(load(gd, go + i + L)));
        FloatVector d2 = zero.add(one.sub(v2.mul(v2)).mul(load(gd, go + i + 2 * L)));
        FloatVector d3 = zero.add(one.sub(v3.mul(v3)).mul(load(gd, go + i + 3 * L)));
        d0.intoArray(od, oo + i);
        d1.intoArray(od, oo + i + L);
        d2.intoArray(od, oo + i + 2 * L);
        d3.intoArray(od, oo + i + 3 * L);
        s0 = s0.add(d0);
        s1 = s1.add(d1);
        s2 = s2.add(d2);
        s3 = s3.add(d3);
      }
      if (cd != null) {
        s0.intoArray(cd, co + c);
        s1.intoArray(cd, co + c + L);
        s2.intoArray(cd, co + c + 2 * L);
        s3.intoArray(cd, co + c + 3 * L);
      }
    }
    for (; c + L <= cols; c += L) {
      FloatVector s0 = zero;
      for (int r = 0, i = c; r < rows; r++, i += cols) {
        FloatVector v0 = load(yd, yo + i);
        FloatVector d0 = zero.add(one.sub(v0.mul(v0)).mul(load(gd, go + i)));
        d0.intoArray(od, oo + i);
        s0 = s0.add(d0);
      }
      if (cd != null) s0.intoArray(cd, co + c);
    }
    for (; c < cols; c++) {
      float s0 = 0f;
      for (int r = 0, i = c; r < rows; r++, i += cols) {
        float v = yd[yo + i];
        float d = 0f + (1f - v * v) * gd[go + i];
        od[oo + i] = d;
        s0 += d;
      }
      if (cd != null) cd[co + c] = s0;
    }
  }

  /** {@code o[r, c] += b[c]} for {@code rows} rows of n, bias vectors held in registers four at a time. */
  private static void addRowVector(float[] od, int off, int rows, int n, float[] bd, int bo) {
    int c = 0, end = off + rows * n;
    for (; c + 4 * L <= n; c += 4 * L) {
      FloatVector b0 = load(bd, bo + c), b1 = load(bd, bo + c + L), b2 = load(bd, bo + c + 2 * L), b3 = load(bd, bo + c + 3 * L);
      for (int r = off + c; r < end; r += n) {
        load(od, r).add(b0).intoArray(od, r);
        load(od, r + L).add(b1).intoArray(od, r + L);
        load(od, r + 2 * L).add(b2).intoArray(od, r + 2 * L);
        load(od, r + 3 * L).add(b3).intoArray(od, r + 3 * L);
      }
    }
    for (; c + L <= n; c += L) {
      FloatVector b0 = load(bd, bo + c);
      for (int r = off + c; r < end; r += n) load(od, r).add(b0).intoArray(od, r);
    }
    for (; c < n; c++) {
      float b0 = bd[bo + c];
      for (int r = off + c; r < end; r += n) od[r] = od[r] + b0;
    }
  }

  /**
   * {@code gx = op'(x, y) * gy} written, and the column sums of gx, block by block: each block of
   * {@link #GRAD_BLOCK} elements is zeroed, accumulated into by the op's backward loop and added
   * to the column sums while in cache. Same bits as {@link #fill}, {@link #unaryBackward} and
   * {@link #reduceCols} (rows are summed in the same order).
   */
  @Override
  public void unaryGradColSums(UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx, Tensor colSums) {
    String name = UNARY_GRAD_COLSUMS[op.ordinal()];
    KernelChecks.sameShape(name, x, y, gy);
    KernelChecks.sameShape(name, x, gx);
    int rows = x.rows(), cols = x.cols();
    if (colSums != null) KernelChecks.reduce(name, x, colSums, cols, "columns");
    float[] xd = x.data(), yd = y.data(), gd = gy.data(), od = gx.data();
    int xo = x.offset(), yo = y.offset(), go = gy.offset(), oo = gx.offset();
    float[] cd = colSums == null ? null : colSums.data();
    int co = colSums == null ? 0 : colSums.offset();
    if (cd != null) java.util.Arrays.fill(cd, co, co + cols, 0f);
    if (cols == 0) return;
    if (op == UnaryOp.TANH) { // the common case: one streaming pass, no zero fill
      tanhGradColSums(yd, yo, gd, go, od, oo, rows, cols, cd, co);
      return;
    }
    int blockRows = Math.max(1, GRAD_BLOCK / cols);
    FloatVector zero = FloatVector.zero(S);
    VectorLoops.Loop loop = VectorLoops.Unary.of(op);
    for (int r0 = 0; r0 < rows; r0 += blockRows) {
      int r1 = Math.min(rows, r0 + blockRows), base = r0 * cols, len = (r1 - r0) * cols, vn = len - len % L;
      for (int i = 0; i < vn; i += L) zero.intoArray(od, oo + base + i);
      for (int i = vn; i < len; i++) od[oo + base + i] = 0f;
      VectorLoops.run(loop, VectorLoops.BACKWARD, xd, xo + base, true, 0f, yd, yo + base, true, 0f, gd, go + base,
          od, oo + base, true, vn);
      for (int i = base + vn; i < base + len; i++) {
        float d = op == UnaryOp.SOFTPLUS ? VMath.sigmoid(xd[xo + i]) : op.derivative(xd[xo + i], yd[yo + i]);
        od[oo + i] += d * gd[go + i];
      }
      if (cd != null) addRows(od, oo, cols, r0, r1, cd, co);
    }
  }

  /**
   * {@code sums[c] += x[r, c]} for rows r0 .. r1-1 in order, four column vectors at a time with
   * the sums held in registers across the rows. (Adding each row into the sums array instead
   * chains every row's load on the previous row's store, about 3x slower.)
   */
  static void addRows(float[] xd, int xo, int cols, int r0, int r1, float[] sd, int so) {
    int c = 0;
    for (; c + 4 * L <= cols; c += 4 * L) {
      FloatVector s0 = load(sd, so + c), s1 = load(sd, so + c + L), s2 = load(sd, so + c + 2 * L), s3 = load(sd, so + c + 3 * L);
      for (int r = r0, x = xo + r0 * cols + c; r < r1; r++, x += cols) {
        s0 = s0.add(load(xd, x));
        s1 = s1.add(load(xd, x + L));
        s2 = s2.add(load(xd, x + 2 * L));
        s3 = s3.add(load(xd, x + 3 * L));
      }
      s0.intoArray(sd, so + c);
      s1.intoArray(sd, so + c + L);
      s2.intoArray(sd, so + c + 2 * L);
      s3.intoArray(sd, so + c + 3 * L);
    }
    for (; c + L <= cols; c += L) {
      FloatVector s0 = load(sd, so + c);
      for (int r = r0, x = xo + r0 * cols + c; r < r1; r++, x += cols) s0 = s0.add(load(xd, x));
      s0.intoArray(sd, so + c);
    }
    for (; c < cols; c++) {
      float s0 = sd[so + c];
      for (int r = r0, x = xo + r0 * cols + c; r < r1; r++, x += cols) s0 += xd[x];
      sd[so + c] = s0;
    }
  }
}
