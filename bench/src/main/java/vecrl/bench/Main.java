package vecrl.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the JMH benchmarks with the flags from the parent pom's {@code vecrl.vector.flags} (read
 * from {@code vecrl-bench.properties}, filtered at build time) appended to every forked JVM, then
 * prints a summary with GFLOP/s for matrix multiply and the vector/scalar ratio from the same run.
 * Takes JMH's usual command line ({@code -h} lists it).
 *
 * <p>Setting {@code jvmArgsAppend} here replaces any {@code @Fork(jvmArgsAppend = ...)} of a
 * benchmark class (JMH takes one or the other, not both), so benchmark classes put their own JVM
 * flags in {@code @Fork(jvmArgsPrepend = ...)}.
 */
public final class Main {
  private Main() {}

  /**
   * Runs {@link #run}; a failure the user can cause (an unknown benchmark name, a bad option, a
   * benchmark that fails) prints {@code vecrl: bench: <message>} and exits 1 (2 for bad options),
   * with the Java stack trace only under {@code --stacktrace} or {@code VECRL_STACKTRACE}, as the
   * rest of the command line.
   */
  public static void main(String[] args) throws IOException {
    boolean trace = System.getenv("VECRL_STACKTRACE") != null && !System.getenv("VECRL_STACKTRACE").isEmpty();
    List<String> rest = new ArrayList<>();
    for (String a : args) {
      if (a.equals("--stacktrace")) trace = true;
      else rest.add(a);
    }
    int code = 0;
    try {
      run(rest.toArray(new String[0]));
    } catch (CommandLineOptionException e) {
      System.err.println("vecrl: bench: " + e.getMessage() + " (-h lists JMH's options)");
      if (trace) e.printStackTrace();
      code = 2;
    } catch (RunnerException | RuntimeException e) {
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (e instanceof org.openjdk.jmh.runner.NoBenchmarksException || m.startsWith("No benchmarks")) {
        m = "no benchmark matches " + String.join(" ", rest) + " (-l lists them)";
      }
      System.err.println("vecrl: bench: " + m);
      if (trace) e.printStackTrace();
      code = 1;
    }
    if (code != 0) System.exit(code);
  }

  static void run(String[] args) throws RunnerException, CommandLineOptionException, IOException {
    for (String a : args) {
      if (a.equals("-h") || a.equals("-l") || a.equals("-lp") || a.equals("-lprof") || a.equals("-lrf")) {
        org.openjdk.jmh.Main.main(args);
        return;
      }
    }
    CommandLineOptions cmd = new CommandLineOptions(args);
    List<String> jvmAppend = new ArrayList<>(List.of(vectorFlags()));
    if (cmd.getJvmArgsAppend().hasValue()) jvmAppend.addAll(cmd.getJvmArgsAppend().get());
    Options opts = new OptionsBuilder().parent(cmd).jvmArgsAppend(jvmAppend.toArray(new String[0])).build();
    Collection<RunResult> results = new Runner(opts).run();
    Summary.print(results, System.out);
  }

  static String[] vectorFlags() throws IOException {
    Properties p = new Properties();
    try (InputStream in = Main.class.getResourceAsStream("/vecrl-bench.properties")) {
      if (in == null) throw new IOException("vecrl-bench.properties is missing from the benchmarks jar");
      p.load(in);
    }
    String flags = p.getProperty("vecrl.vector.flags", "").trim();
    if (flags.isEmpty() || flags.contains("${")) {
      throw new IOException("vecrl-bench.properties was not filtered: vecrl.vector.flags=" + flags);
    }
    return flags.split("\\s+");
  }

  /** Prints one line per run: time per op, GFLOP/s (matmul) and vector/scalar speed ratio. */
  static final class Summary {
    private Summary() {}

    static void print(Collection<RunResult> results, PrintStream out) {
      out.println();
      out.println("vecrl summary (time per op; GFLOP/s = 2*M*K*N / time; ratio = scalar time / vector time, same run)");
      out.printf(Locale.ROOT, "%-22s %-16s %-8s %-8s %12s %10s %8s%n", "benchmark", "shape/op", "backend", "threads",
          "us/op", "GFLOP/s", "ratio");
      for (RunResult r : results) {
        var params = r.getParams();
        String bench = r.getParams().getBenchmark();
        bench = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
        String shape = param(params, "shape");
        if (shape == null) shape = param(params, "op");
        String backend = param(params, "backend");
        String threads = param(params, "threads");
        double us = toMicros(r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreUnit());
        String gflops = "";
        if (shape != null && shape.matches("\\d+x\\d+x\\d+")) {
          String[] d = shape.split("x");
          double flop = 2.0 * Double.parseDouble(d[0]) * Double.parseDouble(d[1]) * Double.parseDouble(d[2]);
          gflops = String.format(Locale.ROOT, "%.1f", flop / (us * 1e3));
        }
        String ratio = "";
        String form = param(params, "form");
        if ("vector".equals(backend)) {
          for (RunResult s : results) {
            var sp = s.getParams();
            if (sp.getBenchmark().equals(params.getBenchmark()) && "scalar".equals(param(sp, "backend"))
                && java.util.Objects.equals(shape, param(sp, "shape") != null ? param(sp, "shape") : param(sp, "op"))
                && java.util.Objects.equals(form, param(sp, "form"))
                && java.util.Objects.equals(threads, param(sp, "threads"))) {
              double sus = toMicros(s.getPrimaryResult().getScore(), s.getPrimaryResult().getScoreUnit());
              ratio = String.format(Locale.ROOT, "%.1fx", sus / us);
            }
          }
        }
        if (shape == null) shape = "-"; // a benchmark without a shape or op parameter (PolicyBench: one fixed policy)
        if (form != null && !form.equals("AB")) shape += " " + form;
        out.printf(Locale.ROOT, "%-22s %-16s %-8s %-8s %12.3f %10s %8s%n", bench, shape, backend == null ? "" : backend,
            threads == null ? "" : threads, us, gflops, ratio);
      }
    }

    private static String param(org.openjdk.jmh.infra.BenchmarkParams p, String key) {
      return p.getParamsKeys().contains(key) ? p.getParam(key) : null;
    }

    private static double toMicros(double score, String unit) {
      return switch (unit) {
        case "ns/op" -> score / 1e3;
        case "us/op" -> score;
        case "ms/op" -> score * 1e3;
        case "s/op" -> score * 1e6;
        default -> Double.NaN;
      };
    }
  }
}
