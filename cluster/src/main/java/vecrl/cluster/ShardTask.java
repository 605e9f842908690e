package vecrl.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.util.concurrent.Callable;
import vecrl.train.RolloutShard;

/**
 * One worker's part of an iteration: run envs {@code [from, to)} of run {@code runId} with the
 * weights of version {@code version}, which the task carries (so a worker never acts with a mix of two versions), from
 * the states in the task. Signed; the worker checks the signature before it decodes anything.
 */
final class ShardTask extends Wire.Signed implements Callable<Wire.Signed>, HazelcastInstanceAware {
  private transient HazelcastInstance hz;

  ShardTask() {
    super(Wire.SHARD_TASK);
  }

  ShardTask(byte[] body, Secret secret) {
    super(Wire.SHARD_TASK, body, secret);
  }

  /** The task's fields. */
  record Fields(String runId, long version, float[] weights, String configText, String backend, int from, int to, long[] rngState,
      double[][] snapshots, float[] obs, float[] dones) {
    byte[] encode() {
      Payload.Writer w = new Payload.Writer().str(runId).i64(version).floats(weights).str(configText).str(backend).i32(from).i32(to).longs(rngState)
          .i32(snapshots.length);
      for (double[] s : snapshots) w.doubles(s);
      return w.floats(obs).floats(dones).bytes();
    }

    static Fields decode(byte[] b) {
      Payload.Reader r = new Payload.Reader(b, "rollout task");
      String run = r.str();
      long v = r.i64();
      float[] weights = r.floats();
      String cfg = r.str(), backend = r.str();
      int from = r.i32(), to = r.i32();
      long[] rng = r.longs();
      int k = r.i32();
      if (k != to - from || k <= 0) throw new IllegalArgumentException("rollout task: " + k + " snapshots for envs [" + from + ", " + to + ")");
      double[][] snaps = new double[k][];
      for (int i = 0; i < k; i++) snaps[i] = r.doubles();
      Fields f = new Fields(run, v, weights, cfg, backend, from, to, rng, snaps, r.floats(), r.floats());
      r.end();
      return f;
    }
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hz) {
    this.hz = hz;
  }

  @Override
  public Wire.Signed call() {
    long start = System.nanoTime();
    WorkerRuntime w = WorkerRuntime.of(hz);
    Fields f = Fields.decode(verified(w.secret(), "rollout task"));
    long t0 = System.nanoTime();
    RolloutShard.Result r = w.run(f, f.weights());
    long nanos = System.nanoTime() - t0;
    byte[] body = encode(r);
    return new Wire.Signed(Wire.SHARD_REPLY, new Payload.Writer().blob(body).i64(nanos).i64(System.nanoTime() - start).bytes(), w.secret());
  }

  /**
   * A reply: the result, the nanoseconds the worker spent running it, and those of the whole task on
   * the worker (checking and decoding it with its weights, the rollout, encoding the result;
   * not signing it).
   */
  record Reply(RolloutShard.Result result, long workerNanos, long taskNanos) {
    static Reply decode(byte[] b) {
      Payload.Reader r = new Payload.Reader(b, "rollout reply");
      byte[] body = r.blob();
      long nanos = r.i64(), task = r.i64();
      r.end();
      return new Reply(ShardTask.decode(body), nanos, task);
    }
  }

  static byte[] encode(RolloutShard.Result r) {
    Payload.Writer w = new Payload.Writer().i32(r.from()).i32(r.to()).floats(r.obs()).floats(r.actions()).floats(r.logProbs()).floats(r.values())
        .floats(r.masks()).bools(r.maskedSteps()).floats(r.rewards()).bools(r.terminated()).bools(r.truncated()).floats(r.finalValues())
        .floats(r.nextValues()).i64(r.invalidActions()).i32(r.snapshots().length);
    for (double[] s : r.snapshots()) w.doubles(s);
    return w.floats(r.endObs()).floats(r.endDones()).longs(r.rngState()).bytes();
  }

  static RolloutShard.Result decode(byte[] b) {
    Payload.Reader r = new Payload.Reader(b, "rollout result");
    int from = r.i32(), to = r.i32();
    float[] obs = r.floats(), act = r.floats(), logp = r.floats(), val = r.floats(), masks = r.floats();
    boolean[] masked = r.bools();
    float[] rew = r.floats();
    boolean[] term = r.bools(), trunc = r.bools();
    float[] fin = r.floats(), next = r.floats();
    long invalid = r.i64();
    int k = r.i32();
    if (k != to - from || k <= 0) throw new IllegalArgumentException("rollout result: " + k + " snapshots for envs [" + from + ", " + to + ")");
    double[][] snaps = new double[k][];
    for (int i = 0; i < k; i++) snaps[i] = r.doubles();
    RolloutShard.Result out = new RolloutShard.Result(from, to, obs, act, logp, val, masks, masked, rew, term, trunc, fin, next, invalid, snaps,
        r.floats(), r.floats(), r.longs());
    r.end();
    int n = to - from;
    if (val.length % n != 0 || rew.length != val.length || term.length != val.length || trunc.length != val.length || fin.length != val.length
        || logp.length != val.length || next.length != n || out.endDones().length != n || out.rngState().length != 2) {
      throw new IllegalArgumentException("rollout result: column lengths do not match " + n + " envs");
    }
    return out;
  }
}
