package vecrl.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import vecrl.env.EnvRegistry;
import vecrl.tensor.Backends;
import vecrl.train.Presets;
import vecrl.train.TrainConfig;
import vecrl.train.Trainer;
import vecrl.train.TrainingRun;

/**
 * The README's Scaling out measurements, on one machine: worker JVMs started here on 127.0.0.1 (and
 * always killed at the end), the learner in this JVM.
 *
 * <ol>
 *   <li>Rollout throughput on {@code SlowCartPole-v1} (200 us per step), 4 envs x 128 steps per
 *       worker, with 1, 2, 4, 8 workers: env steps per second of the rollout's wall time, and its
 *       ratio to linear (W times the 1-worker rate);
 *   <li>the overhead per iteration of CartPole-v1 PPO 64-64 on 4 workers: the learner's rollout wall
 *       time (weights out, tasks out, results in) minus the slowest worker's own rollout time, and
 *       its parts (the worker's task beyond its rollout, the learner's encoding and decoding, and the
 *       rest: network and scheduling);
 *   <li>the time for the learner to notice a worker JVM killed with SIGKILL mid-iteration, three
 *       times, and whether each run's bytes equal the one-JVM run's.
 * </ol>
 *
 * <p>Usage: {@code scripts/cluster-scaling.sh [MAX_WORKERS] [ITERATIONS]} (defaults 8 and 8).
 */
public final class ScalingBench {
  private ScalingBench() {}

  public static void main(String[] args) throws Exception {
    int maxWorkers = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    PrintStream out = System.out;
    Path tmp = Files.createTempDirectory("vecrl-scaling-");
    Path secret = tmp.resolve("secret");
    Files.writeString(secret, "scaling-" + Long.toHexString(System.nanoTime()) + "-secret");
    int[] ports = new int[maxWorkers + 1];
    for (int i = 0; i < ports.length; i++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        ports[i] = s.getLocalPort();
      }
    }
    List<String> addr = new ArrayList<>();
    for (int p : ports) addr.add("127.0.0.1:" + p);
    String members = String.join(",", addr);
    List<Process> children = new ArrayList<>();
    Thread reaper = new Thread(() -> children.forEach(Process::destroyForcibly)); // Ctrl-C: the workers go too
    Runtime.getRuntime().addShutdownHook(reaper);
    EnvRegistry reg = EnvRegistry.withProviders(ScalingBench.class.getClassLoader());
    try {
      for (int k = 1; k <= maxWorkers; k++) {
        children.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules", "jdk.incubator.vector",
            "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"), "vecrl.cli.Main", "worker", "--cluster", members, "--bind", "127.0.0.1:" + ports[k],
            "--secret-file", secret.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("worker-" + k + ".log").toFile()).start());
      }
      try (ClusterCli.LearnerSession s = new ClusterCli().learner(Map.of("--cluster", members, "--bind", "127.0.0.1:" + ports[0], "--secret-file",
          secret.toString(), "--worker-timeout", "120"), new PrintStream(java.io.OutputStream.nullOutputStream()))) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (Members.workers(s.hz).size() < maxWorkers) {
          if (System.nanoTime() > deadline) throw new IllegalStateException("only " + Members.workers(s.hz).size() + " workers joined in 180 s");
          Thread.sleep(100);
        }
        out.println("load average before: " + load());
        out.println();
        out.println("| workers | envs | env steps/s (rollout) | x 1 worker | of linear |");
        out.println("|---|---|---|---|---|");
        double base = 0;
        for (int w = 1; w <= maxWorkers; w *= 2) {
          s.rollouts.maxWorkers(w);
          TrainConfig c = Presets.forEnv("ppo", "SlowCartPole-v1", "mlp").with(Map.of("numEnvs", String.valueOf(4 * w), "numSteps", "128",
              "totalSteps", String.valueOf(4L * w * 128 * iterations), "epochs", "1", "evalEpisodes", "0", "seed", "1"));
          int before = s.rollouts.timings().length;
          TrainingRun.train(c, reg, tmp.resolve("slow-" + w), List.of(s.callback()), Backends.kernels());
          long[][] t = s.rollouts.timings();
          double secs = median(Arrays.copyOfRange(t, before + 1, t.length), 0); // the first iteration warms up
          double rate = 4.0 * w * 128 / secs;
          if (w == 1) base = rate;
          out.println(String.format(Locale.ROOT, "| %d | %d | %,.0f | %.2f | %.2f |", w, 4 * w, rate, rate / base, rate / base / w));
        }
        out.println();
        out.println("load average after: " + load());
        // overhead: CartPole PPO 64-64 on 4 workers
        int w = Math.min(4, maxWorkers);
        s.rollouts.maxWorkers(w);
        out.println();
        out.println("| CartPole-v1 PPO 64-64, " + w + " workers | envs | rollout wall (median) | slowest worker | overhead per iteration"
            + " | worker task - rollout | learner codec | rest (network, scheduling) | same rollout in one JVM |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        for (int envs : new int[] {4, 16}) {
          TrainConfig c = Presets.forEnv("ppo", "CartPole-v1", "mlp").with(Map.of("numEnvs", String.valueOf(envs), "numSteps", "128",
              "totalSteps", String.valueOf(envs * 128L * iterations * 2), "evalEpisodes", "0", "seed", "1"));
          int before = s.rollouts.timings().length;
          TrainingRun.train(c, reg, tmp.resolve("cp-" + envs), List.of(s.callback()), Backends.kernels());
          long[][] t = Arrays.copyOfRange(s.rollouts.timings(), before + 2, s.rollouts.timings().length);
          double wall = median(t, 0), worker = median(t, 1);
          double[] over = new double[t.length], task = new double[t.length], codec = new double[t.length], rest = new double[t.length];
          for (int i = 0; i < t.length; i++) {
            over[i] = (t[i][0] - t[i][1]) / 1e6;
            task[i] = (t[i][2] - t[i][1]) / 1e6;
            codec[i] = t[i][3] / 1e6;
            rest[i] = over[i] - task[i] - codec[i];
          }
          double overMed = medianOf(over);
          Arrays.sort(over);
          double local;
          try (Trainer tr = new Trainer(c, reg, Backends.kernels())) {
            for (int i = 0; i < 2; i++) tr.iterate(System.nanoTime(), 0);
            double r0 = tr.rolloutSeconds();
            for (int i = 0; i < iterations; i++) tr.iterate(System.nanoTime(), 0);
            local = (tr.rolloutSeconds() - r0) / iterations;
          }
          out.println(String.format(Locale.ROOT, "| | %d | %.1f ms | %.1f ms | %.1f ms (min %.1f, max %.1f) | %.1f ms | %.1f ms | %.1f ms | %.1f ms |",
              envs, wall * 1e3, worker * 1e3, overMed, over[0], over[over.length - 1], medianOf(task), medianOf(codec),
              medianOf(rest), local * 1e3));
        }
        out.println();
        out.println("load average after the overhead runs: " + load());
        killTrials(s, reg, tmp, out, children, ports, maxWorkers);
        out.println();
        out.println("load average at the end: " + load() + "; " + Runtime.getRuntime().availableProcessors() + " cores");
      }
    } finally {
      for (Process p : children) p.destroyForcibly();
      for (Process p : children) p.waitFor(10, TimeUnit.SECONDS);
      Runtime.getRuntime().removeShutdownHook(reaper);
    }
  }

  /**
   * Kills a worker JVM (SIGKILL) 120 ms into iteration 3 of a {@code SlowerCartPole-v1} run (2 ms per
   * step; 8 envs x 64 steps on up to 4 workers), up to three times, one worker fewer each time: the
   * time from the kill to the learner's "left" event, and whether the run's metrics and policy bytes
   * equal the same run in one JVM (nothing lost).
   */
  private static void killTrials(ClusterCli.LearnerSession s, EnvRegistry reg, Path tmp, PrintStream out, List<Process> children, int[] ports,
      int maxWorkers) throws Exception {
    int trials = Math.min(3, maxWorkers - 1);
    if (trials < 1) return;
    TrainConfig c = Presets.forEnv("ppo", "SlowerCartPole-v1", "mlp").with(Map.of("numEnvs", "8", "numSteps", "64", "totalSteps",
        String.valueOf(8L * 64 * 5), "epochs", "2", "evalEpisodes", "0", "seed", "3"));
    Path ref = tmp.resolve("kill-ref");
    TrainingRun.train(c, reg, ref, List.of(), Backends.kernels());
    out.println();
    out.println("| kill -9 of a worker JVM, SlowerCartPole-v1 8 envs x 64 steps | workers before | noticed after | nothing lost (bytes = one JVM's) |");
    out.println("|---|---|---|---|");
    for (int k = 0; k < trials; k++) {
      List<com.hazelcast.cluster.Member> present = Members.workers(s.hz);
      int cap = Math.min(4, present.size());
      s.rollouts.maxWorkers(cap);
      int victimPort = present.get(0).getAddress().getPort();
      int child = -1;
      for (int i = 1; i < ports.length; i++) if (ports[i] == victimPort) child = i - 1;
      if (child < 0) throw new IllegalStateException("no worker JVM listens on port " + victimPort);
      Process victim = children.get(child);
      int eventsBefore = s.rollouts.events().size();
      long[] killedAt = {0};
      vecrl.train.Callback killer = new vecrl.train.Callback() {
        @Override
        public boolean onIteration(Trainer t, vecrl.train.IterationStats st) {
          if (t.iteration() == 2) {
            Thread th = new Thread(() -> {
              try {
                Thread.sleep(120);
                killedAt[0] = System.nanoTime();
                victim.destroyForcibly();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
            th.setDaemon(true);
            th.start();
          }
          return true;
        }
      };
      Path dir = tmp.resolve("kill-" + k);
      TrainingRun.train(c, reg, dir, List.of(s.callback(), killer), Backends.kernels());
      victim.waitFor(10, TimeUnit.SECONDS);
      List<Long> ev = s.rollouts.eventNanos();
      String noticed = ev.size() > eventsBefore ? String.format(Locale.ROOT, "%.2f s", (ev.get(eventsBefore) - killedAt[0]) / 1e9)
          : "not during the run (the kill came after its rollout)";
      boolean same = Arrays.equals(metricsWithoutSpeed(ref), metricsWithoutSpeed(dir))
          && Arrays.equals(Files.readAllBytes(ref.resolve(TrainingRun.CHECKPOINT)), Files.readAllBytes(dir.resolve(TrainingRun.CHECKPOINT)));
      out.println(String.format(Locale.ROOT, "| | %d | %s | %s |", cap, noticed, same ? "yes" : "NO"));
      // let Hazelcast settle on the smaller membership before the next trial
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (Members.workers(s.hz).size() >= present.size() && System.nanoTime() < deadline) Thread.sleep(100);
    }
    s.rollouts.maxWorkers(0);
  }

  private static byte[] metricsWithoutSpeed(Path dir) throws IOException {
    StringBuilder b = new StringBuilder();
    for (String l : Files.readAllLines(dir.resolve(TrainingRun.METRICS), StandardCharsets.UTF_8)) b.append(l, 0, l.lastIndexOf(',')).append('\n');
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static double medianOf(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
  }

  private static double median(long[][] rows, int col) {
    double[] v = new double[rows.length];
    for (int i = 0; i < v.length; i++) v[i] = rows[i][col] / 1e9;
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "(unknown)";
    }
  }
}
