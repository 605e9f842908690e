package vecrl.nn;

import java.util.ArrayList;
import java.util.List;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Var;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * One or more recurrent cells stacked, PyTorch's {@code nn.LSTM(num_layers=n)} and SB3-contrib's
 * {@code n_lstm_layers}: layer 0 reads the input, layer k reads layer k-1's {@code h} of the same
 * step, and the output is the last layer's {@code h}. Every layer has the same kind and width.
 *
 * <p><b>Names.</b> A single layer is named {@code name} (so its parameters are {@code
 * <name>.ih.weight} ..., as a lone cell's); layers of a deeper stack are {@code <name>.l0}, {@code
 * <name>.l1}, ... (PyTorch's {@code _l0}, {@code _l1}).
 *
 * <p><b>Memory.</b> A packed row is every layer's packed state in layer order: {@code [h0 | c0 | h1
 * | c1 | ...]} for LSTMs, {@code [h0 | h1 | ...]} for GRUs. An episode reset zeroes every layer.
 */
public final class RecurrentStack {
  /** The result of {@link #unroll}: the last layer's {@code h} of every step, [B·steps, H], and the packed state after the last step, [B, stateSize]. */
  public record Unrolled(Var outputs, Var last) {}

  private final RecurrentCell[] layers;
  private final int[] offsets;
  private final int stateSize;

  /**
   * A stack of {@code count} cells of {@code kind} ({@code "lstm"} or {@code "gru"}), {@code hidden}
   * wide, the first reading {@code in} features; {@code layerNorm} makes the LSTM cells {@link
   * LayerNormLSTMCell}s (a GRU with layer normalisation is an error). Cells are initialised in
   * layer order from {@code rng}.
   */
  public RecurrentStack(String kind, String name, int in, int hidden, int count, boolean layerNorm, Rng rng) {
    if (count < 1) throw new IllegalArgumentException("RecurrentStack '" + name + "': " + count + " layers, expected at least 1");
    if (!kind.equals("lstm") && !kind.equals("gru")) {
      throw new IllegalArgumentException("RecurrentStack '" + name + "': cell kind \"" + kind + "\", expected lstm or gru");
    }
    if (layerNorm && !kind.equals("lstm")) {
      throw new IllegalArgumentException("RecurrentStack '" + name + "': layer normalisation is defined for LSTM cells (Stable-Baselines'"
          + " layer_norm), not for " + kind);
    }
    layers = new RecurrentCell[count];
    offsets = new int[count];
    int off = 0;
    for (int i = 0; i < count; i++) {
      String n = count == 1 ? name : name + ".l" + i;
      int inputs = i == 0 ? in : hidden;
      layers[i] = kind.equals("gru") ? new GRUCell(n, inputs, hidden, rng)
          : layerNorm ? new LayerNormLSTMCell(n, inputs, hidden, rng) : new LSTMCell(n, inputs, hidden, rng);
      offsets[i] = off;
      off += layers[i].stateSize();
    }
    stateSize = off;
  }

  public int layerCount() { return layers.length; }
  public RecurrentCell layer(int i) { return layers[i]; }
  public List<RecurrentCell> layers() { return List.of(layers); }
  /** {@code "lstm"} or {@code "gru"}. */
  public String kind() { return layers[0].kind(); }
  public int inputSize() { return layers[0].inputSize(); }
  /** The width of every layer, and of the output. */
  public int hiddenSize() { return layers[0].hiddenSize(); }
  /** Floats in one packed row: the sum of the layers' state sizes. */
  public int stateSize() { return stateSize; }
  /** Where layer {@code i}'s packed state starts in a row. */
  public int stateOffset(int i) { return offsets[i]; }
  /** Where the output (the last layer's h) starts in a packed row. */
  public int outputOffset() { return offsets[layers.length - 1]; }
  public boolean layerNorm() { return layers[0] instanceof LayerNormLSTMCell; }

  /** Appends every layer's parameters, layer by layer. */
  public void addParameters(ParameterSet set) {
    for (RecurrentCell c : layers) c.addParameters(set);
  }

  /**
   * Runs {@code steps} steps of B sequences through every layer (see {@link RecurrentCell#unroll}
   * for the row layout and {@code keep}); {@code memory} [B, stateSize] is the packed state before
   * step 0.
   */
  public Unrolled unroll(Var x, int steps, Var memory, Tensor keep) {
    if (layers.length == 1) {
      RecurrentCell c = layers[0];
      RecurrentCell.Unrolled u = c.unroll(x, steps, c.unpack(memory), keep);
      return new Unrolled(u.outputs(), c.pack(u.last()));
    }
    Var in = x;
    Var[] lasts = new Var[layers.length];
    for (int i = 0; i < layers.length; i++) {
      RecurrentCell c = layers[i];
      RecurrentCell.Unrolled u = c.unroll(in, steps, c.unpack(memory.sliceCols(offsets[i], offsets[i] + c.stateSize())), keep);
      in = u.outputs();
      lasts[i] = c.pack(u.last());
    }
    return new Unrolled(in, x.tape().concatCols(lasts));
  }

  /** The scratch {@link #stepRow} needs. */
  public int rowScratchSize() {
    int s = 0;
    for (RecurrentCell c : layers) s = Math.max(s, c.rowScratchSize());
    return s;
  }

  /**
   * One step of one row without a tape (see {@link RecurrentCell#stepRow}): replaces the packed
   * state {@code state[so .. so+stateSize())}; the output h is then at {@code so + outputOffset()}.
   * Allocates nothing.
   */
  public void stepRow(float[] x, int xo, float[] state, int so, float[] scratch, float[] red) {
    layers[0].stepRow(x, xo, state, so, scratch, red);
    for (int i = 1; i < layers.length; i++) layers[i].stepRow(state, so + offsets[i - 1], state, so + offsets[i], scratch, red);
  }

  /** A lone cell's own description; for a deeper stack, {@code 2 x [LSTMCell[...], LSTMCell[...]]}. */
  public String describe() {
    if (layers.length == 1) return layers[0].describe();
    List<String> d = new ArrayList<>();
    for (RecurrentCell c : layers) d.add(c.describe());
    return layers.length + " layers " + d;
  }

  @Override
  public String toString() {
    return describe();
  }
}
