package vecrl.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import vecrl.tensor.Kernels;
import vecrl.tensor.Parallel;
import vecrl.tensor.VectorKernels;

/**
 * Where a run came from: the vecrl version, the git commit of the sources when they are a git
 * checkout, the JDK, the kernels backend, the thread counts, the CPU model and the start time. It is
 * written as {@code #} comments at the top of a run's {@code config.properties} (so the config still
 * loads and compares as before) and as a text summary in the TensorBoard run. Nothing in it affects
 * training.
 */
public record Provenance(Map<String, String> entries) {
  private static volatile String cachedCommit;

  /** The provenance of a run starting now on {@code kernels} with {@code envThreads} env threads. */
  public static Provenance now(Kernels kernels, int envThreads) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("vecrl", version());
    m.put("git", gitCommit());
    m.put("jdk", jdk());
    m.put("backend", kernels.name());
    m.put("env threads", String.valueOf(envThreads));
    m.put("kernel threads", String.valueOf(kernels instanceof VectorKernels v ? v.threads() : kernelThreads()));
    m.put("cpu", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
    m.put("started", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    return new Provenance(m);
  }

  /**
   * The provenance a self-describing policy file ({@link vecrl.policy.SavedPolicy}) records: vecrl
   * version, git commit, JDK, backend, env id, seed, steps trained, the full config, the final
   * evaluation ({@code none} when there was none) and the date.
   */
  public static Map<String, String> forPolicy(Kernels kernels, TrainConfig config, long steps, String evaluation) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("vecrl", version());
    m.put("git", gitCommit());
    m.put("jdk", jdk());
    m.put("backend", kernels.name());
    m.put("env", config.env());
    m.put("seed", String.valueOf(config.seed()));
    m.put("steps", String.valueOf(steps));
    m.put("config", config.toText());
    m.put("evaluation", evaluation == null ? "none" : evaluation);
    m.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    return m;
  }

  /** {@code # key: value} lines, after a heading line. */
  public String comments(String heading) {
    StringBuilder b = new StringBuilder("# ").append(heading).append('\n');
    entries.forEach((k, v) -> b.append("#   ").append(k).append(": ").append(v).append('\n'));
    return b.toString();
  }

  /** {@code key: value} lines (for the TensorBoard text summary). */
  public String text() {
    StringBuilder b = new StringBuilder();
    entries.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
    return b.toString();
  }

  /** The vecrl version (the Maven project version), or "unknown" outside a Maven build. */
  public static String version() {
    try (InputStream in = Provenance.class.getResourceAsStream("version.properties")) {
      if (in == null) return "unknown";
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown").strip();
      return v.startsWith("${") ? "unknown" : v;
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** {@code 25.0.1+8 (Eclipse Adoptium)}: the running JDK's version and vendor. */
  public static String jdk() {
    return Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")";
  }

  /** The kernel threads the default pool has or will have ({@code -Dvecrl.threads}, default all cores). */
  public static int kernelThreads() {
    return Parallel.defaultThreads();
  }

  /** The CPU model from /proc/cpuinfo, or os.arch where there is none. */
  public static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return System.getProperty("os.arch", "unknown");
  }

  /**
   * The git commit of the checkout vecrl's classes were built from ({@code abcdef123456}, plus
   * {@code " (uncommitted changes)"} when the work tree differs), or "unknown" when the classes are
   * not inside a git work tree or git is not installed.
   */
  public static String gitCommit() {
    String c = cachedCommit;
    if (c != null) return c;
    c = "unknown";
    try {
      Path p = Path.of(Provenance.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
      while (p != null && !Files.exists(p.resolve(".git"))) p = p.getParent();
      if (p != null) {
        String head = git(p, "rev-parse", "--short=12", "HEAD");
        if (head != null && !head.isBlank()) {
          String dirty = git(p, "status", "--porcelain", "--untracked-files=no");
          c = head.strip() + (dirty != null && !dirty.isBlank() ? " (uncommitted changes)" : "");
        }
      }
    } catch (Exception e) {
      // no git, no code source: unknown
    }
    cachedCommit = c;
    return c;
  }

  private static String git(Path dir, String... args) throws IOException, InterruptedException {
    String[] cmd = new String[args.length + 3];
    cmd[0] = "git";
    cmd[1] = "-C";
    cmd[2] = dir.toString();
    System.arraycopy(args, 0, cmd, 3, args.length);
    Process pr = new ProcessBuilder(cmd).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = pr.getInputStream().readAllBytes();
    if (!pr.waitFor(5, TimeUnit.SECONDS)) {
      pr.destroyForcibly();
      return null;
    }
    return pr.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
  }
}
