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

  /**
   * Progress: steps, steps/s, recent mean return and time left. On a terminal ({@code tty}) one
   * line rewritten in place at most every 0.2 s; otherwise a line every {@code everySeconds}.
   */
  public static Callback progress(PrintStream out, boolean tty, double everySeconds) {
    return new Callback() {
      private double last = -1e9;

      @Override
      public boolean onIteration(Trainer t, IterationStats s) {
        boolean end = s.iteration() >= t.config().iterations();
        double gap = tty ? 0.2 : everySeconds;
        if (!end && s.elapsedSeconds() - last < gap) return true;
        last = s.elapsedSeconds();
        long total = t.config().iterations() * t.config().batchSize();
        double left = s.stepsPerSecond() > 0 ? (total - s.step()) / s.stepsPerSecond() : 0;
        String line = String.format(Locale.ROOT, "step %,d/%,d  %,.0f steps/s  return %s  episodes %d  %s left",
            s.step(), total, s.stepsPerSecond(), Double.isNaN(s.meanReturn()) ? "-" : String.format(Locale.ROOT, "%.1f", s.meanReturn()),
            s.episodes(), duration(left));
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

  static String duration(double s) {
    if (s < 60) return String.format(Locale.ROOT, "%.0fs", s);
    return String.format(Locale.ROOT, "%dm%02ds", (long) s / 60, (long) s % 60);
  }

  /** Greedy evaluation every {@code everySteps} env steps; each result goes to {@code sink}. */
  public static Callback evaluation(long everySteps, int episodes, long seed, Consumer<String> sink) {
    return new Callback() {
      private long next = everySteps;

      @Override
      public boolean onIteration(Trainer t, IterationStats s) {
        if (everySteps <= 0 || s.step() < next) return true;
        while (next <= s.step()) next += everySteps;
        Evaluation e = t.evaluate(episodes, seed);
        sink.accept("eval at step " + s.step() + ": " + e);
        return true;
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
