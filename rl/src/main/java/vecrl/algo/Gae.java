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

  private static void check(String name, float[] a, int n) {
    if (a == null || a.length < n) {
      throw new IllegalArgumentException("Gae.compute: " + name + " has length " + (a == null ? "null" : a.length) + ", expected >= " + n);
    }
  }
}
