package vecrl.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** The run directory's evaluation files ({@link BestModel}) and its JSON lines ({@code metrics.jsonl}, {@code stats.jsonl}). */
final class RunFiles {
  private RunFiles() {}

  /**
   * The periodic evaluations: a line each in evaluations.txt, TensorBoard scalars, best_policy.bin and
   * best_policy.txt at each new best mean return (as Stable-Baselines3's EvalCallback), and the stop
   * after {@code stopNoImprovement} evaluations in a row without a new best. The best so far survives
   * a resume (read from best_policy.txt); the count without improvement starts again at 0.
   */
  static final class BestModel implements Callbacks.EvaluationListener {
    private final Path dir;
    private final TrainConfig c;
    private final TensorBoardWriter board;
    private final String[] stopped;
    private double best;
    private int sinceBest;

    BestModel(Path dir, TrainConfig c, TensorBoardWriter board, String[] stopped) {
      this.dir = dir;
      this.c = c;
      this.board = board;
      this.stopped = stopped;
      this.best = bestSoFar(dir);
    }

    @Override
    public boolean onEvaluation(Trainer t, long step, Evaluation e) {
      try {
        boolean improved = e.mean() > best;
        if (improved) {
          best = e.mean();
          sinceBest = 0;
          PolicyFile.save(dir.resolve(TrainingRun.BEST_POLICY), t.network(), t.observationNormalizer(), (float) c.clipObs(),
              Provenance.forPolicy(t.kernels(), c, step, "greedy, " + e.returns().length + " episodes at step " + step + ": " + e));
          TrainingRun.writeAtomically(dir.resolve(TrainingRun.BEST_POLICY_INFO), String.format(java.util.Locale.ROOT,
              "# the periodic evaluation with the highest mean greedy return; best_policy.bin is the policy at that step\n"
                  + "step = %d\nmean_return = %s\nstd_return = %s\nepisodes = %d\n", step, e.mean(), e.std(), e.returns().length));
        } else {
          sinceBest++;
        }
        Files.writeString(dir.resolve(TrainingRun.EVALUATIONS), "eval at step " + step + ": " + e + (improved ? " (new best)" : "") + "\n",
            StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (board != null) {
          Map<String, Double> v = new LinkedHashMap<>();
          v.put("eval/mean_return", e.mean());
          v.put("eval/std_return", e.std());
          v.put("eval/best_mean_return", best);
          board.scalars(step, v);
        }
      } catch (IOException x) {
        throw new UncheckedIOException(x);
      }
      if (c.stopNoImprovement() > 0 && sinceBest >= c.stopNoImprovement()) {
        stopped[0] = String.format(java.util.Locale.ROOT, "%d evaluations in a row without a new best (stopNoImprovement = %d; best %.2f) at step %,d",
            sinceBest, c.stopNoImprovement(), best, step);
        return false;
      }
      return true;
    }

    private static double bestSoFar(Path dir) {
      try {
        Map<String, String> m = TrainConfig.parse(Files.readString(dir.resolve(TrainingRun.BEST_POLICY_INFO), StandardCharsets.UTF_8));
        return Double.parseDouble(m.get("mean_return"));
      } catch (IOException | RuntimeException e) {
        return Double.NEGATIVE_INFINITY;
      }
    }
  }

  /** One line of {@link TrainingRun#STATS_JSONL}: step, iteration, then {@code stats} by name (non-finite values as null). */
  static String statsLine(long step, long iteration, Map<String, Double> stats) {
    StringBuilder b = new StringBuilder("{\"step\":").append(step).append(",\"iteration\":").append(iteration);
    for (var e : stats.entrySet()) {
      b.append(',');
      jsonString(b, e.getKey());
      Double v = e.getValue();
      b.append(':').append(v != null && Double.isFinite(v) ? v.toString() : "null");
    }
    return b.append('}').toString();
  }

  private static void jsonString(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (ch < 0x20) b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) ch));
          else b.append(ch);
        }
      }
    }
    b.append('"');
  }

  /** A metrics.csv row as a JSON object with the header's names; NaN and infinities (not JSON numbers) as null. */
  static String jsonLine(String csvRow) {
    String[] names = IterationStats.HEADER.split(",");
    String[] f = csvRow.split(",", -1);
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < names.length && i < f.length; i++) {
      if (i > 0) b.append(',');
      String v = f[i];
      boolean finite;
      try {
        finite = Double.isFinite(Double.parseDouble(v));
      } catch (NumberFormatException e) {
        finite = false;
      }
      b.append('"').append(names[i]).append("\":").append(finite ? v : "null");
    }
    return b.append('}').toString();
  }
}
