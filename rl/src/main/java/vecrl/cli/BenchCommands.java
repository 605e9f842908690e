package vecrl.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vecrl.autodiff.MlpBenchCase;
import vecrl.cli.Main.Opts;
import vecrl.cli.Main.UsageException;
import vecrl.env.EnvRegistry;
import vecrl.tensor.Backends;
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
    Opts o = Main.parse(args, List.of("--steps", "--seed", "--backend", "--env", "--policy", "--envs", "--algo"), List.of(), "bench-train");
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
          + " (from %,d), buffer %,d, 1 thread, backend %s", env, c.numEnvs(), c.numEnvs() == 1 ? "" : "s", c.hidden(), c.activation(),
          c.replayBatchSize(), c.gradientStepsPerIteration(), c.batchSize(), c.learningStarts(), c.bufferSize(), Backends.kernels().name()));
    } else if (o.get("--env") == null && o.get("--policy") == null) {
      c = TrainConfig.defaults("CartPole-v1").with(run);
      if (o.get("--envs") != null) c = c.with(Map.of("numEnvs", String.valueOf(Main.parseInt("--envs", o.get("--envs"), 1))));
      out.println("bench-train: PPO CartPole-v1, " + c.numEnvs() + " envs x 128 steps, 4 epochs x 4 minibatches, 64-64 tanh actor and critic, Adam 2.5e-4 annealed, 1 thread, backend " + Backends.kernels().name());
    } else {
      String env = o.get("--env") == null ? "CartPole-v1" : o.get("--env");
      if (!registry.contains(env)) throw new UsageException("--env " + env + ": unknown environment; valid environments: " + String.join(", ", registry.names()));
      String policy = o.get("--policy") == null ? "mlp" : o.get("--policy").toLowerCase(Locale.ROOT);
      if (!TrainConfig.POLICIES.contains(policy)) {
        throw new UsageException("--policy " + o.get("--policy") + ": unknown policy; valid policies: " + String.join(", ", TrainConfig.POLICIES));
      }
      c = Presets.forEnv("ppo", env, policy).with(run);
      if (o.get("--envs") != null) c = c.with(Map.of("numEnvs", String.valueOf(Main.parseInt("--envs", o.get("--envs"), 1))));
      out.println(String.format(Locale.ROOT, "bench-train: PPO %s, %s policy%s, preset: %d envs x %d steps, %d epochs x %d minibatches, hidden %s, 1 thread, backend %s",
          env, policy, c.recurrent() ? String.format(Locale.ROOT, " (cell %d, %s, sequences of %d)", c.cellSize(), c.sharedCell() ? "shared" : "separate", c.seqLen()) : "",
          c.numEnvs(), c.numSteps(), c.epochs(), c.minibatches(), c.hidden(), Backends.kernels().name()));
    }
    long t0 = System.nanoTime();
    IterationStats[] last = new IterationStats[1];
    double rollout, update;
    // DQN's figure is for one thread: vector kernels on one thread (PPO keeps the default backend)
    vecrl.tensor.Kernels kernels = algo.equals("dqn") && Backends.kernels() instanceof VectorKernels ? VectorKernels.create(1) : Backends.kernels();
    try (Trainer t = new Trainer(c, registry, kernels)) {
      t.run(List.of(new Callback() {
        @Override
        public boolean onIteration(Trainer tr, IterationStats s) {
          last[0] = s;
          return true;
        }
      }));
      rollout = t.rolloutSeconds();
      update = t.updateSeconds();
      if (t.offPolicyAlgorithm() != null && t.replayBuffer().size() > 0) allocationPerStep(t);
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    out.println(String.format(Locale.ROOT, "%,d steps in %.2f s: %,.0f env steps/s end to end (training mean return at end %.1f)",
        last[0].step(), secs, last[0].step() / secs, last[0].meanReturn()));
    out.println(String.format(Locale.ROOT, algo.equals("dqn") ? "  collection (env steps, epsilon-greedy acting, replay buffer) %.2f s, training (sampling, gradient steps) %.2f s"
        : "  rollout (env steps, policy, GAE) %.2f s, updates %.2f s", rollout, update));
    return 0;
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
