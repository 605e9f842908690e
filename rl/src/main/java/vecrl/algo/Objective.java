package vecrl.algo;

import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;

/**
 * What distinguishes one on-policy actor-critic algorithm from another: its loss on a minibatch.
 * (Its schedule, i.e. rollout length, epochs and minibatches, lives in the {@link vecrl.train.TrainConfig}.)
 * Rollout collection, GAE and the minibatch loop are shared ({@link vecrl.train.Trainer}).
 */
public interface Objective {
  /**
   * Records the loss on {@code tape}.
   *
   * @param logProb log-probabilities of the minibatch's actions under the current policy ({@code B} elements)
   * @param entropy the policy's entropy per sample ({@code B} elements)
   * @param value the critic's values ({@code B} elements)
   * @param batch advantages, returns and the rollout's old values and log-probs; the objective may
   *     normalise {@code batch.advantages} in place
   * @param stats filled with the loss pieces (modified)
   * @return the scalar loss
   */
  Var loss(Tape tape, Var logProb, Var entropy, Var value, Minibatch batch, LossStats stats);

  /** Whether the objective wants the rollout's advantages normalised per minibatch before {@link #loss}. */
  boolean normalizesAdvantages();

  /** Normalises {@code a[0..n)} in place to zero mean and unit (unbiased, as torch.std) deviation, plus 1e-8. */
  static void normalize(float[] a, int n) {
    if (n < 2) return;
    double mean = 0;
    for (int i = 0; i < n; i++) mean += a[i];
    mean /= n;
    double ss = 0;
    for (int i = 0; i < n; i++) {
      double d = a[i] - mean;
      ss += d * d;
    }
    double std = Math.sqrt(ss / (n - 1));
    double inv = 1.0 / (std + 1e-8);
    for (int i = 0; i < n; i++) a[i] = (float) ((a[i] - mean) * inv);
  }
}
