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
}
