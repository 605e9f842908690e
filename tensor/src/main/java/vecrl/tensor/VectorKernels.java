package vecrl.tensor;

/** Vector API kernels (work in progress: delegates to the scalar reference until the SIMD kernels land). */
public final class VectorKernels implements Kernels {
  private final ScalarKernels ref = new ScalarKernels();
  private VectorKernels() {}
  public static VectorKernels create() { return new VectorKernels(); }
  @Override public String name() { return "vector"; }
  @Override public void matmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor c, float beta) { ref.matmul(a, transposeA, b, transposeB, c, beta); }
  @Override public void unary(UnaryOp op, Tensor x, Tensor out) { ref.unary(op, x, out); }
  @Override public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx) { ref.unaryBackward(op, x, y, gy, gx); }
  @Override public void clamp(Tensor x, float lo, float hi, Tensor out) { ref.clamp(x, lo, hi, out); }
  @Override public void clampBackward(Tensor x, float lo, float hi, Tensor gy, Tensor gx) { ref.clampBackward(x, lo, hi, gy, gx); }
  @Override public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) { ref.binary(op, a, b, out); }
  @Override public void binaryScalar(BinaryOp op, Tensor a, float s, Tensor out) { ref.binaryScalar(op, a, s, out); }
  @Override public void binaryBackward(BinaryOp op, Tensor a, Tensor b, Tensor gy, Tensor ga, Tensor gb) { ref.binaryBackward(op, a, b, gy, ga, gb); }
  @Override public void where(Tensor mask, Tensor a, Tensor b, Tensor out) { ref.where(mask, a, b, out); }
  @Override public void reduceRows(ReduceOp op, Tensor x, Tensor out) { ref.reduceRows(op, x, out); }
  @Override public void reduceCols(ReduceOp op, Tensor x, Tensor out) { ref.reduceCols(op, x, out); }
  @Override public void reduceAll(ReduceOp op, Tensor x, Tensor out) { ref.reduceAll(op, x, out); }
  @Override public void argmaxRows(Tensor x, int[] out) { ref.argmaxRows(x, out); }
  @Override public void logSumExpRows(Tensor x, Tensor out) { ref.logSumExpRows(x, out); }
  @Override public void softmaxRows(Tensor x, Tensor out) { ref.softmaxRows(x, out); }
  @Override public void logSoftmaxRows(Tensor x, Tensor out) { ref.logSoftmaxRows(x, out); }
  @Override public void gatherRows(Tensor x, int[] idx, Tensor out) { ref.gatherRows(x, idx, out); }
  @Override public void scatterAddRows(Tensor src, int[] idx, Tensor out) { ref.scatterAddRows(src, idx, out); }
  @Override public void fill(Tensor out, float value) { ref.fill(out, value); }
  @Override public void copy(Tensor src, Tensor dst) { ref.copy(src, dst); }
  @Override public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps, float weightDecay, long t) { ref.adamStep(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, t); }
}
