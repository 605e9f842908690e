package vecrl.autodiff;

import java.util.List;
import vecrl.tensor.BinaryOp;
import vecrl.tensor.Kernels;
import vecrl.tensor.Tensor;

/**
 * One recorded operation: its inputs, its output {@link Var}, the buffers it keeps for backward,
 * and its forward and backward code side by side. A node stays in its tape slot after {@link
 * Tape#clear()}; when the next pass asks for the same operation on the same shapes at the same
 * position, the node is rebound to the new inputs and its output and scratch tensors are reused.
 */
abstract class Node {
  /** The output; created once per node and reused on every pass that reuses the node. */
  Var out;

  /** Time spent in forward and backward, and how many times each ran, while the tape was profiling. */
  long forwardNanos, backwardNanos;
  int forwardRuns, backwardRuns;

  /** The op name shown in listings, for example {@code matmul} or {@code tanh}. */
  abstract String op();

  /** Extra detail for listings (transposes, constants); empty by default. Only called when formatting. */
  String detail() {
    return "";
  }

  /** The values this node reads, in order (allocates; only for inspection and checks). */
  abstract List<Value> inputs();

  /** Computes {@code out.value} from the inputs. */
  abstract void forward(Kernels k);

  /** Accumulates input gradients from {@code out.grad}; called only when the output has a gradient. */
  abstract void backward(Kernels k);

  /** Whether any input needs a gradient. */
  boolean anyInputRequiresGrad() {
    for (Value v : inputs()) if (v.requiresGrad()) return true;
    return false;
  }

  // ---- helpers shared by the node classes ----

  /** True when {@code t} has exactly {@code shape}. Allocates nothing. */
  static boolean shapeIs(Tensor t, int[] shape) {
    if (t.rank() != shape.length) return false;
    for (int i = 0; i < shape.length; i++) if (t.dim(i) != shape[i]) return false;
    return true;
  }

  /** {@code target.grad += src}, where src has target's rows x cols; a pending gradient is overwritten by a copy. */
  static void accumulate(Kernels k, Value target, Tensor src) {
    if (target.beginWrite()) k.copy(src, target.grad);
    else k.binary(BinaryOp.ADD, target.grad, src, target.grad);
  }

  /**
   * {@code target.grad += src} summed over the rows, columns or elements that {@code target} was
   * broadcast across to reach src's shape.
   */
  static void accumulateBroadcast(Kernels k, Value target, Tensor src) {
    Tensor v = target.value;
    if (v.rows() == src.rows() && v.cols() == src.cols()) {
      accumulate(k, target, src);
    } else if (v.size() == src.cols() && v.rows() == 1 && target.beginWrite()) {
      k.reduceCols(vecrl.tensor.ReduceOp.SUM, src, target.grad);
    } else {
      // binaryBackward of ADD: ga += gy, summed over broadcast axes; b only has to broadcast.
      k.binaryBackward(BinaryOp.ADD, v, v, src, target.gradForAccumulate(k), null);
    }
  }

  /** Writes the single value in {@code scalar} into every element of {@code out}, through the kernels. */
  static void broadcastFill(Kernels k, Tensor zeroMask, Tensor scalarOrColumn, Tensor out) {
    k.where(zeroMask, scalarOrColumn, scalarOrColumn, out);
  }
}
