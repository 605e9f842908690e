package vecrl.algo;

/** The pieces of the last loss computed, read after the forward pass (mutable, reused). */
public final class LossStats {
  public double loss;
  public double policyLoss;
  public double valueLoss;
  public double entropy;
  /** CleanRL's low-variance estimator {@code mean((r - 1) - log r)}; 0 for A2C. */
  public double approxKl;
  /** Fraction of samples with {@code |r - 1| > clip}; 0 for A2C. */
  public double clipFraction;
  /** {@code max |r - 1|} over the minibatch (0 exactly when the policy has not changed); 0 for A2C. */
  public double maxRatioDeviation;

  void clear() {
    loss = policyLoss = valueLoss = entropy = approxKl = clipFraction = maxRatioDeviation = 0;
  }
}
