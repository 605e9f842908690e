package vecrl.train;

/** The result of evaluating a policy over some episodes: the returns and their mean and (population) std. */
public record Evaluation(double[] returns, double mean, double std) {
  public static Evaluation of(double[] returns) {
    double m = 0;
    for (double r : returns) m += r;
    m /= Math.max(1, returns.length);
    double s = 0;
    for (double r : returns) s += (r - m) * (r - m);
    s = returns.length == 0 ? 0 : Math.sqrt(s / returns.length);
    return new Evaluation(returns.clone(), m, s);
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "%.2f +- %.2f over %d episodes", mean, std, returns.length);
  }
}
