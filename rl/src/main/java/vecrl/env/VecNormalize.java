package vecrl.env;

/**
 * Observation and reward normalisation for a batch of environments, as Stable-Baselines'
 * {@code VecNormalize}: one set of running statistics shared by every environment of a vector env,
 * updated with a whole step's rows at once. (The single-env wrappers {@link NormalizeObservation} and
 * {@link NormalizeReward} keep statistics per environment; training uses this one.)
 *
 * <ul>
 *   <li>Observations: each row becomes {@code clamp((x - mean) / sqrt(var + 1e-8), -clipObs,
 *       clipObs)} per component, after the statistics have taken in every row of the step.
 *   <li>Rewards: each environment's discounted return {@code R = gamma R + r} is accumulated (and reset
 *       when its episode ends); the reward is divided by the running std of those returns and
 *       clamped to {@code +-clipReward}.
 * </ul>
 *
 * Either part may be off (its statistics are then null and it changes nothing). The statistics and
 * the discounted returns are the state a checkpoint must keep ({@link #observationStatistics()},
 * {@link #returnStatistics()}, {@link #discountedReturns()}).
 */
public final class VecNormalize {
  /** The epsilon inside the square roots. */
  public static final double EPSILON = 1e-8;

  private final int numEnvs;
  private final int obsDim;
  private final RunningMeanStd obsRms;
  private final RunningMeanStd retRms;
  private final float clipObs;
  private final float clipReward;
  private final float gamma;
  private final double[] discReturn;

  /**
   * @param normObs normalise observations
   * @param normReward scale rewards by the std of the discounted return
   * @param gamma the discount of that return
   */
  public VecNormalize(int numEnvs, int obsDim, boolean normObs, float clipObs, boolean normReward, float clipReward, float gamma) {
    if (numEnvs <= 0 || obsDim <= 0) {
      throw new IllegalArgumentException("VecNormalize: " + numEnvs + " envs of " + obsDim + " observation floats, expected both > 0");
    }
    if (normObs && !(clipObs > 0)) throw new IllegalArgumentException("VecNormalize: clipObs = " + clipObs + ", expected > 0");
    if (normReward && !(clipReward > 0)) throw new IllegalArgumentException("VecNormalize: clipReward = " + clipReward + ", expected > 0");
    this.numEnvs = numEnvs;
    this.obsDim = obsDim;
    this.obsRms = normObs ? new RunningMeanStd(obsDim) : null;
    this.retRms = normReward ? new RunningMeanStd(1) : null;
    this.clipObs = clipObs;
    this.clipReward = clipReward;
    this.gamma = gamma;
    this.discReturn = new double[numEnvs];
  }

  /** The observation statistics (live), or null when observations are not normalised. */
  public RunningMeanStd observationStatistics() {
    return obsRms;
  }

  /** The discounted-return statistics (live), or null when rewards are not scaled. */
  public RunningMeanStd returnStatistics() {
    return retRms;
  }

  /** Each environment's running discounted return (live; checkpoints save and restore it). */
  public double[] discountedReturns() {
    return discReturn;
  }

  public float clipObs() {
    return clipObs;
  }

  /**
   * Normalises the [numEnvs, obsDim] rows of {@code x} in place; with {@code update} the statistics
   * first take in every row (in row order). Does nothing when observations are not normalised.
   */
  public void observations(float[] x, boolean update) {
    if (obsRms == null) return;
    if (update) for (int i = 0; i < numEnvs; i++) obsRms.update(x, i * obsDim);
    normalize(obsRms, clipObs, x, numEnvs * obsDim, obsDim);
  }

  /**
   * The scaled reward of environment {@code i} for raw reward {@code r}; {@code done} ends its
   * discounted return after this step. Returns {@code r} unchanged when rewards are not scaled.
   */
  public float reward(int i, float r, boolean done) {
    if (retRms == null) return r;
    discReturn[i] = discReturn[i] * gamma + r;
    retRms.update(discReturn[i]);
    float out = (float) Math.max(-clipReward, Math.min(clipReward, r / Math.sqrt(retRms.var(0) + EPSILON)));
    if (done) discReturn[i] = 0;
    return out;
  }

  /**
   * Normalises {@code x[0..len)}, rows of {@code dim} floats, in place with {@code rms} (not
   * updated): {@code clamp((x - mean) / sqrt(var + 1e-8), -clip, clip)}, computed as a product with
   * the reciprocal square root in double and rounded to float before the clamp. Greedy evaluation and
   * a loaded policy's normaliser use this, so that they see exactly what training saw.
   */
  public static void normalize(RunningMeanStd rms, float clip, float[] x, int len, int dim) {
    for (int j = 0; j < dim; j++) {
      double m = rms.mean(j);
      double inv = 1.0 / Math.sqrt(rms.var(j) + EPSILON);
      for (int k = j; k < len; k += dim) {
        float v = (float) ((x[k] - m) * inv);
        x[k] = Math.max(-clip, Math.min(clip, v));
      }
    }
  }
}
