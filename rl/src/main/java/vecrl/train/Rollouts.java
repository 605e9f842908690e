package vecrl.train;

import java.util.List;

/**
 * Where an iteration's rollout runs when it does not run in the trainer's own JVM: the hook of the
 * {@code cluster} module's rollout workers. {@link Trainer#useRollouts} installs one (a {@link
 * Callback} may do so in {@code onStart}); the trainer then hands each iteration's starting state to
 * {@link #collect}, and replays the returned shards into its rollout buffer, episode statistics and
 * env snapshots in the order a single-JVM collector would have produced them, so the rest of the
 * data path (postprocessing, the learner, checkpoints, metrics) does not know the difference.
 *
 * <p>An implementation runs {@link RolloutShard}s over env ranges that together cover {@code [0,
 * numEnvs)} exactly once; how it splits them (one per worker, re-split when a worker dies) does not
 * change the bits.
 */
public interface Rollouts {
  /** Runs {@code request} over every env; returns results whose ranges cover {@code [0, request.numEnvs())}. */
  List<RolloutShard.Result> collect(Request request);

  /**
   * The start of one iteration's rollout: the run's config (its text), the kernels' backend name, the
   * iteration, the policy's parameters (flat, in the model's parameter order), the sampling
   * generator's state, and every env's snapshot, observation row and episode-start flag.
   */
  record Request(String configText, String backend, long iteration, float[] weights, long[] rngState, double[][] snapshots, float[] observations,
      float[] dones) {
    public int numEnvs() { return snapshots.length; }
    /** The observation width. */
    public int observationSize() { return observations.length / snapshots.length; }
  }
}
