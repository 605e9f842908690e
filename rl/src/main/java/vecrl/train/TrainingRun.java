package vecrl.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import vecrl.env.EnvRegistry;
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
 * written after the checkpoint are dropped first.
 */
public final class TrainingRun {
  public static final String CONFIG = "config.properties";
  public static final String METRICS = "metrics.csv";
  public static final String CHECKPOINT = "checkpoint.bin";
  public static final String POLICY = "policy.bin";
  public static final String CHART = "learning_curve.png";
  /** Periodic greedy evaluations (when evalEvery > 0), one line each. */
  public static final String EVALUATIONS = "evaluations.txt";

  /** The outcome: the run directory, the trainer (closed) and the final greedy evaluation (null when evalEpisodes is 0). */
  public record Result(Path dir, Trainer trainer, Evaluation evaluation, IterationStats last) {}

  private TrainingRun() {}

  /** A new directory under {@code out} named after env, algo and seed (with a numeric suffix if taken). */
  public static Path newRunDir(Path out, TrainConfig c) throws IOException {
    Files.createDirectories(out);
    String base = c.env() + "_" + c.algo() + "_s" + c.seed();
    Path dir = out.resolve(base);
    for (int k = 2; Files.exists(dir); k++) dir = out.resolve(base + "_" + k);
    Files.createDirectories(dir);
    return dir;
  }

  /** Trains {@code config} from scratch into {@code dir}. */
  public static Result train(TrainConfig config, EnvRegistry registry, Path dir, List<Callback> callbacks) throws IOException {
    return train(config, registry, dir, callbacks, Backends.kernels());
  }

  /** As above, on the given kernels. */
  public static Result train(TrainConfig config, EnvRegistry registry, Path dir, List<Callback> callbacks, Kernels kernels)
      throws IOException {
    Files.createDirectories(dir);
    config.save(dir.resolve(CONFIG));
    Files.writeString(dir.resolve(METRICS), IterationStats.HEADER + "\n", StandardCharsets.UTF_8);
    Trainer t = new Trainer(config, registry, kernels);
    return run(t, dir, callbacks);
  }

  /** Continues the run in {@code dir} from its checkpoint. */
  public static Result resume(Path dir, EnvRegistry registry, List<Callback> callbacks) throws IOException {
    return resume(dir, registry, callbacks, Backends.kernels());
  }

  /** As above, on the given kernels (use the ones the run was started with). */
  public static Result resume(Path dir, EnvRegistry registry, List<Callback> callbacks, Kernels kernels) throws IOException {
    Path cfg = dir.resolve(CONFIG);
    if (!Files.exists(cfg) || !Files.exists(dir.resolve(CHECKPOINT))) {
      throw new IllegalArgumentException("resume: " + dir + " is not a run directory (needs " + CONFIG + " and " + CHECKPOINT + ")");
    }
    TrainConfig config = TrainConfig.load(cfg);
    Trainer t = new Trainer(config, registry, kernels);
    t.restoreCheckpoint(dir.resolve(CHECKPOINT));
    // drop metrics rows past the checkpoint
    Path m = dir.resolve(METRICS);
    List<String> keep = new ArrayList<>();
    keep.add(IterationStats.HEADER);
    if (Files.exists(m)) {
      for (String line : Files.readAllLines(m, StandardCharsets.UTF_8)) {
        if (line.isEmpty() || line.startsWith("step")) continue;
        long iter = Long.parseLong(line.split(",", 3)[1]);
        if (iter <= t.iteration()) keep.add(withInvalidActionsColumn(line));
      }
    }
    Files.write(m, keep, StandardCharsets.UTF_8);
    return run(t, dir, callbacks);
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
    IterationStats[] last = new IterationStats[1];
    try (BufferedWriter metrics = Files.newBufferedWriter(dir.resolve(METRICS), StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
      List<Callback> cbs = new ArrayList<>();
      cbs.add(new Callback() {
        @Override
        public boolean onIteration(Trainer tr, IterationStats s) {
          try {
            metrics.write(s.csv());
            metrics.write('\n');
            metrics.flush();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          last[0] = s;
          return true;
        }
      });
      cbs.add(Callbacks.checkpoint(dir.resolve(CHECKPOINT), c.checkpointEvery()));
      if (!Double.isNaN(c.stopReturn())) cbs.add(Callbacks.stopAtReturn(c.stopReturn()));
      if (c.evalEvery() > 0) {
        Path evals = dir.resolve(EVALUATIONS);
        cbs.add(Callbacks.evaluation(c.evalEvery(), Math.max(1, c.evalEpisodes()), evalSeed(c), line -> {
          try {
            Files.writeString(evals, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }));
      }
      cbs.addAll(user);
      t.run(cbs);
    } finally {
      t.close();
    }
    PolicyFile.save(dir.resolve(POLICY), t.network(), t.observationNormalizer(), (float) c.clipObs());
    writeChart(dir, c);
    Evaluation e = c.evalEpisodes() > 0 ? t.evaluate(c.evalEpisodes(), evalSeed(c)) : null;
    return new Result(dir, t, e, last[0]);
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
