package vecrl.nn;

import vecrl.autodiff.Var;
import vecrl.tensor.Rng;

/**
 * A long short-term memory cell with PyTorch's {@code nn.LSTMCell} equations and gate order
 * (i, f, g, o), the four blocks of H rows stacked in that order in both weights:
 *
 * <pre>
 *   [i | f | g | o] = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh
 *   i = σ(i),  f = σ(f),  g = tanh(g),  o = σ(o)
 *   c' = f ⊙ c + i ⊙ g
 *   h' = o ⊙ tanh(c')
 * </pre>
 *
 * Packed state rows are {@code [h | c]} (2H floats). See {@link RecurrentCell} for parameters,
 * initialisation and the two paths.
 */
public final class LSTMCell extends RecurrentCell {
  /** A cell with PyTorch's initialisation (uniform ±1/√hidden). */
  public LSTMCell(String name, int inputSize, int hiddenSize, Rng rng) {
    this(name, inputSize, hiddenSize, null, rng);
  }

  /** A cell whose weights and biases are initialised by {@code init} (null: PyTorch's default). */
  public LSTMCell(String name, int inputSize, int hiddenSize, Init init, Rng rng) {
    super(name, inputSize, hiddenSize, 4, init, rng);
  }

  @Override public String kind() { return "lstm"; }
  @Override public int stateSize() { return 2 * hiddenSize(); }
  @Override String gateOrder() { return "i,f,g,o"; }

  @Override
  State advance(Var xp, State s) {
    int h = hiddenSize();
    Var z = xp.add(hh.forward(s.h(), Activation.IDENTITY));
    Var i = z.sliceCols(0, h).sigmoid();
    Var f = z.sliceCols(h, 2 * h).sigmoid();
    Var g = z.sliceCols(2 * h, 3 * h).tanh();
    Var o = z.sliceCols(3 * h, 4 * h).sigmoid();
    Var c = f.mul(s.c()).add(i.mul(g));
    return new State(o.mul(c.tanh()), c);
  }

  @Override
  void advanceRow(float[] p, float[] state, int so) {
    int h = hiddenSize(), q = 4 * h;
    for (int j = 0; j < h; j++) {
      float i = sigmoid(p[j] + p[q + j]);
      float f = sigmoid(p[h + j] + p[q + h + j]);
      float g = tanh(p[2 * h + j] + p[q + 2 * h + j]);
      float o = sigmoid(p[3 * h + j] + p[q + 3 * h + j]);
      float c = f * state[so + h + j] + i * g;
      state[so + h + j] = c;
      state[so + j] = o * tanh(c);
    }
  }

  @Override
  public State unpack(Var memory) {
    int h = hiddenSize();
    return new State(memory.sliceCols(0, h), memory.sliceCols(h, 2 * h));
  }

  @Override
  public Var pack(State s) {
    return s.h().tape().concatCols(s.h(), s.c());
  }
}
