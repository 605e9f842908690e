package vecrl.plan;

import java.util.List;
import java.util.Map;
import vecrl.algo.Policy;
import vecrl.algo.SampleBatch;
import vecrl.tensor.Tensor;
import vecrl.train.Trainer;

/**
 * The rollout workers of one run and its learner, RLlib's {@code WorkerSet}: what the operators of
 * an execution plan sample from, send weights to and train on. Two implementations:
 *
 * <ul>
 *   <li>{@link LocalWorkerSet}, in the learner's JVM: no remote worker (the learner's trainer samples
 *       all its envs itself, or through the cluster's rollouts that {@code train --cluster}
 *       installs), or N in-process workers on threads, each with its own share of the envs and its
 *       own copy of the policy;
 *   <li>the {@code cluster} module's {@code ClusterWorkerSet}: the worker members of a Hazelcast
 *       cluster, for the bulk-sync plan.
 * </ul>
 *
 * <p>A worker never acts with a mix of two weight versions: weights sent to a worker are taken up
 * when its next task starts.
 */
public interface WorkerSet extends AutoCloseable {
  /** Finished-episode statistics and steps of one worker, as of its last result. */
  record WorkerStats(long steps, long episodes, double meanReturn, double meanLength, long invalidActions) {
    public static final WorkerStats NONE = new WorkerStats(0, 0, Double.NaN, Double.NaN, 0);
  }

  /**
   * What one worker returned: its index (0-based among the remote workers), the value, the env
   * steps it sampled for it, the weights version it acted with, and its statistics then.
   */
  record WorkerResult<T>(int worker, T value, long steps, long weightsVersion, WorkerStats stats) {}

  /**
   * Results of the remote workers as they finish (RLlib's {@code gather_async} with one task in
   * flight per worker). {@link #next} blocks for the next result; a worker whose result was
   * returned starts its next task when {@link #next} is called again, so that whatever the caller
   * did with the result (such as sending it new weights) comes first.
   */
  interface AsyncResults<T> {
    WorkerResult<T> next();
  }

  /** The learner: its trainer holds the policy that {@link TrainOneStep} and {@link ApplyGradients} update. */
  Trainer learner();

  /** The remote workers (0: the learner samples). */
  int numRemoteWorkers();

  /**
   * Whether a bulk-sync round is the learner's own rollout ({@link Trainer#sampleRollout}): its
   * episode statistics are then the learner's, and the iteration's are those of the trainer's own
   * loop, bit for bit.
   */
  boolean samplesOnLearner();

  /** One bulk-sync round: every worker's rollout with the current weights, concatenated in worker order. */
  SampleBatch sampleBulkSync();

  /** Rollouts of the remote workers as they finish (each a copy the caller owns). */
  AsyncResults<SampleBatch> sampleAsync();

  /** Gradients of the remote workers, each on its own new rollout, as they finish. */
  AsyncResults<Policy.Gradients> gradientsAsync();

  /** Sends {@code weights} (version {@code version}) to remote worker {@code worker}. */
  void setWeights(int worker, Map<String, Tensor> weights, long version);

  /** Sends the learner's weights (version {@code version}) to every remote worker. */
  void syncWeights(long version);

  /** Each remote worker's statistics as of its last result (empty without remote workers). */
  List<WorkerStats> workerStats();

  @Override
  void close();
}
