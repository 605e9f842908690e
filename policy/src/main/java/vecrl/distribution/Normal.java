package vecrl.distribution;

import vecrl.autodiff.Tape;
import vecrl.autodiff.Value;
import vecrl.autodiff.Var;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Univariate normal distributions, one per row: mean [batch, 1], log-std [1] (state-independent,
 * typically a {@link vecrl.autodiff.Parameter}) or [batch, 1]. Actions are [batch, 1]. All
 * quantities are closed form: log-prob, entropy 0.5 + 0.5 log(2π) + log σ, KL.
 */
public final class Normal implements Distribution {
  private final Gaussian g;

  public Normal(Var mean, Value logStd) {
    this.g = new Gaussian("Normal", mean, logStd);
    if (g.d != 1) throw new IllegalArgumentException("Normal: mean " + mean.shapeString() + ", expected [batch, 1]; use DiagNormal for vectors");
  }

  @Override public Tape tape() { return g.tape; }
  @Override public int batchSize() { return g.batch; }
  @Override public int actionWidth() { return 1; }
  /** The log-std broadcast to [batch, 1]. */
  public Var logStd() { return g.logStd; }

  @Override public Var logProb(Tensor actions) {
    Distribution.checkActions("Normal.logProb", actions, g.batch, 1);
    return g.logProb(g.tape.input(actions));
  }
  @Override public Var entropy() { return g.entropy(); }
  @Override public void sample(Rng rng, Tensor out) {
    Distribution.checkActions("Normal.sample", out, g.batch, 1);
    g.sample(rng, out);
  }
  @Override public void mode(Tensor out) {
    Distribution.checkActions("Normal.mode", out, g.batch, 1);
    g.mean(out);
  }
  @Override public Var mean() { return g.mean; }
  @Override public Var kl(Distribution other) {
    if (!(other instanceof Normal q) || !g.sameShape(q.g)) {
      throw new IllegalArgumentException("Normal.kl: other must be a Normal of batch " + g.batch + ", got " + Categorical.describe(other));
    }
    return g.kl(q.g);
  }
}
