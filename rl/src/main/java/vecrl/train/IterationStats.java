package vecrl.train;

/**
 * What one training iteration (rollout + update) produced. Every field but {@code stepsPerSecond}
 * and {@code elapsedSeconds} is a function of the config and seed alone.
 *
 * @param step environment steps so far (all envs)
 * @param iteration iterations completed (1 after the first)
 * @param episodes episodes finished so far
 * @param meanReturn mean undiscounted return of the last (up to) 20 finished episodes, NaN before any
 * @param meanLength their mean length
 * @param loss total loss of the last minibatch
 * @param policyLoss its policy part
 * @param valueLoss its value part (before vfCoef)
 * @param entropy its mean entropy
 * @param approxKl approx_kl of the last minibatch
 * @param clipFraction mean clip fraction over the iteration's minibatches
 * @param explainedVariance {@code 1 - Var(returns - values) / Var(returns)} over the rollout
 * @param learningRate the iteration's learning rate
 * @param epochs epochs run (fewer than configured after a target_kl stop)
 * @param invalidActions actions taken in this iteration's rollout that the environment's action
 *     mask forbade (counted whether or not the masks were used; 0 for unmasked environments)
 * @param stepsPerSecond environment steps per second since the start (wall clock)
 * @param elapsedSeconds wall-clock seconds since the start
 */
public record IterationStats(long step, long iteration, long episodes, double meanReturn, double meanLength, double loss,
    double policyLoss, double valueLoss, double entropy, double approxKl, double clipFraction, double explainedVariance,
    double learningRate, int epochs, long invalidActions, double stepsPerSecond, double elapsedSeconds) {

  /** The CSV header matching {@link #csv()}. */
  public static final String HEADER = "step,iteration,episodes,mean_return,mean_length,loss,policy_loss,value_loss,entropy,"
      + "approx_kl,clip_fraction,explained_variance,learning_rate,epochs,invalid_actions,steps_per_second";

  /** One CSV row; the last column (steps/s) is wall-clock and differs from run to run. */
  public String csv() {
    return step + "," + iteration + "," + episodes + "," + meanReturn + "," + meanLength + "," + loss + "," + policyLoss + ","
        + valueLoss + "," + entropy + "," + approxKl + "," + clipFraction + "," + explainedVariance + "," + learningRate + ","
        + epochs + "," + invalidActions + "," + String.format(java.util.Locale.ROOT, "%.1f", stepsPerSecond);
  }
}
