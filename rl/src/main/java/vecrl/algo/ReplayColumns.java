package vecrl.algo;

import vecrl.tensor.Tensor;

/**
 * Tensor views of a sampled batch's columns for the continuous-action algorithms, made once per
 * batch object (the replay buffer reuses its sample batch, so a steady-state step allocates none).
 */
final class ReplayColumns {
  private SampleBatch cached;
  private float[] cachedData;
  Tensor obs, next, actions, rewards, terminateds;

  /** Binds the views to {@code batch}; returns this. */
  ReplayColumns bind(SampleBatch batch) {
    float[] d = batch.floats(SampleBatch.OBS).data();
    if (batch != cached || d != cachedData) {
      obs = ReplayBuffer.column(batch, SampleBatch.OBS);
      next = ReplayBuffer.column(batch, SampleBatch.NEW_OBS);
      actions = ReplayBuffer.column(batch, SampleBatch.ACTIONS);
      rewards = ReplayBuffer.column(batch, SampleBatch.REWARDS);
      terminateds = ReplayBuffer.column(batch, SampleBatch.TERMINATEDS);
      if (actions.rank() == 1) actions = actions.reshape(actions.size(), 1);
      cached = batch;
      cachedData = d;
    }
    return this;
  }

  int rows() {
    return obs.rows();
  }
}
