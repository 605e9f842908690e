package vecrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.train.Metrics;
import vecrl.train.TrainConfig;
import vecrl.train.TrainingRun;

/** {@code train --set useMasks=...}, {@code eval} and {@code chart} on the masking task. */
final class MaskingCliTest {
  @TempDir Path tmp;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private static long number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "\"" + regex + "\" in " + text);
    return Long.parseLong(m.group(1).replace(",", ""));
  }

  @Test
  void trainEvalAndChartWithAndWithoutMasks() throws IOException {
    Path masked = tmp.resolve("masked"), unmasked = tmp.resolve("unmasked");
    CliRun m = run("train", "--env", "GridMaze-v0", "--steps", "1024", "--envs", "2", "--seed", "2", "--quiet", "--out", masked.toString());
    assertEquals(0, m.code(), m.err());
    assertTrue(m.out().contains("invalid actions taken in training: 0 (action masks used)"), m.out());
    assertEquals(0, number(m.out(), "greedy evaluation: .* over 10 episodes, (\\d+) invalid actions in [\\d,]+ masked steps"));
    CliRun u = run("train", "--env", "GridMaze-v0", "--steps", "1024", "--envs", "2", "--seed", "2", "--quiet", "--out", unmasked.toString(),
        "--set", "useMasks=false");
    assertEquals(0, u.code(), u.err());
    Path uDir = unmasked.resolve("GridMaze-v0_ppo_s2");
    assertEquals(false, TrainConfig.load(uDir.resolve(TrainingRun.CONFIG)).useMasks(), "the switch is saved with the run");
    long invalid = number(u.out(), "invalid actions taken in training: ([\\d,]+) \\(action masks not used: useMasks = false\\)");
    assertTrue(invalid > 100, u.out());
    assertEquals(invalid, (long) Metrics.read(uDir.resolve(TrainingRun.METRICS)).sum("invalid_actions"));

    // eval follows the run's config: masks for the masked run, none for the unmasked one (whose greedy policy still walks into walls)
    CliRun em = run("eval", masked.resolve("GridMaze-v0_ppo_s2").toString(), "--episodes", "20");
    assertEquals(0, em.code(), em.err());
    assertEquals(0, number(em.out(), "over 20 episodes, (\\d+) invalid actions"));
    CliRun eu = run("eval", uDir.toString(), "--episodes", "20");
    assertEquals(0, eu.code(), eu.err());
    assertTrue(number(eu.out(), "over 20 episodes, (\\d+) invalid actions") > 0, eu.out());

    Path png = tmp.resolve("docs/cmp.png");
    CliRun c = run("chart", png.toString(), "masked=" + masked, "unmasked=" + unmasked, "--threshold", "0.5");
    assertEquals(0, c.code(), c.err());
    assertTrue(c.out().contains("masked  GridMaze-v0_ppo_s2: ") && c.out().contains("; invalid actions in training 0"), c.out());
    assertTrue(c.out().contains(String.format(java.util.Locale.ROOT, "; invalid actions in training %,d", invalid)), c.out());
    assertTrue(c.out().contains("unmasked  mean curve: "), c.out());
    assertNotNull(ImageIO.read(png.toFile()));
  }

  @Test
  void badChartArgumentsAreUsageErrors() {
    CliRun few = run("chart", tmp.resolve("x.png").toString());
    assertEquals(2, few.code());
    assertTrue(few.err().contains("expected OUT.png and at least one LABEL=RUNS"), few.err());
    CliRun noLabel = run("chart", tmp.resolve("x.png").toString(), tmp.toString());
    assertEquals(2, noLabel.code());
    assertTrue(noLabel.err().contains("expected LABEL=RUNS, e.g. masked=runs/masked"), noLabel.err());
    CliRun noRuns = run("chart", tmp.resolve("x.png").toString(), "a=" + tmp.resolve("none"));
    assertEquals(2, noRuns.code());
    assertTrue(noRuns.err().contains("no run directory"), noRuns.err());
    CliRun notPng = run("chart", tmp.resolve("x.jpg").toString(), "a=" + tmp);
    assertEquals(2, notPng.code());
    assertTrue(notPng.err().contains("expected an output file ending in .png"), notPng.err());
  }
}
