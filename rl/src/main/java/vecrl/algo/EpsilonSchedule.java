package vecrl.algo;

/**
 * DQN's exploration rate: linear from {@code initial} to {@code end} over the first {@code fraction}
 * of the run, then {@code end} (Stable-Baselines3's {@code get_linear_fn}). The progress is {@code
 * step / totalSteps}; at progress {@code p <= fraction} epsilon is {@code initial + p * (end -
 * initial) / fraction}, computed in double.
 *
 * @param initial epsilon at step 0, in [0, 1]
 * @param end epsilon from {@code fraction * totalSteps} on, in [0, 1]
 * @param fraction the part of the run over which epsilon falls, in (0, 1]
 * @param totalSteps the run's env steps, > 0
 */
public record EpsilonSchedule(double initial, double end, double fraction, long totalSteps) {
  public EpsilonSchedule {
    if (!(initial >= 0 && initial <= 1)) throw new IllegalArgumentException("EpsilonSchedule: initial = " + initial + ", expected in [0, 1]");
    if (!(end >= 0 && end <= 1)) throw new IllegalArgumentException("EpsilonSchedule: end = " + end + ", expected in [0, 1]");
    if (!(fraction > 0 && fraction <= 1)) throw new IllegalArgumentException("EpsilonSchedule: fraction = " + fraction + ", expected in (0, 1]");
    if (totalSteps <= 0) throw new IllegalArgumentException("EpsilonSchedule: totalSteps = " + totalSteps + ", expected > 0");
  }

  /** Epsilon after {@code step} env steps of the run. */
  public double value(long step) {
    double progress = (double) step / totalSteps;
    if (progress > fraction) return end;
    return initial + progress * (end - initial) / fraction;
  }
}
