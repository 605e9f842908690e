package vecrl.autodiff;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import vecrl.tensor.Backends;
import vecrl.tensor.BinaryOp;
import vecrl.tensor.Conv2dGeometry;
import vecrl.tensor.Kernels;
import vecrl.tensor.ReduceOp;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

/**
 * Records operations in the order they run and differentiates them in reverse.
 *
 * <p><b>Passes and buffer reuse.</b> A <em>pass</em> is everything recorded since the last {@link
 * #clear()}. Nodes are kept in slots; when a pass asks for the same operation on the same shapes
 * at the same position as the previous pass, the slot's node is reused together with its output
 * {@link Var}, output tensor, gradient tensor and scratch tensors. Training and inference loops,
 * which repeat one op sequence on one set of shapes, therefore allocate nothing once warm. Where
 * an operation or shape differs, a fresh node replaces the slot. Values from a cleared pass are
 * recycled: copy what you need to keep.
 *
 * <p><b>Gradients.</b> {@link #backward(Var)} runs the pass in reverse from a one-element loss and
 * accumulates ({@code +=}) gradients. Gradients of this tape's values start from zero on every
 * backward call; gradients of {@link Parameter}s keep accumulating across calls until cleared
 * with {@link Parameter#zeroGrad()} or {@link ParameterSet#zeroGrad()}.
 *
 * <p><b>No-grad mode.</b> Inside {@code try (var ng = tape.noGrad()) {...}} the same code runs its
 * forward computation (reusing buffers as above) but nothing requires a gradient, so nothing is
 * recorded for backward. Use a separate tape for inference if it interleaves with training.
 *
 * <p><b>Finite-value guard.</b> With {@link #setFiniteGuard(boolean)} on, the first operation whose
 * output (or, in backward, whose input gradient) holds NaN or infinity throws a {@link
 * NonFiniteException} naming the op and its input shapes.
 *
 * <p><b>Inspection.</b> {@link #listing()} and {@link #toDot()} format the current pass; nothing
 * is formatted unless they are called. With {@link #setProfiling(boolean)} on, every op's forward
 * and backward time is summed per slot across passes and {@link #profile()} lists it.
 *
 * <p>A tape is not thread-safe; use one per thread.
 */
public final class Tape {
  private final Kernels kernels;
  private final ArrayList<Node> slots = new ArrayList<>();
  private int cursor;
  private int noGradDepth;
  private boolean finiteGuard;
  private boolean profiling;
  private final NoGrad noGrad = new NoGrad();

  /** A tape on the default kernels backend ({@link Backends#kernels()}). */
  public Tape() {
    this(Backends.kernels());
  }

  /** A tape whose operations run on {@code kernels}. */
  public Tape(Kernels kernels) {
    if (kernels == null) throw new IllegalArgumentException("Tape: kernels is null");
    this.kernels = kernels;
  }

  public Kernels kernels() {
    return kernels;
  }

  /** Starts a new pass; the next pass reuses this pass's nodes and buffers where they fit. */
  public void clear() {
    cursor = 0;
  }

  /** Drops every kept node and buffer as well (the next pass allocates afresh). */
  public void reset() {
    cursor = 0;
    slots.clear();
  }

  /** The number of operations (including leaves) in the current pass. */
  public int size() {
    return cursor;
  }

  /** The number of operations in the current pass whose output takes part in backward. */
  public int recordedCount() {
    int n = 0;
    for (int i = 0; i < cursor; i++) if (slots.get(i).out.requiresGrad) n++;
    return n;
  }

  /** Whether operations currently record gradients (false inside {@link #noGrad()}). */
  public boolean isGradEnabled() {
    return noGradDepth == 0;
  }

  /**
   * Enters no-grad mode until the returned handle is closed; nests. The handle is one object per
   * tape, so entering allocates nothing.
   */
  public NoGrad noGrad() {
    noGradDepth++;
    return noGrad;
  }

  /** The handle returned by {@link #noGrad()}; closing it leaves one level of no-grad mode. */
  public final class NoGrad implements AutoCloseable {
    private NoGrad() {}

    @Override
    public void close() {
      if (noGradDepth == 0) throw new IllegalStateException("noGrad: closed more often than entered");
      noGradDepth--;
    }
  }

  /** Switches the finite-value guard on or off (off by default). */
  public Tape setFiniteGuard(boolean on) {
    this.finiteGuard = on;
    return this;
  }

  public boolean finiteGuard() {
    return finiteGuard;
  }

  /**
   * Switches per-op timing on or off (off by default). While on, each op's forward and backward
   * are timed with {@link System#nanoTime()} and summed in its slot, across passes, until {@link
   * #resetProfile()}; {@link #profile()} lists the sums. Timing is per call, so ops of a few
   * microseconds carry some clock overhead.
   */
  public Tape setProfiling(boolean on) {
    this.profiling = on;
    return this;
  }

  /** Zeroes the sums that {@link #profile()} lists. */
  public void resetProfile() {
    for (Node n : slots) {
      n.forwardNanos = n.backwardNanos = 0;
      n.forwardRuns = n.backwardRuns = 0;
    }
  }

  // ---- leaves ----

  /** A leaf holding {@code t} itself (not a copy) that takes no gradient: an observation, a target. */
  public Var input(Tensor t) {
    return leaf(t, false);
  }

  /** A leaf holding {@code t} itself that takes a gradient (read it with {@link Var#grad()} after backward). */
  public Var variable(Tensor t) {
    return leaf(t, true);
  }

  private Var leaf(Tensor t, boolean wantsGrad) {
    if (t == null) throw new IllegalArgumentException("input: tensor is null");
    Nodes.Leaf n = slotAs(Nodes.Leaf.class);
    if (n == null || n.wantsGrad != wantsGrad || n.ownsScalar) n = place(new Nodes.Leaf(t, wantsGrad, false));
    else n.out.value = t;
    return push(n);
  }

  /** A one-element constant leaf, with its tensor reused from pass to pass. */
  public Var constant(float value) {
    Nodes.Leaf n = slotAs(Nodes.Leaf.class);
    if (n == null || !n.ownsScalar) n = place(new Nodes.Leaf(Tensor.scalar(value), false, true));
    else n.out.value.set(0, value);
    return push(n);
  }

  // ---- operations ----

  /** {@code op(a) . op(b)}: A.B, A.B^T ({@code tb}) or A^T.B ({@code ta}). */
  public Var matmul(Value a, boolean ta, Value b, boolean tb) {
    check(a, "matmul"); check(b, "matmul");
    Nodes.Matmul n = slotAs(Nodes.Matmul.class);
    if (n != null && n.fits(a, ta, b, tb)) n.bind(a, b);
    else n = place(new Nodes.Matmul(a, ta, b, tb));
    return push(n);
  }

  /** {@code a . b}. */
  public Var matmul(Value a, Value b) {
    return matmul(a, false, b, false);
  }

  /**
   * Fused {@code act(x W^T + b)}: {@code W} is [out, in] as in PyTorch, {@code b} is [out] or
   * null, {@code act} is a unary op or null.
   */
  public Var linear(Value x, Value w, Value b, UnaryOp act) {
    check(x, "linear"); check(w, "linear");
    if (b != null) check(b, "linear");
    Nodes.Linear n = slotAs(Nodes.Linear.class);
    if (n != null && n.fits(x, w, b, act)) n.bind(x, w, b);
    else n = place(new Nodes.Linear(x, w, b, act));
    return push(n);
  }

  /**
   * A 2-D convolution over channels-last images, fused with bias and activation: {@code act(conv(x,
   * W) + b)}. {@code x} is [batch, height, width, channels] or any shape of that size whose first
   * dimension is the batch (the flat form [batch, height * width * channels] included); {@code W} is
   * [outChannels, kernelH * kernelW * channels]; {@code b} is [outChannels] or null; {@code act} is
   * a unary op or null. The geometry's batch must equal x's first dimension. The result is [batch,
   * outHeight, outWidth, outChannels].
   */
  public Var conv2d(Value x, Value w, Value b, UnaryOp act, Conv2dGeometry g) {
    check(x, "conv2d"); check(w, "conv2d");
    if (b != null) check(b, "conv2d");
    Nodes.Conv2d n = slotAs(Nodes.Conv2d.class);
    if (n != null && n.fits(x, w, b, act, g)) n.bind(x, w, b);
    else n = place(new Nodes.Conv2d(x, w, b, act, g));
    return push(n);
  }

  /**
   * Channels-first images [batch, channels, height, width] (or their flat form) to channels-last
   * [batch, height, width, channels], the layout {@link #conv2d} reads.
   */
  public Var channelsLast(Value x, int channels, int height, int width) {
    check(x, "channelsLast");
    Nodes.ChannelsLast n = slotAs(Nodes.ChannelsLast.class);
    if (n != null && n.fits(x, channels, height, width)) n.bind(x);
    else n = place(new Nodes.ChannelsLast(x, channels, height, width));
    return push(n);
  }

  /** The values of each batch row as one flat row: [batch, ...] to [batch, product of the rest] (a view). */
  public Var flatten(Value x) {
    Tensor v = x.value();
    if (v.rank() < 1) throw new IllegalArgumentException("flatten: " + x.shapeString() + " has no batch dimension");
    int b = v.dim(0);
    if (v.rank() == 2) return reshape(x, b, v.dim(1));
    return reshape(x, b, b == 0 ? 0 : v.size() / b);
  }

  /** {@code op(x)} elementwise. */
  public Var unary(UnaryOp op, Value x) {
    check(x, op);
    Nodes.Unary n = slotAs(Nodes.Unary.class);
    if (n != null && n.fits(op, x)) n.bind(x);
    else n = place(new Nodes.Unary(op, x));
    return push(n);
  }

  /** {@code min(max(x, lo), hi)}; zero gradient outside (lo, hi). */
  public Var clamp(Value x, float lo, float hi) {
    check(x, "clamp");
    Nodes.Clamp n = slotAs(Nodes.Clamp.class);
    if (n != null && n.fits(x)) n.bind(x, lo, hi);
    else n = place(new Nodes.Clamp(x, lo, hi));
    return push(n);
  }

  /** {@code op(a, b)} elementwise, with row, column or scalar broadcasting of either side. */
  public Var binary(BinaryOp op, Value a, Value b) {
    check(a, op); check(b, op);
    Nodes.Binary n = slotAs(Nodes.Binary.class);
    if (n != null && n.fits(op, a, b)) n.bind(a, b);
    else n = place(new Nodes.Binary(op, a, b));
    return push(n);
  }

  /** {@code op(x, s)} elementwise with a constant. */
  public Var binary(BinaryOp op, Value x, float s) {
    check(x, op);
    Nodes.BinaryScalar n = slotAs(Nodes.BinaryScalar.class);
    if (n != null && n.fits(op, x)) n.bind(x, s);
    else n = place(new Nodes.BinaryScalar(op, x, s));
    return push(n);
  }

  public Var add(Value a, Value b) { return binary(BinaryOp.ADD, a, b); }
  public Var sub(Value a, Value b) { return binary(BinaryOp.SUB, a, b); }
  public Var mul(Value a, Value b) { return binary(BinaryOp.MUL, a, b); }
  public Var div(Value a, Value b) { return binary(BinaryOp.DIV, a, b); }
  /** Elementwise maximum; on ties the gradient goes to {@code a}. */
  public Var max(Value a, Value b) { return binary(BinaryOp.MAX, a, b); }
  /** Elementwise minimum; on ties the gradient goes to {@code a}. */
  public Var min(Value a, Value b) { return binary(BinaryOp.MIN, a, b); }
  public Var add(Value x, float s) { return binary(BinaryOp.ADD, x, s); }
  public Var sub(Value x, float s) { return binary(BinaryOp.SUB, x, s); }
  public Var mul(Value x, float s) { return binary(BinaryOp.MUL, x, s); }
  public Var div(Value x, float s) { return binary(BinaryOp.DIV, x, s); }

  /** {@code mask != 0 ? a : b} elementwise; mask, a and b broadcast. The mask is a constant. */
  public Var where(Tensor mask, Value a, Value b) {
    check(a, "where"); check(b, "where");
    Nodes.Where n = slotAs(Nodes.Where.class);
    if (n != null && n.fits(mask, a, b)) n.bind(mask, a, b);
    else n = place(new Nodes.Where(mask, a, b));
    return push(n);
  }

  /** Sum of every element, as a rank-0 value. */
  public Var sum(Value x) { return reduceAll(ReduceOp.SUM, x); }

  /** Mean of every element, as a rank-0 value. */
  public Var mean(Value x) { return reduceAll(ReduceOp.MEAN, x); }

  private Var reduceAll(ReduceOp op, Value x) {
    check(x, "reduce");
    Nodes.ReduceAll n = slotAs(Nodes.ReduceAll.class);
    if (n != null && n.fits(op, x)) n.bind(x);
    else n = place(new Nodes.ReduceAll(op, x));
    return push(n);
  }

  /** Sum of each row, as a [rows, 1] column. */
  public Var sumRows(Value x) { return reduceRows(ReduceOp.SUM, x); }

  /** Mean of each row, as a [rows, 1] column. */
  public Var meanRows(Value x) { return reduceRows(ReduceOp.MEAN, x); }

  private Var reduceRows(ReduceOp op, Value x) {
    check(x, "reduceRows");
    Nodes.ReduceRows n = slotAs(Nodes.ReduceRows.class);
    if (n != null && n.fits(op, x)) n.bind(x);
    else n = place(new Nodes.ReduceRows(op, x));
    return push(n);
  }

  /** {@code log(sum(exp(row)))} of each row, as a [rows, 1] column. */
  public Var logSumExpRows(Value x) {
    check(x, "logSumExpRows");
    Nodes.LogSumExpRows n = slotAs(Nodes.LogSumExpRows.class);
    if (n != null && n.fits(x)) n.bind(x);
    else n = place(new Nodes.LogSumExpRows(x));
    return push(n);
  }

  /** Softmax of each row. */
  public Var softmaxRows(Value x) {
    check(x, "softmaxRows");
    Nodes.SoftmaxRows n = slotAs(Nodes.SoftmaxRows.class);
    if (n != null && n.fits(x)) n.bind(x);
    else n = place(new Nodes.SoftmaxRows(x));
    return push(n);
  }

  /** Log-softmax of each row. */
  public Var logSoftmaxRows(Value x) {
    check(x, "logSoftmaxRows");
    Nodes.LogSoftmaxRows n = slotAs(Nodes.LogSoftmaxRows.class);
    if (n != null && n.fits(x)) n.bind(x);
    else n = place(new Nodes.LogSoftmaxRows(x));
    return push(n);
  }

  /**
   * {@code y[i] = x[i, idx[i]]}, as a [rows, 1] column. {@code idx} is kept by reference and read
   * again by backward: do not change it in between.
   */
  public Var gatherRows(Value x, int[] idx) {
    check(x, "gatherRows");
    Nodes.GatherRows n = slotAs(Nodes.GatherRows.class);
    if (n != null && n.fits(x)) n.bind(x, idx);
    else n = place(new Nodes.GatherRows(x, idx));
    return push(n);
  }

  /** Matrices side by side along the feature (column) axis; every part has the same rows. */
  public Var concatCols(Value... parts) {
    for (Value p : parts) check(p, "concatCols");
    Nodes.ConcatCols n = slotAs(Nodes.ConcatCols.class);
    if (n != null && n.fits(parts)) n.bind(parts);
    else n = place(new Nodes.ConcatCols(parts));
    return push(n);
  }

  /** Columns {@code from} (inclusive) to {@code to} (exclusive) of a matrix. */
  public Var sliceCols(Value x, int from, int to) {
    check(x, "sliceCols");
    Nodes.SliceCols n = slotAs(Nodes.SliceCols.class);
    if (n != null && n.fits(x, from, to)) n.bind(x);
    else n = place(new Nodes.SliceCols(x, from, to));
    return push(n);
  }

  /** Splits a matrix's columns into parts of the given widths, which must add up to its column count. */
  public Var[] splitCols(Value x, int... widths) {
    int total = 0;
    for (int w : widths) total += w;
    if (total != x.value().cols()) {
      throw new IllegalArgumentException("splitCols: widths " + java.util.Arrays.toString(widths) + " add up to " + total
          + " but " + x.shapeString() + " has " + x.value().cols() + " columns");
    }
    Var[] out = new Var[widths.length];
    int from = 0;
    for (int i = 0; i < widths.length; i++) {
      out[i] = sliceCols(x, from, from + widths[i]);
      from += widths[i];
    }
    return out;
  }

  /** The same values with a new shape (a view, no copy). */
  public Var reshape(Value x, int... shape) {
    check(x, "reshape");
    Nodes.Reshape n = slotAs(Nodes.Reshape.class);
    if (n != null && n.fits(x, shape)) n.bind(x);
    else n = place(new Nodes.Reshape(x, shape));
    return push(n);
  }

  // ---- backward ----

  /**
   * Runs the current pass in reverse from {@code loss}, a one-element value of this pass, and
   * accumulates gradients into every value and parameter that requires one.
   */
  public void backward(Var loss) {
    if (loss.tape != this || loss.index < 0 || loss.index >= cursor || slots.get(loss.index).out != loss) {
      throw new IllegalArgumentException("backward: " + loss + " is not a value of this tape's current pass");
    }
    if (loss.value.size() != 1) {
      throw new IllegalArgumentException("backward: the loss must have one element, but " + loss.label() + " is "
          + loss.shapeString() + "; reduce it with sum() or mean() first");
    }
    if (!loss.requiresGrad) {
      throw new IllegalStateException("backward: " + loss.label() + " does not depend on anything that requires a"
          + " gradient (no parameter or variable was used, or it was computed in no-grad mode)");
    }
    for (int i = 0; i < cursor; i++) slots.get(i).out.clearGradLazily();
    loss.beginWrite();
    kernels.fill(loss.grad, 1f);
    for (int i = loss.index; i >= 0; i--) {
      Node n = slots.get(i);
      if (!n.out.requiresGrad || n.out.gradPending) continue;
      if (profiling) {
        long t0 = System.nanoTime();
        n.backward(kernels);
        n.backwardNanos += System.nanoTime() - t0;
        n.backwardRuns++;
      } else {
        n.backward(kernels);
      }
      if (finiteGuard) checkGradients(i, n);
    }
  }

  // ---- inspection ----

  /**
   * A readable listing of the current pass, one line per operation: position, op, detail, the
   * values it read with their shapes, and the output shape.
   */
  public String listing() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cursor; i++) {
      Node n = slots.get(i);
      sb.append(String.format("%3d  %-16s", i, n.op()));
      String d = n.detail();
      List<Value> in = n.inputs();
      if (!in.isEmpty()) {
        sb.append(" reads ");
        for (int j = 0; j < in.size(); j++) {
          if (j > 0) sb.append(", ");
          sb.append(in.get(j).label()).append(' ').append(in.get(j).shapeString());
        }
      }
      if (!d.isEmpty()) sb.append("  (").append(d).append(')');
      sb.append("  -> ").append(n.out.label()).append(' ').append(n.out.shapeString());
      if (!n.out.requiresGrad) sb.append("  [no grad]");
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * The timing sums of {@link #setProfiling(boolean)}, one line per op of the current pass:
   * position, op, output shape, mean forward and backward microseconds per run, and the share of
   * the total; then the total per pass. Ops whose slot held a different op in an earlier pass
   * count only from when the slot last changed.
   */
  public String profile() {
    long total = 0;
    for (int i = 0; i < cursor; i++) total += slots.get(i).forwardNanos + slots.get(i).backwardNanos;
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%3s  %-16s %-14s %12s %12s %7s%n", "#", "op", "output",
        "forward us", "backward us", "share"));
    double perPass = 0;
    for (int i = 0; i < cursor; i++) {
      Node n = slots.get(i);
      double f = n.forwardRuns == 0 ? 0 : n.forwardNanos / 1e3 / n.forwardRuns;
      double b = n.backwardRuns == 0 ? 0 : n.backwardNanos / 1e3 / n.backwardRuns;
      perPass += f + b;
      double share = total == 0 ? 0 : 100.0 * (n.forwardNanos + n.backwardNanos) / total;
      sb.append(String.format(Locale.ROOT, "%3d  %-16s %-14s %12.2f %12.2f %6.1f%%%n", i, n.op(), n.out.shapeString(), f, b, share));
    }
    return sb.append(String.format(Locale.ROOT, "total per pass: %.1f us%n", perPass)).toString();
  }

  /** The current pass as a Graphviz DOT graph: ops as boxes, parameters as ellipses. */
  public String toDot() {
    StringBuilder sb = new StringBuilder("digraph tape {\n  rankdir=LR;\n  node [fontname=\"monospace\"];\n");
    List<Parameter> params = new ArrayList<>();
    for (int i = 0; i < cursor; i++) {
      Node n = slots.get(i);
      String d = n.detail();
      sb.append("  v").append(i).append(" [shape=box, label=\"").append(escape(n.out.label() + ": " + n.op()))
          .append(d.isEmpty() ? "" : "\\n" + escape(d)).append("\\n").append(n.out.shapeString()).append("\"];\n");
      for (Value in : n.inputs()) {
        if (in instanceof Parameter p) {
          if (!params.contains(p)) {
            params.add(p);
            sb.append("  p").append(params.size() - 1).append(" [shape=ellipse, label=\"").append(escape(p.name()))
                .append("\\n").append(p.shapeString()).append("\"];\n");
          }
          sb.append("  p").append(params.indexOf(p)).append(" -> v").append(i).append(";\n");
        } else {
          sb.append("  ").append(in.label()).append(" -> v").append(i).append(";\n");
        }
      }
    }
    return sb.append("}\n").toString();
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  // ---- slot management ----

  /** The node in slot i (for tests in this package). */
  Node slot(int i) {
    return slots.get(i);
  }

  private <N extends Node> N slotAs(Class<N> type) {
    if (cursor < slots.size()) {
      Node n = slots.get(cursor);
      if (type.isInstance(n)) return type.cast(n);
    }
    return null;
  }

  private <N extends Node> N place(N n) {
    n.out.tape = this;
    if (cursor < slots.size()) slots.set(cursor, n);
    else slots.add(n);
    return n;
  }

  private Var push(Node n) {
    Var out = n.out;
    out.index = cursor++;
    out.requiresGrad = noGradDepth == 0 && n.anyInputRequiresGrad();
    if (profiling) {
      long t0 = System.nanoTime();
      n.forward(kernels);
      n.forwardNanos += System.nanoTime() - t0;
      n.forwardRuns++;
    } else {
      n.forward(kernels);
    }
    if (finiteGuard) checkOutput(out.index, n);
    return out;
  }

  /** Checks an operand; {@code op} (a name or an op enum) is only formatted when there is an error. */
  private void check(Value v, Object op) {
    if (v == null) throw new IllegalArgumentException(opName(op) + ": an operand is null");
    if (v instanceof Var var) {
      if (var.tape != this) throw new IllegalArgumentException(opName(op) + ": operand " + var + " belongs to another tape");
      if (var.index >= cursor || slots.get(var.index).out != var) {
        throw new IllegalArgumentException(opName(op) + ": operand " + var.label() + " " + var.shapeString()
            + " is from a cleared pass of this tape");
      }
    }
  }

  private static String opName(Object op) {
    return op instanceof Enum<?> e ? e.name().toLowerCase() : String.valueOf(op);
  }

  // ---- finite-value guard ----

  private void checkOutput(int index, Node n) {
    int bad = firstNonFinite(n.out.value);
    if (bad >= 0) {
      throw new NonFiniteException("finite guard: op #" + index + " '" + n.op() + "' " + inputShapes(n)
          + " produced " + n.out.value.get(bad) + " at element " + bad + " of its output " + n.out.shapeString());
    }
  }

  private void checkGradients(int index, Node n) {
    for (Value in : n.inputs()) {
      if (!in.requiresGrad() || in.gradPending || in.grad == null) continue;
      int bad = firstNonFinite(in.grad);
      if (bad >= 0) {
        throw new NonFiniteException("finite guard: backward of op #" + index + " '" + n.op() + "' " + inputShapes(n)
            + " produced " + in.grad.get(bad) + " at element " + bad + " of the gradient of " + in.label() + " "
            + in.shapeString());
      }
    }
  }

  private static String inputShapes(Node n) {
    StringBuilder sb = new StringBuilder("on inputs");
    for (Value v : n.inputs()) sb.append(' ').append(v.label()).append(' ').append(v.shapeString());
    return n.inputs().isEmpty() ? "(a leaf)" : sb.toString();
  }

  /** Index of the first NaN or infinity in {@code t}, or -1. A host-side scan (debugging aid). */
  private static int firstNonFinite(Tensor t) {
    float[] d = t.data();
    for (int i = 0, o = t.offset(), n = t.size(); i < n; i++) if (!Float.isFinite(d[o + i])) return i;
    return -1;
  }
}
