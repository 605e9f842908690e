package vecrl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading metrics.csv back, means over runs, steps to a threshold, and the several-series chart. */
final class RunComparisonTest {
  @TempDir Path tmp;

  private Path run(String name, String... rows) throws IOException {
    Path d = tmp.resolve("group").resolve(name);
    Files.createDirectories(d);
    Files.writeString(d.resolve(TrainingRun.METRICS), "step,iteration,mean_return,invalid_actions\n" + String.join("\n", rows) + "\n");
    return d;
  }

  @Test
  void meanOverRunsSkipsNaNAndFindsTheFirstStepAtTheThreshold() throws IOException {
    run("a_s1", "100,1,NaN,7", "200,2,0.5,3", "300,3,0.9,0");
    run("a_s2", "100,1,-1.0,9", "200,2,0.7,1", "300,3,0.8,0");
    Files.createDirectories(tmp.resolve("group/not-a-run"));
    List<RunComparison.Run> runs = RunComparison.runs(tmp.resolve("group"));
    assertEquals(List.of("a_s1", "a_s2"), runs.stream().map(r -> r.dir().getFileName().toString()).toList());
    assertEquals(10, runs.get(0).metrics().sum("invalid_actions"));
    Chart.Series m = RunComparison.mean("a", runs, "mean_return");
    assertArrayEquals(new long[] {100, 200, 300}, m.steps());
    assertArrayEquals(new double[] {-1.0, 0.6, 0.85}, m.values(), 1e-12);
    assertEquals(300, RunComparison.stepsToReach(m.steps(), m.values(), 0.85));
    assertEquals(200, RunComparison.stepsToReach(m.steps(), m.values(), 0.6));
    assertEquals(-1, RunComparison.stepsToReach(m.steps(), m.values(), 0.9));
    assertEquals(1, RunComparison.runs(tmp.resolve("group/a_s2")).size(), "a run directory itself");
  }

  @Test
  void badInputsAreClearErrors() throws IOException {
    Path a = run("a", "100,1,0.5,0", "200,2,0.6,0");
    Path b = run("b", "100,1,0.5,0", "300,2,0.6,0");
    var e = assertThrows(IllegalArgumentException.class,
        () -> RunComparison.mean("x", List.of(RunComparison.runs(a).get(0), RunComparison.runs(b).get(0)), "mean_return"));
    assertTrue(e.getMessage().contains("have different steps"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RunComparison.runs(tmp.resolve("nowhere")));
    var col = assertThrows(IllegalArgumentException.class, () -> Metrics.read(a.resolve(TrainingRun.METRICS)).column("entropy"));
    assertTrue(col.getMessage().contains("no column \"entropy\"; columns: step, iteration, mean_return, invalid_actions"), col.getMessage());
    Path bad = run("bad", "100,1,oops,0");
    var io = assertThrows(IOException.class, () -> Metrics.read(bad.resolve(TrainingRun.METRICS)));
    assertTrue(io.getMessage().endsWith("line 2: mean_return = oops is not a number"), io.getMessage());
  }

  @Test
  void chartDrawsEverySeriesInItsColour() throws IOException {
    long[] steps = {0, 1000, 2000, 3000};
    Path f = tmp.resolve("c.png");
    Chart.curves(f, "two", List.of(new Chart.Series("up", steps, new double[] {0, 1, 2, 3}),
        new Chart.Series("flat", steps, new double[] {1, 1, Double.NaN, 1})), 2.5);
    BufferedImage img = ImageIO.read(f.toFile());
    assertEquals(800, img.getWidth());
    assertEquals(480, img.getHeight());
    int blue = 0, orange = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        if (rgb == 0x1f77b4) blue++;
        if (rgb == 0xff7f0e) orange++;
      }
    }
    assertTrue(blue > 200 && orange > 200, "pixels of series 1 and 2: " + blue + ", " + orange);
    assertThrows(IllegalArgumentException.class, () -> new Chart.Series("x", steps, new double[] {1}));
  }

  @Test
  void bandsAreTheMinMaxOrOneStdOfTheRuns() throws IOException {
    run("a_s1", "100,1,NaN,0", "200,2,1.0,0");
    run("a_s2", "100,1,2.0,0", "200,2,3.0,0");
    run("a_s3", "100,1,4.0,0", "200,2,5.0,0");
    List<RunComparison.Run> runs = RunComparison.runs(tmp.resolve("group"));
    Chart.Series mm = RunComparison.meanWithBand("a", runs, "mean_return", RunComparison.Band.MINMAX);
    assertArrayEquals(new double[] {3, 3}, mm.values(), 1e-12);
    assertArrayEquals(new double[] {2, 1}, mm.lower(), 1e-12);
    assertArrayEquals(new double[] {4, 5}, mm.upper(), 1e-12);
    Chart.Series sd = RunComparison.meanWithBand("a", runs, "mean_return", RunComparison.Band.STD);
    double s2 = Math.sqrt(8.0 / 3); // population std of 1, 3, 5
    assertArrayEquals(new double[] {2, 3 - s2}, sd.lower(), 1e-12);
    assertArrayEquals(new double[] {4, 3 + s2}, sd.upper(), 1e-12);
    assertEquals(null, RunComparison.meanWithBand("a", runs, "mean_return", RunComparison.Band.NONE).lower());
  }

  @Test
  void ticksAreOneTwoOrFiveTimesAPowerOfTen() {
    // the steps of a 100k CartPole run end at 99,840: ticks every 20,000, not 19,968
    ChartAxis x = ChartAxis.linear(0, 99_840);
    assertArrayEquals(new double[] {0, 20_000, 40_000, 60_000, 80_000, 100_000}, x.ticks, 0);
    assertEquals("20k", x.stepLabel(20_000));
    assertEquals("1.5M", x.stepLabel(1_500_000));
    ChartAxis y = ChartAxis.linear(-0.013, 0.0061);
    assertArrayEquals(new double[] {-0.015, -0.01, -0.005, 0, 0.005, 0.01}, y.ticks, 1e-15);
    assertEquals("-0.015", y.label(-0.015));
    assertEquals("0.005", y.label(0.005));
    assertEquals("500", ChartAxis.linear(8.5, 500).label(500));
    for (double[] range : new double[][] {{0, 1}, {-200, -80}, {3, 7.3}, {0, 0.018}, {21, 487}}) {
      ChartAxis a = ChartAxis.linear(range[0], range[1]);
      assertTrue(a.ticks.length >= 4 && a.ticks.length <= 9, java.util.Arrays.toString(a.ticks));
      assertTrue(a.lo <= range[0] && a.hi >= range[1]);
      double step = a.ticks[1] - a.ticks[0];
      double m = step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
      assertTrue(Math.abs(m - 1) < 1e-9 || Math.abs(m - 2) < 1e-9 || Math.abs(m - 5) < 1e-9, "step " + step);
    }
    ChartAxis log = ChartAxis.log(22, 95);
    assertArrayEquals(new double[] {20, 50, 100}, log.ticks, 1e-9);
    ChartAxis wide = ChartAxis.log(0.003, 40);
    assertArrayEquals(new double[] {0.001, 0.01, 0.1, 1, 10, 100}, wide.ticks, 1e-12);
    assertEquals("1e-3", wide.label(0.001));
  }

  @Test
  void chartDrawsABandWithItsLegend() throws IOException {
    long[] steps = {0, 1000, 2000, 3000};
    Path f = tmp.resolve("band.png");
    Chart.draw(f, Chart.Options.of("band", "value loss").withLogY(true).withBandLegend(RunComparison.Band.MINMAX.legend),
        List.of(new Chart.Series("a (mean, n = 5 runs)", steps, new double[] {1, 10, 100, 50}, new double[] {0.5, 5, 50, 20},
            new double[] {2, 20, 200, 80})));
    BufferedImage img = ImageIO.read(f.toFile());
    int line = 0, band = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        if (rgb == 0x1f77b4) line++;
        // the band: the series colour at 20% over white
        int r = rgb >> 16 & 255, g = rgb >> 8 & 255, b = rgb & 255;
        if (Math.abs(r - 210) <= 3 && Math.abs(g - 228) <= 3 && Math.abs(b - 240) <= 3) band++;
      }
    }
    assertTrue(line > 200 && band > 5000, "line pixels " + line + ", band pixels " + band);
  }
}
