package vecrl.cluster;

import java.util.List;
import java.util.Map;
import vecrl.algo.Policy;
import vecrl.algo.SampleBatch;
import vecrl.plan.WorkerSet;
import vecrl.tensor.Tensor;
import vecrl.train.Trainer;

/**
 * The worker members of a Hazelcast cluster as a {@link WorkerSet}, for the bulk-sync plan ({@code
 * train --cluster} runs {@link vecrl.plan.Plans#bulkSync} over it). A bulk-sync round is the
 * learner's rollout of all its envs run by the workers ({@link ClusterRollouts}, installed with
 * {@link Trainer#useRollouts}): each worker's task carries the learner's weights of the round
 * (versioned by the iteration), each worker runs its range, and the results come back in the single-JVM order, so the round is
 * the learner's own rollout and the plan gives the single-JVM bits. Weights travel with each round,
 * so {@link #syncWeights} has nothing to send.
 *
 * <p>The asynchronous operators ({@code ParallelRollouts} in async mode, {@code AsyncGradients})
 * need workers that keep their own envs and policy between tasks; the cluster's workers keep none (a
 * range lost with a worker is simply run again elsewhere), so they are refused here with a message:
 * run them on in-process workers ({@link vecrl.plan.LocalWorkerSet}).
 */
final class ClusterWorkerSet implements WorkerSet {
  private final Trainer learner;
  private final ClusterRollouts rollouts;
  private final com.hazelcast.core.HazelcastInstance hz;

  ClusterWorkerSet(Trainer learner, ClusterRollouts rollouts, com.hazelcast.core.HazelcastInstance hz) {
    this.learner = learner;
    this.rollouts = rollouts;
    this.hz = hz;
    learner.useRollouts(rollouts);
  }

  @Override
  public Trainer learner() {
    return learner;
  }

  /** The worker members present now. */
  @Override
  public int numRemoteWorkers() {
    return Members.workers(hz).size();
  }

  @Override
  public boolean samplesOnLearner() {
    return true;
  }

  @Override
  public SampleBatch sampleBulkSync() {
    return learner.sampleRollout();
  }

  @Override
  public AsyncResults<SampleBatch> sampleAsync() {
    throw asyncRefused("ParallelRollouts(ASYNC)");
  }

  @Override
  public AsyncResults<Policy.Gradients> gradientsAsync() {
    throw asyncRefused("AsyncGradients");
  }

  private static UnsupportedOperationException asyncRefused(String op) {
    return new UnsupportedOperationException(op + " is not available over the cluster: its workers keep no envs or policy between tasks;"
        + " run asynchronous plans on in-process workers (train --plan async-gradients --plan-workers N, or vecrl.plan.LocalWorkerSet)");
  }

  @Override
  public void setWeights(int worker, Map<String, Tensor> weights, long version) {
    // each bulk-sync round's tasks carry the learner's weights
  }

  @Override
  public void syncWeights(long version) {
    // as above
  }

  @Override
  public List<WorkerStats> workerStats() {
    return List.of();
  }

  @Override
  public void close() {
    learner.useRollouts(null);
  }
}
