package vecrl.autodiff;

import vecrl.tensor.BinaryOp;
import vecrl.tensor.Kernels;
import vecrl.tensor.ReduceOp;
import vecrl.tensor.Tensor;

/**
 * Gradient clipping by global norm, as PyTorch's {@code clip_grad_norm_}: with {@code n} the
 * Euclidean norm of all gradients together, every gradient is scaled by {@code max / (n + 1e-6)}
 * when that factor is below one. Holds its scratch buffers, so clipping allocates nothing.
 */
public final class GradClip {
  private final ParameterSet params;
  private final Kernels kernels;
  /** The kernels when they are the vector backend (which sums the squares in one pass), else null. */
  private final vecrl.tensor.VectorKernels vector;
  private final Tensor[] scratch;
  private final Tensor sum = Tensor.scalar(0f);

  public GradClip(ParameterSet params, Kernels kernels) {
    this.params = params;
    this.kernels = kernels;
    this.vector = kernels instanceof vecrl.tensor.VectorKernels v ? v : null;
    this.scratch = vector != null ? null : Optimizer.zerosLike(params);
  }

  /** The global norm of the trainable parameters' gradients (pending gradients count as zero). */
  public double norm() {
    double total = 0;
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      if (!p.requiresGrad() || p.gradPending || p.grad == null) continue;
      if (vector != null) {
        total += vector.sumOfSquares(p.grad); // the same bits as the two calls below, without the scratch copy
        continue;
      }
      kernels.binary(BinaryOp.MUL, p.grad, p.grad, scratch[i]);
      kernels.reduceAll(ReduceOp.SUM, scratch[i], sum);
      total += sum.get(0);
    }
    return Math.sqrt(total);
  }

  /** Scales the gradients so their global norm is at most {@code maxNorm}; returns the norm before clipping. */
  public double clip(double maxNorm) {
    if (!(maxNorm > 0)) throw new IllegalArgumentException("GradClip: max norm " + maxNorm + " must be positive");
    double n = norm();
    double coef = maxNorm / (n + 1e-6);
    if (coef < 1) {
      for (int i = 0; i < params.size(); i++) {
        Parameter p = params.get(i);
        if (!p.requiresGrad() || p.gradPending || p.grad == null) continue;
        kernels.binaryScalar(BinaryOp.MUL, p.grad, (float) coef, p.grad);
      }
    }
    return n;
  }
}
