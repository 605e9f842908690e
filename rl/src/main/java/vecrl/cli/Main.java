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
import vecrl.train.Provenance;
import vecrl.train.Presets;
import vecrl.train.RunComparison;
import vecrl.train.TrainConfig;
import vecrl.train.Trainer;
import vecrl.train.TrainingRun;

/**
 * The {@code vecrl} command line: the commands of {@link Usage} ({@code train}, {@code eval},
 * {@code chart}, {@code envs}, {@code check-env}, {@code devices}, {@code bench-train}, {@code
 * bench-autodiff}, {@code help}; {@code bench} is the launcher's), {@code COMMAND --help} and {@code
 * --version}. Bad arguments print a usage message naming the bad value and the valid choices, and
 * exit with status 2.
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
    CliLogging.configure();
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
    } catch (RuntimeException | java.util.ServiceConfigurationError e) {
      System.err.println("vecrl: " + describe(e));
      if (rest.contains("--stacktrace") || (System.getenv("VECRL_STACKTRACE") != null && !System.getenv("VECRL_STACKTRACE").isEmpty())) {
        e.printStackTrace();
      }
      System.exit(1);
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

  static final String USAGE = Usage.TEXT;

  /**
   * Runs a command; returns the exit status: 0 done, 1 a failure at run time (a file that cannot be
   * read or written, a damaged checkpoint, an unavailable device, ...), 2 bad arguments. Every failure
   * prints one line, {@code vecrl: <message>}, and no stack trace unless {@code --stacktrace} (anywhere
   * on the line) or the environment variable {@code VECRL_STACKTRACE} (non-empty) asks for one.
   */
  public int run(String[] args) {
    boolean trace = System.getenv("VECRL_STACKTRACE") != null && !System.getenv("VECRL_STACKTRACE").isEmpty();
    List<String> kept = new ArrayList<>();
    for (String a : args) {
      if (a.equals("--stacktrace")) trace = true;
      else kept.add(a);
    }
    args = kept.toArray(new String[0]);
    try {
      if (args.length == 0) {
        out.println(USAGE);
        return 0;
      }
      String cmd = args[0];
      List<String> rest = List.of(args).subList(1, args.length);
      if (Usage.COMMANDS.containsKey(cmd) && (rest.contains("--help") || rest.contains("-h"))) {
        out.println(Usage.of(cmd));
        return 0;
      }
      return switch (cmd) {
        case "train" -> new TrainCommand(this).run(rest);
        case "eval" -> eval(rest);
        case "inspect" -> inspect(rest);
        case "chart" -> chart(rest);
        case "envs" -> envs(rest);
        case "check-env" -> CheckEnvCommand.run(rest, registry, out, err);
        case "devices" -> devices(rest);
        case "bench-train" -> new BenchCommands(this).benchTrain(rest);
        case "bench-autodiff" -> new BenchCommands(this).benchAutodiff(rest);
        case "bench-sac" -> new SacBench(this).run(rest);
        case "explain" -> new ExplainCommand(this).run(rest);
        case "export-onnx" -> new ExportOnnxCommand(this).run(rest);
        case "worker" -> cluster(c -> c.worker(rest, registry, out));
        case "sweep" -> cluster(c -> c.sweep(rest, registry, out));
        case "help", "-h", "--help" -> {
          out.println(USAGE);
          yield 0;
        }
        case "--version", "version" -> version();
        case "bench" -> throw new UsageException("bench: the JMH benchmarks run from the ./vecrl launcher (./vecrl bench [JMH options],"
            + " which runs bench/target/benchmarks.jar), not from this class");
        default -> throw new UsageException("unknown command \"" + cmd + "\"; valid commands: " + String.join(", ", Usage.COMMANDS.keySet()));
      };
    } catch (UsageException e) {
      err.println("vecrl: " + e.getMessage());
      err.println(USAGE);
      return fail(e, trace, 2);
    } catch (IllegalArgumentException e) {
      return fail(e, trace, 2);
    } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
      return fail(e, trace, 1);
    }
  }

  private interface ClusterCall {
    int run(ClusterCommands c) throws Exception;
  }

  /** Runs a command of the cluster module; its checked exceptions other than IOException become runtime failures. */
  private static int cluster(ClusterCall call) throws IOException {
    try {
      return call.run(ClusterCommands.load());
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private int fail(Throwable e, boolean trace, int code) {
    if (!(e instanceof UsageException)) err.println("vecrl: " + describe(e));
    if (trace) e.printStackTrace(err);
    return code;
  }

  /** One line for a failure: the message, with what the JDK leaves out for file errors and undecodable text. */
  static String describe(Throwable e) {
    if (e instanceof java.io.UncheckedIOException u && u.getCause() != null) {
      String m = u.getMessage(), c = describe(u.getCause());
      return m == null || m.equals(u.getCause().toString()) ? c : m.contains(c) ? m : m + " (" + c + ")";
    }
    if (e instanceof java.nio.file.FileSystemException f) {
      String what = switch (f) {
        case java.nio.file.NoSuchFileException x -> "no such file or directory";
        case java.nio.file.AccessDeniedException x -> "permission denied";
        case java.nio.file.FileAlreadyExistsException x -> "already exists";
        case java.nio.file.NotDirectoryException x -> "not a directory";
        case java.nio.file.DirectoryNotEmptyException x -> "directory not empty";
        default -> f.getReason() == null ? "file system error (" + f.getClass().getSimpleName() + ")" : f.getReason();
      };
      String r = f.getReason() != null && !what.equals(f.getReason()) ? what + ": " + f.getReason() : what;
      return f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": " + r;
    }
    if (e instanceof java.nio.charset.CharacterCodingException) return "a file is not UTF-8 text (" + e.getMessage() + ")";
    if (e instanceof OutOfMemoryError) return "out of memory (" + e.getMessage() + "); give the JVM more heap, e.g. JAVA_TOOL_OPTIONS=-Xmx4g";
    if (e instanceof StackOverflowError) return "stack overflow";
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
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

  /**
   * An integer option: digits (with optional {@code _} separators), or an exact integer in scientific
   * notation such as {@code 1e6}; fractions, values beyond a long and anything else are a usage error.
   */
  static long parseLong(String flag, String v, long min) {
    try {
      long x = TrainConfig.parseInteger(v);
      if (x < min) throw new NumberFormatException();
      return x;
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " " + vecrl.io.Text.show(v) + ": expected an integer" + (min > Long.MIN_VALUE ? " >= " + min : ""));
    }
  }

  /** {@link #parseLong} for an int option. */
  static int parseInt(String flag, String v, int min) {
    long x = parseLong(flag, v, min);
    if (x > Integer.MAX_VALUE) throw new UsageException(flag + " " + v + ": expected an integer from " + min + " to " + Integer.MAX_VALUE);
    return (int) x;
  }

  /** {@code vecrl --version}: the vecrl version and git commit, the JDK, the default backend and the thread counts. */
  private int version() {
    String requested = System.getProperty(Backends.PROPERTY);
    out.println("vecrl " + Provenance.version() + " (git " + Provenance.gitCommit() + ")");
    out.println("JDK " + Provenance.jdk());
    out.println("backend " + (requested == null || requested.isBlank() ? "vector (default; choices: " + String.join(", ", Backends.names()) + ")"
        : requested + " (from -D" + Backends.PROPERTY + ")") + ", kernel threads " + Provenance.kernelThreads());
    return 0;
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
    if (Files.isDirectory(p) && Files.isRegularFile(p.resolve(vecrl.multi.MultiAgentSpec.FILE))) {
      if (o.get("--env") != null) throw new UsageException("eval: --env does not apply to a multi-agent run (" + p + " records its env)");
      return new MultiAgentCommand(this).eval(p, o);
    }
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
    int episodes = parseInt("--episodes", o.get("--episodes") == null ? "10" : o.get("--episodes"), 1);
    long seed = o.get("--seed") == null ? 0 : parseLong("--seed", o.get("--seed"), Long.MIN_VALUE);
    PolicyFile.Loaded l = PolicyFile.load(p, c, registry.spec(env));
    Evaluation e = Trainer.evaluate(l.policy(), Backends.kernels(), registry.spec(env), l.obsRms(), l.clipObs(), episodes, seed,
        c.useMasks());
    out.println("policy " + p + " on " + env + " (backend " + Backends.kernels().name() + "): " + e);
    return 0;
  }

  private int chart(List<String> args) throws IOException {
    Opts o = parse(args, List.of("--title", "--threshold", "--y", "--band"), List.of("--log"), "chart");
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
    String column = o.get("--y") == null ? "mean_return" : o.get("--y");
    RunComparison.Band band = RunComparison.Band.MINMAX;
    if (o.get("--band") != null) {
      band = null;
      for (RunComparison.Band b : RunComparison.Band.values()) if (b.toString().equals(o.get("--band"))) band = b;
      if (band == null) throw new UsageException("--band " + o.get("--band") + ": unknown band; valid bands: minmax, std, none");
    }
    List<Chart.Series> series = new ArrayList<>();
    for (String spec : pos.subList(1, pos.size())) {
      int eq = spec.indexOf('=');
      if (eq <= 0 || eq == spec.length() - 1) throw new UsageException("chart: " + spec + ": expected LABEL=RUNS, e.g. masked=runs/masked");
      String label = spec.substring(0, eq);
      List<RunComparison.Run> runs = RunComparison.runs(Path.of(spec.substring(eq + 1)));
      for (RunComparison.Run run : runs) {
        Metrics m = run.metrics();
        if (!m.header().contains(column)) {
          throw new UsageException("--y " + column + ": " + run.dir() + " has no such column; valid columns: " + String.join(", ", m.header()));
        }
        double[] v = m.column(column);
        String invalid = m.header().contains("invalid_actions") ? String.format(Locale.ROOT, "%,d", (long) m.sum("invalid_actions")) : "-";
        out.println(String.format(Locale.ROOT, "%s  %s: %s; final %s %.3f; invalid actions in training %s", label,
            run.dir().getFileName(), reach(RunComparison.stepsToReach(m.steps(), v, threshold), threshold), column,
            v.length == 0 ? Double.NaN : v[v.length - 1], invalid));
      }
      Chart.Series mean = RunComparison.meanWithBand(label + " (" + (runs.size() == 1 ? "1 run" : "mean, n = " + runs.size() + " runs") + ")", runs,
          column, runs.size() == 1 ? RunComparison.Band.NONE : band);
      out.println(String.format(Locale.ROOT, "%s  mean curve: %s", label, reach(RunComparison.stepsToReach(mean.steps(), mean.values(), threshold), threshold)));
      series.add(mean);
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    String title = o.get("--title") != null ? o.get("--title") : "training: " + Chart.axisLabel(column);
    Chart.draw(file, Chart.Options.of(title, Chart.axisLabel(column)).withLogY(o.switches().contains("--log")).withThreshold(threshold)
        .withBandLegend(band.legend), series);
    out.println("chart: " + file);
    return 0;
  }

  private static String reach(long step, double threshold) {
    if (Double.isNaN(threshold)) return "no threshold";
    return step < 0 ? "never reaches " + threshold : String.format(Locale.ROOT, "reaches %s at step %,d", threshold, step);
  }

  /** {@code inspect POLICY_FILE}: the policy module alone reads the file (vecrl.policy.SavedPolicy#inspect). */
  private int inspect(List<String> args) throws IOException {
    if (args.size() != 1) throw new UsageException("inspect: expected one POLICY_FILE argument, got " + args.size());
    Path p = Path.of(args.get(0));
    if (Files.isDirectory(p)) p = p.resolve(TrainingRun.POLICY);
    if (!Files.isRegularFile(p)) throw new UsageException("inspect: " + p + " is not a policy file");
    long size = Files.size(p);
    if (size > Integer.MAX_VALUE - 64) throw new vecrl.io.PolicyFormatException(p + ": " + size + " bytes is larger than any policy file");
    out.print(vecrl.policy.SavedPolicy.inspect(Files.readAllBytes(p), p.toString()));
    return 0;
  }

  private int envs(List<String> args) {
    if (!args.isEmpty()) throw new UsageException("envs: unexpected argument \"" + args.get(0) + "\"");
    for (String line : registry.describe()) out.println(line);
    return 0;
  }

}
