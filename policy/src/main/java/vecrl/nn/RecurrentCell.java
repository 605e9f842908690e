package vecrl.nn;

import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * A recurrent cell ({@link LSTMCell}, {@link GRUCell}) built from two {@link Linear} layers, as in
 * PyTorch: an input projection {@code x W_ihᵀ + b_ih} and a hidden projection {@code h W_hhᵀ + b_hh},
 * each producing {@code gates * hidden} columns, combined by the cell's gate equations.
 *
 * <p><b>Parameters</b>, in this order: {@code <name>.ih.weight} [gates·H, in], {@code <name>.ih.bias}
 * [gates·H], {@code <name>.hh.weight} [gates·H, H], {@code <name>.hh.bias} [gates·H]. They are
 * PyTorch's {@code weight_ih_l0}, {@code bias_ih_l0}, {@code weight_hh_l0}, {@code bias_hh_l0}, with
 * the gate blocks stacked in PyTorch's order, so weights copy across unchanged. Default
 * initialisation is PyTorch's: every weight and bias uniform in ±1/√H.
 *
 * <p><b>Two paths.</b> On a tape, {@link #step} advances a batch by one step and {@link #unroll} runs
 * whole sequences (backpropagation through time); they are composed from the tape's primitives
 * (linear, add, mul, sub, sigmoid, tanh, sliceCols, concatCols, reshape), so the cell has no backward
 * code of its own. Without a tape, {@link #stepRow} advances one row in place and allocates nothing
 * (the single-observation inference path); it computes the same formulas in float32 and agrees with
 * the tape to rounding.
 *
 * <p><b>Memory.</b> A row of packed state has {@link #stateSize()} floats: {@code [h]} for a GRU,
 * {@code [h | c]} for an LSTM.
 */
public abstract sealed class RecurrentCell permits LSTMCell, GRUCell, LayerNormLSTMCell {
  /** The state of a batch on a tape: {@code h} [B, H] and, for an LSTM, {@code c} [B, H] (null for a GRU). */
  public record State(Var h, Var c) {}

  /** The result of {@link #unroll}: every step's {@code h} as [B·steps, H] (sequence-major rows) and the final state. */
  public record Unrolled(Var outputs, State last) {}

  private final String name;
  private final int in, hidden, gates;
  final Linear ih, hh;

  RecurrentCell(String name, int in, int hidden, int gates, Init init, Rng rng) {
    if (in <= 0 || hidden <= 0) {
      throw new IllegalArgumentException(getClass().getSimpleName() + " '" + name + "': sizes in=" + in + ", hidden=" + hidden
          + " must be positive");
    }
    this.name = name;
    this.in = in;
    this.hidden = hidden;
    this.gates = gates;
    Init i = init == null ? Init.uniform(1.0 / Math.sqrt(hidden)) : init;
    this.ih = new Linear(name + ".ih", in, gates * hidden, i, rng);
    this.hh = new Linear(name + ".hh", hidden, gates * hidden, i, rng);
  }

  public final String name() { return name; }
  public final int inputSize() { return in; }
  public final int hiddenSize() { return hidden; }
  /** The input projection (W_ih, b_ih). */
  public final Linear inputLayer() { return ih; }
  /** The hidden projection (W_hh, b_hh). */
  public final Linear hiddenLayer() { return hh; }

  /** {@code "lstm"} or {@code "gru"}. */
  public abstract String kind();

  /** Floats in one row of packed state: H for a GRU, 2H ({@code [h | c]}) for an LSTM. */
  public abstract int stateSize();

  /** Appends ih.weight, ih.bias, hh.weight, hh.bias, then any parameters of the cell's own (a layer-normalised LSTM's gains and shifts). */
  public final void addParameters(ParameterSet set) {
    ih.addParameters(set);
    hh.addParameters(set);
    addOwnParameters(set);
  }

  /** Parameters beyond the two projections; none by default. */
  void addOwnParameters(ParameterSet set) {}

  /** The input projection of x [rows, in] on the tape, [rows, gates·H]: {@code x W_ihᵀ + b_ih} by default. */
  Var project(Var x) {
    return ih.forward(x, Activation.IDENTITY);
  }

  /** One step on the tape from the input projection {@code xp} [B, gates·H] of the inputs. */
  abstract State advance(Var xp, State s);

  /** One step in place: {@code proj} holds the input projection then the hidden projection. */
  abstract void advanceRow(float[] proj, float[] state, int so);

  /** One step of a batch: x [B, in], state of B rows; returns the new state. */
  public final State step(Var x, State s) {
    checkState(s, x.value().rows());
    return advance(project(x), s);
  }

  /**
   * Runs {@code steps} steps of B sequences at once. {@code x} is [B·steps, in] with sequence-major
   * rows (row {@code j·steps + t} is step t of sequence j); {@code start} is the state before step 0.
   * {@code keep} (null: none) is a [steps·B] mask laid out step-major ({@code keep[t·B + j]}): before
   * step t, the state of sequence j is multiplied by it, so 0 resets it to zeros at an episode start
   * and no gradient flows back across the reset. The input projection of all steps is one matrix
   * multiply; outputs are every step's h, [B·steps, H], in the rows of {@code x}.
   */
  public final Unrolled unroll(Var x, int steps, State start, Tensor keep) {
    Tensor xv = x.value();
    if (steps <= 0 || xv.rank() != 2 || xv.cols() != in || xv.rows() % steps != 0) {
      throw new IllegalArgumentException(getClass().getSimpleName() + " '" + name + "'.unroll: inputs " + x.shapeString() + " for "
          + steps + " steps, expected [sequences * " + steps + ", " + in + "]");
    }
    int b = xv.rows() / steps;
    checkState(start, b);
    if (keep != null && keep.size() != steps * b) {
      throw new IllegalArgumentException(getClass().getSimpleName() + " '" + name + "'.unroll: keep mask " + keep.shapeString()
          + ", expected " + steps * b + " values (" + steps + " steps x " + b + " sequences)");
    }
    Tape tape = x.tape();
    Var xp = project(x);
    if (steps == 1) {
      State s = advance(xp, reset(tape, start, keep, 0, b));
      return new Unrolled(s.h(), s);
    }
    int g = gates * hidden;
    Var wide = xp.reshape(b, steps * g);
    Var[] hs = new Var[steps];
    State s = start;
    for (int t = 0; t < steps; t++) {
      s = advance(wide.sliceCols(t * g, (t + 1) * g), reset(tape, s, keep, t, b));
      hs[t] = s.h();
    }
    return new Unrolled(tape.concatCols(hs).reshape(b * steps, hidden), s);
  }

  private static State reset(Tape tape, State s, Tensor keep, int t, int b) {
    if (keep == null) return s;
    Var k = tape.input(Tensor.wrap(keep.data(), keep.offset() + t * b, new int[] {b, 1}));
    return new State(s.h().mul(k), s.c() == null ? null : s.c().mul(k));
  }

  /** The state held in packed rows {@code memory} [B, stateSize()] (slices on the tape). */
  public abstract State unpack(Var memory);

  /** The packed rows [B, stateSize()] of a state. */
  public abstract Var pack(State s);

  private void checkState(State s, int rows) {
    boolean lstm = stateSize() == 2 * hidden;
    if (s == null || !shape(s.h(), rows) || (lstm ? !shape(s.c(), rows) : s.c() != null)) {
      throw new IllegalArgumentException(getClass().getSimpleName() + " '" + name + "': state " + describe(s) + ", expected h"
          + (lstm ? " and c" : "") + " of [" + rows + ", " + hidden + "]");
    }
  }

  private boolean shape(Var v, int rows) {
    return v != null && v.value().rank() == 2 && v.value().rows() == rows && v.value().cols() == hidden;
  }

  private static String describe(State s) {
    if (s == null) return "null";
    return "h " + (s.h() == null ? "null" : s.h().shapeString()) + ", c " + (s.c() == null ? "null" : s.c().shapeString());
  }

  /** The scratch {@link #stepRow} needs: 2·gates·H floats. */
  public final int rowScratchSize() {
    return 2 * gates * hidden;
  }

  /**
   * One step of one row without a tape: reads {@code x[xo .. xo+in)}, replaces the packed state
   * {@code state[so .. so+stateSize())} by the next one. {@code scratch} has at least {@link
   * #rowScratchSize()} floats, {@code red} {@link Linear#REDUCTION_SCRATCH}. Allocates nothing.
   */
  public final void stepRow(float[] x, int xo, float[] state, int so, float[] scratch, float[] red) {
    ih.forwardRow(x, xo, scratch, 0, Activation.IDENTITY, red);
    hh.forwardRow(state, so, scratch, gates * hidden, Activation.IDENTITY, red);
    advanceRow(scratch, state, so);
  }

  /** e.g. {@code LSTMCell[4 -> 64, gates i,f,g,o, init uniform(0.125)]}. */
  public final String describe() {
    return getClass().getSimpleName() + "[" + in + " -> " + hidden + ", gates " + gateOrder() + ", init " + ih.init() + "]";
  }

  abstract String gateOrder();

  @Override
  public final String toString() {
    return describe();
  }

  static float sigmoid(float x) {
    return vecrl.tensor.UnaryOp.SIGMOID.apply(x);
  }

  static float tanh(float x) {
    return vecrl.tensor.UnaryOp.TANH.apply(x);
  }
}
