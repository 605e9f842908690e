package vecrl.tensor;

/**
 * A backend's required kernels with every optional kernel in the {@link Kernels} interface's own
 * composite form: the abstract methods go to the wrapped backend, the default methods (fused
 * {@code linear}, {@code conv2d} by im2col + matmul, the fused Adam and gradient norm, ...) are not
 * overridden, so they run as the interface writes them, on top of the wrapped backend's kernels.
 *
 * <p>For comparing a backend's fused or specialised kernels with the plain composition of its basic
 * ones (tests and benchmarks), and for reading how each optional kernel is built from the required
 * ones. It holds no state of its own.
 */
public final class CompositeKernels implements Kernels {
  private final Kernels k;
  private final String name;

  /** The composite form over {@code base}; {@link #name()} is {@code "composite on " + base.name()}. */
  public CompositeKernels(Kernels base) {
    if (base == null) throw new IllegalArgumentException("CompositeKernels: the base backend is null; expected a Kernels such as ScalarKernels or VectorKernels");
    this.k = base;
    this.name = "composite on " + base.name();
  }

  /** The wrapped backend. */
  public Kernels base() { return k; }

  @Override public String name() { return name; }
  @Override public void matmul(Tensor a, boolean ta, Tensor b, boolean tb, Tensor c, float beta) { k.matmul(a, ta, b, tb, c, beta); }
  @Override public void unary(UnaryOp op, Tensor x, Tensor out) { k.unary(op, x, out); }
  @Override public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx) { k.unaryBackward(op, x, y, gy, gx); }
  @Override public void clamp(Tensor x, float lo, float hi, Tensor out) { k.clamp(x, lo, hi, out); }
  @Override public void clampBackward(Tensor x, float lo, float hi, Tensor gy, Tensor gx) { k.clampBackward(x, lo, hi, gy, gx); }
  @Override public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) { k.binary(op, a, b, out); }
  @Override public void binaryScalar(BinaryOp op, Tensor a, float s, Tensor out) { k.binaryScalar(op, a, s, out); }
  @Override public void binaryBackward(BinaryOp op, Tensor a, Tensor b, Tensor gy, Tensor ga, Tensor gb) { k.binaryBackward(op, a, b, gy, ga, gb); }
  @Override public void where(Tensor mask, Tensor a, Tensor b, Tensor out) { k.where(mask, a, b, out); }
  @Override public void reduceRows(ReduceOp op, Tensor x, Tensor out) { k.reduceRows(op, x, out); }
  @Override public void reduceCols(ReduceOp op, Tensor x, Tensor out) { k.reduceCols(op, x, out); }
  @Override public void reduceAll(ReduceOp op, Tensor x, Tensor out) { k.reduceAll(op, x, out); }
  @Override public void argmaxRows(Tensor x, int[] out) { k.argmaxRows(x, out); }
  @Override public void logSumExpRows(Tensor x, Tensor out) { k.logSumExpRows(x, out); }
  @Override public void softmaxRows(Tensor x, Tensor out) { k.softmaxRows(x, out); }
  @Override public void logSoftmaxRows(Tensor x, Tensor out) { k.logSoftmaxRows(x, out); }
  @Override public void gatherRows(Tensor x, int[] idx, Tensor out) { k.gatherRows(x, idx, out); }
  @Override public void scatterAddRows(Tensor src, int[] idx, Tensor out) { k.scatterAddRows(src, idx, out); }
  @Override public void fill(Tensor out, float value) { k.fill(out, value); }
  @Override public void copy(Tensor src, Tensor dst) { k.copy(src, dst); }
  @Override public void adamStep(Tensor p, Tensor g, Tensor m, Tensor v, float lr, float b1, float b2, float eps, float wd, long t) {
    k.adamStep(p, g, m, v, lr, b1, b2, eps, wd, t);
  }
}
