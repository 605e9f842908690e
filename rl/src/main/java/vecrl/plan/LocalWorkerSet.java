package vecrl.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import vecrl.algo.Algorithms;
import vecrl.algo.Policy;
import vecrl.algo.SampleBatch;
import vecrl.env.EnvRegistry;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.train.Policies;
import vecrl.train.TrainConfig;
import vecrl.train.Trainer;

/**
 * The {@link WorkerSet} in the learner's JVM.
 *
 * <p>With no remote worker, the learner's trainer samples every env itself ({@link
 * Trainer#sampleRollout}, which goes through the cluster's rollouts when {@code train --cluster}
 * installed them): the bulk-sync plan then gives the bits of the trainer's own loop.
 *
 * <p>With {@code n} remote workers, worker {@code i} is a trainer of its own on a thread of its own:
 * the config with the envs split into {@code n} contiguous shares (the first ones one env larger),
 * a seed derived from the run's seed and {@code i} (so each worker's envs and sampling depend on the
 * seed and the index alone, not on which thread runs first), and its own copy of the policy (the
 * same template), which starts with the learner's weights. A bulk-sync round runs every worker's
 * rollout concurrently and concatenates them in index order: it is deterministic, but not the bits
 * of the single-trainer run (other env seeds, other sampling generators). Asynchronous results
 * ({@link #sampleAsync}, {@link #gradientsAsync}) come in the order the threads finish, which
 * varies from run to run with more than one worker.
 */
public final class LocalWorkerSet implements WorkerSet {
  private final Trainer learner;
  private final List<Worker> workers = new ArrayList<>();
  private final List<ExecutorService> threads = new ArrayList<>();
  private final WorkerStats[] latest;

  /** No remote worker: the learner samples. */
  public LocalWorkerSet(Trainer learner) {
    this(learner, null, 0);
  }

  /**
   * {@code numWorkers} in-process rollout workers on {@code registry}'s envs (0: the learner
   * samples), built with the learner's config, template and kernels' backend.
   */
  public LocalWorkerSet(Trainer learner, EnvRegistry registry, int numWorkers) {
    this.learner = java.util.Objects.requireNonNull(learner, "learner");
    if (learner.policy() == null || learner.offPolicyAlgorithm() != null) {
      throw new IllegalArgumentException("LocalWorkerSet: execution plans drive on-policy templates; " + learner.config().algo() + " is off-policy");
    }
    TrainConfig c = learner.config();
    checkSupported(c, numWorkers);
    if (numWorkers > 0) java.util.Objects.requireNonNull(registry, "registry");
    this.latest = new WorkerStats[numWorkers];
    java.util.Arrays.fill(latest, WorkerStats.NONE);
    Map<String, Tensor> start = numWorkers > 0 ? learner.policy().getWeights() : null;
    try {
      for (int i = 0; i < numWorkers; i++) {
        TrainConfig wc = workerConfig(c, i, numWorkers);
        Trainer t = new Trainer(wc, registry, Policies.defaultRegistry(), kernelsLike(learner.kernels()), null, learner.policy().template());
        Worker w = new Worker(i, t);
        workers.add(w);
        w.setWeights(start, 0, learner.iteration());
        final int index = i;
        threads.add(Executors.newSingleThreadExecutor(r -> {
          Thread th = new Thread(r, "vecrl-rollout-worker-" + index);
          th.setDaemon(true);
          return th;
        }));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Refuses, with a message naming the key, a run of {@code c} that {@code numWorkers} in-process
   * workers cannot serve: an off-policy algorithm, fewer envs than workers, and with workers a
   * recurrent policy or observation normalisation.
   */
  public static void checkSupported(TrainConfig c, int numWorkers) {
    if (c.algo().offPolicy()) throw new IllegalArgumentException("execution plans drive on-policy templates (ppo, a2c, reinforce); algo = " + c.algo() + " is off-policy");
    if (numWorkers < 0) throw new IllegalArgumentException("LocalWorkerSet: " + numWorkers + " workers, expected >= 0");
    if (numWorkers > c.numEnvs()) {
      throw new IllegalArgumentException(numWorkers + " rollout workers for " + c.numEnvs() + " envs (numEnvs); each worker needs at least one env");
    }
    if (numWorkers > 0 && c.recurrent()) {
      throw new IllegalArgumentException("rollout workers with a recurrent policy (policy = " + c.policy() + ") are not supported; use a feed-forward policy");
    }
    if (numWorkers > 0 && c.normObs()) {
      throw new IllegalArgumentException("normObs = true with rollout workers is not supported (each worker would normalise with statistics of its"
          + " own envs); set normObs=false");
    }
  }

  /**
   * The config of worker {@code i} of {@code n} in a run of {@code c}: its contiguous share of the
   * envs (the first {@code numEnvs % n} workers one env more), a seed that is a function of the
   * run's seed and {@code i} alone, one minibatch (a worker computes gradients on its whole rollout).
   */
  public static TrainConfig workerConfig(TrainConfig c, int i, int n) {
    if (i < 0 || i >= n || n > c.numEnvs()) throw new IllegalArgumentException("worker " + i + " of " + n + " for " + c.numEnvs() + " envs");
    int share = c.numEnvs() / n + (i < c.numEnvs() % n ? 1 : 0);
    return c.with(Map.of("seed", String.valueOf(workerSeeds(c.seed(), n)[i]), "numEnvs", String.valueOf(share), "minibatches", "1",
        "envThreads", String.valueOf(Math.min(c.envThreads(), share))));
  }

  /**
   * What a worker does for {@link AsyncGradients}: a rollout with its trainer, the batch-wide
   * standardisation when the config asks for it, and the gradients of the template's loss on the
   * whole rollout.
   */
  public static Policy.Gradients sampleAndComputeGradients(Trainer worker) {
    SampleBatch b = worker.sampleRollout();
    if (worker.config().normAdvBatch()) Algorithms.standardize(b, SampleBatch.ADVANTAGES);
    return worker.policy().computeGradients(b);
  }

  /** The seeds of {@code n} workers of a run with seed {@code seed}: a function of the seed and the index. */
  static long[] workerSeeds(long seed, int n) {
    Rng r = new Rng(seed ^ 0x3C6EF372FE94F82BL);
    long[] s = new long[n];
    for (int i = 0; i < n; i++) s[i] = r.nextLong();
    return s;
  }

  private static Kernels kernelsLike(Kernels k) {
    try {
      return Backends.byName(k.name());
    } catch (RuntimeException e) {
      return k; // a backend Backends cannot make by name (a device): the workers share the learner's
    }
  }

  @Override
  public Trainer learner() {
    return learner;
  }

  @Override
  public int numRemoteWorkers() {
    return workers.size();
  }

  @Override
  public boolean samplesOnLearner() {
    return workers.isEmpty();
  }

  /** The weight versions remote worker {@code i} has been sent, in order (the first, 0, is the learner's weights at the start). */
  public List<Long> versionsSent(int i) {
    return workers.get(i).sent();
  }

  /** The weights version remote worker {@code i} acted with in its last task (-1 before any). */
  public long versionUsed(int i) {
    return workers.get(i).used;
  }

  /** The trainer of remote worker {@code i} (its policy copy, envs and statistics). */
  public Trainer worker(int i) {
    return workers.get(i).trainer;
  }

  @Override
  public SampleBatch sampleBulkSync() {
    if (workers.isEmpty()) return learner.sampleRollout();
    List<Future<WorkerResult<SampleBatch>>> fs = new ArrayList<>();
    for (Worker w : workers) fs.add(threads.get(w.index).submit(() -> w.run(Worker::sampleCopy)));
    List<SampleBatch> parts = new ArrayList<>();
    for (Future<WorkerResult<SampleBatch>> f : fs) {
      WorkerResult<SampleBatch> r = await(f);
      latest[r.worker()] = r.stats();
      parts.add(r.value());
    }
    return SampleBatch.concat(parts);
  }

  @Override
  public AsyncResults<SampleBatch> sampleAsync() {
    return new Async<>(Worker::sampleCopy);
  }

  @Override
  public AsyncResults<Policy.Gradients> gradientsAsync() {
    return new Async<>(Worker::gradients);
  }

  @Override
  public void setWeights(int worker, Map<String, Tensor> weights, long version) {
    workers.get(worker).setWeights(weights, version, learner.iteration());
  }

  @Override
  public void syncWeights(long version) {
    if (workers.isEmpty()) return;
    Map<String, Tensor> w = learner.policy().getWeights();
    for (Worker x : workers) x.setWeights(w, version, learner.iteration());
  }

  @Override
  public List<WorkerStats> workerStats() {
    return List.of(latest);
  }

  @Override
  public void close() {
    for (ExecutorService t : threads) t.shutdownNow();
    for (ExecutorService t : threads) {
      try {
        t.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Worker w : workers) w.trainer.close();
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the rollout workers", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) throw r;
      throw new IllegalStateException("a rollout worker failed: " + c, c);
    }
  }

  /** One in-process rollout worker: its trainer, and the weights sent to it that its next task takes up. */
  private final class Worker {
    final int index;
    final Trainer trainer;
    private Map<String, Tensor> pending;
    private long pendingVersion;
    private long pendingIteration;
    private final List<Long> sent = Collections.synchronizedList(new ArrayList<>());
    volatile long used = -1;

    Worker(int index, Trainer trainer) {
      this.index = index;
      this.trainer = trainer;
    }

    synchronized void setWeights(Map<String, Tensor> w, long version, long iteration) {
      pending = w;
      pendingVersion = version;
      pendingIteration = iteration;
      sent.add(version);
    }

    List<Long> sent() {
      return List.copyOf(sent);
    }

    /** Runs {@code task} with the newest weights sent (taken up now, before the first step). */
    <T> WorkerResult<T> run(Function<Worker, T> task) {
      Map<String, Tensor> w;
      long v, it;
      synchronized (this) {
        w = pending;
        v = pendingVersion;
        it = pendingIteration;
        pending = null;
      }
      if (w != null) {
        trainer.policy().setWeights(w);
        trainer.policy().beforeUpdate(it, learner.config().iterations()); // the schedules (entropy coefficient) of the learner's iteration
        used = v;
      }
      long before = trainer.globalStep();
      T value = task.apply(this);
      WorkerStats s = new WorkerStats(trainer.globalStep(), trainer.episodes(), trainer.recentMeanReturn(), trainer.recentMeanLength(), 0);
      return new WorkerResult<>(index, value, trainer.globalStep() - before, used, s);
    }

    SampleBatch sampleCopy() {
      SampleBatch b = trainer.sampleRollout();
      return SampleBatch.concat(List.of(b)); // a copy: the next rollout reuses the buffer
    }

    Policy.Gradients gradients() {
      return sampleAndComputeGradients(trainer);
    }
  }

  /** Results as the workers finish, one task in flight per worker. */
  private final class Async<T> implements AsyncResults<T> {
    private final Function<Worker, T> task;
    private final LinkedBlockingQueue<Object> done = new LinkedBlockingQueue<>();
    private int held = -1;

    Async(Function<Worker, T> task) {
      if (workers.isEmpty()) throw new IllegalStateException("asynchronous results need remote workers; this worker set has none (give it workers)");
      this.task = task;
      for (Worker w : workers) launch(w);
    }

    private void launch(Worker w) {
      threads.get(w.index).submit(() -> {
        try {
          done.add(w.run(task));
        } catch (Throwable e) {
          done.add(new IllegalStateException("rollout worker " + w.index + " failed: " + e, e));
        }
      });
    }

    @Override
    @SuppressWarnings("unchecked")
    public WorkerResult<T> next() {
      if (held >= 0) launch(workers.get(held));
      Object o;
      try {
        o = done.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the rollout workers", e);
      }
      if (o instanceof RuntimeException e) throw e;
      WorkerResult<T> r = (WorkerResult<T>) o;
      held = r.worker();
      latest[held] = r.stats();
      return r;
    }
  }
}
