package vecrl.algo;

import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;

/**
 * Target networks: a copy of a network's parameters that follows the online ones slowly. Two ways,
 * as Stable-Baselines3's {@code polyak_update} and RLlib's {@code update_target}:
 *
 * <ul>
 *   <li>{@link #hardCopy}: {@code target = online}, every {@code targetUpdateInterval} steps (DQN);
 *   <li>{@link #polyak}: {@code target = target * (1 - tau) + online * tau}, in float, element by
 *       element, in that order of operations (SB3: {@code target.mul_(1 - tau); target.add_(tau *
 *       online)}); {@code tau = 1} is a hard copy, bit for bit.
 * </ul>
 *
 * Both check that the two sets have the same names and shapes, in order, and modify only {@code target}.
 */
public final class TargetNetwork {
  private TargetNetwork() {}

  /** {@code target = online}, parameter by parameter. Modifies {@code target}. */
  public static void hardCopy(ParameterSet online, ParameterSet target) {
    check(online, target);
    for (int i = 0; i < online.size(); i++) target.get(i).value().copyFrom(online.get(i).value());
  }

  /**
   * {@code target = target * (1 - tau) + online * tau} for every element, {@code (float) (1 - tau)}
   * and {@code (float) tau} computed once; {@code tau = 1} copies. Modifies {@code target}.
   *
   * @throws IllegalArgumentException when tau is not in (0, 1] or the sets differ
   */
  public static void polyak(ParameterSet online, ParameterSet target, double tau) {
    if (!(tau > 0 && tau <= 1)) throw new IllegalArgumentException("TargetNetwork.polyak: tau = " + tau + ", expected in (0, 1]");
    if (tau == 1) {
      hardCopy(online, target);
      return;
    }
    check(online, target);
    float keep = (float) (1 - tau), take = (float) tau;
    for (int i = 0; i < online.size(); i++) {
      var o = online.get(i).value();
      var t = target.get(i).value();
      float[] od = o.data(), td = t.data();
      int oo = o.offset(), to = t.offset();
      for (int k = 0, n = o.size(); k < n; k++) td[to + k] = td[to + k] * keep + od[oo + k] * take;
    }
  }

  private static void check(ParameterSet online, ParameterSet target) {
    if (online.size() != target.size()) {
      throw new IllegalArgumentException("TargetNetwork: the online network has " + online.size() + " parameters " + online.names()
          + ", the target " + target.size() + " " + target.names());
    }
    for (int i = 0; i < online.size(); i++) {
      Parameter o = online.get(i), t = target.get(i);
      if (!o.name().equals(t.name()) || !java.util.Arrays.equals(o.value().shape(), t.value().shape())) {
        throw new IllegalArgumentException("TargetNetwork: parameter " + i + " is " + o.name() + " " + o.value().shapeString()
            + " online but " + t.name() + " " + t.value().shapeString() + " in the target; build the target with the same structure");
      }
    }
  }
}
