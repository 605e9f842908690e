package vecrl.autodiff;

import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

/**
 * A value on a {@link Tape}: a leaf the caller supplied, or the output of a recorded operation.
 * Its methods record further operations on the same tape, so that expressions chain:
 *
 * <pre>{@code
 * Var h = x.linear(w1, b1, UnaryOp.TANH);
 * Var loss = h.matmulTransposed(w2).square().mean();
 * }</pre>
 *
 * <p>A {@code Var} belongs to one pass of its tape. After {@link Tape#clear()} the next pass may
 * recycle it (and its tensors) for the operation recorded at the same position, so copy any value
 * you want to keep before clearing.
 */
public final class Var extends Value {
  Tape tape;
  int index = -1;
  boolean requiresGrad;

  Var(Tensor value) {
    super(value);
  }

  /** The tape this value belongs to. */
  public Tape tape() {
    return tape;
  }

  /** The position of the operation that produced this value in its tape's current pass. */
  public int index() {
    return index;
  }

  @Override
  public boolean requiresGrad() {
    return requiresGrad;
  }

  @Override
  public String label() {
    return "v" + index;
  }

  /** The single value of a one-element result, for example a loss. */
  public float item() {
    return value.item();
  }

  @Override
  public String toString() {
    return "Var " + label() + " " + value.shapeString() + (requiresGrad ? " (requires grad)" : "");
  }

  // ---- chained operations; each records one op on this value's tape (see Tape for details) ----

  /** {@code this . b}. */
  public Var matmul(Value b) { return tape.matmul(this, false, b, false); }
  /** {@code this . b^T}. */
  public Var matmulTransposed(Value b) { return tape.matmul(this, false, b, true); }
  /** {@code this^T . b}. */
  public Var transposedMatmul(Value b) { return tape.matmul(this, true, b, false); }
  /** {@code this W^T + b}, with {@code W} stored [out, in]; {@code b} may be null. */
  public Var linear(Value w, Value b) { return tape.linear(this, w, b, null); }
  /** {@code act(this W^T + b)}, fused; {@code act} may be null. */
  public Var linear(Value w, Value b, UnaryOp act) { return tape.linear(this, w, b, act); }

  public Var add(Value b) { return tape.add(this, b); }
  public Var sub(Value b) { return tape.sub(this, b); }
  public Var mul(Value b) { return tape.mul(this, b); }
  public Var div(Value b) { return tape.div(this, b); }
  public Var add(float s) { return tape.add(this, s); }
  public Var sub(float s) { return tape.sub(this, s); }
  public Var mul(float s) { return tape.mul(this, s); }
  public Var div(float s) { return tape.div(this, s); }
  /** Elementwise maximum with broadcasting. */
  public Var max(Value b) { return tape.max(this, b); }
  /** Elementwise minimum with broadcasting. */
  public Var min(Value b) { return tape.min(this, b); }

  public Var exp() { return tape.unary(UnaryOp.EXP, this); }
  public Var log() { return tape.unary(UnaryOp.LOG, this); }
  public Var tanh() { return tape.unary(UnaryOp.TANH, this); }
  public Var sigmoid() { return tape.unary(UnaryOp.SIGMOID, this); }
  public Var relu() { return tape.unary(UnaryOp.RELU, this); }
  public Var softplus() { return tape.unary(UnaryOp.SOFTPLUS, this); }
  public Var square() { return tape.unary(UnaryOp.SQUARE, this); }
  public Var sqrt() { return tape.unary(UnaryOp.SQRT, this); }
  public Var abs() { return tape.unary(UnaryOp.ABS, this); }
  public Var neg() { return tape.unary(UnaryOp.NEG, this); }
  public Var clamp(float lo, float hi) { return tape.clamp(this, lo, hi); }

  /** Sum of every element (rank 0). */
  public Var sum() { return tape.sum(this); }
  /** Mean of every element (rank 0). */
  public Var mean() { return tape.mean(this); }
  /** Sum of each row, as a [rows, 1] column. */
  public Var sumRows() { return tape.sumRows(this); }
  /** Mean of each row, as a [rows, 1] column. */
  public Var meanRows() { return tape.meanRows(this); }
  public Var logSumExpRows() { return tape.logSumExpRows(this); }
  public Var softmaxRows() { return tape.softmaxRows(this); }
  public Var logSoftmaxRows() { return tape.logSoftmaxRows(this); }
  /** {@code y[i] = this[i, idx[i]]}, as a [rows, 1] column. */
  public Var gatherRows(int[] idx) { return tape.gatherRows(this, idx); }
  /** Columns {@code from} (inclusive) to {@code to} (exclusive). */
  public Var sliceCols(int from, int to) { return tape.sliceCols(this, from, to); }
  public Var reshape(int... shape) { return tape.reshape(this, shape); }
  /** [batch, ...] viewed as [batch, product of the rest]. */
  public Var flatten() { return tape.flatten(this); }
  /** {@code act(conv2d(this, w) + b)} over channels-last images; see {@link Tape#conv2d}. */
  public Var conv2d(Value w, Value b, UnaryOp act, vecrl.tensor.Conv2dGeometry g) { return tape.conv2d(this, w, b, act, g); }
}
