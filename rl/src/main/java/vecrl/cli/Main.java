package vecrl.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vecrl.env.EnvRegistry;
import vecrl.tensor.Backends;
import vecrl.train.Chart;
import vecrl.train.Evaluation;
import vecrl.train.Metrics;
import vecrl.train.PolicyFile;
import vecrl.train.Presets;
import vecrl.train.RunComparison;
import vecrl.train.TrainConfig;
import vecrl.train.Trainer;
import vecrl.train.TrainingRun;

/**
 * The {@code vecrl} command line: {@code train}, {@code eval}, {@code chart}, {@code envs},
 * {@code devices}, {@code bench-train} and {@code help}. Bad arguments print a usage message naming the bad value and the valid
 * choices, and exit with status 2.
 */
public final class Main {
  final PrintStream out;
  final PrintStream err;
  final EnvRegistry registry;

  /** Thrown for bad command-line arguments; the message names the bad value and the valid choices. */
  public static final class UsageException extends RuntimeException {
    public UsageException(String message) {
      super(message);
    }
  }

  public Main(PrintStream out, PrintStream err, EnvRegistry registry) {
    this.out = out;
    this.err = err;
    this.registry = registry;
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    List<String> rest = new ArrayList<>();
    String classpath = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--classpath") && i + 1 < args.length) classpath = args[++i];
      else if (args[i].startsWith("--classpath=")) classpath = args[i].substring("--classpath=".length());
      else rest.add(args[i]);
    }
    EnvRegistry registry;
    try {
      ClassLoader loader = loaderFor(classpath);
      Thread.currentThread().setContextClassLoader(loader);
      registry = EnvRegistry.withProviders(loader);
    } catch (IllegalArgumentException e) {
      System.err.println("vecrl: " + e.getMessage());
      System.exit(2);
      return;
    }
    int code = new Main(System.out, System.err, registry).run(rest.toArray(new String[0]));
    System.exit(code);
  }

  /**
   * The class loader of {@code --classpath PATHS} (jars or class folders separated by the platform's
   * path separator) over vecrl's own, or vecrl's own when null. Environments and policies in those
   * jars are found through their {@code META-INF/services} entries for {@link vecrl.env.EnvProvider}
   * and {@link vecrl.policy.PolicyProvider}. A path that does not exist is an error naming it.
   */
  static ClassLoader loaderFor(String classpath) {
    ClassLoader parent = Main.class.getClassLoader();
    if (classpath == null) return parent;
    List<java.net.URL> urls = new ArrayList<>();
    for (String part : classpath.split(java.io.File.pathSeparator)) {
      if (part.isBlank()) continue;
      Path p = Path.of(part);
      if (!Files.exists(p)) throw new IllegalArgumentException("--classpath: " + p + " does not exist (expected jars or class folders separated by '"
          + java.io.File.pathSeparator + "')");
      try {
        urls.add(p.toUri().toURL());
      } catch (java.net.MalformedURLException e) {
        throw new IllegalArgumentException("--classpath: " + p + ": " + e.getMessage(), e);
      }
    }
    return new java.net.URLClassLoader(urls.toArray(new java.net.URL[0]), parent);
  }

  static final String USAGE = """
      usage: vecrl <command> [options]
        train        train a policy (default: PPO on CartPole-v1 for 100,000 steps)
            --env ID  --algo ppo|a2c  --policy mlp|lstm|gru|REGISTRY_NAME|class:NAME  --steps N  --seed N  --envs N
            --preset NAME  --config FILE  --set key=value (any config key; repeatable)  --out DIR (default runs)
            --resume RUN_DIR [--steps N] (continue a run, finished or not, to N steps in all)
            --threads N (env stepping threads)  --backend NAME  --quiet
        --classpath JARS   (before or after any command) jars or class folders whose META-INF/services
                     entries add environments (vecrl.env.EnvProvider) and policies (vecrl.policy.PolicyProvider)
        eval RUN_OR_POLICY [--env ID] [--episodes N] [--seed N]
                     greedy evaluation of a saved policy (a run directory or its policy.bin, a vecrl.io
                     MlpActorCriticPolicy file; the network is rebuilt from the config.properties beside
                     it, or from --env's default config when there is none); the env's action masks are
                     used unless the run's config has useMasks = false
        chart OUT.png LABEL=RUNS [LABEL=RUNS ...] [--title TEXT] [--threshold X]
                     the mean training curve (recent mean return) of each group of runs in one PNG; RUNS is
                     a run directory or a directory of runs (a train --out); prints each run's first step
                     at or above X and the invalid actions it took
        envs         list the environments with their spaces
        check-env ID [--seed N] [--steps N]   check an environment's contract (spaces, determinism, masks; vecrl.env.EnvChecker)
        explain [--env ID] [--algo ppo|a2c|reinforce] [--seed N]   one small update laid open (batch, postprocessing, tape, gradients, step, stats)
        devices      list the OpenCL platforms and devices (choose one with -Dvecrl.opencl.device=INDEX_OR_NAME)
        bench-train [--steps N] [--seed N] [--envs N] [--env ID --policy mlp|lstm|gru]
                     PPO CartPole-v1 speed (4 envs x 128 steps, 4 epochs x 4 minibatches, 64-64 tanh), one thread;
                     with --env or --policy: that env's preset for that policy instead
        bench-autodiff [--case A,B2048,B128,C] [--rounds N] [--profile]
                     the autodiff benchmark's MLPs (issue 3): forward + backward on a tape against the same
                     GEMMs alone, alternating round by round on one thread; --profile adds the tape's per-op times
        help         this text""";

  /** Runs a command; returns the exit status. */
  public int run(String[] args) {
    try {
      if (args.length == 0) {
        out.println(USAGE);
        return 0;
      }
      String cmd = args[0];
      List<String> rest = List.of(args).subList(1, args.length);
      return switch (cmd) {
        case "train" -> new TrainCommand(this).run(rest);
        case "eval" -> eval(rest);
        case "chart" -> chart(rest);
        case "envs" -> envs(rest);
        case "check-env" -> CheckEnvCommand.run(rest, registry, out, err);
        case "devices" -> devices(rest);
        case "bench-train" -> new BenchCommands(this).benchTrain(rest);
        case "bench-autodiff" -> new BenchCommands(this).benchAutodiff(rest);
        case "explain" -> new ExplainCommand(this).run(rest);
        case "help", "-h", "--help" -> {
          out.println(USAGE);
          yield 0;
        }
        default -> throw new UsageException("unknown command \"" + cmd + "\"; valid commands: train, eval, envs, check-env, devices, bench-train, bench-autodiff, chart, help");
      };
    } catch (UsageException e) {
      err.println("vecrl: " + e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (IllegalArgumentException e) {
      err.println("vecrl: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("vecrl: " + e.getMessage());
      return 1;
    }
  }

  /** Parsed options: flags with values, plain switches, positional arguments. */
  record Opts(Map<String, List<String>> values, List<String> switches, List<String> positional) {
    String get(String k) {
      List<String> v = values.get(k);
      return v == null ? null : v.get(v.size() - 1);
    }
  }

  static Opts parse(List<String> args, List<String> withValue, List<String> switches, String cmd) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    List<String> sw = new ArrayList<>();
    List<String> pos = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("--")) {
        String key = a;
        String val = null;
        int eq = a.indexOf('=');
        if (eq > 0) {
          key = a.substring(0, eq);
          val = a.substring(eq + 1);
        }
        if (withValue.contains(key)) {
          if (val == null) {
            if (i + 1 >= args.size()) throw new UsageException(cmd + ": option " + key + " needs a value");
            val = args.get(++i);
          }
          values.computeIfAbsent(key, k -> new ArrayList<>()).add(val);
        } else if (switches.contains(key) && val == null) {
          sw.add(key);
        } else {
          List<String> all = new ArrayList<>(withValue);
          all.addAll(switches);
          throw new UsageException(cmd + ": unknown option \"" + a + "\"; valid options: " + String.join(" ", all));
        }
      } else {
        pos.add(a);
      }
    }
    return new Opts(values, sw, pos);
  }

  static long parseLong(String flag, String v, long min) {
    try {
      long x = (long) Double.parseDouble(v.replace("_", ""));
      if (x < min || !Double.isFinite(Double.parseDouble(v.replace("_", "")))) throw new NumberFormatException();
      return x;
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " " + v + ": expected an integer >= " + min);
    }
  }

  /** Lists OpenCL devices through the gpu module, which is looked up by name so that rl does not need it to compile. */
  private int devices(List<String> args) {
    parse(args, List.of(), List.of(), "devices");
    try {
      Class.forName("vecrl.gpu.OpenClDevices").getMethod("print", PrintStream.class).invoke(null, out);
      return 0;
    } catch (ClassNotFoundException e) {
      err.println("vecrl: devices: the OpenCL backend (vecrl-gpu) is not on the class path");
      return 1;
    } catch (ReflectiveOperationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      err.println("vecrl: devices: " + cause.getMessage());
      return 1;
    }
  }

  void selectBackend(Opts o) {
    String b = o.get("--backend");
    if (b == null) return;
    List<String> names = Backends.names();
    if (!names.contains(b)) throw new UsageException("--backend " + b + ": unknown backend; valid backends: " + String.join(", ", names));
    System.setProperty(Backends.PROPERTY, b);
  }

  private int eval(List<String> args) throws IOException {
    Opts o = parse(args, List.of("--env", "--episodes", "--seed", "--backend"), List.of(), "eval");
    if (o.positional().size() != 1) throw new UsageException("eval: expected one RUN_OR_POLICY argument, got " + o.positional().size());
    selectBackend(o);
    Path p = Path.of(o.positional().get(0));
    if (Files.isDirectory(p)) p = p.resolve(TrainingRun.POLICY);
    if (!Files.isRegularFile(p)) throw new UsageException("eval: " + p + " is neither a run directory nor a policy file");
    // the policy file holds parameters and a fingerprint; the constructor arguments come from the run's config
    Path cfg = p.toAbsolutePath().getParent().resolve(TrainingRun.CONFIG);
    String envOpt = o.get("--env");
    if (envOpt != null && !registry.contains(envOpt)) {
      throw new UsageException("--env " + envOpt + ": unknown environment; valid environments: " + String.join(", ", registry.names()));
    }
    TrainConfig c;
    if (Files.isRegularFile(cfg)) {
      c = TrainConfig.load(cfg);
    } else if (envOpt != null) {
      c = Presets.forEnv("ppo", envOpt);
    } else {
      throw new UsageException("eval: " + p + " has no " + TrainingRun.CONFIG + " beside it (needed to rebuild the policy); pass a run directory, or --env ENV for a policy trained with that env's default network");
    }
    String env = envOpt == null ? c.env() : envOpt;
    int episodes = (int) parseLong("--episodes", o.get("--episodes") == null ? "10" : o.get("--episodes"), 1);
    long seed = o.get("--seed") == null ? 0 : parseLong("--seed", o.get("--seed"), Long.MIN_VALUE);
    PolicyFile.Loaded l = PolicyFile.load(p, c, registry.spec(env));
    Evaluation e = Trainer.evaluate(l.policy(), Backends.kernels(), registry.spec(env), l.obsRms(), l.clipObs(), episodes, seed,
        c.useMasks());
    out.println("policy " + p + " on " + env + ": " + e);
    return 0;
  }

  private int chart(List<String> args) throws IOException {
    Opts o = parse(args, List.of("--title", "--threshold"), List.of(), "chart");
    List<String> pos = o.positional();
    if (pos.size() < 2) throw new UsageException("chart: expected OUT.png and at least one LABEL=RUNS, got " + pos.size() + " arguments");
    Path file = Path.of(pos.get(0));
    if (!file.getFileName().toString().endsWith(".png")) throw new UsageException("chart: " + file + ": expected an output file ending in .png");
    double threshold = Double.NaN;
    if (o.get("--threshold") != null) {
      try {
        threshold = Double.parseDouble(o.get("--threshold"));
      } catch (NumberFormatException e) {
        throw new UsageException("--threshold " + o.get("--threshold") + ": expected a number");
      }
    }
    List<Chart.Series> series = new ArrayList<>();
    for (String spec : pos.subList(1, pos.size())) {
      int eq = spec.indexOf('=');
      if (eq <= 0 || eq == spec.length() - 1) throw new UsageException("chart: " + spec + ": expected LABEL=RUNS, e.g. masked=runs/masked");
      String label = spec.substring(0, eq);
      List<RunComparison.Run> runs = RunComparison.runs(Path.of(spec.substring(eq + 1)));
      for (RunComparison.Run run : runs) {
        Metrics m = run.metrics();
        double[] ret = m.column("mean_return");
        String invalid = m.header().contains("invalid_actions") ? String.format(Locale.ROOT, "%,d", (long) m.sum("invalid_actions")) : "-";
        out.println(String.format(Locale.ROOT, "%s  %s: %s; final mean return %.3f; invalid actions in training %s", label,
            run.dir().getFileName(), reach(RunComparison.stepsToReach(m.steps(), ret, threshold), threshold), ret.length == 0 ? Double.NaN : ret[ret.length - 1], invalid));
      }
      Chart.Series mean = RunComparison.mean(label + " (mean of " + runs.size() + " runs)", runs, "mean_return");
      out.println(String.format(Locale.ROOT, "%s  mean curve: %s", label, reach(RunComparison.stepsToReach(mean.steps(), mean.values(), threshold), threshold)));
      series.add(mean);
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    Chart.curves(file, o.get("--title") == null ? "training mean return (last 20 episodes), mean over runs" : o.get("--title"), series, threshold);
    out.println("chart: " + file);
    return 0;
  }

  private static String reach(long step, double threshold) {
    if (Double.isNaN(threshold)) return "no threshold";
    return step < 0 ? "never reaches " + threshold : String.format(Locale.ROOT, "reaches %s at step %,d", threshold, step);
  }

  private int envs(List<String> args) {
    if (!args.isEmpty()) throw new UsageException("envs: unexpected argument \"" + args.get(0) + "\"");
    for (String line : registry.describe()) out.println(line);
    return 0;
  }

}
