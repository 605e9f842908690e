package vecrl.nn;

import vecrl.autodiff.Var;
import vecrl.tensor.Rng;

/**
 * A gated recurrent unit with PyTorch's {@code nn.GRUCell} equations and gate order (r, z, n), the
 * three blocks of H rows stacked in that order in both weights. As in PyTorch (and cuDNN), the
 * reset gate multiplies the hidden projection <em>including its bias</em>:
 *
 * <pre>
 *   [a_r | a_z | a_n] = x W_ihᵀ + b_ih        [b_r | b_z | b_n] = h W_hhᵀ + b_hh
 *   r = σ(a_r + b_r),  z = σ(a_z + b_z)
 *   n = tanh(a_n + r ⊙ b_n)
 *   h' = (1 - z) ⊙ n + z ⊙ h   (computed as n + z ⊙ (h - n))
 * </pre>
 *
 * Packed state rows are {@code [h]} (H floats). See {@link RecurrentCell} for parameters,
 * initialisation and the two paths.
 */
public final class GRUCell extends RecurrentCell {
  /** A cell with PyTorch's initialisation (uniform ±1/√hidden). */
  public GRUCell(String name, int inputSize, int hiddenSize, Rng rng) {
    this(name, inputSize, hiddenSize, null, rng);
  }

  /** A cell whose weights and biases are initialised by {@code init} (null: PyTorch's default). */
  public GRUCell(String name, int inputSize, int hiddenSize, Init init, Rng rng) {
    super(name, inputSize, hiddenSize, 3, init, rng);
  }

  @Override public String kind() { return "gru"; }
  @Override public int stateSize() { return hiddenSize(); }
  @Override String gateOrder() { return "r,z,n"; }

  @Override
  State advance(Var xp, State s) {
    int h = hiddenSize();
    Var hp = hh.forward(s.h(), Activation.IDENTITY);
    Var r = xp.sliceCols(0, h).add(hp.sliceCols(0, h)).sigmoid();
    Var z = xp.sliceCols(h, 2 * h).add(hp.sliceCols(h, 2 * h)).sigmoid();
    Var n = xp.sliceCols(2 * h, 3 * h).add(r.mul(hp.sliceCols(2 * h, 3 * h))).tanh();
    return new State(n.add(z.mul(s.h().sub(n))), null);
  }

  @Override
  void advanceRow(float[] p, float[] state, int so) {
    int h = hiddenSize(), q = 3 * h;
    for (int j = 0; j < h; j++) {
      float r = sigmoid(p[j] + p[q + j]);
      float z = sigmoid(p[h + j] + p[q + h + j]);
      float n = tanh(p[2 * h + j] + r * p[q + 2 * h + j]);
      state[so + j] = n + z * (state[so + j] - n);
    }
  }

  @Override
  public State unpack(Var memory) {
    return new State(memory, null);
  }

  @Override
  public Var pack(State s) {
    return s.h();
  }
}
