package vecrl.train;

/**
 * The result of evaluating a policy over some episodes: the returns and their mean and (population)
 * std, and, for an environment with action masks, how many of its steps gave a mask and how many
 * actions taken were ones the mask forbade.
 */
public record Evaluation(double[] returns, double mean, double std, long maskedSteps, long invalidActions) {
  /** An evaluation of an environment without masks. */
  public static Evaluation of(double[] returns) {
    return of(returns, 0, 0);
  }

  public static Evaluation of(double[] returns, long maskedSteps, long invalidActions) {
    double m = 0;
    for (double r : returns) m += r;
    m /= Math.max(1, returns.length);
    double s = 0;
    for (double r : returns) s += (r - m) * (r - m);
    s = returns.length == 0 ? 0 : Math.sqrt(s / returns.length);
    return new Evaluation(returns.clone(), m, s, maskedSteps, invalidActions);
  }

  /** {@code 500.00 +- 0.00 over 10 episodes}, plus {@code , 0 invalid actions in 123 masked steps} when the env gave masks. */
  @Override
  public String toString() {
    String s = String.format(java.util.Locale.ROOT, "%.2f +- %.2f over %d episodes", mean, std, returns.length);
    if (maskedSteps > 0) s += String.format(java.util.Locale.ROOT, ", %,d invalid actions in %,d masked steps", invalidActions, maskedSteps);
    return s;
  }
}
