package vecrl.tensor;

/**
 * The primitive kernels every backend implements: the scalar reference ({@link ScalarKernels}),
 * the Vector API kernels ({@link VectorKernels}, the default) and, from the {@code gpu} module,
 * OpenCL.
 *
 * <p>Conventions, the same for every method:
 *
 * <ul>
 *   <li>Kernels write into caller-supplied outputs and allocate nothing. The argument documented
 *       as <em>Modified</em> is the only one written.
 *   <li>Every tensor is read as a {@link Tensor#rows()} x {@link Tensor#cols()} matrix.
 *   <li>Elementwise kernels may run in place (output aliasing an input of the same shape).
 *       Matrix multiply, softmax-family and reductions may not alias output and input.
 *   <li>Methods whose name ends in {@code Backward} accumulate ({@code +=}) into their gradient
 *       outputs, as reverse-mode autodiff needs.
 *   <li>Shapes are checked with {@link KernelChecks}; a mismatch throws an {@link
 *       IllegalArgumentException} that names the kernel and every shape involved.
 *   <li>Results do not depend on the number of threads a backend uses.
 * </ul>
 *
 * <p>Broadcasting in the binary kernels: the output has the full shape; each input is either the
 * full shape, a row vector ({@code [cols]} or {@code [1, cols]}, repeated down the rows), a column
 * vector ({@code [rows, 1]}, repeated across the columns), or a single value.
 */
public interface Kernels {

  /** The name used to select this backend ({@code scalar}, {@code vector}, {@code opencl}). */
  String name();

  /**
   * {@code c = op(a) . op(b) + beta * c}, where {@code op(x)} is {@code x} or its transpose. With
   * {@code beta == 0} the old contents of {@code c} are ignored (even NaN). Supported forms: A.B,
   * A.B^T and A^T.B (the ones forward and backward passes use).
   *
   * @param c Modified. Shape [m, n].
   */
  void matmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor c, float beta);

  /**
   * A fused linear layer: {@code out = act(x . w^T + bias)}, with {@code x} [m, k], {@code w} [n,
   * k] (PyTorch's layout), {@code bias} n values or null, {@code act} a unary op or null (none).
   * The result is exactly that of {@link #matmul} with beta 0, then {@link #binary} ADD of the
   * bias, then {@link #unary}; a backend may fuse the three (the vector kernels apply bias and
   * activation to each block of rows while it is still in cache).
   *
   * @param out Modified. Shape [m, n]; must not overlap {@code x} or {@code w}.
   */
  default void linear(Tensor x, Tensor w, Tensor bias, UnaryOp act, Tensor out) {
    KernelChecks.linear(x, w, bias, out);
    matmul(x, false, w, true, out, 0f);
    if (bias != null) binary(BinaryOp.ADD, out, bias, out);
    if (act != null) unary(act, out, out);
  }

  /**
   * The gradient through an activation, written rather than accumulated, and its column sums (a
   * bias gradient) in the same pass: {@code gx = op'(x, y) * gy} and, when {@code colSums} is not
   * null, {@code colSums[j] = sum_i gx[i, j]}. Exactly {@link #fill} 0, {@link #unaryBackward}
   * and {@link #reduceCols} SUM in sequence, which is what this default does.
   *
   * @param gx Modified (written). Same shape as {@code x}.
   * @param colSums Modified (written), or null. {@code cols} elements.
   */
  default void unaryGradColSums(UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx, Tensor colSums) {
    fill(gx, 0f);
    unaryBackward(op, x, y, gy, gx);
    if (colSums != null) reduceCols(ReduceOp.SUM, gx, colSums);
  }

  /** {@code out = x + row} for every row of {@code x}. @param out Modified. */
  default void addRowVector(Tensor x, Tensor row, Tensor out) {
    KernelChecks.rowVector("addRowVector", x, row, out);
    binary(BinaryOp.ADD, x, row, out);
  }

  /** {@code out = op(x)} elementwise. @param out Modified; may be {@code x}. */
  void unary(UnaryOp op, Tensor x, Tensor out);

  /**
   * {@code gx += op'(x) * gy} elementwise, where {@code y = op(x)} as computed by {@link #unary}.
   *
   * @param gx Modified (accumulated).
   */
  void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx);

  /** {@code out = min(max(x, lo), hi)}. @param out Modified; may be {@code x}. */
  void clamp(Tensor x, float lo, float hi, Tensor out);

  /** {@code gx += gy} where {@code lo < x < hi}, nothing elsewhere. @param gx Modified (accumulated). */
  void clampBackward(Tensor x, float lo, float hi, Tensor gy, Tensor gx);

  /** {@code out = op(a, b)} with broadcasting (see the class comment). @param out Modified. */
  void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

  /** {@code out = op(a, s)} elementwise. @param out Modified; may be {@code a}. */
  void binaryScalar(BinaryOp op, Tensor a, float s, Tensor out);

  /**
   * Gradients of {@code y = op(a, b)}: {@code ga += gy * d op/da} and {@code gb += gy * d op/db},
   * each summed over the rows or columns its input was broadcast across. Either gradient may be
   * {@code null} when it is not needed.
   *
   * @param ga Modified (accumulated), shape of {@code a}.
   * @param gb Modified (accumulated), shape of {@code b}.
   */
  void binaryBackward(BinaryOp op, Tensor a, Tensor b, Tensor gy, Tensor ga, Tensor gb);

  /** {@code out = mask != 0 ? a : b} elementwise, with broadcasting of {@code a} and {@code b}. @param out Modified. */
  void where(Tensor mask, Tensor a, Tensor b, Tensor out);

  /** Reduces each row to one value. @param out Modified. {@code rows} elements. */
  void reduceRows(ReduceOp op, Tensor x, Tensor out);

  /** Reduces each column to one value (for example, a bias gradient). @param out Modified. {@code cols} elements. */
  void reduceCols(ReduceOp op, Tensor x, Tensor out);

  /** Reduces the whole tensor to one value. @param out Modified. One element. */
  void reduceAll(ReduceOp op, Tensor x, Tensor out);

  /** The index of the largest value in each row (the first one on ties). @param out Modified. {@code rows} entries. */
  void argmaxRows(Tensor x, int[] out);

  /** {@code out[i] = log(sum_j exp(x[i, j]))}, computed stably. @param out Modified. {@code rows} elements. */
  void logSumExpRows(Tensor x, Tensor out);

  /** Softmax of each row. @param out Modified. Same shape as {@code x}. */
  void softmaxRows(Tensor x, Tensor out);

  /** Log-softmax of each row. @param out Modified. Same shape as {@code x}. */
  void logSoftmaxRows(Tensor x, Tensor out);

  /** {@code out[i] = x[i, idx[i]]}. @param out Modified. {@code rows} elements. */
  void gatherRows(Tensor x, int[] idx, Tensor out);

  /** {@code out[i, idx[i]] += src[i]}. @param out Modified (accumulated). */
  void scatterAddRows(Tensor src, int[] idx, Tensor out);

  /** Sets every element of {@code out} to {@code value}. @param out Modified. */
  void fill(Tensor out, float value);

  /** Copies {@code src} into {@code dst}; the element counts must match. @param dst Modified. */
  void copy(Tensor src, Tensor dst);

  /**
   * One Adam (or AdamW) update, in place. With {@code t} the 1-based step count:
   *
   * <pre>
   * m = beta1 m + (1 - beta1) g
   * v = beta2 v + (1 - beta2) g^2
   * p -= lr * weightDecay * p                                    (decoupled, AdamW; 0 for Adam)
   * p -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
   * </pre>
   *
   * @param param Modified.
   * @param m Modified.
   * @param v Modified.
   */
  void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v,
      float lr, float beta1, float beta2, float eps, float weightDecay, long t);
}
