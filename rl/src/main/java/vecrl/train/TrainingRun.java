package vecrl.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecrl.env.EnvRegistry;
import vecrl.policy.PolicyRegistry;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;

/**
 * A training run in its own directory:
 * <ul>
 *   <li>{@code config.properties}: the config ({@link TrainConfig#save});
 *   <li>{@code metrics.csv}: one row per iteration ({@link IterationStats#HEADER});
 *   <li>{@code checkpoint.bin}: everything needed to resume, written atomically;
 *   <li>{@code policy.bin}: the trained {@link vecrl.policy.MlpActorCriticPolicy} in the policy module's
 *       format ({@link vecrl.io.PolicyIO}), plus {@code obs_normalizer.properties} when observations were
 *       normalised (see {@link PolicyFile});
 *   <li>{@code learning_curve.png}: mean return against steps.
 * </ul>
 * {@link #resume} continues a run from its checkpoint exactly as if it had not stopped; metrics rows
 * written after the checkpoint are dropped first. Given a new total of steps it extends the run, finished
 * or not: with the same seed the result is bit for bit that of a straight run to that total, provided
 * the learning-rate schedule does not depend on the total ({@code constant} or {@code step}; the
 * {@code linear} and {@code cosine} schedules are stretched over the new total from the current
 * iteration on).
 *
 * <p>The checkpoint is first written right after the environments are reset, before any training, so
 * an environment whose state cannot be saved fails within the first seconds, not at the end.
 */
public final class TrainingRun {
  public static final String CONFIG = "config.properties";
  public static final String METRICS = "metrics.csv";
  public static final String CHECKPOINT = "checkpoint.bin";
  public static final String POLICY = "policy.bin";
  public static final String CHART = "learning_curve.png";
  /**
   * The wall-clock seconds of training of the run's finished invocations, one number (kept apart from
   * the checkpoint, which holds nothing that depends on timing).
   */
  public static final String TRAINING_SECONDS = "training_seconds.txt";
  /** Periodic greedy evaluations (when evalEvery > 0), one line each. */
  public static final String EVALUATIONS = "evaluations.txt";
  /** The metrics as JSON lines, one object per iteration with metrics.csv's column names (NaN as null). */
  public static final String METRICS_JSONL = "metrics.jsonl";
  /**
   * With a template that sets a {@code statsFn}: its statistics of each iteration ({@link
   * Trainer#lastStats()}), one JSON object per line, {@code step} and {@code iteration} first (NaN and
   * infinities as null).
   */
  public static final String STATS_JSONL = "stats.jsonl";
  /** The policy of the periodic evaluation with the highest mean greedy return (same format as policy.bin). */
  public static final String BEST_POLICY = "best_policy.bin";
  /** Which step {@link #BEST_POLICY} came from, and its evaluation ({@code key = value} lines). */
  public static final String BEST_POLICY_INFO = "best_policy.txt";

  /**
   * The outcome: the run directory, the trainer (closed), the final greedy evaluation (null when
   * evalEpisodes is 0), the last iteration's statistics (null when this invocation ran none), the
   * steps and seconds of this invocation, the run's total steps and seconds over every invocation,
   * and why the run stopped before its total (null when it did not).
   */
  public record Result(Path dir, Trainer trainer, Evaluation evaluation, IterationStats last, long steps, double seconds, long totalSteps,
      double totalSeconds, String stoppedEarly) {
    /** Whether this invocation had nothing to train (a resumed run that had already reached its total). */
    public boolean nothingToDo() {
      return steps == 0;
    }
  }

  private TrainingRun() {}

  /** A new directory under {@code out} named after env, algo and seed (with a numeric suffix if taken). */
  public static Path newRunDir(Path out, TrainConfig c) throws IOException {
    Path dir = runDirFor(out, c);
    Files.createDirectories(dir);
    return dir;
  }

  /**
   * The path {@link #newRunDir} would create, without creating anything: {@link #train} creates it
   * once the backend and the environment have started, so a run that fails to start leaves nothing.
   */
  public static Path runDirFor(Path out, TrainConfig c) {
    String base = c.env() + "_" + c.algo() + "_s" + c.seed();
    Path dir = out.resolve(base);
    for (int k = 2; Files.exists(dir); k++) dir = out.resolve(base + "_" + k);
    return dir;
  }

  /** Trains {@code config} from scratch into {@code dir}. */
  public static Result train(TrainConfig config, EnvRegistry registry, Path dir, List<Callback> callbacks) throws IOException {
    return train(config, registry, dir, callbacks, Backends.kernels());
  }

  /** As above, on the given kernels. */
  public static Result train(TrainConfig config, EnvRegistry registry, Path dir, List<Callback> callbacks, Kernels kernels)
      throws IOException {
    return train(config, registry, Policies.defaultRegistry(), null, dir, callbacks, kernels);
  }

  /**
   * Trains {@code policy} (any {@link vecrl.policy.ActorCriticPolicy}, such as a user's subclass) with
   * {@code config} from scratch into {@code dir}. The run records the policy's class ({@link
   * Trainer#configFor}), so that {@link #resume} and {@link PolicyFile#load} rebuild it through its
   * {@code (Space, Space, Rng)} constructor.
   */
  public static Result train(TrainConfig config, EnvRegistry registry, vecrl.policy.ActorCriticPolicy policy, Path dir,
      List<Callback> callbacks, Kernels kernels) throws IOException {
    return train(config, registry, Policies.defaultRegistry(), policy, dir, callbacks, kernels);
  }

  /**
   * The general form: {@code policies} resolves a registry name in the config's {@code policy} key;
   * {@code policy}, when not null, is trained instead of building one from the config.
   */
  public static Result train(TrainConfig config, EnvRegistry registry, PolicyRegistry policies, vecrl.policy.ActorCriticPolicy policy,
      Path dir, List<Callback> callbacks, Kernels kernels) throws IOException {
    return train(config, registry, policies, policy, null, dir, callbacks, kernels);
  }

  /**
   * As above, trained by {@code template} (a user's algorithm; null: the built-in template of the
   * config's {@code algo}). When the template sets a {@code statsFn}, its statistics of each iteration
   * go to {@link #STATS_JSONL}. The run records the config only: {@link #resume} continues it with the
   * built-in template of its {@code algo}.
   */
  public static Result train(TrainConfig config, EnvRegistry registry, PolicyRegistry policies, vecrl.policy.ActorCriticPolicy policy,
      vecrl.algo.PolicyTemplate template, Path dir, List<Callback> callbacks, Kernels kernels) throws IOException {
    java.util.Objects.requireNonNull(dir, "dir");
    java.util.Objects.requireNonNull(callbacks, "callbacks");
    Trainer t = new Trainer(config, registry, policies, kernels, policy, template);
    try {
      Files.createDirectories(dir);
      writeConfig(dir.resolve(CONFIG), t.config(), Provenance.now(kernels, t.config().envThreads()).comments("provenance of the run"));
      Files.writeString(dir.resolve(METRICS), IterationStats.HEADER + "\n", StandardCharsets.UTF_8);
      Files.writeString(dir.resolve(METRICS_JSONL), "", StandardCharsets.UTF_8);
      if (t.writesStats()) Files.writeString(dir.resolve(STATS_JSONL), "", StandardCharsets.UTF_8);
      firstCheckpoint(t, dir);
    } catch (IOException | RuntimeException e) {
      t.close();
      throw e;
    }
    return run(t, dir, callbacks);
  }

  /** Resets the envs and writes the checkpoint before any training: an env that cannot be saved fails now. */
  private static void firstCheckpoint(Trainer t, Path dir) throws IOException {
    t.start();
    try {
      t.saveCheckpoint(dir.resolve(CHECKPOINT));
    } catch (IllegalStateException e) {
      throw new IllegalStateException("cannot checkpoint " + t.config().env() + " (checked before training): " + e.getMessage(), e);
    }
  }

  /** Continues the run in {@code dir} from its checkpoint. */
  public static Result resume(Path dir, EnvRegistry registry, List<Callback> callbacks) throws IOException {
    return resume(dir, registry, callbacks, Backends.kernels());
  }

  /** As above, on the given kernels (use the ones the run was started with). */
  public static Result resume(Path dir, EnvRegistry registry, List<Callback> callbacks, Kernels kernels) throws IOException {
    return resume(dir, registry, Policies.defaultRegistry(), 0, callbacks, kernels);
  }

  /**
   * Continues the run in {@code dir} from its checkpoint; with {@code totalSteps > 0} it trains to that
   * many steps in all (extending a finished run, or shortening one not yet there), otherwise to the
   * total it was started with. The new total is written to the run's config.
   */
  public static Result resume(Path dir, EnvRegistry registry, PolicyRegistry policies, long totalSteps, List<Callback> callbacks,
      Kernels kernels) throws IOException {
    return resume(dir, registry, policies, null, totalSteps, callbacks, kernels);
  }

  /**
   * As above, for a run trained by {@code template} (pass the same one; null: the built-in template of
   * the config's {@code algo}). Lines of {@link #STATS_JSONL} past the checkpoint are dropped, and a
   * template with a {@code statsFn} appends to it.
   */
  public static Result resume(Path dir, EnvRegistry registry, PolicyRegistry policies, vecrl.algo.PolicyTemplate template, long totalSteps,
      List<Callback> callbacks, Kernels kernels) throws IOException {
    java.util.Objects.requireNonNull(dir, "dir");
    java.util.Objects.requireNonNull(registry, "registry");
    java.util.Objects.requireNonNull(callbacks, "callbacks");
    Path cfg = dir.resolve(CONFIG);
    if (!Files.exists(cfg) || !Files.exists(dir.resolve(CHECKPOINT))) {
      throw new IllegalArgumentException("resume: " + dir + " is not a run directory (needs " + CONFIG + " and " + CHECKPOINT + ")");
    }
    TrainConfig config = TrainConfig.load(cfg);
    if (totalSteps > 0) config = config.with("totalSteps", String.valueOf(totalSteps));
    Trainer t = new Trainer(config, registry, policies, kernels, null, template);
    try {
      t.restoreCheckpoint(dir.resolve(CHECKPOINT));
    } catch (IOException | RuntimeException e) {
      t.close();
      throw e;
    }
    writeConfig(cfg, config, leadingComments(cfg) + Provenance.now(kernels, config.envThreads()).comments("resumed"
        + (totalSteps > 0 ? " to " + totalSteps + " steps in all" : "")));
    // drop metrics rows past the checkpoint
    Path m = dir.resolve(METRICS);
    List<String> keep = new ArrayList<>();
    keep.add(IterationStats.HEADER);
    if (Files.exists(m)) {
      for (String line : Files.readAllLines(m, StandardCharsets.UTF_8)) {
        if (line.isEmpty() || line.startsWith("step")) continue;
        long iter = iterationOf(line);
        if (iter >= 0 && iter <= t.iteration()) keep.add(withInvalidActionsColumn(line));
      }
    }
    Files.write(m, keep, StandardCharsets.UTF_8);
    List<String> json = new ArrayList<>();
    for (String line : keep.subList(1, keep.size())) json.add(RunFiles.jsonLine(line));
    Files.write(dir.resolve(METRICS_JSONL), json, StandardCharsets.UTF_8);
    Path stats = dir.resolve(STATS_JSONL);
    if (Files.exists(stats)) {
      List<String> kept = new ArrayList<>();
      for (String line : Files.readAllLines(stats, StandardCharsets.UTF_8)) {
        java.util.regex.Matcher im = STATS_ITERATION.matcher(line);
        if (line.endsWith("}") && im.find() && Long.parseLong(im.group(1)) <= t.iteration()) kept.add(line);
      }
      Files.write(stats, kept, StandardCharsets.UTF_8);
    }
    return run(t, dir, callbacks);
  }

  private static final java.util.regex.Pattern STATS_ITERATION = java.util.regex.Pattern.compile("^\\{\"step\":\\d+,\"iteration\":(\\d+)");

  /** The iteration column of a metrics row, or -1 for a row cut short (a run killed while writing it). */
  private static long iterationOf(String line) {
    String[] f = line.split(",", -1);
    if (f.length < IterationStats.HEADER.split(",").length - 1) return -1;
    try {
      return Long.parseLong(f[1]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * A row written before metrics.csv had the invalid_actions column (one field fewer) gets NaN
   * there, so that a run started by an older build and resumed by this one keeps a readable file.
   */
  private static String withInvalidActionsColumn(String line) {
    int fields = line.split(",", -1).length;
    if (fields != IterationStats.HEADER.split(",").length - 1) return line;
    int last = line.lastIndexOf(',');
    return line.substring(0, last) + ",NaN" + line.substring(last);
  }

  private static Result run(Trainer t, Path dir, List<Callback> user) throws IOException {
    TrainConfig c = t.config();
    long startStep = t.globalStep();
    long startNanos = System.nanoTime();
    IterationStats[] last = new IterationStats[1];
    String[] stopped = new String[1];
    TensorBoardWriter tb = null;
    try (BufferedWriter metrics = Files.newBufferedWriter(dir.resolve(METRICS), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        BufferedWriter jsonl = Files.newBufferedWriter(dir.resolve(METRICS_JSONL), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
        BufferedWriter statsOut = t.writesStats()
            ? Files.newBufferedWriter(dir.resolve(STATS_JSONL), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)
            : null) {
      if (!c.tensorboard().isBlank()) {
        tb = TensorBoardWriter.open(Path.of(c.tensorboard()).resolve(dir.toAbsolutePath().getFileName().toString()));
        tb.text("provenance", startStep, markdown(Provenance.now(t.kernels(), c.envThreads()).text()));
        tb.text("config", startStep, markdown(c.toText()));
      }
      TensorBoardWriter board = tb;
      String[] columns = IterationStats.HEADER.split(",");
      List<Callback> cbs = new ArrayList<>();
      cbs.add(new Callback() {
        @Override
        public boolean onIteration(Trainer tr, IterationStats s) {
          try {
            String row = s.csv();
            metrics.write(row);
            metrics.write('\n');
            metrics.flush();
            jsonl.write(RunFiles.jsonLine(row));
            jsonl.write('\n');
            jsonl.flush();
            if (statsOut != null) {
              statsOut.write(RunFiles.statsLine(s.step(), s.iteration(), tr.lastStats()));
              statsOut.write('\n');
              statsOut.flush();
            }
            if (board != null) {
              String[] f = row.split(",", -1);
              Map<String, Double> values = new LinkedHashMap<>();
              for (int i = 0; i < columns.length; i++) if (!columns[i].equals("step")) values.put("train/" + columns[i], Double.parseDouble(f[i]));
              board.scalars(s.step(), values);
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          last[0] = s;
          return true;
        }
      });
      cbs.add(Callbacks.checkpoint(dir.resolve(CHECKPOINT), c.checkpointEvery()));
      if (!Double.isNaN(c.stopReturn())) {
        cbs.add(new Callback() {
          @Override
          public boolean onIteration(Trainer tr, IterationStats s) {
            if (!(s.meanReturn() >= c.stopReturn())) return true;
            stopped[0] = String.format(java.util.Locale.ROOT, "the recent mean return %.2f reached stopReturn = %s at step %,d", s.meanReturn(),
                c.stopReturn(), s.step());
            return false;
          }
        });
      }
      if (c.evalEvery() > 0) cbs.add(Callbacks.evaluation(c.evalEvery(), Math.max(1, c.evalEpisodes()), evalSeed(c), new RunFiles.BestModel(dir, c, board, stopped)));
      cbs.addAll(user);
      t.run(cbs);
    } finally {
      t.close();
      if (tb != null) tb.close();
    }
    Evaluation e = c.evalEpisodes() > 0 ? t.evaluate(c.evalEpisodes(), evalSeed(c)) : null;
    PolicyFile.save(dir.resolve(POLICY), t.network(), t.observationNormalizer(), (float) c.clipObs(),
        Provenance.forPolicy(t.kernels(), c, t.globalStep(), e == null ? null : "greedy, " + c.evalEpisodes() + " episodes: " + e));
    writeChart(dir, c);
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double totalSeconds = priorSeconds(dir) + seconds;
    Files.writeString(dir.resolve(TRAINING_SECONDS), totalSeconds + "\n", StandardCharsets.UTF_8);
    return new Result(dir, t, e, last[0], t.globalStep() - startStep, seconds, t.globalStep(), totalSeconds, stopped[0]);
  }

  /** Writes {@code text} to {@code file} atomically ({@link vecrl.io.AtomicFiles}). */
  static void writeAtomically(Path file, String text) throws IOException {
    vecrl.io.AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Text shown as-is by TensorBoard's Markdown text plugin (indented: a code block). */
  private static String markdown(String text) {
    StringBuilder b = new StringBuilder();
    for (String line : text.split("\n")) b.append("    ").append(line).append('\n');
    return b.toString();
  }

  /**
   * Writes the config file: {@code comments} (the run's provenance, {@code #} lines that loading
   * skips), then {@link TrainConfig#toText()}.
   */
  static void writeConfig(Path file, TrainConfig c, String comments) throws IOException {
    writeAtomically(file, comments + c.toText());
  }

  /** The {@code #} lines at the top of {@code file} before the config's own heading (the provenance so far). */
  private static String leadingComments(Path file) throws IOException {
    StringBuilder b = new StringBuilder();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.startsWith("#") || line.equals("# vecrl training config")) break;
      b.append(line).append('\n');
    }
    return b.toString();
  }

  /** The training seconds of the run's earlier invocations (0 when unknown). */
  private static double priorSeconds(Path dir) {
    try {
      double s = Double.parseDouble(Files.readString(dir.resolve(TRAINING_SECONDS), StandardCharsets.UTF_8).strip());
      return Double.isFinite(s) && s >= 0 ? s : 0;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  /** The seed of the final evaluation: derived from the run's seed, distinct from training's streams. */
  public static long evalSeed(TrainConfig c) {
    return c.seed() * 0x9E3779B97F4A7C15L + 12345;
  }

  /** Redraws the learning curve from metrics.csv. */
  public static void writeChart(Path dir, TrainConfig c) throws IOException {
    Metrics m = Metrics.read(dir.resolve(METRICS));
    Chart.learningCurve(dir.resolve(CHART), c.algo().toString().toUpperCase(java.util.Locale.ROOT) + " on " + c.env() + " (seed " + c.seed() + "): mean episode return",
        m.steps(), m.column("mean_return"));
  }
}
