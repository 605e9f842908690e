package vecrl.algo;

/**
 * What runs on a finished rollout before the minibatches: fills the columns the loss needs beyond
 * what acting recorded. The default is GAE's advantages and value targets ({@link #gae}); with
 * {@code lambda = 1} these are plain bootstrapped discounted returns minus the values.
 */
@FunctionalInterface
public interface Postprocessing {
  /** Adds columns to {@code batch} (modified). */
  void apply(RolloutBuffer batch);

  /** Generalised advantage estimation ({@link Gae}) with discount {@code gamma} and {@code lambda}. */
  static Postprocessing gae(float gamma, float lambda) {
    return b -> b.computeAdvantages(gamma, lambda);
  }
}
