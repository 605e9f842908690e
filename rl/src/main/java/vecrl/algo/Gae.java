package vecrl.algo;

/**
 * Generalised advantage estimation (Schulman et al. 2016) in the CleanRL layout.
 *
 * <p>Arrays are {@code [steps][envs]} row-major. {@code dones[t*envs + i]} is 1 when {@code obs[t]}
 * of env {@code i} is the first observation of a new episode (the previous step ended one), as in
 * CleanRL; {@code nextValues}/{@code nextDones} describe the observation after the last step. So
 * the value of step {@code t+1} is masked by {@code 1 - dones[t+1]}. Truncation bootstrapping is done
 * by the caller, by adding {@code gamma * V(final observation)} to the truncated step's reward before
 * this runs (see {@link RolloutBuffer}).
 */
public final class Gae {
  private Gae() {}

  /**
   * Fills {@code advantages} and {@code returns} (= advantages + values); both modified, length
   * {@code steps * envs}. Accumulates in double.
   */
  public static void compute(float[] rewards, float[] values, float[] dones, float[] nextValues, float[] nextDones,
      int steps, int envs, float gamma, float lambda, float[] advantages, float[] returns) {
    int n = steps * envs;
    check("rewards", rewards, n);
    check("values", values, n);
    check("dones", dones, n);
    check("advantages", advantages, n);
    check("returns", returns, n);
    check("nextValues", nextValues, envs);
    check("nextDones", nextDones, envs);
    for (int i = 0; i < envs; i++) {
      double last = 0;
      for (int t = steps - 1; t >= 0; t--) {
        int k = t * envs + i;
        double nextNonTerminal;
        double nextValue;
        if (t == steps - 1) {
          nextNonTerminal = 1.0 - nextDones[i];
          nextValue = nextValues[i];
        } else {
          nextNonTerminal = 1.0 - dones[k + envs];
          nextValue = values[k + envs];
        }
        double delta = rewards[k] + gamma * nextValue * nextNonTerminal - values[k];
        last = delta + (double) gamma * lambda * nextNonTerminal * last;
        advantages[k] = (float) last;
        returns[k] = (float) (last + values[k]);
      }
    }
  }

  /**
   * GAE as postprocessing of a rollout batch (step-major, {@link SampleBatch#steps()} x {@link
   * SampleBatch#envs()}): reads {@link SampleBatch#REWARDS}, {@link SampleBatch#VF_PREDS}, {@link
   * SampleBatch#EPS_START} and the side arrays {@link RolloutBuffer#NEXT_VF_PREDS} and {@link
   * RolloutBuffer#NEXT_EPS_START}; writes {@link SampleBatch#ADVANTAGES} and {@link
   * SampleBatch#VALUE_TARGETS} (added when missing). With {@code lambda = 1} these are the
   * bootstrapped discounted returns minus the values. Returns the batch.
   */
  public static SampleBatch postprocess(SampleBatch batch, float gamma, float lambda) {
    if (batch.steps() <= 0) throw new IllegalArgumentException("Gae.postprocess: " + batch + " has no rollout layout (steps x envs)");
    float[] adv = column(batch, SampleBatch.ADVANTAGES);
    float[] ret = column(batch, SampleBatch.VALUE_TARGETS);
    compute(whole(batch, SampleBatch.REWARDS), whole(batch, SampleBatch.VF_PREDS), whole(batch, SampleBatch.EPS_START),
        batch.side(RolloutBuffer.NEXT_VF_PREDS), batch.side(RolloutBuffer.NEXT_EPS_START), batch.steps(), batch.envs(), gamma, lambda, adv, ret);
    return batch;
  }

  /** The array of a width-1 float column that starts at offset 0 (a rollout's own storage). */
  static float[] whole(SampleBatch b, String name) {
    SampleBatch.Floats f = b.floats(name);
    if (f.offset() != 0 || f.width() != 1) throw new IllegalArgumentException("Gae: column " + name + " must be a whole width-1 column");
    return f.data();
  }

  private static float[] column(SampleBatch b, String name) {
    return b.has(name) ? whole(b, name) : b.addFloats(name, 1).data();
  }

  private static void check(String name, float[] a, int n) {
    if (a == null || a.length < n) {
      throw new IllegalArgumentException("Gae.compute: " + name + " has length " + (a == null ? "null" : a.length) + ", expected >= " + n);
    }
  }
}
