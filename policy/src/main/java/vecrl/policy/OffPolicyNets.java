package vecrl.policy;

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
   * Rescales actions in [-1, 1] to the Box: {@code c + s a} with {@code c = (high + low) / 2} and {@code
   * s = (high - low) / 2} in double, clipped to the bounds (the squashed distributions' arithmetic).
   */
  static void toBox(Box box, Tensor a, Tensor out) {
    int d = box.size();
    if (a.cols() != d || out.rows() != a.rows() || out.cols() != d) {
      throw new IllegalArgumentException("toBox: actions " + a.shapeString() + " into " + out.shapeString() + " for " + box);
    }
    for (int r = 0; r < a.rows(); r++) {
      for (int c = 0; c < d; c++) {
        float lo = box.low(c), hi = box.high(c);
        double s = 0.5 * ((double) hi - lo), mid = 0.5 * ((double) hi + lo);
        float v = (float) (mid + s * a.get(r, c));
        out.set(r, c, Math.max(lo, Math.min(hi, v)));
      }
    }
  }

  /** The inverse of {@link #toBox}: {@code (x - c) / s} in double, clipped to [-1, 1]. */
  static void fromBox(Box box, Tensor x, Tensor out) {
    int d = box.size();
    if (x.cols() != d || out.rows() != x.rows() || out.cols() != d) {
      throw new IllegalArgumentException("fromBox: actions " + x.shapeString() + " into " + out.shapeString() + " for " + box);
    }
    for (int r = 0; r < x.rows(); r++) {
      for (int c = 0; c < d; c++) {
        double lo = box.low(c), hi = box.high(c), s = 0.5 * (hi - lo), mid = 0.5 * (hi + lo);
        float v = (float) ((x.get(r, c) - mid) / s);
        out.set(r, c, Math.max(-1f, Math.min(1f, v)));
      }
    }
  }
}
