package vecrl.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vecrl.algo.Algorithms;
import vecrl.algo.PolicyTemplate;
import vecrl.algo.RolloutBuffer;
import vecrl.algo.SampleBatch;
import vecrl.algo.TemplatePolicy;
import vecrl.autodiff.Parameter;
import vecrl.cli.Main.Opts;
import vecrl.cli.Main.UsageException;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Tensor;
import vecrl.train.IterationStats;
import vecrl.train.Policies;
import vecrl.train.Presets;
import vecrl.train.TrainConfig;
import vecrl.train.Trainer;

/**
 * {@code vecrl explain [--env ID] [--algo NAME] [--seed N]}: one small update (2 envs x 8 steps, one
 * epoch of one minibatch) of the algorithm's template on the scalar reference kernels, laid open: the
 * sample batch, the postprocessing, the loss's tape, the gradients, the optimizer step and every
 * statistic. Deterministic: the same arguments print the same text (numbers to 4 significant digits;
 * the batch table is {@link SampleBatch#describe}, the tape {@link vecrl.autodiff.Tape#listing()}).
 */
final class ExplainCommand {
  private final Main main;
  private final PrintStream out;

  ExplainCommand(Main main) {
    this.main = main;
    this.out = main.out;
  }

  /** The config of the explained update: the algorithm's preset for the env, made small. */
  static TrainConfig config(String algo, String env, long seed) {
    if (algo.equals("dqn")) {
      // one iteration: 2 envs x 8 steps into the buffer, then one gradient step on a batch of 4 (no warm-up, epsilon 1 -> 0.05 over the 16 steps)
      return Presets.forEnv(algo, env).with(Map.ofEntries(Map.entry("numEnvs", "2"), Map.entry("trainFreq", "8"), Map.entry("gradientSteps", "1"),
          Map.entry("replayBatchSize", "4"), Map.entry("bufferSize", "64"), Map.entry("learningStarts", "0"), Map.entry("totalSteps", "16"),
          Map.entry("hidden", "16,16"), Map.entry("seed", String.valueOf(seed)), Map.entry("envThreads", "1")));
    }
    return Presets.forEnv(algo, env).with(Map.of("numEnvs", "2", "numSteps", "8", "epochs", "1", "minibatches", "1", "totalSteps", "16",
        "seed", String.valueOf(seed), "envThreads", "1"));
  }

  int run(List<String> args) {
    Opts o = Main.parse(args, List.of("--env", "--algo", "--seed"), List.of(), "explain");
    if (!o.positional().isEmpty()) throw new UsageException("explain: unexpected argument \"" + o.positional().get(0) + "\"");
    String env = o.get("--env") == null ? "CartPole-v1" : o.get("--env");
    if (!main.registry.contains(env)) {
      throw new UsageException("--env " + env + ": unknown environment; valid environments: " + String.join(", ", main.registry.names()));
    }
    String algo = o.get("--algo") == null ? "ppo" : o.get("--algo").toLowerCase(Locale.ROOT);
    List<String> algos = Arrays.stream(TrainConfig.Algo.values()).map(Object::toString).toList();
    if (!algos.contains(algo)) throw new UsageException("--algo " + o.get("--algo") + ": unknown algorithm; valid algorithms: " + String.join(", ", algos));
    long seed = o.get("--seed") == null ? 1 : Main.parseLong("--seed", o.get("--seed"), Long.MIN_VALUE);
    TrainConfig c = config(algo, env, seed);
    if (c.algo().offPolicy()) explainOffPolicy(c); else explain(c);
    return 0;
  }

  private void explain(TrainConfig c) {
    if (EnumSet.of(TrainConfig.Algo.SAC, TrainConfig.Algo.SAC_DISCRETE, TrainConfig.Algo.TD3, TrainConfig.Algo.DDPG).contains(c.algo())) {
      throw new UsageException("explain --algo " + c.algo() + ": explain shows one update of a policy template (ppo, a2c, reinforce, dqn);"
          + " " + c.algo() + " is not a template. Its losses are vecrl.algo.OffPolicyLosses (see the README's off-policy section)");
    }
    Kernels kernels = Backends.byName("scalar");
    PolicyTemplate template = Algorithms.of(c.algo());
    try (Trainer t = new Trainer(c, main.registry, Policies.defaultRegistry(), kernels, null, template)) {
      TemplatePolicy policy = t.policy();
      out.printf(Locale.ROOT, "vecrl explain: %s on %s, seed %d, scalar kernels%n", c.algo().toString().toUpperCase(Locale.ROOT), c.env(), c.seed());
      out.printf(Locale.ROOT, "one update: %d envs x %d steps = %d rows, %d epoch of %d minibatch; optimizer %s, lr %s (%s)%n", c.numEnvs(),
          c.numSteps(), c.batchSize(), c.epochs(), c.minibatches(), c.optimizer(), g(c.learningRate()), c.lrSchedule());
      out.println("template: " + template);
      out.println("model: " + t.network().getClass().getSimpleName() + ", " + t.network().parameters().size() + " parameters "
          + t.network().parameters().names());
      Map<String, Tensor> before = policy.getWeights();

      IterationStats s = t.iterate(System.nanoTime(), 0);

      SampleBatch batch = t.lastBatch();
      out.println();
      out.println("== 1. the sample batch: the rollout after postprocessing (first 4 rows; row k = step k / envs of env k % envs) ==");
      out.print(batch.describe(4));
      for (String side : batch.sideNames()) out.println("  side " + side + " = " + floats(batch.side(side)));

      out.println();
      out.println("== 2. postprocessing (postprocessFn) ==");
      out.println(postprocessing(c));
      out.println("  advantages    " + column(batch, SampleBatch.ADVANTAGES));
      out.println("  value_targets " + column(batch, SampleBatch.VALUE_TARGETS));

      out.println();
      out.println("== 3. the loss on the tape (lossFn of " + template.name() + "; Tape.listing: op, what it read, output) ==");
      out.print(policy.tape().listing());

      out.println();
      out.println("== 4. gradients (after backward" + (c.maxGradNorm() > 0 ? " and global-norm clipping at " + g(c.maxGradNorm()) : "") + ") ==");
      if (!Double.isNaN(policy.gradNorm())) {
        out.printf(Locale.ROOT, "  global norm before clipping %s -> %s%n", g(policy.gradNorm()),
            policy.gradNorm() > c.maxGradNorm() ? "scaled to " + g(c.maxGradNorm()) : "unchanged");
      }
      double total = 0;
      for (Parameter p : t.network().parameters()) {
        double n = norm(p.grad(), null);
        total += n * n;
        out.printf(Locale.ROOT, "  %-28s %-10s |grad| %s%n", p.name(), p.value().shapeString(), g(n));
      }
      out.printf(Locale.ROOT, "  %-28s %-10s |grad| %s%n", "(all)", "", g(Math.sqrt(total)));

      out.println();
      out.println("== 5. the optimizer step (" + policy.optimizer().getClass().getSimpleName() + ", step " + policy.optimizer().stepCount()
          + ", lr " + g(policy.optimizer().learningRate()) + "): |new - old| per parameter ==");
      double step = 0;
      for (Parameter p : t.network().parameters()) {
        double n = norm(p.value(), before.get(p.name()));
        step += n * n;
        out.printf(Locale.ROOT, "  %-28s %-10s |step| %s%n", p.name(), p.value().shapeString(), g(n));
      }
      out.printf(Locale.ROOT, "  %-28s %-10s |step| %s%n", "(all)", "", g(Math.sqrt(step)));

      out.println();
      out.println("== 6. statistics ==");
      for (var e : policy.stats(batch).entrySet()) out.printf(Locale.ROOT, "  %-20s %s%n", e.getKey(), g(e.getValue()));
      out.printf(Locale.ROOT, "  %-20s %s%n", "explained_variance", g(s.explainedVariance()));
      out.printf(Locale.ROOT, "  %-20s %d%n", "epochs_run", s.epochs());
      out.printf(Locale.ROOT, "  %-20s %d%n", "env_steps", s.step());
      out.printf(Locale.ROOT, "  %-20s %d%n", "episodes_finished", s.episodes());
      out.printf(Locale.ROOT, "  %-20s %s%n", "mean_return", g(s.meanReturn()));
    }
  }

  /** DQN's one gradient step: the sampled batch, its TD targets, the loss's tape, the gradients, the optimizer step, the statistics. */
  private void explainOffPolicy(TrainConfig c) {
    Kernels kernels = Backends.byName("scalar");
    try (Trainer t = new Trainer(c, main.registry, Policies.defaultRegistry(), kernels, null, null)) {
      TemplatePolicy policy = t.policy();
      out.printf(Locale.ROOT, "vecrl explain: %s on %s, seed %d, scalar kernels%n", c.algo().toString().toUpperCase(Locale.ROOT), c.env(), c.seed());
      out.printf(Locale.ROOT, "one iteration: %d envs x %d steps into the replay buffer (%d rows), then %d gradient step on a batch of %d; optimizer %s,"
          + " lr %s; gamma %s, %s, target update every %d env steps (tau %s)%n", c.numEnvs(), c.trainFreq(), t.replayBuffer().capacity(),
          c.gradientStepsPerIteration(), c.replayBatchSize(), c.optimizer(), g(c.learningRate()), g(c.gamma()), c.doubleQ() ? "double DQN" : "DQN",
          c.targetUpdateInterval(), g(c.tau()));
      out.println("template: " + policy.template());
      out.println("model: " + t.network().getClass().getSimpleName() + ", " + t.network().parameters().size() + " parameters "
          + t.network().parameters().names());
      Map<String, Tensor> before = policy.getWeights();

      IterationStats s = t.iterate(System.nanoTime(), 0);

      SampleBatch batch = t.lastBatch();
      out.println();
      out.println("== 1. the batch sampled from the replay buffer (uniform with replacement; rows " + Arrays.toString(t.replayBuffer().sampledIndices())
          + " of " + t.replayBuffer().size() + ") ==");
      out.print(batch.describe(4));

      out.println();
      out.println("== 2. TD targets (no gradient): y = r + gamma (1 - terminated) Q_target(new_obs, a'), a' = argmax "
          + (c.doubleQ() ? "Q_online" : "Q_target") + "(new_obs, .) ==");
      vecrl.algo.Dqn.State st = policy.mixin(vecrl.algo.Dqn.State.class);
      for (int i = 0; i < batch.rows(); i++) {
        float r = batch.floats(SampleBatch.REWARDS).get(i, 0), term = batch.floats(SampleBatch.TERMINATEDS).get(i, 0);
        float trunc = batch.floats(SampleBatch.TRUNCATEDS).get(i, 0);
        out.printf(Locale.ROOT, "  row %d: r %s, terminated %s, truncated %s -> y %s; Q(obs, action) %s, td_error %s%n", i, g(r), g(term), g(trunc),
            g(st.targets()[i]), g(st.targets()[i] + st.tdError()[i]), g(st.tdError()[i]));
      }

      out.println();
      out.println("== 3. the loss on the tape (lossFn of dqn: Huber, delta 1, between Q(obs, action) and y; Tape.listing) ==");
      out.print(policy.tape().listing());

      out.println();
      out.println("== 4. gradients (after backward" + (c.maxGradNorm() > 0 ? " and global-norm clipping at " + g(c.maxGradNorm()) : "") + ") ==");
      if (!Double.isNaN(policy.gradNorm())) {
        out.printf(Locale.ROOT, "  global norm before clipping %s -> %s%n", g(policy.gradNorm()),
            policy.gradNorm() > c.maxGradNorm() ? "scaled to " + g(c.maxGradNorm()) : "unchanged");
      }
      double total = 0;
      for (Parameter p : t.network().parameters()) {
        double n = norm(p.grad(), null);
        total += n * n;
        out.printf(Locale.ROOT, "  %-28s %-10s |grad| %s%n", p.name(), p.value().shapeString(), g(n));
      }
      out.printf(Locale.ROOT, "  %-28s %-10s |grad| %s%n", "(all)", "", g(Math.sqrt(total)));

      out.println();
      out.println("== 5. the optimizer step (" + policy.optimizer().getClass().getSimpleName() + ", step " + policy.optimizer().stepCount()
          + ", lr " + g(policy.optimizer().learningRate()) + "): |new - old| per parameter ==");
      double step = 0;
      for (Parameter p : t.network().parameters()) {
        double n = norm(p.value(), before.get(p.name()));
        step += n * n;
        out.printf(Locale.ROOT, "  %-28s %-10s |step| %s%n", p.name(), p.value().shapeString(), g(n));
      }
      out.printf(Locale.ROOT, "  %-28s %-10s |step| %s%n", "(all)", "", g(Math.sqrt(step)));

      out.println();
      out.println("== 6. statistics ==");
      for (var e : t.lastStats().entrySet()) out.printf(Locale.ROOT, "  %-20s %s%n", e.getKey(), g(e.getValue()));
      out.printf(Locale.ROOT, "  %-20s %d%n", "gradient_steps", s.epochs());
      out.printf(Locale.ROOT, "  %-20s %d%n", "env_steps", s.step());
      out.printf(Locale.ROOT, "  %-20s %d%n", "episodes_finished", s.episodes());
    }
  }

  private static String postprocessing(TrainConfig c) {
    return switch (c.algo()) {
      case PPO, A2C -> {
        double lambda = c.gae() ? c.gaeLambda() : 1;
        yield String.format(Locale.ROOT, "  Gae.postprocess, gamma %s, lambda %s: delta_t = r_t + gamma V(s_t+1) (1 - start_t+1) - V(s_t),%n"
            + "  advantages_t = delta_t + gamma lambda (1 - start_t+1) advantages_t+1, value_targets = advantages + vf_preds;%n"
            + "  after the last step: V and start of the next observation (side %s, %s)%s", g(c.gamma()), g(lambda), RolloutBuffer.NEXT_VF_PREDS,
            RolloutBuffer.NEXT_EPS_START, c.normAdvBatch() ? "; then advantages standardised over the batch (normAdvBatch)" : "");
      }
      case REINFORCE -> String.format(Locale.ROOT, "  Returns.discounted, gamma %s: value_targets_t = G_t = r_t + gamma G_t+1 within the episode%s",
          g(c.gamma()), c.reinforceBaseline() ? ",\n  from the next value at the rollout's end; advantages = G - vf_preds (the value baseline)"
              : ", from 0 at the rollout's end; advantages = G (no baseline)");
      case DQN, SAC, SAC_DISCRETE, TD3, DDPG -> "  none: an off-policy algorithm learns from batches sampled from the replay buffer";
    };
  }

  private static String column(SampleBatch b, String name) {
    SampleBatch.Floats f = b.floats(name);
    float[] v = new float[f.rows()];
    for (int i = 0; i < v.length; i++) v[i] = f.get(i, 0);
    return floats(v);
  }

  private static String floats(float[] v) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) sb.append(i > 0 ? " " : "").append(g(v[i]));
    return sb.append(']').toString();
  }

  /** The Euclidean norm of {@code a - b} ({@code b} null: of {@code a}), in double. */
  private static double norm(Tensor a, Tensor b) {
    float[] x = a.toArray(), y = b == null ? null : b.toArray();
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double d = x[i] - (y == null ? 0 : y[i]);
      s += d * d;
    }
    return Math.sqrt(s);
  }

  /**
   * 4 significant digits; magnitudes below 1e-6 (float rounding residue, such as the mean of
   * standardised advantages) and -0 print as 0, so that the text is the same on any machine.
   */
  private static String g(double v) {
    if (Math.abs(v) < 1e-6) return "0";
    String s = String.format(Locale.ROOT, "%.4g", v);
    return s.startsWith("-") && Double.parseDouble(s) == 0 ? s.substring(1) : s;
  }
}
