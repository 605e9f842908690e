package vecrl.algo;

/** Discounted returns as postprocessing (REINFORCE's {@code postprocess_fn}). */
public final class Returns {
  private Returns() {}

  /**
   * Fills {@link SampleBatch#VALUE_TARGETS} of a rollout batch with each step's discounted return to
   * the end of its episode or of the rollout, {@code G_t = r_t + gamma G_{t+1}}, restarting where the
   * next observation starts an episode; at the rollout's end it continues from the bootstrap value
   * ({@link RolloutBuffer#NEXT_VF_PREDS}) when {@code baseline}, from 0 otherwise. {@link
   * SampleBatch#ADVANTAGES} becomes {@code G - vf_preds} with a baseline, {@code G} without. Sums in
   * double. Returns the batch.
   */
  public static SampleBatch discounted(SampleBatch batch, float gamma, boolean baseline) {
    int steps = batch.steps(), envs = batch.envs();
    if (steps <= 0) throw new IllegalArgumentException("Returns.discounted: " + batch + " has no rollout layout (steps x envs)");
    float[] r = Gae.whole(batch, SampleBatch.REWARDS);
    float[] v = Gae.whole(batch, SampleBatch.VF_PREDS);
    float[] starts = Gae.whole(batch, SampleBatch.EPS_START);
    float[] nextV = batch.side(RolloutBuffer.NEXT_VF_PREDS);
    float[] nextStart = batch.side(RolloutBuffer.NEXT_EPS_START);
    float[] ret = batch.has(SampleBatch.VALUE_TARGETS) ? Gae.whole(batch, SampleBatch.VALUE_TARGETS) : batch.addFloats(SampleBatch.VALUE_TARGETS, 1).data();
    float[] adv = batch.has(SampleBatch.ADVANTAGES) ? Gae.whole(batch, SampleBatch.ADVANTAGES) : batch.addFloats(SampleBatch.ADVANTAGES, 1).data();
    for (int i = 0; i < envs; i++) {
      double g = baseline && nextStart[i] == 0f ? nextV[i] : 0;
      for (int t = steps - 1; t >= 0; t--) {
        int k = t * envs + i;
        boolean nextStarts = t == steps - 1 ? nextStart[i] != 0f : starts[k + envs] != 0f;
        if (nextStarts) g = 0;
        g = r[k] + gamma * g;
        ret[k] = (float) g;
        adv[k] = baseline ? (float) (g - v[k]) : (float) g;
      }
    }
    return batch;
  }
}
