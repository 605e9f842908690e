package vecrl.tensor;

import static org.junit.jupiter.api.Assertions.fail;

/** Comparison helpers for the backend tests. */
final class Checks {
  private Checks() {}

  /** Unit roundoff of float32, 2^-24. */
  static final double U = 0x1.0p-24;

  /** A tensor of the given shape with uniform values in [lo, hi), at a non-zero offset in its array. */
  static Tensor random(Rng rng, float lo, float hi, int... shape) {
    int n = 1;
    for (int d : shape) n *= d;
    float[] data = new float[n + 3];
    for (int i = 0; i < data.length; i++) data[i] = rng.uniform(lo, hi);
    return Tensor.wrap(data, 3, shape);
  }

  /** Distance in units in the last place between two floats (0 when both are NaN or equal). */
  static long ulps(float a, float b) {
    if (Float.isNaN(a) && Float.isNaN(b)) return 0;
    if (Float.isNaN(a) || Float.isNaN(b)) return Long.MAX_VALUE;
    if (a == b) return 0;
    return Math.abs((long) sortable(a) - sortable(b));
  }

  private static int sortable(float f) {
    int bits = Float.floatToRawIntBits(f);
    return bits < 0 ? Integer.MIN_VALUE - bits : bits;
  }

  static void assertBitsEqual(Tensor expected, Tensor actual, String what) {
    for (int i = 0; i < expected.size(); i++) {
      float e = expected.get(i), a = actual.get(i);
      if (Float.floatToIntBits(e) != Float.floatToIntBits(a)) {
        fail(what + ": element " + i + " is " + a + ", expected exactly " + e);
      }
    }
  }

  static void assertUlps(Tensor expected, Tensor actual, long maxUlps, String what) {
    for (int i = 0; i < expected.size(); i++) {
      float e = expected.get(i), a = actual.get(i);
      if (ulps(e, a) > maxUlps) {
        fail(what + ": element " + i + " is " + a + ", expected " + e + " within " + maxUlps + " ulps (off by " + ulps(e, a) + ")");
      }
    }
  }

  static void assertWithin(float expected, float actual, double tol, String what) {
    if (Float.isNaN(expected) && Float.isNaN(actual)) return;
    if (expected == actual) return;
    if (!(Math.abs((double) expected - actual) <= tol)) {
      fail(what + ": " + actual + ", expected " + expected + " within " + tol);
    }
  }
}
