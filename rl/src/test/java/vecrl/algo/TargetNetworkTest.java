package vecrl.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.tensor.Tensor;

/** The target update, exactly: values whose Polyak mixture is representable in float. */
final class TargetNetworkTest {
  private static ParameterSet set(float[] w, float[] b) {
    return ParameterSet.of(new Parameter("w", Tensor.wrap(w, new int[] {2, 2})), new Parameter("b", Tensor.wrap(b, new int[] {2})));
  }

  @Test
  void polyakMixesExactly() {
    ParameterSet online = set(new float[] {1, 2, -4, 8}, new float[] {0.5f, -1});
    ParameterSet target = set(new float[] {5, -2, 0, 0.25f}, new float[] {-0.5f, 3});
    TargetNetwork.polyak(online, target, 0.25);
    // 0.75 * target + 0.25 * online, by hand
    assertArrayEquals(new float[] {4, -1, -1, 2.1875f}, target.get(0).value().toArray());
    assertArrayEquals(new float[] {-0.25f, 2}, target.get(1).value().toArray());
    assertArrayEquals(new float[] {1, 2, -4, 8}, online.get(0).value().toArray(), "the online network is not modified");
  }

  @Test
  void tauOneAndHardCopyCopyEveryBit() {
    float odd = Math.nextUp(0.1f);
    ParameterSet online = set(new float[] {odd, -0f, 3, 1e-30f}, new float[] {7, 9});
    ParameterSet target = set(new float[] {1, 1, 1, 1}, new float[] {1, 1});
    TargetNetwork.polyak(online, target, 1.0);
    assertEquals(Float.floatToRawIntBits(odd), Float.floatToRawIntBits(target.get(0).value().get(0)));
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(target.get(0).value().get(1)));
    ParameterSet other = set(new float[] {0, 0, 0, 0}, new float[] {0, 0});
    TargetNetwork.hardCopy(online, other);
    assertArrayEquals(online.get(1).value().toArray(), other.get(1).value().toArray());
  }

  @Test
  void mismatchedNetworksAndBadTauAreNamed() {
    ParameterSet a = set(new float[4], new float[2]);
    ParameterSet b = ParameterSet.of(new Parameter("w", Tensor.zeros(4)), new Parameter("b", Tensor.zeros(2)));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TargetNetwork.hardCopy(a, b)).getMessage().contains("[2, 2] online but w [4]"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TargetNetwork.polyak(a, a, 0)).getMessage().contains("tau = 0.0"));
  }
}
