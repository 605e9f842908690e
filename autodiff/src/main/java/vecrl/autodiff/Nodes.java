package vecrl.autodiff;

import java.util.Arrays;
import java.util.List;
import vecrl.tensor.BinaryOp;
import vecrl.tensor.Conv2dGeometry;
import vecrl.tensor.Kernels;
import vecrl.tensor.ReduceOp;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

/**
 * The primitive operations, one small class each, forward and backward side by side. Each class
 * has a {@code fits(...)} check used by {@link Tape} to decide whether a node from the previous
 * pass can be reused for the same operation on the same shapes, and a {@code bind(...)} that
 * points the reused node at the new inputs.
 */
final class Nodes {
  private Nodes() {}

  /** A tensor the caller supplies (input or constant), or a variable leaf that takes a gradient. */
  static final class Leaf extends Node {
    final boolean wantsGrad;
    final boolean ownsScalar;

    Leaf(Tensor value, boolean wantsGrad, boolean ownsScalar) {
      this.wantsGrad = wantsGrad;
      this.ownsScalar = ownsScalar;
      this.out = new Var(value);
    }

    @Override String op() { return ownsScalar ? "constant" : (wantsGrad ? "variable" : "input"); }
    @Override String detail() { return ownsScalar ? Float.toString(out.value.item()) : ""; }
    @Override List<Value> inputs() { return List.of(); }
    @Override boolean anyInputRequiresGrad() { return wantsGrad; }
    @Override void forward(Kernels k) {}
    @Override void backward(Kernels k) {}
  }

  /** {@code c = op(a) . op(b)} for A.B, A.B^T and A^T.B. */
  static final class Matmul extends Node {
    Value a, b;
    final boolean ta, tb;
    final int[] aShape, bShape;

    Matmul(Value a, boolean ta, Value b, boolean tb) {
      this.a = a; this.b = b; this.ta = ta; this.tb = tb;
      this.aShape = a.value.shape(); this.bShape = b.value.shape();
      if (a.value.rank() != 2 || b.value.rank() != 2) {
        throw new IllegalArgumentException("matmul: " + a.shapeString() + (ta ? "^T" : "") + " x " + b.shapeString()
            + (tb ? "^T" : "") + ": both operands must be rank 2");
      }
      int m = ta ? a.value.cols() : a.value.rows();
      int n = tb ? b.value.rows() : b.value.cols();
      this.out = new Var(Tensor.zeros(m, n));
    }

    boolean fits(Value a, boolean ta, Value b, boolean tb) {
      return this.ta == ta && this.tb == tb && shapeIs(a.value, aShape) && shapeIs(b.value, bShape);
    }

    void bind(Value a, Value b) { this.a = a; this.b = b; }

    @Override String op() { return "matmul"; }
    @Override String detail() { return (ta ? "A^T" : "A") + "." + (tb ? "B^T" : "B"); }
    @Override List<Value> inputs() { return List.of(a, b); }
    @Override boolean anyInputRequiresGrad() { return a.requiresGrad() || b.requiresGrad(); }

    @Override void forward(Kernels k) {
      k.matmul(a.value, ta, b.value, tb, out.value, 0f);
    }

    @Override void backward(Kernels k) {
      Tensor g = out.grad;
      if (a.requiresGrad()) {
        float beta = a.beginWrite() ? 0f : 1f;
        if (!ta) k.matmul(g, false, b.value, !tb, a.grad, beta);   // gA = gC op(B)^T
        else k.matmul(b.value, false, g, true, a.grad, beta);      // A^T B: gA = B gC^T
      }
      if (b.requiresGrad()) {
        float beta = b.beginWrite() ? 0f : 1f;
        if (!tb) k.matmul(a.value, !ta, g, false, b.grad, beta);   // gB = op(A)^T gC
        else k.matmul(g, true, a.value, false, b.grad, beta);      // A B^T: gB = gC^T A
      }
    }
  }

  /**
   * Fused {@code y = act(x W^T + b)} with {@code W} stored [out, in] (the PyTorch convention),
   * {@code b} of shape [out] or absent, and {@code act} any unary op or none.
   */
  static final class Linear extends Node {
    Value x, w, bias;
    final UnaryOp act;
    final int[] xShape, wShape;
    final boolean inPlace; // no separate pre-activation: z is the output
    final Tensor z;       // pre-activation (the output itself when inPlace)
    Tensor gz;            // scratch for the pre-activation gradient
    Tensor biasScratch;   // scratch for accumulating a bias gradient that is already written

    Linear(Value x, Value w, Value bias, UnaryOp act) {
      Tensor xv = x.value, wv = w.value;
      if (xv.rank() != 2 || wv.rank() != 2 || xv.cols() != wv.cols()) {
        throw new IllegalArgumentException("linear: input " + xv.shapeString() + " and weight " + wv.shapeString()
            + ": expected input [batch, in] and weight [out, in] with the same in");
      }
      if (bias != null && (bias.value.size() != wv.rows() || bias.value.rows() != 1)) {
        throw new IllegalArgumentException("linear: bias " + bias.shapeString() + " does not match weight "
            + wv.shapeString() + "; expected [" + wv.rows() + "]");
      }
      this.x = x; this.w = w; this.bias = bias; this.act = act;
      this.xShape = xv.shape(); this.wShape = wv.shape();
      // When the activation's derivative comes from its output (tanh, relu, ...), the
      // pre-activation is not kept: the fused kernel applies the activation in place.
      this.inPlace = act == null || act.derivativeFromOutput();
      Tensor y = Tensor.zeros(xv.rows(), wv.rows());
      this.z = inPlace ? y : Tensor.zeros(xv.rows(), wv.rows());
      this.out = new Var(y);
    }

    Tensor biasScratch() {
      if (biasScratch == null) biasScratch = Tensor.zeros(bias.value.shape());
      return biasScratch;
    }

    boolean fits(Value x, Value w, Value bias, UnaryOp act) {
      return this.act == act && (this.bias == null) == (bias == null)
          && shapeIs(x.value, xShape) && shapeIs(w.value, wShape)
          && (bias == null || bias.value.size() == wShape[0]);
    }

    void bind(Value x, Value w, Value bias) { this.x = x; this.w = w; this.bias = bias; }

    @Override String op() { return act == null ? "linear" : "linear+" + act.name().toLowerCase(); }
    @Override String detail() { return bias == null ? "x W^T" : "x W^T + b"; }
    @Override List<Value> inputs() { return bias == null ? List.of(x, w) : List.of(x, w, bias); }
    @Override boolean anyInputRequiresGrad() {
      return x.requiresGrad() || w.requiresGrad() || (bias != null && bias.requiresGrad());
    }

    @Override void forward(Kernels k) {
      Tensor b = bias == null ? null : bias.value;
      if (inPlace) {
        k.linear(x.value, w.value, b, act, out.value);
      } else {
        k.linear(x.value, w.value, b, null, z);
        k.unary(act, z, out.value);
      }
    }

    @Override void backward(Kernels k) {
      Tensor g = out.grad;
      boolean biasGrad = bias != null && bias.requiresGrad();
      boolean biasDone = false;
      if (act != null) {
        // The activation's gradient and, in the same pass, the bias gradient (its column sums).
        if (gz == null) gz = Tensor.zeros(z.rows(), z.cols());
        Tensor sums = null;
        if (biasGrad) sums = bias.beginWrite() ? bias.grad : biasScratch();
        k.unaryGradColSums(act, z, out.value, g, gz, sums);
        if (sums != null && sums != bias.grad) k.binary(BinaryOp.ADD, bias.grad, sums, bias.grad);
        biasDone = true;
        g = gz;
      }
      if (w.requiresGrad()) {
        float beta = w.beginWrite() ? 0f : 1f;
        k.matmul(g, true, x.value, false, w.grad, beta);
      }
      if (biasGrad && !biasDone) {
        if (bias.beginWrite()) {
          k.reduceCols(ReduceOp.SUM, g, bias.grad);
        } else {
          k.reduceCols(ReduceOp.SUM, g, biasScratch());
          k.binary(BinaryOp.ADD, bias.grad, biasScratch, bias.grad);
        }
      }
      if (x.requiresGrad()) {
        float beta = x.beginWrite() ? 0f : 1f;
        k.matmul(g, false, w.value, false, x.grad, beta);
      }
    }
  }

  /** {@code y = op(x)} elementwise. */
  static final class Unary extends Node {
    Value x;
    final UnaryOp fn;
    final int[] xShape;

    Unary(UnaryOp fn, Value x) {
      this.fn = fn; this.x = x; this.xShape = x.value.shape();
      this.out = new Var(Tensor.zeros(xShape));
    }

    boolean fits(UnaryOp fn, Value x) { return this.fn == fn && shapeIs(x.value, xShape); }
    void bind(Value x) { this.x = x; }

    @Override String op() { return fn.name().toLowerCase(); }
    @Override List<Value> inputs() { return List.of(x); }
    @Override boolean anyInputRequiresGrad() { return x.requiresGrad(); }
    @Override void forward(Kernels k) { k.unary(fn, x.value, out.value); }

    @Override void backward(Kernels k) {
      if (!x.requiresGrad()) return;
      if (x.beginWrite()) {
        // First gradient into x: written, not accumulated (no zero fill first).
        if (fn == UnaryOp.NEG) k.binaryScalar(BinaryOp.MUL, out.grad, -1f, x.grad);
        else k.unaryGradColSums(fn, x.value, out.value, out.grad, x.grad, null);
        return;
      }
      k.unaryBackward(fn, x.value, out.value, out.grad, x.grad);
    }
  }

  /** {@code y = min(max(x, lo), hi)}; the gradient is zero where x is outside (lo, hi). */
  static final class Clamp extends Node {
    Value x;
    float lo, hi;
    final int[] xShape;

    Clamp(Value x, float lo, float hi) {
      if (!(lo <= hi)) throw new IllegalArgumentException("clamp: lower bound " + lo + " exceeds upper bound " + hi);
      this.x = x; this.lo = lo; this.hi = hi; this.xShape = x.value.shape();
      this.out = new Var(Tensor.zeros(xShape));
    }

    boolean fits(Value x) { return shapeIs(x.value, xShape); }
    void bind(Value x, float lo, float hi) {
      if (!(lo <= hi)) throw new IllegalArgumentException("clamp: lower bound " + lo + " exceeds upper bound " + hi);
      this.x = x; this.lo = lo; this.hi = hi;
    }

    @Override String op() { return "clamp"; }
    @Override String detail() { return "[" + lo + ", " + hi + "]"; }
    @Override List<Value> inputs() { return List.of(x); }
    @Override boolean anyInputRequiresGrad() { return x.requiresGrad(); }
    @Override void forward(Kernels k) { k.clamp(x.value, lo, hi, out.value); }
    @Override void backward(Kernels k) {
      if (x.requiresGrad()) k.clampBackward(x.value, lo, hi, out.grad, x.gradForAccumulate(k));
    }
  }

  /** The output shape of a broadcasting binary op, or an error naming both shapes. */
  static int[] broadcastShape(String op, Tensor a, Tensor b) {
    int rows = Math.max(a.rows(), b.rows()), cols = Math.max(a.cols(), b.cols());
    int[] shape;
    if (a.rows() == rows && a.cols() == cols) shape = a.shape();
    else if (b.rows() == rows && b.cols() == cols) shape = b.shape();
    else shape = new int[] {rows, cols};
    checkBroadcast(op, a, b, a, rows, cols, "left");
    checkBroadcast(op, a, b, b, rows, cols, "right");
    return shape;
  }

  private static void checkBroadcast(String op, Tensor a, Tensor b, Tensor x, int rows, int cols, String role) {
    boolean ok = (x.rows() == rows && x.cols() == cols) || x.size() == 1
        || (x.rows() == 1 && x.cols() == cols) || (x.cols() == 1 && x.rows() == rows && x.rank() >= 2);
    if (!ok) {
      throw new IllegalArgumentException(op + ": " + a.shapeString() + " and " + b.shapeString() + ": the " + role
          + " operand " + x.shapeString() + " does not broadcast to [" + rows + ", " + cols + "] (expected the full shape, a row of " + cols + ", a column [" + rows
          + ", 1] or a single value)");
    }
  }

  /** {@code y = op(a, b)} with row, column or scalar broadcasting of either operand. */
  static final class Binary extends Node {
    Value a, b;
    final BinaryOp fn;
    final int[] aShape, bShape;

    Binary(BinaryOp fn, Value a, Value b) {
      this.fn = fn; this.a = a; this.b = b;
      this.aShape = a.value.shape(); this.bShape = b.value.shape();
      this.out = new Var(Tensor.zeros(broadcastShape(fn.name().toLowerCase(), a.value, b.value)));
    }

    boolean fits(BinaryOp fn, Value a, Value b) {
      return this.fn == fn && shapeIs(a.value, aShape) && shapeIs(b.value, bShape);
    }

    void bind(Value a, Value b) { this.a = a; this.b = b; }

    @Override String op() { return fn.name().toLowerCase(); }
    @Override List<Value> inputs() { return List.of(a, b); }
    @Override boolean anyInputRequiresGrad() { return a.requiresGrad() || b.requiresGrad(); }
    @Override void forward(Kernels k) { k.binary(fn, a.value, b.value, out.value); }

    @Override void backward(Kernels k) {
      Tensor g = out.grad;
      if (fn == BinaryOp.ADD) {
        if (a.requiresGrad()) accumulateBroadcast(k, a, g);
        if (b.requiresGrad()) accumulateBroadcast(k, b, g);
        return;
      }
      if (a == b) {
        // Both operands are one value: two passes, so that neither overwrites what the other reads.
        Tensor ga = a.gradForAccumulate(k);
        k.binaryBackward(fn, a.value, b.value, g, ga, null);
        k.binaryBackward(fn, a.value, b.value, g, null, ga);
        return;
      }
      Tensor ga = a.requiresGrad() ? a.gradForAccumulate(k) : null;
      Tensor gb = b.requiresGrad() ? b.gradForAccumulate(k) : null;
      k.binaryBackward(fn, a.value, b.value, g, ga, gb);
    }
  }

  /** {@code y = op(x, s)} with a float constant {@code s}. */
  static final class BinaryScalar extends Node {
    Value x;
    final BinaryOp fn;
    final int[] xShape;
    final Tensor s = Tensor.scalar(0f);

    BinaryScalar(BinaryOp fn, Value x, float s) {
      this.fn = fn; this.x = x; this.xShape = x.value.shape();
      this.s.set(0, s);
      this.out = new Var(Tensor.zeros(xShape));
    }

    boolean fits(BinaryOp fn, Value x) { return this.fn == fn && shapeIs(x.value, xShape); }
    void bind(Value x, float s) { this.x = x; this.s.set(0, s); }

    @Override String op() { return fn.name().toLowerCase() + "Scalar"; }
    @Override String detail() { return Float.toString(s.get(0)); }
    @Override List<Value> inputs() { return List.of(x); }
    @Override boolean anyInputRequiresGrad() { return x.requiresGrad(); }
    @Override void forward(Kernels k) { k.binaryScalar(fn, x.value, s.get(0), out.value); }

    @Override void backward(Kernels k) {
      if (!x.requiresGrad()) return;
      Tensor g = out.grad;
      if ((fn == BinaryOp.ADD || fn == BinaryOp.SUB)) {
        accumulate(k, x, g);
      } else if (fn == BinaryOp.MUL && x.beginWrite()) {
        k.binaryScalar(BinaryOp.MUL, g, s.get(0), x.grad);
      } else if (fn == BinaryOp.DIV && x.beginWrite()) {
        k.binaryScalar(BinaryOp.DIV, g, s.get(0), x.grad);
      } else {
        k.binaryBackward(fn, x.value, s, g, x.gradForAccumulate(k), null);
      }
    }
  }

  /** {@code y = mask != 0 ? a : b}, with broadcasting of mask, a and b. The mask is a constant. */
  static final class Where extends Node {
    Tensor mask;
    Value a, b;
    final int[] mShape, aShape, bShape;
    final Tensor zero = Tensor.scalar(0f);
    Tensor scratch;

    Where(Tensor mask, Value a, Value b) {
      this.mask = mask; this.a = a; this.b = b;
      this.mShape = mask.shape(); this.aShape = a.value.shape(); this.bShape = b.value.shape();
      int[] ab = broadcastShape("where", a.value, b.value);
      Tensor probe = Tensor.zeros(ab);
      int[] full = broadcastShape("where", mask, probe);
      this.out = new Var(Tensor.zeros(full));
    }

    boolean fits(Tensor mask, Value a, Value b) {
      return shapeIs(mask, mShape) && shapeIs(a.value, aShape) && shapeIs(b.value, bShape);
    }

    void bind(Tensor mask, Value a, Value b) { this.mask = mask; this.a = a; this.b = b; }

    @Override String op() { return "where"; }
    @Override String detail() { return "mask " + mask.shapeString(); }
    @Override List<Value> inputs() { return List.of(a, b); }
    @Override boolean anyInputRequiresGrad() { return a.requiresGrad() || b.requiresGrad(); }
    @Override void forward(Kernels k) { k.where(mask, a.value, b.value, out.value); }

    @Override void backward(Kernels k) {
      if (scratch == null) scratch = Tensor.zeros(out.value.shape());
      if (a.requiresGrad()) {
        k.where(mask, out.grad, zero, scratch);
        accumulateBroadcast(k, a, scratch);
      }
      if (b.requiresGrad()) {
        k.where(mask, zero, out.grad, scratch);
        accumulateBroadcast(k, b, scratch);
      }
    }
  }

  /** Sum or mean of every element, to a rank-0 tensor. */
  static final class ReduceAll extends Node {
    Value x;
    final ReduceOp fn;
    final int[] xShape;
    final Tensor zero = Tensor.scalar(0f);
    final Tensor scaled = Tensor.scalar(0f);

    ReduceAll(ReduceOp fn, Value x) {
      if (fn == ReduceOp.MAX) throw new IllegalArgumentException("reduce: MAX has no gradient here; use max of two values");
      this.fn = fn; this.x = x; this.xShape = x.value.shape();
      this.out = new Var(Tensor.scalar(0f));
    }

    boolean fits(ReduceOp fn, Value x) { return this.fn == fn && shapeIs(x.value, xShape); }
    void bind(Value x) { this.x = x; }

    @Override String op() { return fn == ReduceOp.SUM ? "sum" : "mean"; }
    @Override List<Value> inputs() { return List.of(x); }
    @Override boolean anyInputRequiresGrad() { return x.requiresGrad(); }
    @Override void forward(Kernels k) { k.reduceAll(fn, x.value, out.value); }

    @Override void backward(Kernels k) {
      if (!x.requiresGrad()) return;
      float scale = fn == ReduceOp.MEAN ? 1f / x.value.size() : 1f;
      k.binaryScalar(BinaryOp.MUL, out.grad, scale, scaled);
      if (x.beginWrite()) broadcastFill(k, zero, scaled, x.grad);
      else k.binary(BinaryOp.ADD, x.grad, scaled, x.grad);
    }
  }

  /** Sum or mean of each row, to a [rows, 1] column. */
  static final class ReduceRows extends Node {
    Value x;
    final ReduceOp fn;
    final int[] xShape;
    final Tensor zero = Tensor.scalar(0f);
    Tensor scaled;

    ReduceRows(ReduceOp fn, Value x) {
      if (fn == ReduceOp.MAX) throw new IllegalArgumentException("reduceRows: MAX has no gradient here");
      this.fn = fn; this.x = x; this.xShape = x.value.shape();
      this.out = new Var(Tensor.zeros(x.value.rows(), 1));
    }

    boolean fits(ReduceOp fn, Value x) { return this.fn == fn && shapeIs(x.value, xShape); }
    void bind(Value x) { this.x = x; }

    @Override String op() { return fn == ReduceOp.SUM ? "sumRows" : "meanRows"; }
    @Override List<Value> inputs() { return List.of(x); }
    @Override boolean anyInputRequiresGrad() { return x.requiresGrad(); }
    @Override void forward(Kernels k) { k.reduceRows(fn, x.value, out.value); }

    @Override void backward(Kernels k) {
      if (!x.requiresGrad()) return;
      Tensor g = out.grad;
      if (fn == ReduceOp.MEAN) {
        if (scaled == null) scaled = Tensor.zeros(g.shape());
        k.binaryScalar(BinaryOp.MUL, g, 1f / x.value.cols(), scaled);
        g = scaled;
      }
      if (x.beginWrite()) broadcastFill(k, zero, g, x.grad);
      else k.binary(BinaryOp.ADD, x.grad, g, x.grad);
    }
  }

  /** {@code log(sum(exp(row)))} of each row, to a [rows, 1] column. */
  static final class LogSumExpRows extends Node {
    Value x;
    final int[] xShape;
    Tensor scratch;

    LogSumExpRows(Value x) {
      this.x = x; this.xShape = x.value.shape();
      this.out = new Var(Tensor.zeros(x.value.rows(), 1));
    }

    boolean fits(Value x) { return shapeIs(x.value, xShape); }
    void bind(Value x) { this.x = x; }

    @Override String op() { return "logSumExpRows"; }
    @Override List<Value> inputs() { return List.of(x); }
    @Override boolean anyInputRequiresGrad() { return x.requiresGrad(); }
    @Override void forward(Kernels k) { k.logSumExpRows(x.value, out.value); }

    @Override void backward(Kernels k) {
      if (!x.requiresGrad()) return;
      if (scratch == null) scratch = Tensor.zeros(x.value.rows(), x.value.cols());
      k.softmaxRows(x.value, scratch);                       // d lse / dx = softmax(x)
      k.binary(BinaryOp.MUL, scratch, out.grad, scratch);    // times the row's gradient (column broadcast)
      accumulate(k, x, scratch);
    }
  }

  /** Softmax of each row. */
  static final class SoftmaxRows extends Node {
    Value x;
    final int[] xShape;
    Tensor scratch, rowSum;

    SoftmaxRows(Value x) {
      this.x = x; this.xShape = x.value.shape();
      this.out = new Var(Tensor.zeros(xShape));
    }

    boolean fits(Value x) { return shapeIs(x.value, xShape); }
    void bind(Value x) { this.x = x; }

    @Override String op() { return "softmaxRows"; }
    @Override List<Value> inputs() { return List.of(x); }
    @Override boolean anyInputRequiresGrad() { return x.requiresGrad(); }
    @Override void forward(Kernels k) { k.softmaxRows(x.value, out.value); }

    @Override void backward(Kernels k) {
      if (!x.requiresGrad()) return;
      int rows = out.value.rows(), cols = out.value.cols();
      if (scratch == null) { scratch = Tensor.zeros(rows, cols); rowSum = Tensor.zeros(rows, 1); }
      Tensor gy = out.grad;
      Tensor ym = out.value;
      k.binary(BinaryOp.MUL, gy, ym, scratch);               // gy * y
      k.reduceRows(ReduceOp.SUM, scratch, rowSum);           // s = sum(gy * y)
      k.binary(BinaryOp.SUB, gy, rowSum, scratch);           // gy - s
      k.binary(BinaryOp.MUL, scratch, ym, scratch);          // y (gy - s)
      accumulate(k, x, scratch);
    }
  }

  /** Log-softmax of each row. */
  static final class LogSoftmaxRows extends Node {
    Value x;
    final int[] xShape;
    Tensor scratch, rowSum;

    LogSoftmaxRows(Value x) {
      this.x = x; this.xShape = x.value.shape();
      this.out = new Var(Tensor.zeros(xShape));
    }

    boolean fits(Value x) { return shapeIs(x.value, xShape); }
    void bind(Value x) { this.x = x; }

    @Override String op() { return "logSoftmaxRows"; }
    @Override List<Value> inputs() { return List.of(x); }
    @Override boolean anyInputRequiresGrad() { return x.requiresGrad(); }
    @Override void forward(Kernels k) { k.logSoftmaxRows(x.value, out.value); }

    @Override void backward(Kernels k) {
      if (!x.requiresGrad()) return;
      int rows = out.value.rows(), cols = out.value.cols();
      if (scratch == null) { scratch = Tensor.zeros(rows, cols); rowSum = Tensor.zeros(rows, 1); }
      Tensor gy = out.grad;
      k.reduceRows(ReduceOp.SUM, gy, rowSum);                // s = sum(gy)
      k.unary(UnaryOp.EXP, out.value, scratch);    // softmax = exp(log-softmax)
      k.binary(BinaryOp.MUL, scratch, rowSum, scratch);      // softmax * s
      k.binary(BinaryOp.SUB, gy, scratch, scratch);          // gy - softmax * s
      accumulate(k, x, scratch);
    }
  }

  /** {@code y[i] = x[i, idx[i]]}, to a [rows, 1] column. The index array is read again in backward. */
  static final class GatherRows extends Node {
    Value x;
    int[] idx;
    final int[] xShape;

    GatherRows(Value x, int[] idx) {
      this.x = x; this.idx = idx; this.xShape = x.value.shape();
      this.out = new Var(Tensor.zeros(x.value.rows(), 1));
    }

    boolean fits(Value x) { return shapeIs(x.value, xShape); }
    void bind(Value x, int[] idx) { this.x = x; this.idx = idx; }

    @Override String op() { return "gatherRows"; }
    @Override List<Value> inputs() { return List.of(x); }
    @Override boolean anyInputRequiresGrad() { return x.requiresGrad(); }
    @Override void forward(Kernels k) { k.gatherRows(x.value, idx, out.value); }

    @Override void backward(Kernels k) {
      if (x.requiresGrad()) k.scatterAddRows(out.grad, idx, x.gradForAccumulate(k));
    }
  }

  /**
   * Columns side by side: inputs of [rows, c_i] give [rows, sum c_i]. The column copies are plain
   * host loops: the kernel interface has no strided copy yet.
   */
  static final class ConcatCols extends Node {
    Value[] parts;
    final int[][] shapes;
    final int rows, cols;

    ConcatCols(Value[] parts) {
      if (parts.length == 0) throw new IllegalArgumentException("concat: no inputs");
      this.parts = parts.clone();
      this.shapes = new int[parts.length][];
      int r = parts[0].value.rows(), c = 0;
      for (int i = 0; i < parts.length; i++) {
        Tensor v = parts[i].value;
        if (v.rows() != r) {
          StringBuilder sb = new StringBuilder();
          for (Value p : parts) sb.append(' ').append(p.shapeString());
          throw new IllegalArgumentException("concat: inputs" + sb + ": input " + i + " has " + v.rows()
              + " rows, input 0 has " + r);
        }
        shapes[i] = v.shape();
        c += v.cols();
      }
      this.rows = r; this.cols = c;
      this.out = new Var(Tensor.zeros(r, c));
    }

    boolean fits(Value[] parts) {
      if (parts.length != shapes.length) return false;
      for (int i = 0; i < parts.length; i++) if (!shapeIs(parts[i].value, shapes[i])) return false;
      return true;
    }

    void bind(Value[] parts) { System.arraycopy(parts, 0, this.parts, 0, parts.length); }

    @Override String op() { return "concatCols"; }
    @Override List<Value> inputs() { return List.of(parts); }
    @Override boolean anyInputRequiresGrad() {
      for (Value p : parts) if (p.requiresGrad()) return true;
      return false;
    }

    @Override void forward(Kernels k) {
      float[] od = out.value.data();
      int oo = out.value.offset(), col = 0;
      for (Value p : parts) {
        Tensor v = p.value;
        int pc = v.cols();
        for (int r = 0; r < rows; r++) System.arraycopy(v.data(), v.offset() + r * pc, od, oo + r * cols + col, pc);
        col += pc;
      }
    }

    @Override void backward(Kernels k) {
      float[] gd = out.grad.data();
      int go = out.grad.offset(), col = 0;
      for (Value p : parts) {
        int pc = p.value.cols();
        if (p.requiresGrad()) {
          boolean fresh = p.beginWrite();
          float[] pd = p.grad.data();
          int po = p.grad.offset();
          for (int r = 0; r < rows; r++) {
            if (fresh) System.arraycopy(gd, go + r * cols + col, pd, po + r * pc, pc);
            else for (int c = 0; c < pc; c++) pd[po + r * pc + c] += gd[go + r * cols + col + c];
          }
        }
        col += pc;
      }
    }
  }

  /** Columns {@code from} (inclusive) to {@code to} (exclusive) of a matrix. Host loops, as for concat. */
  static final class SliceCols extends Node {
    Value x;
    final int from, to;
    final int[] xShape;

    SliceCols(Value x, int from, int to) {
      Tensor v = x.value;
      if (v.rank() != 2 || from < 0 || to > v.cols() || from >= to) {
        throw new IllegalArgumentException("sliceCols: columns [" + from + ", " + to + ") of " + v.shapeString()
            + ": expected a rank-2 input and 0 <= from < to <= " + v.cols());
      }
      this.x = x; this.from = from; this.to = to; this.xShape = v.shape();
      this.out = new Var(Tensor.zeros(v.rows(), to - from));
    }

    boolean fits(Value x, int from, int to) { return this.from == from && this.to == to && shapeIs(x.value, xShape); }
    void bind(Value x) { this.x = x; }

    @Override String op() { return "sliceCols"; }
    @Override String detail() { return "[" + from + ", " + to + ")"; }
    @Override List<Value> inputs() { return List.of(x); }
    @Override boolean anyInputRequiresGrad() { return x.requiresGrad(); }

    @Override void forward(Kernels k) {
      Tensor v = x.value;
      int n = to - from, xc = v.cols();
      for (int r = 0; r < v.rows(); r++) {
        System.arraycopy(v.data(), v.offset() + r * xc + from, out.value.data(), out.value.offset() + r * n, n);
      }
    }

    @Override void backward(Kernels k) {
      if (!x.requiresGrad()) return;
      Tensor gx = x.gradForAccumulate(k);
      float[] gd = out.grad.data(), xd = gx.data();
      int n = to - from, xc = gx.cols(), go = out.grad.offset(), xo = gx.offset();
      for (int r = 0; r < gx.rows(); r++) {
        for (int c = 0; c < n; c++) xd[xo + r * xc + from + c] += gd[go + r * n + c];
      }
    }
  }

  /** The same values with a new shape (a view of the input, no copy). */
  static final class Reshape extends Node {
    Value x;
    final int[] xShape, shape;
    Tensor viewOf;        // the input tensor the current output view was made from
    Tensor gradViewOf;    // the output gradient the current gradient view was made from
    Tensor gradView;

    Reshape(Value x, int[] shape) {
      this.x = x; this.xShape = x.value.shape(); this.shape = shape.clone();
      this.viewOf = x.value;
      this.out = new Var(x.value.reshape(shape));
    }

    boolean fits(Value x, int[] shape) { return shapeIs(x.value, xShape) && Arrays.equals(this.shape, shape); }

    void bind(Value x) {
      this.x = x;
      if (x.value != viewOf) { viewOf = x.value; out.value = x.value.reshape(shape); }
    }

    @Override String op() { return "reshape"; }
    @Override List<Value> inputs() { return List.of(x); }
    @Override boolean anyInputRequiresGrad() { return x.requiresGrad(); }
    @Override void forward(Kernels k) {}

    @Override void backward(Kernels k) {
      if (!x.requiresGrad()) return;
      if (out.grad != gradViewOf) { gradViewOf = out.grad; gradView = out.grad.reshape(xShape); }
      accumulate(k, x, gradView);
    }
  }

  /**
   * A 2-D convolution over channels-last images with bias and activation: {@code y = act(conv(x, W)
   * + b)}. {@code x} holds [batch, height, width, channels] (any shape with batch as its first
   * dimension), {@code W} is [outChannels, kernelH * kernelW * channels], {@code b} [outChannels] or
   * absent; the output is [batch, outHeight, outWidth, outChannels]. The node keeps the im2col
   * patch matrix of the forward pass for the weight gradient.
   */
  static final class Conv2d extends Node {
    Value x, w, bias;
    final UnaryOp act;
    final Conv2dGeometry g;
    final int[] xShape, wShape;
    final boolean inPlace;
    final Tensor y2d, z2d, cols;   // output as [outRows, outChannels]; pre-activation; patches
    Tensor gz;
    Tensor gradViewOf, grad2d;

    Conv2d(Value x, Value w, Value bias, UnaryOp act, Conv2dGeometry g) {
      this.g = g;
      Tensor xv = x.value;
      if (xv.rank() < 2 || xv.dim(0) != g.batch() || xv.size() != g.inputSize()) {
        throw new IllegalArgumentException("conv2d: input " + xv.shapeString() + ", expected [" + g.batch() + ", " + g.height()
            + ", " + g.width() + ", " + g.channels() + "] (channels-last) or its flat form [" + g.batch() + ", "
            + g.height() * g.width() * g.channels() + "]");
      }
      Tensor wv = w.value;
      if (wv.rank() != 2 || wv.rows() != g.outChannels() || wv.cols() != g.patchSize()) {
        throw new IllegalArgumentException("conv2d: weight " + wv.shapeString() + ", expected [" + g.outChannels() + ", "
            + g.patchSize() + "] (out channels, kernelH * kernelW * channels) for " + g);
      }
      if (bias != null && (bias.value.size() != g.outChannels() || bias.value.rows() != 1)) {
        throw new IllegalArgumentException("conv2d: bias " + bias.shapeString() + ", expected [" + g.outChannels() + "]");
      }
      // As in Linear: an activation whose derivative comes from its output runs in place.
      this.inPlace = act == null || act.derivativeFromOutput();
      this.x = x; this.w = w; this.bias = bias; this.act = act;
      this.xShape = xv.shape(); this.wShape = wv.shape();
      Tensor y = Tensor.zeros(g.outputShape());
      this.y2d = y.reshape(g.outRows(), g.outChannels());
      this.z2d = inPlace ? y2d : Tensor.zeros(g.outRows(), g.outChannels());
      this.cols = Tensor.zeros(g.outRows(), g.patchSize());
      this.out = new Var(y);
    }

    boolean fits(Value x, Value w, Value bias, UnaryOp act, Conv2dGeometry g) {
      return this.act == act && this.g.equals(g) && (this.bias == null) == (bias == null)
          && shapeIs(x.value, xShape) && shapeIs(w.value, wShape);
    }

    void bind(Value x, Value w, Value bias) { this.x = x; this.w = w; this.bias = bias; }

    @Override String op() { return act == null ? "conv2d" : "conv2d+" + act.name().toLowerCase(); }
    @Override String detail() {
      return g.kernelH() + "x" + g.kernelW() + " stride " + g.stride() + " padding " + g.padding() + (bias == null ? "" : " + b");
    }
    @Override List<Value> inputs() { return bias == null ? List.of(x, w) : List.of(x, w, bias); }
    @Override boolean anyInputRequiresGrad() {
      return x.requiresGrad() || w.requiresGrad() || (bias != null && bias.requiresGrad());
    }

    @Override void forward(Kernels k) {
      Tensor b = bias == null ? null : bias.value;
      if (inPlace) {
        k.conv2d(x.value, w.value, b, act, g, cols, y2d);
      } else {
        k.conv2d(x.value, w.value, b, null, g, cols, z2d);
        k.unary(act, z2d, y2d);
      }
    }

    @Override void backward(Kernels k) {
      if (out.grad != gradViewOf) { gradViewOf = out.grad; grad2d = out.grad.reshape(g.outRows(), g.outChannels()); }
      Tensor gy = grad2d;
      if (act != null) {
        if (gz == null) gz = Tensor.zeros(g.outRows(), g.outChannels());
        k.unaryGradColSums(act, z2d, y2d, gy, gz, null);
        gy = gz;
      }
      Tensor gx = null, gw = null, gb = null;
      if (x.requiresGrad()) gx = x.gradForAccumulate(k);
      if (w.requiresGrad()) gw = w.gradForAccumulate(k);
      if (bias != null && bias.requiresGrad()) gb = bias.gradForAccumulate(k);
      k.conv2dBackward(x.value, w.value, gy, g, cols, gx, gw, gb);
    }
  }

  /**
   * Channels-first images to channels-last: each batch row of {@code x} holds one image [channels,
   * height, width]; the output row holds it as [height, width, channels]. A permutation, so the
   * backward pass is the inverse permutation of the gradient.
   */
  static final class ChannelsLast extends Node {
    Value x;
    final int[] xShape;
    final int c, h, w;

    ChannelsLast(Value x, int c, int h, int w) {
      Tensor v = x.value;
      if (v.rank() < 2 || v.size() != v.dim(0) * c * h * w) {
        throw new IllegalArgumentException("channelsLast: " + v.shapeString() + " does not hold [batch, " + c + ", " + h + ", "
            + w + "] images (channels-first)");
      }
      this.x = x; this.c = c; this.h = h; this.w = w; this.xShape = v.shape();
      this.out = new Var(Tensor.zeros(v.dim(0), h, w, c));
    }

    boolean fits(Value x, int c, int h, int w) { return this.c == c && this.h == h && this.w == w && shapeIs(x.value, xShape); }
    void bind(Value x) { this.x = x; }

    @Override String op() { return "channelsLast"; }
    @Override String detail() { return "[" + c + ", " + h + ", " + w + "] -> [" + h + ", " + w + ", " + c + "]"; }
    @Override List<Value> inputs() { return List.of(x); }
    @Override boolean anyInputRequiresGrad() { return x.requiresGrad(); }

    @Override void forward(Kernels k) {
      float[] xd = x.value.data(), od = out.value.data();
      int xo = x.value.offset(), oo = out.value.offset(), img = c * h * w, plane = h * w;
      for (int n = 0, b = xShape[0]; n < b; n++) {
        int xs = xo + n * img, os = oo + n * img;
        for (int ch = 0; ch < c; ch++) {
          for (int p = 0; p < plane; p++) od[os + p * c + ch] = xd[xs + ch * plane + p];
        }
      }
    }

    @Override void backward(Kernels k) {
      if (!x.requiresGrad()) return;
      Tensor gx = x.gradForAccumulate(k);
      float[] gd = gx.data(), od = out.grad.data();
      int xo = gx.offset(), oo = out.grad.offset(), img = c * h * w, plane = h * w;
      for (int n = 0, b = xShape[0]; n < b; n++) {
        int xs = xo + n * img, os = oo + n * img;
        for (int ch = 0; ch < c; ch++) {
          for (int p = 0; p < plane; p++) gd[xs + ch * plane + p] += od[os + p * c + ch];
        }
      }
    }
  }
}
