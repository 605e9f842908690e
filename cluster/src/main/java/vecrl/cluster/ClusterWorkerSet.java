package vecrl.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import vecrl.autodiff.Parameter;
import vecrl.plan.LocalWorkerSet;
import vecrl.algo.Policy;
import vecrl.algo.SampleBatch;
import vecrl.plan.WorkerSet;
import vecrl.tensor.Tensor;
import vecrl.train.Trainer;

/**
 * The worker members of a Hazelcast cluster as a {@link WorkerSet} ({@code train --cluster} runs
 * {@link vecrl.plan.Plans#bulkSync} over it). A bulk-sync round is the learner's rollout of all its
 * envs run by the workers ({@link ClusterRollouts}, installed with {@link Trainer#useRollouts}):
 * each worker's task carries the learner's weights of the round (versioned by the iteration), each
 * worker runs its range, and the results come back in the single-JVM order, so the round is the
 * learner's own rollout and the plan gives the single-JVM bits; {@link #syncWeights} has nothing to
 * send for it.
 *
 * <p>{@code AsyncGradients} (A3C's plan) runs on the members too ({@link #gradientsAsync}): each
 * asynchronous worker keeps its envs and policy on its member between {@link GradientTask}s, and
 * each task carries the weights last sent to that worker ({@code ApplyGradients(updateAll=false)}
 * sends them to the worker whose gradients it applied). {@code ParallelRollouts} in async mode is
 * refused with a message.
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
    throw new UnsupportedOperationException("ParallelRollouts(ASYNC) is not available over the cluster (its shard tasks keep no envs between"
        + " iterations); use the bulk-sync plan here, or in-process workers (vecrl.plan.LocalWorkerSet) for asynchronous sampling");
  }

  /**
   * Gradients of asynchronous workers on the cluster's members: worker {@code i} of the members
   * present when the plan starts (waiting up to the worker timeout for a first one) runs on the
   * {@code i}-th (by address), keeps its envs and policy between tasks
   * ({@link GradientTask}), and each task carries the weights last sent to it. A worker whose member
   * leaves goes on, from a fresh start of its envs, on another member (logged); nothing waits longer
   * than the task timeout.
   */
  @Override
  public AsyncResults<Policy.Gradients> gradientsAsync() {
    return new Async();
  }

  @Override
  public synchronized void setWeights(int worker, Map<String, Tensor> weights, long version) {
    if (pending == null) return; // no asynchronous workers: the bulk-sync rounds carry the weights
    pending[worker] = flat(weights);
    pendingVersion[worker] = version;
  }

  @Override
  public synchronized void syncWeights(long version) {
    if (pending == null) return;
    float[] w = flat(learner.policy().getWeights());
    for (int i = 0; i < pending.length; i++) {
      pending[i] = w;
      pendingVersion[i] = version;
    }
  }

  private float[] flat(Map<String, Tensor> weights) {
    int n = 0;
    for (Parameter p : learner.network().parameters()) n += p.value().size();
    float[] f = new float[n];
    int o = 0;
    for (Parameter p : learner.network().parameters()) {
      Tensor t = weights.get(p.name());
      if (t == null || t.size() != p.value().size()) throw new IllegalArgumentException("weights: parameter " + p.name() + " missing or of another size");
      System.arraycopy(t.data(), t.offset(), f, o, t.size());
      o += t.size();
    }
    return f;
  }

  private float[][] pending;
  private long[] pendingVersion;
  private WorkerStats[] latest = new WorkerStats[0];

  /** The asynchronous gradient workers' results as they finish, one task in flight per worker. */
  private final class Async implements AsyncResults<Policy.Gradients> {
    private final List<Member> assigned;
    private final int n;
    private final java.util.concurrent.LinkedBlockingQueue<Object[]> done = new java.util.concurrent.LinkedBlockingQueue<>();
    private final IExecutorService exec = hz.getExecutorService(Members.EXECUTOR);
    private final String config = learner.config().toText();
    private final String runId = rollouts.runId();
    private int held = -1;

    Async() {
      assigned = new java.util.ArrayList<>(rollouts.awaitWorkers(learner.iteration())); // up to --worker-timeout for the first
      n = assigned.size();
      LocalWorkerSet.checkSupported(learner.config(), n);
      synchronized (ClusterWorkerSet.this) {
        pending = new float[n][];
        pendingVersion = new long[n];
        latest = new WorkerStats[n];
        java.util.Arrays.fill(latest, WorkerStats.NONE);
      }
      syncWeights(0);
      for (int i = 0; i < n; i++) launch(i);
    }

    private void launch(int i) {
      float[] w;
      long v;
      synchronized (ClusterWorkerSet.this) {
        w = pending[i];
        v = pendingVersion[i];
      }
      Member m = assigned.get(i);
      GradientTask task = new GradientTask(new GradientTask.Fields(runId, i, n, v, learner.iteration(), w, config, learner.kernels().name()).encode(),
          rollouts.secret());
      exec.submitToMember(task, m, new ExecutionCallback<Wire.Signed>() {
        @Override
        public void onResponse(Wire.Signed reply) {
          done.add(new Object[] {i, v, m, reply});
        }

        @Override
        public void onFailure(Throwable t) {
          done.add(new Object[] {i, v, m, t});
        }
      });
    }

    @Override
    public WorkerResult<Policy.Gradients> next() {
      if (held >= 0) launch(held);
      held = -1;
      while (true) {
        Object[] d;
        try {
          d = done.poll(600, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the gradient workers", e);
        }
        if (d == null) throw new IllegalStateException("AsyncGradients: no worker replied within 600 s");
        int i = (Integer) d[0];
        Member m = (Member) d[2];
        if (d[3] instanceof Throwable t) {
          Throwable c = t instanceof java.util.concurrent.ExecutionException && t.getCause() != null ? t.getCause() : t;
          if (c instanceof MemberLeftException || c instanceof TargetNotMemberException || !hz.getCluster().getMembers().contains(m)) {
            List<Member> now = Members.workers(hz);
            if (now.isEmpty()) throw new IllegalStateException("AsyncGradients: every worker left the cluster");
            Member to = now.get(i % now.size());
            assigned.set(i, to);
            rollouts.event(String.format(Locale.ROOT, "cluster: worker %s left; gradient worker %d goes on on %s from a fresh start of its envs",
                Members.address(m), i, Members.address(to)));
            launch(i);
            continue;
          }
          throw new IllegalStateException("gradient worker " + i + " on " + Members.address(m) + " failed: " + c.getMessage(), c);
        }
        GradientTask.Reply r = GradientTask.Reply.decode(((Wire.Signed) d[3]).verified(rollouts.secret(), "gradient reply from " + Members.address(m)));
        Map<String, Tensor> grads = new java.util.LinkedHashMap<>();
        int o = 0;
        for (Parameter p : learner.network().parameters()) {
          int size = p.value().size();
          if (o + size > r.gradients().length) throw new IllegalArgumentException("gradient reply: " + r.gradients().length + " gradients, too few");
          grads.put(p.name(), Tensor.wrap(java.util.Arrays.copyOfRange(r.gradients(), o, o + size), p.value().shape()));
          o += size;
        }
        if (o != r.gradients().length) throw new IllegalArgumentException("gradient reply: " + r.gradients().length + " gradients, the policy has " + o);
        WorkerStats s = new WorkerStats(r.totalSteps(), r.episodes(), r.meanReturn(), r.meanLength(), 0);
        synchronized (ClusterWorkerSet.this) {
          latest[i] = s;
        }
        held = i;
        return new WorkerResult<>(i, new Policy.Gradients(grads, r.stats()), r.steps(), (Long) d[1], s);
      }
    }
  }

  @Override
  public synchronized List<WorkerStats> workerStats() {
    return List.of(latest);
  }

  @Override
  public void close() {
    learner.useRollouts(null);
  }
}
