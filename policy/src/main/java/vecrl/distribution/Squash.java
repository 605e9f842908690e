package vecrl.distribution;

import vecrl.autodiff.Var;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * The tanh squashing shared by {@link SquashedNormal} and {@link SquashedDiagNormal}: an action is
 * {@code a = c + s tanh(u)} with {@code u} Gaussian, {@code c = (high + low) / 2} and {@code s = (high
 * - low) / 2}, so its log-density is {@code log N(u) - sum log(1 - tanh(u)^2) - sum log s}.
 *
 * <p>Boundary: to evaluate an action, {@code y = (a - c) / s} is clipped to [-1 + {@link #EPS}, 1 -
 * {@link #EPS}] before {@code u = atanh(y)} (computed in double), so actions on or beyond the bounds
 * give finite log-probabilities (log(1 - y^2) >= log(2e-6 - 1e-12) ≈ -13.1). Both correction terms
 * are constants with respect to the parameters, so gradients flow only through log N(u).
 */
final class Squash {
  /** The clip applied to y = (a - c) / s before atanh. */
  static final double EPS = 1e-6;

  final Gaussian g;
  final float[] low, high;

  Squash(String who, Gaussian g, float[] low, float[] high) {
    if (low.length != g.d || high.length != g.d) {
      throw new IllegalArgumentException(who + ": bounds of length " + low.length + "/" + high.length + " for " + g.d + " dimensions");
    }
    for (int i = 0; i < g.d; i++) {
      if (!(Float.isFinite(low[i]) && Float.isFinite(high[i]) && low[i] < high[i])) {
        throw new IllegalArgumentException(who + ": bounds [" + low[i] + ", " + high[i] + "] of dimension " + i
            + " must be finite with low < high");
      }
    }
    this.g = g;
    this.low = low.clone();
    this.high = high.clone();
  }

  Var logProb(Tensor actions) {
    int b = g.batch, d = g.d;
    Tensor u = Tensor.zeros(b, d);
    double correction[] = new double[b];
    for (int r = 0; r < b; r++) {
      double corr = 0;
      for (int c = 0; c < d; c++) {
        double s = 0.5 * ((double) high[c] - low[c]), mid = 0.5 * ((double) high[c] + low[c]);
        double y = (actions.get(r, c) - mid) / s;
        y = Math.max(-1 + EPS, Math.min(1 - EPS, y));
        u.set(r, c, (float) (0.5 * Math.log((1 + y) / (1 - y))));
        corr += Math.log(1 - y * y) + Math.log(s);
      }
      correction[r] = corr;
    }
    Tensor corrT = Tensor.zeros(b);
    for (int r = 0; r < b; r++) corrT.set(r, (float) correction[r]);
    return g.logProb(g.tape.input(u)).sub(g.tape.input(corrT));
  }

  void sample(Rng rng, Tensor out) {
    g.sample(rng, out);
    squashInPlace(out);
  }

  void mode(Tensor out) {
    g.mean(out);
    squashInPlace(out);
  }

  private void squashInPlace(Tensor t) {
    for (int r = 0; r < g.batch; r++) {
      for (int c = 0; c < g.d; c++) t.set(r, c, squash(t.get(r, c), low[c], high[c]));
    }
  }

  /** {@code c + s tanh(u)}, kept inside [low, high]. */
  static float squash(float u, float low, float high) {
    double s = 0.5 * ((double) high - low), mid = 0.5 * ((double) high + low);
    float a = (float) (mid + s * Math.tanh(u));
    return Math.max(low, Math.min(high, a));
  }

  boolean sameBounds(Squash q) {
    return java.util.Arrays.equals(low, q.low) && java.util.Arrays.equals(high, q.high);
  }
}
