package vecrl.distribution;

import vecrl.autodiff.Tape;
import vecrl.autodiff.Value;
import vecrl.autodiff.Var;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Multivariate normal distributions with diagonal covariance, one per row: mean [batch, d], log-std
 * [d] (state-independent, a {@link vecrl.autodiff.Parameter} in {@link vecrl.nn.ActionLayer}) or
 * [batch, d], clamped to [{@link #LOG_STD_MIN}, {@link #LOG_STD_MAX}]. Actions are [batch, d].
 * Log-prob, entropy and KL are sums of the per-dimension closed forms.
 */
public final class DiagNormal implements Distribution {
  /**
   * The log-std range of every Gaussian distribution here ({@link Normal}, {@link DiagNormal} and
   * the squashed forms): a log-std is clamped to [-20, 2], Stable-Baselines3's {@code LOG_STD_MIN} and
   * {@code LOG_STD_MAX}, std in [2.1e-9, 7.39]. Outside it the gradient with respect to the log-std is 0.
   */
  public static final float LOG_STD_MIN = -20f, LOG_STD_MAX = 2f;

  private final Gaussian g;

  public DiagNormal(Var mean, Value logStd) {
    this.g = new Gaussian("DiagNormal", mean, logStd);
  }

  @Override public Tape tape() { return g.tape; }
  @Override public int batchSize() { return g.batch; }
  @Override public int actionWidth() { return g.d; }
  /** The log-std broadcast to [batch, d]. */
  public Var logStd() { return g.logStd; }

  @Override public Var logProb(Tensor actions) {
    Distribution.checkActions("DiagNormal.logProb", actions, g.batch, g.d);
    return g.logProb(g.tape.input(actions));
  }
  @Override public Var entropy() { return g.entropy(); }
  @Override public void sample(Rng rng, Tensor out) {
    Distribution.checkActions("DiagNormal.sample", out, g.batch, g.d);
    g.sample(rng, out);
  }
  @Override public void mode(Tensor out) {
    Distribution.checkActions("DiagNormal.mode", out, g.batch, g.d);
    g.mean(out);
  }
  @Override public Var mean() { return g.mean; }
  @Override public Var kl(Distribution other) {
    if (!(other instanceof DiagNormal q) || !g.sameShape(q.g)) {
      throw new IllegalArgumentException("DiagNormal.kl: other must be a DiagNormal [" + g.batch + ", " + g.d + "], got "
          + Categorical.describe(other));
    }
    return g.kl(q.g);
  }
}
