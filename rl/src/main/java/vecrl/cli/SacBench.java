package vecrl.cli;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import vecrl.algo.OffPolicyAlgorithms;
import vecrl.algo.ReplayBuffer;
import vecrl.algo.Sac;
import vecrl.cli.Main.Opts;
import vecrl.env.Env;
import vecrl.env.EnvRegistry;
import vecrl.env.StepResult;
import vecrl.policy.BatchOutput;
import vecrl.policy.MlpSacPolicy;
import vecrl.space.Space;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.tensor.VectorKernels;
import vecrl.train.Presets;
import vecrl.train.TrainConfig;

/**
 * {@code vecrl bench-sac}: SAC's training step on Pendulum-v1 against its GEMM-bound limit, one thread.
 *
 * <p>A step is what the trainer does per env step with {@code trainFreq = gradientSteps = 1}: act
 * (a sample of the squashed Gaussian), the env step, the buffer add, a batch sampled from the
 * buffer and one SAC gradient step (temperature, critics, actor, targets). At batch B with hidden
 * layers of width H, the step's GEMMs of H x H layers are 16 of B x H x H (2 B H^2 flops each): 8
 * forward passes through such a layer (the actor on s and s', two target critics, the two critics in
 * the critic loss and again in the actor loss) and 8 backward (each critic's weight and input gradient
 * in the critic loss, the input gradient only through the two frozen critics in the actor loss, the
 * actor's weight and input gradient). Everything else (the first layers of 3 or 4
 * inputs, the heads of 1 or 2 outputs, the elementwise ops, Adam) is left out of the limit, which is
 * therefore an upper bound: {@code 1 / (16 * time of one B x H x H GEMM)} steps per second.
 *
 * <p>The measurement alternates rounds of SAC steps with rounds of those 16 GEMMs alone on the same
 * kernels (a shared machine's drift falls on both), and reports the median of the per-round ratios,
 * the steps per second of the fastest round, and the bytes the thread allocated per step.
 */
final class SacBench {
  private final PrintStream out;
  private final EnvRegistry registry;

  SacBench(Main main) {
    this.out = main.out;
    this.registry = main.registry;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  int run(List<String> args) {
    Opts o = Main.parse(args, List.of("--rounds", "--steps", "--batch", "--hidden", "--backend"), List.of(), "bench-sac");
    int rounds = Main.parseInt("--rounds", o.get("--rounds") == null ? "10" : o.get("--rounds"), 1);
    int perRound = Main.parseInt("--steps", o.get("--steps") == null ? "100" : o.get("--steps"), 1);
    int batch = Main.parseInt("--batch", o.get("--batch") == null ? "256" : o.get("--batch"), 1);
    int hidden = Main.parseInt("--hidden", o.get("--hidden") == null ? "256" : o.get("--hidden"), 1);
    String backend = o.get("--backend") == null ? "vector" : o.get("--backend");
    Kernels k = backend.equals("vector") ? VectorKernels.create(1) : vecrl.tensor.Backends.byName(backend);
    TrainConfig c = Presets.forEnv("sac", "Pendulum-v1").with("hidden", hidden + "," + hidden).with("replayBatchSize", String.valueOf(batch));
    Env env = registry.make("Pendulum-v1");
    Space os = env.observationSpace();
    Rng rng = new Rng(1);
    MlpSacPolicy model = (MlpSacPolicy) OffPolicyAlgorithms.model(c, os, env.actionSpace(), rng.split());
    Sac sac = new Sac(model, OffPolicyAlgorithms.sacSettings(c), k);
    int od = os.flatSize(), ad = model.actDim();
    ReplayBuffer buf = new ReplayBuffer(100_000, 1, od, ad, batch, false);
    BatchOutput actOut = model.newBatchOutput(1, k);
    float[] obs = new float[od], next = new float[od], act = new float[ad], rew = new float[1];
    boolean[] term = new boolean[1], trunc = new boolean[1];
    Tensor obsT = Tensor.wrap(obs, new int[] {1, od});
    os.flatten(env.reset(rng.split()).observation(), obs, 0);
    long[] t = {0};
    Runnable step = () -> {
      sac.act(obsT, null, t[0], rng, actOut);
      for (int j = 0; j < ad; j++) act[j] = actOut.actions().get(0, j);
      StepResult r = env.step(act.clone());
      os.flatten(r.observation(), next, 0);
      rew[0] = (float) r.reward();
      term[0] = r.terminated();
      trunc[0] = r.truncated();
      buf.add(obs, act, rew, next, term, trunc);
      if (r.terminated() || r.truncated()) os.flatten(env.reset(rng.split()).observation(), obs, 0);
      else System.arraycopy(next, 0, obs, 0, od);
      t[0]++;
      sac.learn(buf.sample(rng), t[0], rng);
    };
    Tensor a = rand(batch, hidden, 2), w = rand(hidden, hidden, 3), g = rand(batch, hidden, 4);
    Tensor y = Tensor.zeros(batch, hidden), dw = Tensor.zeros(hidden, hidden);
    Runnable gemms = () -> {
      for (int i = 0; i < 8; i++) k.matmul(a, false, w, true, y, 0f);   // forward: x W^T
      for (int i = 0; i < 4; i++) k.matmul(g, true, a, false, dw, 0f);  // dW = g^T x
      for (int i = 0; i < 4; i++) k.matmul(g, false, w, false, y, 0f);  // dX = g W
    };
    out.printf(Locale.ROOT, "bench-sac: SAC on Pendulum-v1, %d-%d ReLU actor and twin critics, batch %d, one gradient step per env step,"
        + " 1 thread (%s); %d rounds of %d steps, alternating with the 16 GEMMs %dx%dx%d alone%n", hidden, hidden, batch, k.name(),
        rounds, perRound, batch, hidden, hidden);
    // warm-up: fill the buffer past a batch, then run both until compiled
    for (int i = 0; i < Math.max(batch, 300); i++) step.run();
    for (int i = 0; i < 300; i++) gemms.run();
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    double[] ratios = new double[rounds], stepUs = new double[rounds], gemmUs = new double[rounds];
    long allocBytes = 0, allocSteps = 0;
    for (int r = 0; r < rounds; r++) {
      long a0 = mx.getCurrentThreadAllocatedBytes();
      long t0 = System.nanoTime();
      for (int i = 0; i < perRound; i++) step.run();
      long t1 = System.nanoTime();
      allocBytes += mx.getCurrentThreadAllocatedBytes() - a0;
      allocSteps += perRound;
      for (int i = 0; i < perRound; i++) gemms.run();
      long t2 = System.nanoTime();
      stepUs[r] = (t1 - t0) / 1e3 / perRound;
      gemmUs[r] = (t2 - t1) / 1e3 / perRound;
      ratios[r] = stepUs[r] / gemmUs[r];
    }
    double flops = 16 * 2.0 * batch * hidden * hidden;
    double bestStep = Arrays.stream(stepUs).min().orElseThrow(), bestGemm = Arrays.stream(gemmUs).min().orElseThrow();
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    double median = sorted[rounds / 2];
    out.printf(Locale.ROOT, "step: %.0f us (min over rounds) = %.0f env steps/s%n", bestStep, 1e6 / bestStep);
    out.printf(Locale.ROOT, "16 GEMMs alone: %.0f us (min) = %.1f GFLOP/s; the GEMM-bound limit: %.0f env steps/s%n", bestGemm,
        flops / bestGemm / 1e3, 1e6 / bestGemm);
    out.printf(Locale.ROOT, "step / GEMMs (median of %d alternating rounds): %.2f, so %.0f%% of the GEMM-bound limit%n", rounds, median,
        100 / median);
    // the gradient step alone (the update), on batches from the filled buffer
    long u0 = mx.getCurrentThreadAllocatedBytes();
    int updates = Math.max(perRound, 50);
    for (int i = 0; i < updates; i++) sac.learn(buf.sample(rng), t[0], rng);
    double perUpdate = (double) (mx.getCurrentThreadAllocatedBytes() - u0) / updates;
    out.printf(Locale.ROOT, "allocated: %.0f bytes per gradient step (sample + update, %d steps); %.0f bytes per whole step with the env"
        + " (the env's observation arrays and step results included, %d steps)%n", perUpdate, updates, (double) allocBytes / allocSteps, allocSteps);
    return 0;
  }

  private static Tensor rand(int r, int c, long seed) {
    Tensor t = Tensor.zeros(r, c);
    new Rng(seed).fillUniform(t, -1f, 1f);
    return t;
  }
}
