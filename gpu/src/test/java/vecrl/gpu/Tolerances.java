package vecrl.gpu;

import static org.junit.jupiter.api.Assertions.fail;

import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Comparison helpers. Tolerances are error bounds in units of the float32 unit roundoff
 * {@code U = 2^-24}, scaled by the magnitudes that enter each result, so they follow from how the
 * value is computed rather than from a fixed percentage:
 *
 * <ul>
 *   <li>A float sum of n terms (in any order, with or without fused multiply-add) is within
 *       {@code n U sum|terms|} of the exact sum (Higham, Accuracy and Stability, section 3.1); the
 *       scalar reference accumulates in double, so its own error is one rounding, {@code U |result|}.
 *   <li>OpenCL 1.2 section 7.4 allows single-precision exp and log 3 ulp, tanh 5 ulp, log1p 2 ulp,
 *       sqrt 3 ulp and division 2.5 ulp (without -cl-fp32-correctly-rounded-divide-sqrt), where Java
 *       rounds correctly (or to 1 ulp); composed functions add these.
 *   <li>Add, subtract, multiply, compare, select and copy are exact or correctly rounded in both, so
 *       those kernels are checked bit for bit.
 * </ul>
 */
final class Tolerances {
  /** Unit roundoff of float32. */
  static final double U = 0x1.0p-24;

  private Tolerances() {}

  /** A tensor with uniform values in [lo, hi) at offset 3 of its array, so offsets are exercised. */
  static Tensor random(Rng rng, float lo, float hi, int... shape) {
    int n = 1;
    for (int d : shape) n *= d;
    float[] data = new float[n + 3];
    for (int i = 0; i < data.length; i++) data[i] = rng.uniform(lo, hi);
    return Tensor.wrap(data, 3, shape);
  }

  /** A copy of {@code t} at a different offset in a fresh array of the same layout. */
  static Tensor twin(Tensor t) {
    float[] d = t.data().clone();
    return Tensor.wrap(d, t.offset(), t.shape());
  }

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

  /** Every element, and the whole backing array around the view, bit for bit. */
  static void assertSameArray(Tensor expected, Tensor actual, String what) {
    float[] e = expected.data(), a = actual.data();
    for (int i = 0; i < e.length; i++) {
      if (Float.floatToIntBits(e[i]) != Float.floatToIntBits(a[i])) {
        fail(what + ": array index " + i + " (view offset " + expected.offset() + ") is " + a[i] + ", expected exactly " + e[i]);
      }
    }
  }

  static void assertUlps(float expected, float actual, long max, String what) {
    long d = ulps(expected, actual);
    if (d > max) fail(what + ": " + actual + ", expected " + expected + " within " + max + " ulps (off by " + d + ")");
  }

  static void assertWithin(double expected, float actual, double tol, String what) {
    if (Double.isNaN(expected) && Float.isNaN(actual)) return;
    if (expected == actual) return;
    if (!(Math.abs(expected - actual) <= tol)) fail(what + ": " + actual + ", expected " + expected + " within " + tol);
  }

  /** Checks the elements outside the view [offset, offset+size) were not touched. */
  static void assertOutsideUntouched(Tensor before, Tensor after, String what) {
    float[] b = before.data(), a = after.data();
    for (int i = 0; i < b.length; i++) {
      if (i >= after.offset() && i < after.offset() + after.size()) continue;
      if (Float.floatToIntBits(b[i]) != Float.floatToIntBits(a[i])) {
        fail(what + ": array index " + i + " outside the view was changed from " + b[i] + " to " + a[i]);
      }
    }
  }
}
