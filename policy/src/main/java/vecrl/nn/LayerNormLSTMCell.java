package vecrl.nn;

import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Var;
import vecrl.tensor.Rng;

/**
 * A layer-normalised LSTM cell, Stable-Baselines' {@code lstm(..., layer_norm=True)} (Ba, Kiros and
 * Hinton 2016): each projection is normalised over its whole row of 4H gate pre-activations before
 * the two are added, and the cell state is normalised before its tanh. Gate order (i, f, g, o), as
 * {@link LSTMCell}:
 *
 * <pre>
 *   [i | f | g | o] = LN_ih(x W_ihᵀ) + b_ih + LN_hh(h W_hhᵀ) + b_hh
 *   i = σ(i),  f = σ(f),  g = tanh(g),  o = σ(o)
 *   c' = f ⊙ c + i ⊙ g
 *   h' = o ⊙ tanh(LN_c(c'))
 * </pre>
 *
 * {@code LN(v) = (v - mean(v)) / sqrt(var(v) + 1e-5) ⊙ gain + shift} over the row (biased variance,
 * eps 1e-5, as Stable-Baselines' {@code _ln} and PyTorch's {@code layer_norm}). Stable-Baselines has one
 * bias {@code b} after the two normalised projections; here it is {@code b_ih + b_hh}, so the two
 * projections keep {@link LSTMCell}'s parameters and initialisation (the sum of two additive terms
 * is the same function). The cell state {@code c'} is carried un-normalised.
 *
 * <p><b>Parameters</b>, in this order: {@code <name>.ih.weight}, {@code .ih.bias}, {@code
 * .hh.weight}, {@code .hh.bias} (uniform ±1/√H, as {@link LSTMCell}), then {@code .ln_ih.weight},
 * {@code .ln_ih.bias} [4H], {@code .ln_hh.weight}, {@code .ln_hh.bias} [4H], {@code .ln_c.weight},
 * {@code .ln_c.bias} [H] (gains 1, shifts 0). Packed state rows are {@code [h | c]}.
 */
public final class LayerNormLSTMCell extends RecurrentCell {
  private final LayerNorm lnIh, lnHh, lnC;

  /** A cell with PyTorch's initialisation of the projections (uniform ±1/√hidden), gains 1 and shifts 0. */
  public LayerNormLSTMCell(String name, int inputSize, int hiddenSize, Rng rng) {
    this(name, inputSize, hiddenSize, null, rng);
  }

  /** A cell whose projections are initialised by {@code init} (null: PyTorch's default). */
  public LayerNormLSTMCell(String name, int inputSize, int hiddenSize, Init init, Rng rng) {
    super(name, inputSize, hiddenSize, 4, init, rng);
    lnIh = new LayerNorm(name + ".ln_ih", 4 * hiddenSize);
    lnHh = new LayerNorm(name + ".ln_hh", 4 * hiddenSize);
    lnC = new LayerNorm(name + ".ln_c", hiddenSize);
  }

  @Override public String kind() { return "lstm"; }
  @Override public int stateSize() { return 2 * hiddenSize(); }
  @Override String gateOrder() { return "i,f,g,o"; }

  /** The normalisation of the input projection (gain and shift [4H]). */
  public LayerNorm inputNorm() { return lnIh; }
  /** The normalisation of the hidden projection (gain and shift [4H]). */
  public LayerNorm hiddenNorm() { return lnHh; }
  /** The normalisation of the cell state before its tanh (gain and shift [H]). */
  public LayerNorm cellNorm() { return lnC; }

  @Override
  void addOwnParameters(ParameterSet set) {
    lnIh.addParameters(set);
    lnHh.addParameters(set);
    lnC.addParameters(set);
  }

  @Override
  Var project(Var x) {
    return lnIh.forward(x.linear(ih.weight(), null)).add(ih.bias());
  }

  @Override
  State advance(Var xp, State s) {
    int h = hiddenSize();
    Var z = xp.add(lnHh.forward(s.h().linear(hh.weight(), null)).add(hh.bias()));
    Var i = z.sliceCols(0, h).sigmoid();
    Var f = z.sliceCols(h, 2 * h).sigmoid();
    Var g = z.sliceCols(2 * h, 3 * h).tanh();
    Var o = z.sliceCols(3 * h, 4 * h).sigmoid();
    Var c = f.mul(s.c()).add(i.mul(g));
    return new State(o.mul(lnC.forward(c).tanh()), c);
  }

  @Override
  void advanceRow(float[] p, float[] state, int so) {
    int h = hiddenSize(), q = 4 * h;
    // the row projections include their biases: take them out, normalise, put them back
    normalizeRow(p, 0, q, ih.bias().value().data(), ih.bias().value().offset(), lnIh);
    normalizeRow(p, q, q, hh.bias().value().data(), hh.bias().value().offset(), lnHh);
    for (int j = 0; j < h; j++) {
      float i = sigmoid(p[j] + p[q + j]);
      float f = sigmoid(p[h + j] + p[q + h + j]);
      float g = tanh(p[2 * h + j] + p[q + 2 * h + j]);
      p[3 * h + j] = sigmoid(p[3 * h + j] + p[q + 3 * h + j]); // o, kept for after the cell's normalisation
      state[so + h + j] = f * state[so + h + j] + i * g;
    }
    float[] gc = lnC.weight().value().data(), bc = lnC.bias().value().data();
    int gco = lnC.weight().value().offset(), bco = lnC.bias().value().offset();
    float mean = mean(state, so + h, h), inv = invStd(state, so + h, h, mean);
    for (int j = 0; j < h; j++) {
      float n = (state[so + h + j] - mean) * inv * gc[gco + j] + bc[bco + j];
      state[so + j] = p[3 * h + j] * tanh(n);
    }
  }

  /** {@code v[o .. o+n) = LN(v - b) + b} in place, with the gain and shift of {@code ln}. */
  private static void normalizeRow(float[] v, int o, int n, float[] b, int bo, LayerNorm ln) {
    for (int j = 0; j < n; j++) v[o + j] -= b[bo + j];
    float mean = mean(v, o, n), inv = invStd(v, o, n, mean);
    float[] g = ln.weight().value().data(), s = ln.bias().value().data();
    int go = ln.weight().value().offset(), sh = ln.bias().value().offset();
    for (int j = 0; j < n; j++) v[o + j] = (v[o + j] - mean) * inv * g[go + j] + s[sh + j] + b[bo + j];
  }

  private static float mean(float[] v, int o, int n) {
    float s = 0f;
    for (int j = 0; j < n; j++) s += v[o + j];
    return s / n;
  }

  private static float invStd(float[] v, int o, int n, float mean) {
    float s = 0f;
    for (int j = 0; j < n; j++) {
      float d = v[o + j] - mean;
      s += d * d;
    }
    return 1f / (float) Math.sqrt(s / n + LayerNorm.EPS);
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
