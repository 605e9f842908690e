package vecrl.algo;

import vecrl.autodiff.ParameterSet;
import vecrl.space.Box;
import vecrl.tensor.Tensor;

/** Small shared pieces of the continuous-action off-policy policies: target copies and action rescaling. */
final class OffPolicyNets {
  private OffPolicyNets() {}

  /** {@code target <- source}, parameter by parameter (same order and shapes). */
  static void hardCopy(ParameterSet source, ParameterSet target) {
    check(source, target);
    for (int i = 0; i < source.size(); i++) target.get(i).value().copyFrom(source.get(i).value());
  }

  /**
   * Polyak averaging, Stable-Baselines3's {@code polyak_update}: {@code target <- (1 - tau) target +
   * tau source}, in float, element by element.
   */
  static void polyak(ParameterSet source, ParameterSet target, float tau) {
    check(source, target);
    float keep = 1f - tau;
    for (int i = 0; i < source.size(); i++) {
      Tensor s = source.get(i).value(), t = target.get(i).value();
      float[] sd = s.data(), td = t.data();
      int so = s.offset(), to = t.offset(), n = s.size();
      for (int j = 0; j < n; j++) td[to + j] = td[to + j] * keep + tau * sd[so + j];
    }
  }

  private static void check(ParameterSet source, ParameterSet target) {
    if (source.size() != target.size()) {
      throw new IllegalArgumentException("target network: " + source.size() + " source parameters, " + target.size() + " target parameters");
    }
    for (int i = 0; i < source.size(); i++) {
      if (!source.get(i).value().sameShape(target.get(i).value())) {
        throw new IllegalArgumentException("target network: " + source.get(i).name() + " " + source.get(i).shapeString()
            + " against " + target.get(i).name() + " " + target.get(i).shapeString());
      }
    }
  }

  /**
   * Rescales actions in [-1, 1] to the Box: {@code low + (a + 1) (high - low) / 2}, clipped to the
   * bounds (Stable-Baselines3's {@code unscale_action}).
   */
  static void unscale(Box box, Tensor a, Tensor out) {
    int d = box.size();
    if (a.cols() != d || out.rows() != a.rows() || out.cols() != d) {
      throw new IllegalArgumentException("unscale: actions " + a.shapeString() + " into " + out.shapeString() + " for " + box);
    }
    for (int r = 0; r < a.rows(); r++) {
      for (int c = 0; c < d; c++) {
        float lo = box.low(c), hi = box.high(c);
        float v = lo + 0.5f * (a.get(r, c) + 1f) * (hi - lo);
        out.set(r, c, Math.max(lo, Math.min(hi, v)));
      }
    }
  }
}
