package vecrl.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vecrl.autodiff.MlpBenchCase;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.cli.Main.Opts;
import vecrl.cli.Main.UsageException;
import vecrl.env.EnvRegistry;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.tensor.VectorKernels;
import vecrl.train.Callback;
import vecrl.train.IterationStats;
import vecrl.train.Presets;
import vecrl.train.TrainConfig;
import vecrl.train.Trainer;

/** {@code vecrl bench-train} (training speed) and {@code vecrl bench-autodiff} (tape overhead against the GEMMs alone). */
final class BenchCommands {
  private final Main main;
  private final PrintStream out;
  private final PrintStream err;
  private final EnvRegistry registry;

  BenchCommands(Main main) {
    this.main = main;
    this.out = main.out;
    this.err = main.err;
    this.registry = main.registry;
  }

  int benchTrain(List<String> args) {
    Opts o = Main.parse(args, List.of("--steps", "--seed", "--backend", "--env", "--policy", "--envs", "--skip", "--algo"), List.of("--timeline"), "bench-train");
    main.selectBackend(o);
    long steps = Main.parseLong("--steps", o.get("--steps") == null ? "100000" : o.get("--steps"), 512);
    long seed = o.get("--seed") == null ? 1 : Main.parseLong("--seed", o.get("--seed"), Long.MIN_VALUE);
    Map<String, String> run = Map.of("totalSteps", String.valueOf(steps), "seed", String.valueOf(seed), "envThreads", "1");
    TrainConfig c;
    String algo = o.get("--algo") == null ? "ppo" : o.get("--algo").toLowerCase(Locale.ROOT);
    if (!algo.equals("ppo") && !algo.equals("dqn")) throw new UsageException("--algo " + o.get("--algo") + ": bench-train measures ppo or dqn");
    if (algo.equals("dqn")) {
      String env = o.get("--env") == null ? "CartPole-v1" : o.get("--env");
      if (!registry.contains(env)) throw new UsageException("--env " + env + ": unknown environment; valid environments: " + String.join(", ", registry.names()));
      if (o.get("--policy") != null) throw new UsageException("--policy: bench-train --algo dqn trains DQN's Q-network");
      c = Presets.forEnv("dqn", env).with(run);
      if (o.get("--envs") != null) c = c.with(Map.of("numEnvs", String.valueOf(Main.parseInt("--envs", o.get("--envs"), 1))));
      out.println(String.format(Locale.ROOT, "bench-train: DQN %s, preset: %d env%s, hidden %s %s, batch %d, %d gradient steps every %d env steps"
          + " (from %,d), buffer %,d, %s, backend %s", env, c.numEnvs(), c.numEnvs() == 1 ? "" : "s", c.hidden(), c.activation(),
          c.replayBatchSize(), c.gradientStepsPerIteration(), c.batchSize(), c.learningStarts(), c.bufferSize(), "1 env thread, 1 kernel thread", // its own kernels, below
          Backends.kernels().name()));
    } else if (o.get("--env") == null && o.get("--policy") == null) {
      c = TrainConfig.defaults("CartPole-v1").with(run);
      if (o.get("--envs") != null) c = c.with(Map.of("numEnvs", String.valueOf(Main.parseInt("--envs", o.get("--envs"), 1))));
      out.println("bench-train: PPO CartPole-v1, " + c.numEnvs() + " envs x 128 steps, 4 epochs x 4 minibatches, 64-64 tanh actor and critic, Adam 2.5e-4 annealed, " + TrainCommand.threads(c) + ", backend " + Backends.kernels().name());
    } else {
      String env = o.get("--env") == null ? "CartPole-v1" : o.get("--env");
      if (!registry.contains(env)) throw new UsageException("--env " + env + ": unknown environment; valid environments: " + String.join(", ", registry.names()));
      String policy = o.get("--policy") == null ? "mlp" : o.get("--policy").toLowerCase(Locale.ROOT);
      if (!TrainConfig.POLICIES.contains(policy)) {
        throw new UsageException("--policy " + o.get("--policy") + ": unknown policy; valid policies: " + String.join(", ", TrainConfig.POLICIES));
      }
      c = Presets.forEnv("ppo", env, policy).with(run);
      if (o.get("--envs") != null) c = c.with(Map.of("numEnvs", String.valueOf(Main.parseInt("--envs", o.get("--envs"), 1))));
      out.println(String.format(Locale.ROOT, "bench-train: PPO %s, %s policy%s, preset: %d envs x %d steps, %d epochs x %d minibatches, hidden %s, %s, backend %s",
          env, policy, c.recurrent() ? String.format(Locale.ROOT, " (cell %d, %s, sequences of %d)", c.cellSize(), c.sharedCell() ? "shared" : "separate", c.seqLen()) : "",
          c.numEnvs(), c.numSteps(), c.epochs(), c.minibatches(), c.hidden(), TrainCommand.threads(c), Backends.kernels().name()));
    }
    long skip = o.get("--skip") == null ? 0 : Main.parseLong("--skip", o.get("--skip"), 0);
    if (skip >= steps) throw new UsageException("--skip " + skip + ": must be below --steps " + steps);
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu0 = mx.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    IterationStats[] last = new IterationStats[1];
    // At the first iteration that ends at or past --skip: time, step, rollout and update seconds.
    double[] mark = null;
    double rollout, update, flopsPerStep, cpu;
    long t1;
    // DQN's figure is for one thread: vector kernels on one thread (PPO keeps the default backend)
    Kernels kernels = algo.equals("dqn") && Backends.kernels() instanceof VectorKernels ? VectorKernels.create(1) : Backends.kernels();
    boolean timeline = o.switches().contains("--timeline");
    if (timeline) out.println("  timeline: iteration, env steps, wall s, training thread CPU s; then over the interval: env steps/s,"
        + " per env step rollout us, update us");
    try (Trainer t = new Trainer(c, registry, kernels)) {
      double[] m = new double[] {Double.NaN, 0, 0, 0, 0};
      // The timeline's last mark: wall nanos, CPU nanos, step, rollout and update seconds.
      double[] tl = new double[] {System.nanoTime(), mx.getCurrentThreadCpuTime(), 0, 0, 0};
      if (timeline) {
        out.println(String.format(Locale.ROOT, "  JVM up %.3f s at the start of bench-train; trainer built after %.3f s (CPU %.3f s)",
            (java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() - (tl[0] - t0) / 1e6) / 1e3, (tl[0] - t0) / 1e9, (tl[1] - cpu0) / 1e9));
      }
      t.run(List.of(new Callback() {
        @Override
        public boolean onIteration(Trainer tr, IterationStats s) {
          last[0] = s;
          if (timeline && (s.iteration() <= 10 || s.iteration() % 10 == 0)) {
            double now = System.nanoTime(), cpuNow = mx.getCurrentThreadCpuTime(), dn = s.step() - tl[2];
            out.println(String.format(Locale.ROOT, "  %4d %,9d %7.3f %7.3f   %,9.0f %8.3f %8.3f", s.iteration(), s.step(), (now - t0) / 1e9,
                (cpuNow - cpu0) / 1e9, dn / ((now - tl[0]) / 1e9), (tr.rolloutSeconds() - tl[3]) / dn * 1e6, (tr.updateSeconds() - tl[4]) / dn * 1e6));
            tl[0] = now;
            tl[1] = cpuNow;
            tl[2] = s.step();
            tl[3] = tr.rolloutSeconds();
            tl[4] = tr.updateSeconds();
          }
          if (skip > 0 && Double.isNaN(m[0]) && s.step() >= skip) {
            m[0] = System.nanoTime();
            m[1] = s.step();
            m[2] = tr.rolloutSeconds();
            m[3] = tr.updateSeconds();
            m[4] = mx.getCurrentThreadCpuTime();
          }
          return true;
        }
      }));
      t1 = System.nanoTime();
      cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
      if (!Double.isNaN(m[0])) mark = m;
      rollout = t.rolloutSeconds();
      update = t.updateSeconds();
      kernels = t.kernels();
      flopsPerStep = algo.equals("ppo") ? flopsPerEnvStep(t.policy().model().parameters(), c.epochs()) : Double.NaN;
      // After the timing: its own gradient steps are not part of the run.
      if (t.offPolicyAlgorithm() != null && t.replayBuffer().size() > 0) allocationPerStep(t);
    }
    double secs = (t1 - t0) / 1e9;
    long n = last[0].step();
    out.println(String.format(Locale.ROOT, "%,d steps in %.2f s: %,.0f env steps/s end to end (training mean return at end %.1f)",
        n, secs, n / secs, last[0].meanReturn()));
    // The training thread's CPU time: what the wall time would be with a core of its own (the JIT
    // compiles on other threads), so it varies less than the wall time on a loaded machine.
    out.println(String.format(Locale.ROOT, "  training thread CPU time %.2f s: %,.0f env steps per CPU second; load average %s",
        cpu, n / cpu, loadAverage()));
    out.println(String.format(Locale.ROOT, algo.equals("dqn")
        ? "  collection (env steps, epsilon-greedy acting, replay buffer) %.2f s, training (sampling, gradient steps) %.2f s, the rest (start-up, callbacks) %.2f s"
        : "  rollout (env steps, policy, GAE) %.2f s, updates %.2f s, the rest (start-up, callbacks) %.2f s",
        rollout, update, secs - rollout - update));
    out.println(String.format(Locale.ROOT, "  per env step: rollout %.3f us, update %.3f us", rollout / n * 1e6, update / n * 1e6));
    // The FLOP limit is PPO's (its epochs over the rollout); DQN's gradient steps do not follow that count.
    double limit = Double.NaN;
    if (algo.equals("ppo")) {
      double gflops = gemmRate(kernels);
      limit = gflops * 1e9 / flopsPerStep;
      out.println(String.format(Locale.ROOT, "  FLOP limit: %.0f kFLOP per env step (2 per weight per sample: forward in the rollout, forward +"
          + " backward in %d epochs)", flopsPerStep / 1e3, c.epochs()));
      out.println(String.format(Locale.ROOT, "  at this run's GEMM rate, %.1f GFLOP/s (2048x64x64, measured after training): %,.0f env steps/s;"
          + " end to end %.3f of it", gflops, limit, n / secs / limit));
    }
    if (mark != null) {
      double s2 = (t1 - mark[0]) / 1e9, n2 = n - mark[1];
      double r2 = rollout - mark[2], u2 = update - mark[3], c2 = cpu - (mark[4] - cpu0) / 1e9;
      out.println(String.format(Locale.ROOT, "after the first %,d steps: %,.0f steps in %.2f s, %,.0f env steps/s (%.3f of the FLOP limit);"
          + " per env step: rollout %.3f us, update %.3f us", (long) mark[1], n2, s2, n2 / s2, n2 / s2 / limit, r2 / n2 * 1e6, u2 / n2 * 1e6));
      out.println(String.format(Locale.ROOT, "  training thread CPU time after the first %,d steps %.2f s: %,.0f env steps per CPU second (%.3f of the FLOP limit)",
          (long) mark[1], c2, n2 / c2, n2 / c2 / limit));
    }
    return 0;
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /**
   * Floating-point operations per env step of PPO, from the model's weight matrices: a forward
   * pass is 2 flops per weight per sample (biases and activations left out), made once in the
   * rollout, and each epoch's forward and backward passes cost three forward passes (the backward:
   * the input gradient and the weight gradient, one GEMM each).
   */
  static double flopsPerEnvStep(ParameterSet params, int epochs) {
    long weights = 0;
    for (Parameter p : params) {
      Tensor v = p.value();
      if (v.rank() == 2) weights += (long) v.rows() * v.cols();
    }
    return 2.0 * weights * (1 + 3 * epochs);
  }

  /** GFLOP/s of a 2048x64x64 matrix multiply on these kernels: the best of 10 blocks of 20 ms, after 0.3 s of warm-up. */
  static double gemmRate(Kernels kernels) {
    Tensor a = Tensor.zeros(2048, 64), b = Tensor.zeros(64, 64), c = Tensor.zeros(2048, 64);
    Rng rng = new Rng(1);
    rng.fillUniform(a, -1f, 1f);
    rng.fillUniform(b, -1f, 1f);
    long t0 = System.nanoTime();
    while (System.nanoTime() - t0 < 300_000_000L) kernels.matmul(a, false, b, false, c, 0f);
    double best = Double.MAX_VALUE;
    for (int r = 0; r < 10; r++) {
      long x = System.nanoTime();
      int calls = 0;
      while (System.nanoTime() - x < 20_000_000L) {
        kernels.matmul(a, false, b, false, c, 0f);
        calls++;
      }
      best = Math.min(best, (System.nanoTime() - x) / (double) calls);
    }
    return 2.0 * 2048 * 64 * 64 / best;
  }

  /**
   * Bytes a steady-state gradient step allocates, by this thread's allocation counter: 2,000 more
   * steps on batches from the run's buffer (their own generator), in windows of 500, the last window
   * reported (the first may still run code that C2 has not compiled).
   */
  private void allocationPerStep(Trainer t) {
    if (!(java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean)
        || !bean.isThreadAllocatedMemorySupported()) {
      return;
    }
    var alg = t.offPolicyAlgorithm();
    vecrl.tensor.Rng rng = new vecrl.tensor.Rng(12345);
    double perStep = Double.NaN;
    for (int w = 0; w < 4; w++) {
      long before = bean.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 500; i++) alg.learn(t.replayBuffer().sample(rng), t.globalStep(), rng);
      perStep = (bean.getCurrentThreadAllocatedBytes() - before) / 500.0;
    }
    out.println(String.format(Locale.ROOT, "  allocation in a steady-state gradient step: %.0f bytes (thread allocation counter, 500 steps after 1,500)", perStep));
  }

  int benchAutodiff(List<String> args) {
    Opts o = Main.parse(args, List.of("--case", "--rounds"), List.of("--profile"), "bench-autodiff");
    if (!o.positional().isEmpty()) throw new UsageException("bench-autodiff: unexpected argument \"" + o.positional().get(0) + "\"");
    int rounds = Main.parseInt("--rounds", o.get("--rounds") == null ? "15" : o.get("--rounds"), 3);
    List<String> cases = o.get("--case") == null ? MlpBenchCase.NAMES : List.of(o.get("--case").split(","));
    for (String c : cases) {
      if (!MlpBenchCase.NAMES.contains(c)) {
        throw new UsageException("--case " + c + ": unknown case; valid cases: " + String.join(", ", MlpBenchCase.NAMES));
      }
    }
    out.println("bench-autodiff: forward + backward on a tape (step) against the same GEMMs alone, alternating in "
        + rounds + " rounds, one thread, vector kernels; ratio = step / GEMMs, the median over rounds");
    out.println(String.format(Locale.ROOT, "%-6s %14s %14s %8s %8s %8s", "case", "step us (min)", "GEMMs us (min)", "ratio", "lowest", "highest"));
    for (String name : cases) {
      MlpBenchCase c = MlpBenchCase.of(name, VectorKernels.create(1));
      float sink = 0;
      // Warm up (JIT) for 3 s: some kernels reach their final compiled form only after a few
      // thousand calls. Then calls per timed block: about 20 ms of GEMMs.
      long t0 = System.nanoTime();
      while (System.nanoTime() - t0 < 3_000_000_000L) {
        sink += c.step();
        sink += c.matmuls();
      }
      t0 = System.nanoTime();
      int n = 0;
      while (System.nanoTime() - t0 < 20_000_000L) {
        sink += c.matmuls();
        n++;
      }
      double[] ratios = new double[rounds];
      double bestStep = Double.MAX_VALUE, bestGemm = Double.MAX_VALUE;
      for (int r = 0; r < rounds; r++) {
        long a = System.nanoTime();
        for (int i = 0; i < n; i++) sink += c.step();
        long b = System.nanoTime();
        for (int i = 0; i < n; i++) sink += c.matmuls();
        long e = System.nanoTime();
        double step = (b - a) / 1e3 / n, gemm = (e - b) / 1e3 / n;
        bestStep = Math.min(bestStep, step);
        bestGemm = Math.min(bestGemm, gemm);
        ratios[r] = step / gemm;
      }
      java.util.Arrays.sort(ratios);
      out.println(String.format(Locale.ROOT, "%-6s %14.1f %14.1f %8.3f %8.3f %8.3f", name, bestStep, bestGemm,
          ratios[rounds / 2], ratios[0], ratios[rounds - 1]));
      if (o.switches().contains("--profile")) {
        c.tape().setProfiling(true);
        for (int i = 0; i < 10 * n; i++) sink += c.step();
        c.tape().resetProfile();
        for (int i = 0; i < 10 * n; i++) sink += c.step();
        out.print(c.tape().profile());
        c.tape().setProfiling(false);
      }
      if (Float.isNaN(sink)) out.println("(a loss was NaN)");
    }
    return 0;
  }
}
