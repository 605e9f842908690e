package vecrl.distribution;

import vecrl.autodiff.Tape;
import vecrl.autodiff.Value;
import vecrl.autodiff.Var;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/** The diagonal-Gaussian arithmetic shared by {@link Normal}, {@link DiagNormal} and the squashed forms. */
final class Gaussian {
  static final float HALF_LOG_2PI = (float) (0.5 * Math.log(2 * Math.PI));

  final Tape tape;
  final Var mean;
  /**
   * log-std broadcast to [batch, d] and clamped to [{@link DiagNormal#LOG_STD_MIN}, {@link
   * DiagNormal#LOG_STD_MAX}] (gradients flow back to the original value inside the range, none outside).
   */
  final Var logStd;
  final int batch, d;

  Gaussian(String who, Var mean, Value logStd) {
    Tensor m = mean.value();
    if (m.rank() != 2) throw new IllegalArgumentException(who + ": mean " + mean.shapeString() + ", expected [batch, d]");
    this.tape = mean.tape();
    this.mean = mean;
    this.batch = m.rows();
    this.d = m.cols();
    Tensor s = logStd.value();
    boolean row = (s.rank() == 1 && s.dim(0) == d) || (s.rank() == 2 && s.dim(0) == 1 && s.dim(1) == d);
    boolean full = s.rank() == 2 && s.dim(0) == batch && s.dim(1) == d;
    if (!row && !full) {
      throw new IllegalArgumentException(who + ": log-std " + logStd.shapeString() + ", expected [" + d + "] or ["
          + batch + ", " + d + "] for mean " + mean.shapeString());
    }
    Var ls = full && logStd instanceof Var v ? v : mean.mul(0f).add(logStd);
    // clamped as Stable-Baselines3 and CleanRL do: exp(-logStd) overflows below about -88 (a -inf
    // log-prob and NaN gradients); inside the range this is the identity, value and gradient alike
    this.logStd = ls.clamp(DiagNormal.LOG_STD_MIN, DiagNormal.LOG_STD_MAX);
  }

  /** Sum over columns of log N(x; mean, std), where x is a constant [batch, d] leaf; [batch]. */
  Var logProb(Var x) {
    Var z = x.sub(mean).mul(logStd.neg().exp());
    return z.square().mul(-0.5f).sub(logStd).sumRows().sub(d * HALF_LOG_2PI).reshape(batch);
  }

  Var entropy() {
    return logStd.sumRows().add(d * (0.5f + HALF_LOG_2PI)).reshape(batch);
  }

  Var kl(Gaussian q) {
    // log(sq/sp) + (sp^2 + (mp - mq)^2) / (2 sq^2) - 1/2, per dimension.
    Var ratio = logStd.sub(q.logStd).mul(2f).exp();
    Var diff = mean.sub(q.mean).mul(q.logStd.neg().exp()).square();
    return q.logStd.sub(logStd).add(ratio.add(diff).mul(0.5f)).sub(0.5f).sumRows().reshape(batch);
  }

  void sample(Rng rng, Tensor out) {
    Tensor m = mean.value(), s = logStd.value();
    for (int r = 0; r < batch; r++) {
      for (int c = 0; c < d; c++) out.set(r, c, m.get(r, c) + (float) Math.exp(s.get(r, c)) * rng.normal());
    }
  }

  void mean(Tensor out) {
    out.copyFrom(mean.value());
  }

  boolean sameShape(Gaussian q) {
    return q.batch == batch && q.d == d;
  }
}
