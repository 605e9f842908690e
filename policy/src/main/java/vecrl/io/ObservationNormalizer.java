package vecrl.io;

import java.util.Arrays;

/**
 * The frozen observation normaliser of a trained policy: {@code x' = clamp((x - mean) / sqrt(var +
 * epsilon), -clip, clip)} per component, computed as a product with the reciprocal square root in
 * double and rounded to float before the clamp, exactly as training's {@code vecrl.env.VecNormalize}
 * does. It lives in the policy module so that an application loading a policy needs nothing else.
 * Immutable; the constructor checks every value (finite, variances >= 0, count > 0, clip > 0).
 */
public final class ObservationNormalizer {
  private final double[] mean, var, inv;
  private final double count, epsilon;
  private final float clip;

  public ObservationNormalizer(double[] mean, double[] var, double count, float clip, double epsilon) {
    if (mean == null || var == null) throw new IllegalArgumentException("ObservationNormalizer: mean or var is null");
    if (mean.length != var.length) {
      throw new IllegalArgumentException("ObservationNormalizer: " + mean.length + " means and " + var.length + " variances");
    }
    if (!(clip > 0) || !Float.isFinite(clip)) throw new IllegalArgumentException("ObservationNormalizer: clip = " + clip + ", expected a finite number > 0");
    if (!(count > 0) || !Double.isFinite(count)) throw new IllegalArgumentException("ObservationNormalizer: count = " + count + ", expected a finite number > 0");
    if (!(epsilon >= 0) || !Double.isFinite(epsilon)) throw new IllegalArgumentException("ObservationNormalizer: epsilon = " + epsilon + ", expected a finite number >= 0");
    this.mean = mean.clone();
    this.var = var.clone();
    this.inv = new double[mean.length];
    for (int i = 0; i < mean.length; i++) {
      if (!Double.isFinite(mean[i])) throw new IllegalArgumentException("ObservationNormalizer: mean[" + i + "] = " + mean[i] + ", expected a finite number");
      if (!(var[i] >= 0) || !Double.isFinite(var[i])) {
        throw new IllegalArgumentException("ObservationNormalizer: var[" + i + "] = " + var[i] + ", expected a finite number >= 0");
      }
      inv[i] = 1.0 / Math.sqrt(var[i] + epsilon);
    }
    this.count = count;
    this.clip = clip;
    this.epsilon = epsilon;
  }

  public int size() { return mean.length; }
  public double[] mean() { return mean.clone(); }
  public double[] var() { return var.clone(); }
  public double count() { return count; }
  public float clip() { return clip; }
  public double epsilon() { return epsilon; }

  /** Writes the normalised {@code x[0..size)} into {@code out} (may be {@code x}); allocates nothing. */
  public void normalize(float[] x, float[] out) {
    if (x.length < mean.length || out.length < mean.length) {
      throw new IllegalArgumentException("ObservationNormalizer: observation of " + x.length + " floats, output of " + out.length
          + ", expected " + mean.length);
    }
    for (int j = 0; j < mean.length; j++) {
      float v = (float) ((x[j] - mean[j]) * inv[j]);
      out[j] = Math.max(-clip, Math.min(clip, v));
    }
  }

  @Override
  public String toString() {
    return "ObservationNormalizer(size " + mean.length + ", clip " + clip + ", count " + count + ", mean " + Arrays.toString(mean)
        + ", var " + Arrays.toString(var) + ")";
  }
}
