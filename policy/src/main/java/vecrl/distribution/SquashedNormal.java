package vecrl.distribution;

import vecrl.autodiff.Tape;
import vecrl.autodiff.Value;
import vecrl.autodiff.Var;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Univariate tanh-squashed normal distributions rescaled to [low, high]: mean [batch, 1], log-std [1] or [batch, 1].
 *
 * <p>An action is {@code c + s tanh(u)} with u Gaussian (see the boundary clip of {@value Squash#EPS}
 * in the class comment of Squash: actions on the bounds have finite log-probabilities). Choices
 * where no closed form exists:
 *
 * <ul>
 *   <li>{@link #entropy()} returns the entropy of the Gaussian <em>before</em> squashing (closed
 *       form, what an entropy bonus usually regularises); the squashed entropy has no closed form,
 *       {@link #entropyEstimate(Rng)} gives a one-sample Monte-Carlo estimate {@code -log p(a)}.
 *   <li>{@link #mean()} is not available (no closed form); {@link #mode(Tensor)} is the squashed
 *       Gaussian mean {@code c + s tanh(mu)}, the deterministic action.
 *   <li>{@link #kl} is the closed-form KL of the Gaussians, which is exact: KL is invariant under the
 *       same bijection applied to both (the bounds must match).
 * </ul>
 */
public final class SquashedNormal implements Distribution {
  private final Gaussian g;
  private final Squash sq;

  /** @param low lower bounds, one per dimension; @param high upper bounds */
  public SquashedNormal(Var mean, Value logStd, float[] low, float[] high) {
    this.g = new Gaussian("SquashedNormal", mean, logStd);
    if (g.d != 1) throw new IllegalArgumentException("SquashedNormal: mean " + mean.shapeString() + ", expected [batch, 1]");
    this.sq = new Squash("SquashedNormal", g, low, high);
  }

  @Override public Tape tape() { return g.tape; }
  @Override public int batchSize() { return g.batch; }
  @Override public int actionWidth() { return g.d; }
  /** The pre-squash mean. */
  public Var gaussianMean() { return g.mean; }
  /** The log-std broadcast to [batch, d]. */
  public Var logStd() { return g.logStd; }

  @Override public Var logProb(Tensor actions) {
    Distribution.checkActions("SquashedNormal.logProb", actions, g.batch, g.d);
    return sq.logProb(actions);
  }
  /** The pre-squash Gaussian entropy (see the class comment). */
  @Override public Var entropy() { return g.entropy(); }
  /** {@code -log p(a)} for one fresh sample per row: an unbiased estimate of the squashed entropy. */
  public Var entropyEstimate(Rng rng) {
    return sampleAndLogProb(rng, Tensor.zeros(g.batch, g.d)).neg();
  }
  @Override public void sample(Rng rng, Tensor out) {
    Distribution.checkActions("SquashedNormal.sample", out, g.batch, g.d);
    sq.sample(rng, out);
  }
  @Override public void mode(Tensor out) {
    Distribution.checkActions("SquashedNormal.mode", out, g.batch, g.d);
    sq.mode(out);
  }
  @Override public Var mean() {
    throw new UnsupportedOperationException("SquashedNormal: the mean of a squashed Gaussian has no closed form; use mode()");
  }
  @Override public Var kl(Distribution other) {
    if (!(other instanceof SquashedNormal q) || !g.sameShape(q.g) || !sq.sameBounds(q.sq)) {
      throw new IllegalArgumentException("SquashedNormal.kl: other must be a SquashedNormal of the same shape and bounds, got "
          + Categorical.describe(other));
    }
    return g.kl(q.g);
  }
}
