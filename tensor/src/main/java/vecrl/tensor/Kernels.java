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

  // ---------------------------------------------------------------- convolution (channels-last)

  /**
   * The patches of a batch of NHWC images as rows ("im2col"): row {@code (n * outHeight + oh) *
   * outWidth + ow} holds the input window of output position (oh, ow) of image n, laid out
   * {@code [kernelH][kernelW][channels]}, with zeros where the window reaches into the padding.
   * This default is a plain host loop; backends override it.
   *
   * @param x the input, {@link Conv2dGeometry#inputSize()} values in NHWC order (any shape)
   * @param cols Modified (written). [{@link Conv2dGeometry#outRows()}, {@link Conv2dGeometry#patchSize()}].
   */
  default void im2col(Tensor x, Conv2dGeometry g, Tensor cols) {
    g.checkInput("im2col", x);
    g.checkMatrix("im2col", "patch matrix", cols, g.outRows(), g.patchSize());
    float[] xd = x.data(), cd = cols.data();
    int xo = x.offset(), co = cols.offset();
    int oh = g.outHeight(), ow = g.outWidth(), c = g.channels(), s = g.stride(), p = g.padding();
    for (int n = 0, r = 0; n < g.batch(); n++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++, r++) {
          int dst = co + r * g.patchSize();
          for (int kh = 0; kh < g.kernelH(); kh++) {
            int ih = i * s - p + kh;
            for (int kw = 0; kw < g.kernelW(); kw++, dst += c) {
              int iw = j * s - p + kw;
              boolean inside = ih >= 0 && ih < g.height() && iw >= 0 && iw < g.width();
              int src = xo + ((n * g.height() + ih) * g.width() + iw) * c;
              for (int ch = 0; ch < c; ch++) cd[dst + ch] = inside ? xd[src + ch] : 0f;
            }
          }
        }
      }
    }
  }

  /**
   * The adjoint of {@link #im2col}: adds every patch row of {@code cols} back onto the input
   * positions it was read from ("col2im"); padding entries are dropped. This default is a plain
   * host loop; backends override it.
   *
   * @param gx Modified (accumulated). {@link Conv2dGeometry#inputSize()} values in NHWC order.
   */
  default void col2imAdd(Tensor cols, Conv2dGeometry g, Tensor gx) {
    g.checkInput("col2imAdd", gx);
    g.checkMatrix("col2imAdd", "patch matrix", cols, g.outRows(), g.patchSize());
    float[] xd = gx.data(), cd = cols.data();
    int xo = gx.offset(), co = cols.offset();
    int oh = g.outHeight(), ow = g.outWidth(), c = g.channels(), s = g.stride(), p = g.padding();
    for (int n = 0, r = 0; n < g.batch(); n++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++, r++) {
          int src = co + r * g.patchSize();
          for (int kh = 0; kh < g.kernelH(); kh++) {
            int ih = i * s - p + kh;
            for (int kw = 0; kw < g.kernelW(); kw++, src += c) {
              int iw = j * s - p + kw;
              if (ih < 0 || ih >= g.height() || iw < 0 || iw >= g.width()) continue;
              int dst = xo + ((n * g.height() + ih) * g.width() + iw) * c;
              for (int ch = 0; ch < c; ch++) xd[dst + ch] += cd[src + ch];
            }
          }
        }
      }
    }
  }

  /**
   * A 2-D convolution over NHWC images (see {@link Conv2dGeometry}), with bias and activation:
   * {@code out = act(im2col(x) . w^T + bias)}. This default is exactly {@link #im2col} then {@link
   * #linear}; the scalar reference computes it directly.
   *
   * @param w [outChannels, kernelH * kernelW * channels]
   * @param bias outChannels values, or null
   * @param act a unary op, or null for none
   * @param cols Modified: scratch of [outRows, patchSize]; this default leaves {@code im2col(x)} in
   *     it, which the default {@link #conv2dBackward} reads (a backend whose conv2d does not fill it,
   *     as the vector backend's direct convolution, makes the patches in its own conv2dBackward);
   *     pass the same buffer to both
   * @param out Modified. [outRows, outChannels] (NHWC output as a matrix); must not overlap the others.
   */
  default void conv2d(Tensor x, Tensor w, Tensor bias, UnaryOp act, Conv2dGeometry g, Tensor cols, Tensor out) {
    g.checkWeight("conv2d", w);
    g.checkBias("conv2d", bias);
    g.checkMatrix("conv2d", "output", out, g.outRows(), g.outChannels());
    im2col(x, g, cols);
    linear(cols, w, bias, act, out);
  }

  /**
   * The gradients of {@link #conv2d} without its activation ({@code gy} is the gradient of the
   * pre-activation): {@code gw += gy^T . cols}, {@code gb += column sums of gy}, {@code gx +=
   * col2im(gy . w)}. Each gradient may be null when it is not needed.
   *
   * @param cols Modified: on entry it must hold what this backend's {@link #conv2d} left in it (for
   *     this default, {@code im2col(x)}; the scalar reference reads {@code x} instead); afterwards it
   *     holds {@code gy . w}
   * @param gx Modified (accumulated), or null. NHWC, the input's size.
   * @param gw Modified (accumulated), or null. [outChannels, patchSize].
   * @param gb Modified (accumulated), or null. outChannels values.
   */
  default void conv2dBackward(Tensor x, Tensor w, Tensor gy, Conv2dGeometry g, Tensor cols, Tensor gx, Tensor gw, Tensor gb) {
    g.checkWeight("conv2dBackward", w);
    g.checkMatrix("conv2dBackward", "output gradient", gy, g.outRows(), g.outChannels());
    g.checkMatrix("conv2dBackward", "patch matrix", cols, g.outRows(), g.patchSize());
    g.checkBias("conv2dBackward", gb);
    if (gw != null) {
      g.checkWeight("conv2dBackward weight gradient", gw);
      matmul(gy, true, cols, false, gw, 1f);
    }
    if (gb != null) binaryBackward(BinaryOp.ADD, gb, gb, gy, gb, null);
    if (gx != null) {
      g.checkInput("conv2dBackward input gradient", gx);
      matmul(gy, false, w, false, cols, 0f);
      col2imAdd(cols, g, gx);
    }
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
