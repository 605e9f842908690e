package vecrl.autodiff;

import vecrl.tensor.Kernels;
import vecrl.tensor.Tensor;

/**
 * A tensor that can take part in differentiation: a value, a gradient of the same shape, and
 * whether a gradient is wanted. There are two kinds: a {@link Var}, which lives on one {@link
 * Tape} and is recycled when that tape is cleared, and a {@link Parameter}, which outlives tapes
 * and has a name.
 *
 * <p>The gradient is allocated on first use and then reused. A gradient can be <em>pending</em>:
 * logically zero but not yet written. The first backward step that reaches it then overwrites it
 * instead of clearing and accumulating, which saves a pass over memory; {@link #grad()} turns a
 * pending gradient into real zeros before returning it.
 */
public abstract sealed class Value permits Var, Parameter {
  Tensor value;
  Tensor grad;
  /** True while the gradient is logically zero and its memory may hold anything. */
  boolean gradPending = true;

  Value(Tensor value) {
    this.value = value;
  }

  /** The value. Kernels may write it in place (optimizers do, for parameters). */
  public final Tensor value() {
    return value;
  }

  /** Whether backward computes a gradient for this value. */
  public abstract boolean requiresGrad();

  /**
   * The gradient, with the value's shape, allocated on first use. A gradient that nothing has
   * written since it was last cleared reads as zeros.
   */
  public final Tensor grad() {
    ensureGrad();
    if (gradPending) {
      grad.fill(0f);
      gradPending = false;
    }
    return grad;
  }

  /** The gradient tensor if one was ever allocated, without clearing a pending one; may be null. */
  final Tensor gradRaw() {
    return grad;
  }

  /** A short name for listings: a parameter's name, or {@code v} and the tape position. */
  public abstract String label();

  /** The value's shape as {@code [2, 3]}. */
  public final String shapeString() {
    return value.shapeString();
  }

  final void ensureGrad() {
    if (grad == null || !grad.sameShape(value)) {
      grad = Tensor.zeros(value.shape());
      gradPending = true;
    }
  }

  /**
   * For a backward step that overwrites the whole gradient: returns true when the gradient was
   * pending (so the caller must write every element, with beta 0 or a plain copy) and marks it
   * written.
   */
  final boolean beginWrite() {
    ensureGrad();
    boolean fresh = gradPending;
    gradPending = false;
    return fresh;
  }

  /** For a backward step that can only accumulate: the gradient, zero-filled first if it was pending. */
  final Tensor gradForAccumulate(Kernels k) {
    ensureGrad();
    if (gradPending) {
      k.fill(grad, 0f);
      gradPending = false;
    }
    return grad;
  }

  /** Marks the gradient as zero without touching its memory. */
  final void clearGradLazily() {
    gradPending = true;
  }
}
