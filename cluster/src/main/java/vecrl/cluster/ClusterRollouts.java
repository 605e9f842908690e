package vecrl.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import vecrl.train.RolloutShard;
import vecrl.train.Rollouts;

/**
 * The learner's side of a bulk-sync iteration (RLlib's {@code ParallelRollouts(mode="bulk_sync")}):
 * splits the envs into contiguous ranges over the worker members present now (a worker that joined
 * since the last iteration gets a range), sends each its {@link ShardTask} with the iteration's
 * weights (version: the iteration), and gathers the results.
 *
 * <p><b>Faults.</b> A worker that leaves (killed, crashed, disconnected) fails its pending task with
 * {@link MemberLeftException}; Hazelcast notices within {@link Members#NO_HEARTBEAT_SECONDS} s at
 * most. Its range is split over the remaining workers and run again from the same snapshots: a shard
 * is a pure function of its task, so the iteration's bits do not change and nothing is lost. With no
 * worker left, it waits up to the worker timeout for one to join, then fails with a message.
 */
final class ClusterRollouts implements Rollouts {
  private final HazelcastInstance hz;
  private final Secret secret;
  private volatile String runId = java.util.UUID.randomUUID().toString();
  private final double workerTimeoutSeconds;
  private final PrintStream log;
  private final List<String> events = new ArrayList<>();
  private final List<List<int[]>> splits = new ArrayList<>();
  private final List<Long> eventNanos = new ArrayList<>();
  private final List<Long> collectNanos = new ArrayList<>();
  private final List<Long> workerNanos = new ArrayList<>();
  private final List<Long> taskNanosList = new ArrayList<>();
  private final List<Long> learnerCodecNanosList = new ArrayList<>();
  private int maxWorkers;

  ClusterRollouts(HazelcastInstance hz, Secret secret, double workerTimeoutSeconds, PrintStream log) {
    this.hz = hz;
    this.secret = secret;
    this.workerTimeoutSeconds = workerTimeoutSeconds;
    this.log = log;
  }

  /**
   * Starts a new run: a new run id, so that the workers' cached shards are not those of an earlier
   * run of this learner (each trainer calls it when it starts).
   */
  void newRun() {
    runId = java.util.UUID.randomUUID().toString();
  }

  /** Each iteration's first assignment of env ranges (in env order), in iteration order. */
  synchronized List<List<int[]>> splits() { return List.copyOf(splits); }
  /** What happened to workers (left, re-run ranges), one line each. */
  synchronized List<String> events() { return List.copyOf(events); }
  /** {@link System#nanoTime} of each event. */
  synchronized List<Long> eventNanos() { return List.copyOf(eventNanos); }

  @Override
  public List<RolloutShard.Result> collect(Request request) {
    String runId = this.runId;
    long start = System.nanoTime();
    long maxWorkerNanos = 0, maxTaskNanos = 0, codecNanos = 0;
    long version = request.iteration();
    IExecutorService exec = hz.getExecutorService(Members.EXECUTOR);
    Deque<int[]> pending = new ArrayDeque<>();
    pending.add(new int[] {0, request.numEnvs()});
    List<RolloutShard.Result> results = new ArrayList<>();
    boolean first = true;
    while (!pending.isEmpty()) {
      List<Member> workers = awaitWorkers(version);
      Map<Future<Wire.Signed>, Object[]> running = new LinkedHashMap<>();
      List<int[]> ranges = new ArrayList<>();
      while (!pending.isEmpty()) ranges.addAll(split(pending.poll(), workers.size()));
      if (first) {
        synchronized (this) { splits.add(List.copyOf(ranges)); }
        first = false;
      }
      for (int k = 0; k < ranges.size(); k++) {
        int[] r = ranges.get(k);
        Member m = workers.get(k % workers.size());
        long e0 = System.nanoTime();
        ShardTask task = new ShardTask(task(request, runId, version, r[0], r[1]).encode(), secret);
        codecNanos += System.nanoTime() - e0;
        running.put(exec.submitToMember(task, m), new Object[] {r, m});
      }
      for (var e : running.entrySet()) {
        int[] r = (int[]) e.getValue()[0];
        Member m = (Member) e.getValue()[1];
        try {
          Wire.Signed reply = e.getKey().get((long) taskTimeoutSeconds(), TimeUnit.SECONDS);
          long d0 = System.nanoTime();
          ShardTask.Reply rep = ShardTask.Reply.decode(reply.verified(secret, "rollout result from " + Members.address(m)));
          codecNanos += System.nanoTime() - d0;
          results.add(rep.result());
          if (rep.workerNanos() > maxWorkerNanos) {
            maxWorkerNanos = rep.workerNanos();
            maxTaskNanos = rep.taskNanos();
          }
        } catch (ExecutionException ex) {
          Throwable c = ex.getCause();
          if (c instanceof MemberLeftException || c instanceof TargetNotMemberException || !hz.getCluster().getMembers().contains(m)) {
            event(String.format(Locale.ROOT, "cluster: worker %s left during iteration %d; envs [%d, %d) run again on the other workers",
                Members.address(m), version + 1, r[0], r[1]));
            pending.add(r);
          } else {
            throw new IllegalStateException("worker " + Members.address(m) + " failed on envs [" + r[0] + ", " + r[1] + ") of iteration " + (version + 1)
                + ": " + (c == null ? ex.getMessage() : c.getMessage()), c == null ? ex : c);
          }
        } catch (TimeoutException ex) {
          e.getKey().cancel(true);
          throw new IllegalStateException(String.format(Locale.ROOT, "worker %s sent no result for envs [%d, %d) of iteration %d within %.0f s",
              Members.address(m), r[0], r[1], version + 1, taskTimeoutSeconds()));
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the workers", ex);
        }
      }
    }
    synchronized (this) {
      collectNanos.add(System.nanoTime() - start);
      workerNanos.add(maxWorkerNanos);
      taskNanosList.add(maxTaskNanos);
      learnerCodecNanosList.add(codecNanos);
    }
    return results;
  }

  /**
   * Each iteration's wall time in {@link #collect} (weights out, tasks out, the slowest worker's
   * rollout, results in and decoded) and the slowest worker's own rollout time (their difference is
   * the cluster's overhead per iteration); then the slowest worker's whole task (check and decode
   * with its weights, rollout, encode), and the learner's encoding and signing of the tasks plus
   * checking and decoding of the replies.
   */
  synchronized long[][] timings() {
    long[][] t = new long[collectNanos.size()][];
    for (int i = 0; i < t.length; i++) {
      t[i] = new long[] {collectNanos.get(i), workerNanos.get(i), taskNanosList.get(i), learnerCodecNanosList.get(i)};
    }
    return t;
  }

  /** Uses at most {@code n} workers (0: all); for measurements with a set count. */
  synchronized void maxWorkers(int n) {
    this.maxWorkers = n;
  }

  private static double taskTimeoutSeconds() {
    return 600;
  }

  /** The learner's member. */
  HazelcastInstance hz() { return hz; }
  Secret secret() { return secret; }
  /** The current run's id. */
  String runId() { return runId; }

  synchronized void event(String line) {
    events.add(line);
    eventNanos.add(System.nanoTime());
    if (log != null) log.println(line);
  }

  /** The worker members, waiting up to the worker timeout for the first to join. */
  List<Member> awaitWorkers(long version) {
    long deadline = System.nanoTime() + (long) (workerTimeoutSeconds * 1e9);
    boolean said = false;
    while (true) {
      List<Member> w = Members.workers(hz);
      int cap;
      synchronized (this) { cap = maxWorkers; }
      if (cap > 0 && w.size() > cap) w = w.subList(0, cap);
      if (!w.isEmpty()) return w;
      if (!said && log != null) {
        log.println(String.format(Locale.ROOT, "cluster: no worker yet for iteration %d; waiting up to %.0f s", version + 1, workerTimeoutSeconds));
        said = true;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(String.format(Locale.ROOT, "cluster: no worker joined within %.0f s (--worker-timeout); start workers"
            + " with './vecrl worker --cluster %s' and the same cluster name and secret", workerTimeoutSeconds,
            Members.address(hz.getCluster().getLocalMember())));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for workers", e);
      }
    }
  }

  /** {@code range} in {@code parts} contiguous pieces as even as possible (the first ones one env larger); fewer when it has fewer envs. */
  static List<int[]> split(int[] range, int parts) {
    int n = range[1] - range[0];
    int k = Math.min(parts, n);
    List<int[]> out = new ArrayList<>();
    int from = range[0];
    for (int i = 0; i < k; i++) {
      int size = n / k + (i < n % k ? 1 : 0);
      out.add(new int[] {from, from + size});
      from += size;
    }
    return out;
  }

  /** The task of envs {@code [from, to)}: it carries the iteration's weights (version {@code version}) and those envs' states. */
  static ShardTask.Fields task(Request q, String runId, long version, int from, int to) {
    int d = q.observationSize();
    return new ShardTask.Fields(runId, version, q.weights(), q.configText(), q.backend(), from, to, q.rngState(), Arrays.copyOfRange(q.snapshots(), from, to),
        Arrays.copyOfRange(q.observations(), from * d, to * d), Arrays.copyOfRange(q.dones(), from, to));
  }
}
