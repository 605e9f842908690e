package vecrl.cluster;

import com.hazelcast.core.HazelcastInstance;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import vecrl.env.EnvRegistry;
import vecrl.tensor.Backends;
import vecrl.train.RolloutShard;
import vecrl.train.TrainConfig;
import vecrl.train.Trainer;
import vecrl.algo.Policy;
import vecrl.autodiff.Parameter;
import vecrl.plan.LocalWorkerSet;
import vecrl.tensor.Tensor;

/**
 * A worker member's state, kept in its Hazelcast user context: the secret, the environments it can
 * make, and its {@link RolloutShard}s by run and env range (built once,
 * reused every iteration; a shard holds no rollout state between iterations).
 */
final class WorkerRuntime {
  static final String KEY = "vecrl.worker";
  private static final int MAX_SHARDS = 8;

  private final Secret secret;
  private final EnvRegistry registry;
  private final Map<String, RolloutShard> shards = new LinkedHashMap<>(16, 0.75f, true);
  /** Asynchronous gradient workers by run and index: each keeps its envs and policy between tasks. */
  private final Map<String, Trainer> gradientWorkers = new LinkedHashMap<>(16, 0.75f, true);
  private volatile long tasks;

  WorkerRuntime(Secret secret, EnvRegistry registry) {
    this.secret = secret;
    this.registry = registry;
  }

  static WorkerRuntime of(HazelcastInstance hz) {
    Object w = hz.getUserContext().get(KEY);
    if (!(w instanceof WorkerRuntime rt)) throw new IllegalStateException("member " + hz.getCluster().getLocalMember().getAddress() + " is not a vecrl worker");
    return rt;
  }

  Secret secret() { return secret; }
  EnvRegistry registry() { return registry; }
  long tasks() { return tasks; }

  /** Runs one task's shard. Tasks of different ranges may run at once (after a re-split); one range runs once at a time. */
  RolloutShard.Result run(ShardTask.Fields f, float[] w) {
    RolloutShard shard = shard(f);
    synchronized (shard) {
      tasks++;
      return shard.run(f.rngState(), w, f.snapshots(), f.obs(), f.dones());
    }
  }

  private synchronized RolloutShard shard(ShardTask.Fields f) {
    String key = f.runId() + "/" + f.from() + "-" + f.to() + "/" + f.backend() + "/" + f.configText().hashCode();
    RolloutShard s = shards.get(key);
    if (s != null) return s;
    Map<String, String> values = TrainConfig.parse(f.configText());
    String env = values.get("env");
    if (env == null || !registry.contains(env)) {
      throw new IllegalArgumentException("this worker has no environment " + env + " (start it with the --classpath that provides it)");
    }
    TrainConfig c = TrainConfig.fromMap(TrainConfig.defaults(env), values);
    s = new RolloutShard(c, registry, Backends.byName(f.backend()), f.from(), f.to());
    shards.put(key, s);
    for (Iterator<Map.Entry<String, RolloutShard>> it = shards.entrySet().iterator(); shards.size() > MAX_SHARDS && it.hasNext();) {
      Map.Entry<String, RolloutShard> old = it.next();
      if (old.getValue() == s) continue;
      old.getValue().close();
      it.remove();
    }
    return s;
  }

  /**
   * One step of asynchronous gradient worker {@code f.index()} of run {@code f.runId()}: its trainer
   * (made on first use: the run's config with the worker's share of the envs and seed, {@link
   * LocalWorkerSet#workerConfig}, the built-in template of the config's algo), the task's weights
   * taken up, a rollout, the gradients on it. One worker's steps run one at a time.
   */
  GradientTask.Reply gradients(GradientTask.Fields f) {
    Trainer t = gradientWorker(f);
    synchronized (t) {
      tasks++;
      int o = 0;
      long count = 0;
      for (Parameter p : t.network().parameters()) count += p.value().size();
      if (count != f.weights().length) throw new IllegalArgumentException("gradient task: " + f.weights().length + " weights, the policy has " + count);
      for (Parameter p : t.network().parameters()) {
        Tensor v = p.value();
        System.arraycopy(f.weights(), o, v.data(), v.offset(), v.size());
        o += v.size();
      }
      t.policy().beforeUpdate(f.learnerIteration(), t.config().iterations());
      long before = t.globalStep();
      Policy.Gradients g = LocalWorkerSet.sampleAndComputeGradients(t);
      float[] flat = new float[(int) count];
      o = 0;
      for (Parameter p : t.network().parameters()) {
        Tensor gr = g.grads().get(p.name());
        System.arraycopy(gr.data(), gr.offset(), flat, o, gr.size());
        o += gr.size();
      }
      return new GradientTask.Reply(flat, g.stats(), t.globalStep() - before, t.globalStep(), t.episodes(), t.recentMeanReturn(), t.recentMeanLength());
    }
  }

  private synchronized Trainer gradientWorker(GradientTask.Fields f) {
    String key = f.runId() + "/worker-" + f.index() + "-of-" + f.workers() + "/" + f.backend() + "/" + f.configText().hashCode();
    Trainer t = gradientWorkers.get(key);
    if (t != null) return t;
    Map<String, String> values = TrainConfig.parse(f.configText());
    String env = values.get("env");
    if (env == null || !registry.contains(env)) {
      throw new IllegalArgumentException("this worker has no environment " + env + " (start it with the --classpath that provides it)");
    }
    TrainConfig c = TrainConfig.fromMap(TrainConfig.defaults(env), values);
    LocalWorkerSet.checkSupported(c, f.workers());
    t = new Trainer(LocalWorkerSet.workerConfig(c, f.index(), f.workers()), registry, Backends.byName(f.backend()));
    gradientWorkers.put(key, t);
    for (Iterator<Map.Entry<String, Trainer>> it = gradientWorkers.entrySet().iterator(); gradientWorkers.size() > MAX_SHARDS && it.hasNext();) {
      Map.Entry<String, Trainer> old = it.next();
      if (old.getValue() == t) continue;
      old.getValue().close();
      it.remove();
    }
    return t;
  }

  synchronized void close() {
    for (RolloutShard s : shards.values()) s.close();
    shards.clear();
    for (Trainer t : gradientWorkers.values()) t.close();
    gradientWorkers.clear();
  }
}
