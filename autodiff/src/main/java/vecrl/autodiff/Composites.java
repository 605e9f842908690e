package vecrl.autodiff;

import vecrl.tensor.Tensor;

/**
 * Operations built from the primitives on a {@link Tape}. They need no backward code of their
 * own: the tape differentiates the primitives they record.
 */
public final class Composites {
  private Composites() {}

  /** {@code mean((pred - target)^2)}. */
  public static Var mse(Var pred, Value target) {
    return pred.sub(target).square().mean();
  }

  /** {@code s - x}. */
  public static Var rsub(float s, Var x) {
    return x.neg().add(s);
  }

  /** {@code s / x}. */
  public static Var rdiv(float s, Var x) {
    return x.tape().div(x.tape().constant(s), x);
  }

  /** {@code log(sigmoid(x)) = -softplus(-x)}, without overflow. */
  public static Var logSigmoid(Var x) {
    return x.neg().softplus().neg();
  }

  /** Mean over rows of {@code -log softmax(logits)[label]}: the cross-entropy of integer labels. */
  public static Var crossEntropy(Var logits, int[] labels) {
    return logits.logSoftmaxRows().gatherRows(labels).mean().neg();
  }

  /** Entropy of the categorical distribution of each row of logits, as a [rows, 1] column. */
  public static Var entropyRows(Var logits) {
    Var logp = logits.logSoftmaxRows();
    return logp.exp().mul(logp).sumRows().neg();
  }

  /** Huber (smooth L1) loss with threshold {@code delta}, averaged over every element. */
  public static Var huber(Var pred, Value target, float delta) {
    Var d = pred.sub(target).abs();
    Var quad = d.clamp(0f, delta);
    Var lin = d.sub(quad);
    return quad.square().mul(0.5f).add(lin.mul(delta)).mean();
  }

  /** {@code where(mask, a, 0)}: zeroes the elements where {@code mask} is 0. */
  public static Var masked(Var a, Tensor mask) {
    return a.tape().where(mask, a, a.tape().constant(0f));
  }

  /**
   * Layer normalisation of each row (Ba et al. 2016, PyTorch's {@code nn.LayerNorm} over the last
   * dimension): {@code (x - mean) / sqrt(var + eps) * gamma + beta}, with the biased variance of the
   * row. {@code gamma} and {@code beta} are [cols] (either may be null: no scale, no shift). Built
   * from primitives, so its backward needs no code of its own.
   */
  public static Var layerNorm(Var x, Value gamma, Value beta, float eps) {
    Tape t = x.tape();
    Var centred = x.sub(x.meanRows());
    Var std = centred.square().meanRows().add(eps).sqrt();
    Var y = centred.div(std);
    if (gamma != null) y = t.mul(y, gamma);
    if (beta != null) y = t.add(y, beta);
    return y;
  }
}
