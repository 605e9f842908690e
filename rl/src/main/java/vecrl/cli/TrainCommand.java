package vecrl.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vecrl.cli.Main.Opts;
import vecrl.cli.Main.UsageException;
import vecrl.env.EnvRegistry;
import vecrl.policy.PolicyRegistry;
import vecrl.tensor.Backends;
import vecrl.train.Callback;
import vecrl.train.Callbacks;
import vecrl.train.Metrics;
import vecrl.train.Policies;
import vecrl.train.Presets;
import vecrl.train.TrainConfig;
import vecrl.train.Trainer;
import vecrl.train.TrainingRun;
import vecrl.plan.LocalWorkerSet;
import vecrl.plan.Plans;
import vecrl.plan.TrainerTemplate;

/**
 * {@code vecrl train}: a new run from an environment, an algorithm, a policy (a built-in kind, a
 * {@link PolicyRegistry} name or {@code class:NAME}) and config overrides, or {@code --resume RUN_DIR
 * [--steps N]}, which continues a run (to N total steps when given, extending a finished run).
 */
final class TrainCommand {
  private final Main main;
  private final PrintStream out;
  private final EnvRegistry registry;

  TrainCommand(Main main) {
    this.main = main;
    this.out = main.out;
    this.registry = main.registry;
  }

  int run(List<String> args) throws IOException {
    Opts o = Main.parse(args, List.of("--env", "--algo", "--policy", "--steps", "--seed", "--envs", "--preset", "--config", "--out", "--resume",
        "--threads", "--env-threads", "--kernel-threads", "--tensorboard", "--backend", "--set", "--policies", "--iterations", "--cluster", "--bind", "--cluster-name", "--secret-file",
        "--worker-timeout", "--plan", "--plan-workers"), List.of("--quiet"), "train");
    if (!o.positional().isEmpty()) throw new UsageException("train: unexpected argument \"" + o.positional().get(0) + "\"");
    if (o.get("--env") != null && vecrl.multi.MultiAgentSpec.isMultiAgent(o.get("--env"))) {
      if (o.get("--plan") != null || o.get("--plan-workers") != null) throw new UsageException("train: --plan is for single-agent on-policy runs, not multi-agent envs");
      main.selectBackend(o);
      return new MultiAgentCommand(main).train(o, o.get("--env"), o.switches().contains("--quiet"));
    }
    for (String k : new String[] {"--policies", "--iterations"}) {
      if (o.get(k) != null) {
        throw new UsageException("train: " + k + " is for the multi-agent environments (" + String.join(", ", vecrl.multi.MultiAgentEnvRegistry.standard().names())
            + "); a single-agent run takes --policy and --steps");
      }
    }
    if (o.get("--threads") != null && o.get("--env-threads") != null) {
      throw new UsageException("train: --threads is another name for --env-threads; give one of them");
    }
    if (o.get("--kernel-threads") != null) {
      long k = Main.parseLong("--kernel-threads", o.get("--kernel-threads"), 1);
      System.setProperty(vecrl.tensor.Parallel.THREADS_PROPERTY, String.valueOf(k));
    }
    main.selectBackend(o);
    boolean quiet = o.switches().contains("--quiet");
    List<Callback> cbs = new ArrayList<>();
    if (!quiet) cbs.add(Callbacks.progress(out, System.console() != null, 2.0));
    Map<String, String> clusterOptions = new LinkedHashMap<>();
    for (String k : ClusterCommands.LEARNER_OPTIONS) if (o.get(k) != null) clusterOptions.put(k, o.get(k));
    if (!clusterOptions.isEmpty() && o.get("--cluster") == null) {
      throw new UsageException("train: " + clusterOptions.keySet().iterator().next() + " needs --cluster HOST:PORT[,...] (the members to join)");
    }
    return train(o, cbs, quiet, clusterOptions);
  }

  /**
   * The {@code --plan} and {@code --plan-workers} options checked against each other and {@code
   * --cluster}: the plan's name (null: none) and its in-process workers.
   */
  private static String plan(Opts o, boolean cluster) {
    String plan = o.get("--plan");
    if (plan == null) {
      if (o.get("--plan-workers") != null) throw new UsageException("train: --plan-workers needs --plan " + String.join("|", Plans.NAMES));
      return null;
    }
    if (!Plans.NAMES.contains(plan)) throw new UsageException("--plan " + plan + ": unknown execution plan; valid plans: " + String.join(", ", Plans.NAMES));
    int workers = planWorkers(o);
    if (cluster && workers > 0) {
      throw new UsageException("train --cluster: --plan-workers is for in-process workers; with --cluster the plan's workers are the cluster's"
          + " worker members");
    }
    if (!cluster && plan.equals("async-gradients") && workers < 1) {
      throw new UsageException("--plan async-gradients: the gradients come from rollout workers; give --plan-workers N (N >= 1), or --cluster");
    }
    return plan;
  }

  private static int planWorkers(Opts o) {
    return o.get("--plan-workers") == null ? 0 : Main.parseInt("--plan-workers", o.get("--plan-workers"), 0);
  }

  /** Checks what a run of {@code c} needs from the cluster and the plan, before anything is created or joined. */
  private static void checkRun(TrainConfig c, boolean cluster, String plan, int planWorkers) {
    try {
      if (cluster) vecrl.train.RolloutShard.checkSupported(c);
      if (plan != null && !cluster) LocalWorkerSet.checkSupported(c, planWorkers);
      if (plan != null && cluster) LocalWorkerSet.checkSupported(c, 0); // on-policy; the worker count is the cluster's
    } catch (IllegalArgumentException e) {
      throw new UsageException("train: " + e.getMessage());
    }
  }

  private ClusterCommands.Session learnerSession(Map<String, String> options) {
    try {
      return ClusterCommands.load().learner(options, out);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private int train(Opts o, List<Callback> cbs, boolean quiet, Map<String, String> clusterOptions) throws IOException {
    boolean cluster = !clusterOptions.isEmpty();
    String plan = plan(o, cluster);
    int planWorkers = planWorkers(o);
    if (o.get("--resume") != null) { // a run trained through a plan resumes through the same plan
      String[] rec = recordedPlan(Path.of(o.get("--resume")));
      if (rec != null && plan == null) {
        plan = rec[0];
        if (!cluster) planWorkers = Integer.parseInt(rec[1]);
        if (!cluster && plan.equals("async-gradients") && planWorkers < 1) {
          throw new UsageException("--resume " + o.get("--resume") + ": the run was trained with --plan async-gradients on the cluster's workers;"
              + " resume it with --cluster, or give --plan async-gradients --plan-workers N");
        }
        if (!quiet) out.println("resuming through the run's execution plan: --plan " + plan + (cluster ? "" : " --plan-workers " + planWorkers));
      } else if (rec != null && !plan.equals(rec[0])) {
        throw new UsageException("--resume " + o.get("--resume") + ": the run was trained with --plan " + rec[0] + ", not --plan " + plan
            + "; resume it without --plan (its own plan is used) or with --plan " + rec[0]);
      }
    }
    if (plan != null && !cluster) { // the cluster's session runs the bulk-sync plan over its workers
      cbs.add(TrainerTemplate.builder(plan).defaultPolicy(vecrl.algo.Algorithms.ppo()).executionPlan(Plans.byName(plan)).build()
          .callback(registry, planWorkers));
    }
    TrainingRun.Result r;
    PolicyRegistry policies = Policies.defaultRegistry();
    if (o.get("--resume") != null) {
      for (String k : List.of("--env", "--algo", "--policy", "--seed", "--envs", "--preset", "--config", "--set", "--threads", "--env-threads",
          "--tensorboard")) {
        if (o.get(k) != null) throw new UsageException("train: " + k + " cannot be combined with --resume (the run's config is used; --steps sets a new total)");
      }
      Path dir = Path.of(o.get("--resume"));
      if (!Files.isDirectory(dir)) throw new UsageException("--resume " + dir + ": not a directory");
      long total = o.get("--steps") == null ? 0 : Main.parseLong("--steps", o.get("--steps"), 1);
      Path cfg = dir.resolve(TrainingRun.CONFIG);
      if (Files.isRegularFile(cfg)) checkRun(TrainConfig.load(cfg), cluster, plan, planWorkers);
      try (ClusterCommands.Session session = cluster ? learnerSession(clusterOptions) : null) {
        if (session != null) cbs.add(session.callback(plan == null ? "bulk-sync" : plan));
        out.println("resuming " + dir + (total > 0 ? String.format(Locale.ROOT, " to %,d steps in all", total) : ""));
        r = TrainingRun.resume(dir, registry, policies, total, cbs, Backends.kernels());
      }
    } else {
      TrainConfig c = config(o, policies);
      checkRun(c, cluster, plan, planWorkers); // before the run directory is made or the cluster joined
      Path outDir = Path.of(o.get("--out") == null ? "runs" : o.get("--out"));
      // the directory is created by TrainingRun.train once the backend and the environment have started
      Path dir = TrainingRun.runDirFor(outDir, c);
      if (!quiet) {
        out.println(String.format(Locale.ROOT, "training %s on %s: %,d steps, %d envs x %d steps, seed %d, backend %s (%s), policy %s%s",
            c.algo().toString().toUpperCase(Locale.ROOT), c.env(), c.iterations() * c.batchSize(), c.numEnvs(), c.batchSize() / c.numEnvs(), c.seed(),
            Backends.kernels().name(), threads(c), c.policy(),
            c.recurrent() ? String.format(Locale.ROOT, " (hidden %d, %s, sequences of %d)", c.cellSize(),
                c.sharedCell() ? "shared" : "separate actor and critic cells", c.seqLen()) : ""));
      }
      if (plan != null) cbs.add(recordPlan(dir, plan, cluster ? 0 : planWorkers));
      try (ClusterCommands.Session session = cluster ? learnerSession(clusterOptions) : null) {
        if (session != null) cbs.add(session.callback(plan == null ? "bulk-sync" : plan));
        r = TrainingRun.train(c, registry, policies, null, dir, cbs, Backends.kernels());
      }
    }
    summary(r);
    return 0;
  }

  /** The file in a run directory that names the execution plan the run was trained through ({@code train --plan}). */
  static final String PLAN_FILE = "plan.txt";

  /** A callback that writes {@link #PLAN_FILE} into {@code dir} when the run starts (the directory exists by then). */
  private static Callback recordPlan(Path dir, String plan, int workers) {
    return new Callback() {
      @Override public void onStart(Trainer trainer) {
        try {
          Path tmp = dir.resolve(PLAN_FILE + ".tmp");
          Files.writeString(tmp, "plan=" + plan + "\nworkers=" + workers + "\n");
          Files.move(tmp, dir.resolve(PLAN_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException("train --plan: could not record the plan in " + dir.resolve(PLAN_FILE) + ": " + e.getMessage(), e);
        }
      }
    };
  }

  /** The plan and worker count recorded in a run directory, or null when the run was not trained through a plan. */
  static String[] recordedPlan(Path dir) throws IOException {
    Path f = dir.resolve(PLAN_FILE);
    if (!Files.isRegularFile(f)) return null;
    String plan = null, workers = null;
    for (String line : Files.readAllLines(f)) {
      if (line.startsWith("plan=")) plan = line.substring(5).trim();
      else if (line.startsWith("workers=")) workers = line.substring(8).trim();
    }
    if (plan == null || !Plans.NAMES.contains(plan) || workers == null || !workers.matches("\\d{1,6}")) {
      throw new UsageException("--resume " + dir + ": " + f + " does not name a plan and a worker count (expected lines plan=one of "
          + String.join("|", Plans.NAMES) + " and workers=N); restore it, or delete it to resume without a plan");
    }
    return new String[] {plan, workers};
  }

  /** {@code 1 env thread, 2 kernel threads}. */
  static String threads(TrainConfig c) {
    int k = Backends.kernels() instanceof vecrl.tensor.VectorKernels v ? v.threads() : 1;
    return c.envThreads() + " env thread" + (c.envThreads() == 1 ? "" : "s") + ", " + k + " kernel thread" + (k == 1 ? "" : "s");
  }

  private void summary(TrainingRun.Result r) throws IOException {
    TrainConfig c = r.trainer().config();
    if (r.nothingToDo()) {
      out.println(String.format(Locale.ROOT, "nothing to train: the run already has %,d steps, its total (totalSteps = %,d); extend it with"
          + " --resume %s --steps N", r.totalSteps(), c.totalSteps(), r.dir()));
    } else {
      out.println(String.format(Locale.ROOT, "trained %,d steps in %.1f s (%,.0f steps/s)", r.steps(), r.seconds(), r.steps() / Math.max(r.seconds(), 1e-9)));
      if (r.totalSteps() != r.steps()) {
        out.println(String.format(Locale.ROOT, "run total: %,d steps in %.1f s of training", r.totalSteps(), r.totalSeconds()));
      }
    }
    if (r.stoppedEarly() != null) out.println("stopped early: " + r.stoppedEarly());
    if (Files.exists(r.dir().resolve(TrainingRun.BEST_POLICY_INFO))) {
      Map<String, String> best = TrainConfig.parse(Files.readString(r.dir().resolve(TrainingRun.BEST_POLICY_INFO)));
      out.println(String.format(Locale.ROOT, "best periodic evaluation: %.2f +- %.2f at step %,d (%s)", Double.parseDouble(best.get("mean_return")),
          Double.parseDouble(best.get("std_return")), Long.parseLong(best.get("step")), TrainingRun.BEST_POLICY));
    }
    if (r.trainer().environmentGaveMasks()) {
      long invalid = (long) Metrics.read(r.dir().resolve(TrainingRun.METRICS)).sum("invalid_actions");
      out.println(String.format(Locale.ROOT, "invalid actions taken in training: %,d (action masks %s)", invalid,
          c.useMasks() ? "used" : "not used: useMasks = false"));
    }
    if (r.evaluation() != null) out.println("greedy evaluation: " + r.evaluation());
    out.println("run directory: " + r.dir().toAbsolutePath());
  }

  private TrainConfig config(Opts o, PolicyRegistry policies) throws IOException {
    String env = o.get("--env") == null ? "CartPole-v1" : o.get("--env");
    if (!registry.contains(env)) throw new UsageException("--env " + env + ": unknown environment; valid environments: " + String.join(", ", registry.names()));
    String algo = o.get("--algo") == null ? "ppo" : o.get("--algo").toLowerCase(Locale.ROOT);
    List<String> algos = Arrays.stream(TrainConfig.Algo.values()).map(Object::toString).toList();
    if (!algos.contains(algo)) throw new UsageException("--algo " + o.get("--algo") + ": unknown algorithm; valid algorithms: " + String.join(", ", algos));
    String policy = o.get("--policy") == null ? "mlp" : o.get("--policy");
    if (TrainConfig.POLICIES.contains(policy.toLowerCase(Locale.ROOT))) policy = policy.toLowerCase(Locale.ROOT);
    else if (!policy.startsWith(Policies.CLASS_PREFIX) && !policies.contains(policy)) {
      List<String> valid = new ArrayList<>(TrainConfig.POLICIES);
      valid.addAll(policies.names());
      throw new UsageException("--policy " + policy + ": unknown policy; valid policies: " + String.join(", ", valid)
          + ", or class:NAME (a policy class on the --classpath)");
    }
    TrainConfig c = Presets.forEnv(algo, env, TrainConfig.POLICIES.contains(policy) ? policy : "mlp");
    if (!TrainConfig.POLICIES.contains(policy)) c = c.with("policy", policy);
    if (o.get("--preset") != null) {
      String p = o.get("--preset");
      if (!Presets.names().contains(p)) throw new UsageException("--preset " + p + ": unknown preset; valid presets: " + String.join(", ", Presets.names()));
      c = c.with(Presets.get(p));
    }
    if (o.get("--config") != null) {
      Path f = Path.of(o.get("--config"));
      if (!Files.isRegularFile(f)) throw new UsageException("--config " + f + ": no such file");
      c = TrainConfig.load(f, c);
    }
    Map<String, String> set = new LinkedHashMap<>();
    for (String kv : o.values().getOrDefault("--set", List.of())) {
      int eq = kv.indexOf('=');
      if (eq <= 0) throw new UsageException("--set " + kv + ": expected key=value; valid keys: " + String.join(", ", TrainConfig.keys()));
      String k = kv.substring(0, eq);
      if (!TrainConfig.keys().contains(k)) throw new UsageException("--set " + kv + ": unknown key \"" + k + "\"; valid keys: " + String.join(", ", TrainConfig.keys()));
      set.put(k, kv.substring(eq + 1));
    }
    if (o.get("--steps") != null) set.put("totalSteps", String.valueOf(Main.parseLong("--steps", o.get("--steps"), 1)));
    if (o.get("--seed") != null) set.put("seed", String.valueOf(Main.parseLong("--seed", o.get("--seed"), Long.MIN_VALUE)));
    if (o.get("--envs") != null) set.put("numEnvs", String.valueOf(Main.parseInt("--envs", o.get("--envs"), 1)));
    for (String flag : List.of("--threads", "--env-threads")) {
      if (o.get(flag) != null) set.put("envThreads", String.valueOf(Main.parseInt(flag, o.get(flag), 1)));
    }
    if (o.get("--tensorboard") != null) set.put("tensorboard", o.get("--tensorboard"));
    try {
      c = c.with(set);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (c.iterations() < 1) throw new UsageException("--steps " + c.totalSteps() + ": fewer than one rollout of " + c.batchSize() + " steps");
    return c;
  }
}
