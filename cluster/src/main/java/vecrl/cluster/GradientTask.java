package vecrl.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * One step of an asynchronous gradient worker ({@code AsyncGradients} over the cluster): worker
 * {@code index} of {@code workers} of run {@code runId} takes up the weights the task carries
 * (version {@code version}), samples a rollout of its share of the envs with them, and replies with
 * the gradients of the template's loss on it. Unlike a {@link ShardTask}, the worker keeps its envs
 * and its copy of the policy between tasks (its {@link WorkerRuntime} holds them by run and index).
 * Signed; checked before it is decoded.
 */
final class GradientTask extends Wire.Signed implements Callable<Wire.Signed>, HazelcastInstanceAware {
  private transient HazelcastInstance hz;

  GradientTask() {
    super(Wire.GRADIENT_TASK);
  }

  GradientTask(byte[] body, Secret secret) {
    super(Wire.GRADIENT_TASK, body, secret);
  }

  /** The task's fields: {@code learnerIteration} sets the worker's schedules (entropy coefficient) as the learner's. */
  record Fields(String runId, int index, int workers, long version, long learnerIteration, float[] weights, String configText, String backend) {
    byte[] encode() {
      return new Payload.Writer().str(runId).i32(index).i32(workers).i64(version).i64(learnerIteration).floats(weights).str(configText).str(backend)
          .bytes();
    }

    static Fields decode(byte[] b) {
      Payload.Reader r = new Payload.Reader(b, "gradient task");
      Fields f = new Fields(r.str(), r.i32(), r.i32(), r.i64(), r.i64(), r.floats(), r.str(), r.str());
      r.end();
      if (f.workers() < 1 || f.index() < 0 || f.index() >= f.workers()) throw new IllegalArgumentException("gradient task: worker " + f.index() + " of " + f.workers());
      return f;
    }
  }

  /**
   * A reply: the flat gradients (in the model's parameter order), the loss statistics, the env
   * steps sampled, and the worker's episode statistics then (steps, episodes, mean return and length
   * of its last episodes).
   */
  record Reply(float[] gradients, Map<String, Double> stats, long steps, long totalSteps, long episodes, double meanReturn, double meanLength) {
    byte[] encode() {
      Payload.Writer w = new Payload.Writer().floats(gradients).i32(stats.size());
      double[] v = new double[stats.size()];
      int k = 0;
      for (var e : stats.entrySet()) {
        w.str(e.getKey());
        v[k++] = e.getValue();
      }
      return w.doubles(v).i64(steps).i64(totalSteps).i64(episodes).doubles(new double[] {meanReturn, meanLength}).bytes();
    }

    static Reply decode(byte[] b) {
      Payload.Reader r = new Payload.Reader(b, "gradient reply");
      float[] g = r.floats();
      int n = r.i32();
      if (n < 0 || n > 1000) throw new IllegalArgumentException("gradient reply: " + n + " statistics");
      String[] names = new String[n];
      for (int i = 0; i < n; i++) names[i] = r.str();
      double[] v = r.doubles();
      if (v.length != n) throw new IllegalArgumentException("gradient reply: " + v.length + " values for " + n + " statistics");
      Map<String, Double> stats = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) stats.put(names[i], v[i]);
      long steps = r.i64(), total = r.i64(), episodes = r.i64();
      double[] ret = r.doubles();
      r.end();
      if (ret.length != 2) throw new IllegalArgumentException("gradient reply: episode statistics of length " + ret.length);
      return new Reply(g, stats, steps, total, episodes, ret[0], ret[1]);
    }
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hz) {
    this.hz = hz;
  }

  @Override
  public Wire.Signed call() {
    WorkerRuntime w = WorkerRuntime.of(hz);
    Fields f = Fields.decode(verified(w.secret(), "gradient task"));
    return new Wire.Signed(Wire.GRADIENT_REPLY, w.gradients(f).encode(), w.secret());
  }
}
