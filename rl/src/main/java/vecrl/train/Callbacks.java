package vecrl.train;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/** The built-in callbacks. */
public final class Callbacks {
  private Callbacks() {}

  /** Seconds of training before the time-left estimate starts (the JIT's warm-up is left out of its rate). */
  static final double WARMUP_SECONDS = 1.0;

  /**
   * Progress: steps, steps/s, recent mean return and time left. On a terminal ({@code tty}) one
   * line rewritten in place at most every 0.2 s; otherwise a line every {@code everySeconds}. The
   * time left is estimated from the rate since the first iteration that ended after {@link
   * #WARMUP_SECONDS} of training (and after at least two iterations), so that the slow first
   * iterations of a cold JIT do not inflate it; until then it says {@code estimating...}.
   */
  public static Callback progress(PrintStream out, boolean tty, double everySeconds) {
    return new Callback() {
      private double last = -1e9;
      private long seen;
      private double refSeconds = Double.NaN;
      private long refStep;

      @Override
      public boolean onIteration(Trainer t, IterationStats s) {
        boolean end = s.iteration() >= t.config().iterations();
        seen++;
        if (Double.isNaN(refSeconds) && seen >= 2 && s.elapsedSeconds() >= WARMUP_SECONDS) {
          refSeconds = s.elapsedSeconds();
          refStep = s.step();
        }
        double gap = tty ? 0.2 : everySeconds;
        if (!end && s.elapsedSeconds() - last < gap) return true;
        last = s.elapsedSeconds();
        long total = t.config().iterations() * t.config().batchSize();
        String left = end ? "done" : timeLeft(total - s.step(), s.step() - refStep, s.elapsedSeconds() - refSeconds);
        String line = String.format(Locale.ROOT, "step %,d/%,d  %,.0f steps/s  return %s  episodes %d  %s",
            s.step(), total, s.stepsPerSecond(), Double.isNaN(s.meanReturn()) ? "-" : String.format(Locale.ROOT, "%.1f", s.meanReturn()),
            s.episodes(), left);
        if (tty) out.print("\r" + line + "\u001b[K");
        else out.println(line);
        out.flush();
        return true;
      }

      @Override
      public void onEnd(Trainer t) {
        if (tty) {
          out.println();
          out.flush();
        }
      }
    };
  }

  /**
   * {@code "12s left"} from the rate of {@code steps} in {@code seconds} since the warm-up ended, or
   * {@code "estimating..."} before that rate is measured (no reference yet, or under 0.5 s of it).
   */
  static String timeLeft(long remaining, long steps, double seconds) {
    if (Double.isNaN(seconds) || seconds < 0.5 || steps <= 0) return "estimating...";
    return duration(remaining / (steps / seconds)) + " left";
  }

  static String duration(double s) {
    if (s < 60) return String.format(Locale.ROOT, "%.0fs", s);
    return String.format(Locale.ROOT, "%dm%02ds", (long) s / 60, (long) s % 60);
  }

  /** Greedy evaluation every {@code everySteps} env steps; each result goes to {@code sink}. */
  public static Callback evaluation(long everySteps, int episodes, long seed, Consumer<String> sink) {
    return evaluation(everySteps, episodes, seed, (t, step, e) -> {
      sink.accept("eval at step " + step + ": " + e);
      return true;
    });
  }

  /** What a periodic evaluation gives its listener; returning false stops the run (early stopping). */
  @FunctionalInterface
  public interface EvaluationListener {
    boolean onEvaluation(Trainer trainer, long step, Evaluation evaluation);
  }

  /**
   * Greedy evaluation every {@code everySteps} env steps, each on fresh envs seeded with {@code seed}
   * (it draws nothing from the training generators, so training is bit for bit the same with or
   * without it); each result goes to {@code listener}, which may stop the run.
   */
  public static Callback evaluation(long everySteps, int episodes, long seed, EvaluationListener listener) {
    return new Callback() {
      private long next = everySteps;

      @Override
      public boolean onIteration(Trainer t, IterationStats s) {
        if (everySteps <= 0 || s.step() < next) return true;
        while (next <= s.step()) next += everySteps;
        Evaluation e = t.evaluate(episodes, seed);
        return listener.onEvaluation(t, s.step(), e);
      }
    };
  }

  /** A checkpoint every {@code everyIterations} iterations (and at the end) to {@code file}. */
  public static Callback checkpoint(Path file, int everyIterations) {
    return new Callback() {
      @Override
      public boolean onIteration(Trainer t, IterationStats s) {
        if (everyIterations > 0 && s.iteration() % everyIterations == 0) save(t);
        return true;
      }

      @Override
      public void onEnd(Trainer t) {
        save(t);
      }

      private void save(Trainer t) {
        try {
          t.saveCheckpoint(file);
        } catch (IOException e) {
          throw new UncheckedIOException("checkpoint " + file + ": " + e.getMessage(), e);
        }
      }
    };
  }

  /** Stops the run once the recent mean return reaches {@code threshold}. */
  public static Callback stopAtReturn(double threshold) {
    return new Callback() {
      @Override
      public boolean onIteration(Trainer t, IterationStats s) {
        return Double.isNaN(threshold) || !(s.meanReturn() >= threshold);
      }
    };
  }
}
