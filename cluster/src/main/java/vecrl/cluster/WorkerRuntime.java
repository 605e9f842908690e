package vecrl.cluster;

import com.hazelcast.core.HazelcastInstance;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import vecrl.env.EnvRegistry;
import vecrl.tensor.Backends;
import vecrl.train.RolloutShard;
import vecrl.train.TrainConfig;

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

  synchronized void close() {
    for (RolloutShard s : shards.values()) s.close();
    shards.clear();
  }
}
