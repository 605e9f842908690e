package vecrl.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Groups of runs compared by their training curves (what {@code vecrl chart} draws): the mean over a
 * group's runs of the recent mean return at each iteration, and the step at which a curve first
 * reaches a threshold.
 */
public final class RunComparison {
  private RunComparison() {}

  /** One run of a group: its directory and metrics. */
  public record Run(Path dir, Metrics metrics) {}

  /**
   * The runs under {@code path}: the directory itself when it holds a {@code metrics.csv}, else
   * each of its subdirectories that does, in name order. None is an error.
   */
  public static List<Run> runs(Path path) throws IOException {
    List<Path> dirs = new ArrayList<>();
    if (Files.isRegularFile(path.resolve(TrainingRun.METRICS))) {
      dirs.add(path);
    } else if (Files.isDirectory(path)) {
      try (Stream<Path> s = Files.list(path)) {
        s.filter(d -> Files.isRegularFile(d.resolve(TrainingRun.METRICS))).sorted().forEach(dirs::add);
      }
    }
    if (dirs.isEmpty()) throw new IllegalArgumentException(path + ": no run directory (a directory with " + TrainingRun.METRICS + ") there or in its subdirectories");
    List<Run> runs = new ArrayList<>();
    for (Path d : dirs) runs.add(new Run(d, Metrics.read(d.resolve(TrainingRun.METRICS))));
    return runs;
  }

  /**
   * The mean of {@code column} over {@code runs} at each row; the runs must have the same steps (the
   * same config but the seed). NaN entries (no finished episode yet) are left out of a row's mean;
   * a row with none gives NaN.
   */
  public static Chart.Series mean(String label, List<Run> runs, String column) {
    long[] steps = runs.get(0).metrics().steps();
    for (Run r : runs) {
      if (!Arrays.equals(steps, r.metrics().steps())) {
        throw new IllegalArgumentException("runs " + runs.get(0).dir() + " and " + r.dir() + " have different steps; compare runs of one config (seeds may differ)");
      }
    }
    double[] mean = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      double s = 0;
      int k = 0;
      for (Run r : runs) {
        double v = r.metrics().column(column)[i];
        if (!Double.isNaN(v)) {
          s += v;
          k++;
        }
      }
      mean[i] = k == 0 ? Double.NaN : s / k;
    }
    return new Chart.Series(label, steps, mean);
  }

  /** The band drawn around a group's mean. */
  public enum Band {
    /** From the lowest to the highest of the runs at each step. */
    MINMAX("shaded: min to max over the runs"),
    /** The mean plus and minus one (population) standard deviation over the runs at each step. */
    STD("shaded: mean +- 1 std over the runs"),
    /** No band. */
    NONE(null);

    /** What the chart's legend says the band is. */
    public final String legend;

    Band(String legend) {
      this.legend = legend;
    }

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * {@link #mean} with a {@code band} around it over the same runs (the runs with a finite value at
   * that step; none gives NaN).
   */
  public static Chart.Series meanWithBand(String label, List<Run> runs, String column, Band band) {
    Chart.Series mean = mean(label, runs, column);
    if (band == Band.NONE) return mean;
    int n = mean.steps().length;
    double[] lo = new double[n], hi = new double[n];
    for (int i = 0; i < n; i++) {
      double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, ss = 0;
      int k = 0;
      for (Run r : runs) {
        double v = r.metrics().column(column)[i];
        if (Double.isNaN(v)) continue;
        min = Math.min(min, v);
        max = Math.max(max, v);
        ss += (v - mean.values()[i]) * (v - mean.values()[i]);
        k++;
      }
      if (k == 0) {
        lo[i] = hi[i] = Double.NaN;
      } else if (band == Band.MINMAX) {
        lo[i] = min;
        hi[i] = max;
      } else {
        double sd = Math.sqrt(ss / k);
        lo[i] = mean.values()[i] - sd;
        hi[i] = mean.values()[i] + sd;
      }
    }
    return new Chart.Series(label, mean.steps(), mean.values(), lo, hi);
  }

  /** The first step whose value is at least {@code threshold}; -1 when none is. */
  public static long stepsToReach(long[] steps, double[] values, double threshold) {
    for (int i = 0; i < steps.length; i++) if (values[i] >= threshold) return steps[i];
    return -1;
  }
}
