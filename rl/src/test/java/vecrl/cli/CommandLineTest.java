package vecrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.train.Presets;
import vecrl.train.Provenance;
import vecrl.train.TrainConfig;

/** The command line's manners: help on every command, the version, the README's copy of help, presets, threads, log lines. */
final class CommandLineTest {
  @TempDir Path tmp;

  @Test
  void everyCommandTakesHelp() {
    for (String cmd : Usage.COMMANDS.keySet()) {
      for (String flag : new String[] {"--help", "-h"}) {
        CliRun r = CliRun.of(cmd, flag);
        assertEquals(0, r.code(), cmd + " " + flag + ": " + r.err());
        assertTrue(r.out().startsWith("usage: vecrl " + cmd), r.out());
        assertEquals("", r.err());
      }
    }
    // after other options too
    CliRun r = CliRun.of("train", "--steps", "512", "--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("--kernel-threads N"), r.out());
  }

  @Test
  void helpListsEveryCommandAndNoIssueNumbers() {
    CliRun r = CliRun.of("help");
    assertEquals(0, r.code());
    for (String cmd : Usage.COMMANDS.keySet()) assertTrue(r.out().contains("\n  " + cmd + " ") || r.out().contains("\n  " + cmd + "\n"), cmd);
    assertTrue(r.out().contains("  bench [JMH options]"), r.out());
    assertFalse(r.out().toLowerCase(java.util.Locale.ROOT).contains("issue"), r.out());
    CliRun bench = CliRun.of("bench");
    assertEquals(2, bench.code());
    assertTrue(bench.err().contains("./vecrl bench"), bench.err());
  }

  @Test
  void versionNamesVecrlTheJdkAndTheBackend() {
    for (String flag : new String[] {"--version", "version"}) {
      CliRun r = CliRun.of(flag);
      assertEquals(0, r.code(), r.err());
      String[] lines = r.out().split("\n");
      assertTrue(lines[0].startsWith("vecrl " + Provenance.version() + " (git "), r.out());
      assertFalse(Provenance.version().equals("unknown"), "version.properties is filtered by the build");
      assertTrue(lines[1].startsWith("JDK " + Runtime.version()), r.out());
      assertTrue(lines[2].startsWith("backend ") && lines[2].contains("kernel threads"), r.out());
    }
  }

  /** The README's command-line block is exactly {@code vecrl help}. */
  @Test
  void readmeShowsTheHelpTextExactly() throws Exception {
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    String start = "```\nusage: vecrl [--classpath JARS]";
    int a = readme.indexOf(start);
    assertTrue(a >= 0, "README has no block starting with " + start);
    int b = readme.indexOf("\n```", a + 4);
    assertEquals(CliRun.of("help").out(), readme.substring(a + 4, b + 1));
  }

  @Test
  void cleanrlIsCleanRlsPpoPy() {
    TrainConfig c = Presets.forEnv("ppo", "CartPole-v1").with(Presets.get("cleanrl"));
    assertEquals(4, c.numEnvs());
    assertEquals(128, c.numSteps());
    assertEquals(4, c.epochs());
    assertEquals(4, c.minibatches());
    assertEquals(2.5e-4, c.learningRate());
    assertEquals(TrainConfig.Schedule.LINEAR, c.lrSchedule());
    assertEquals(1e-5, c.adamEps());
    assertEquals(0.01, c.entCoef());
    assertEquals(0.2, c.clipCoef());
    assertEquals(0.5, c.vfCoef());
    assertEquals(0.95, c.gaeLambda());
    assertEquals(0.99, c.gamma());
    assertEquals(0.5, c.maxGradNorm());
    assertEquals("64,64", c.hidden());
    assertTrue(c.orthoInit() && c.clipVloss() && c.normAdv());
    assertFalse(c.normObs() || c.normReward() || c.bootstrapTruncation());
    // on an env whose preset normalises, cleanrl turns that off too
    TrainConfig a = Presets.forEnv("ppo", "Acrobot-v1").with(Presets.get("cleanrl"));
    assertFalse(a.normObs());
    assertEquals(4, a.numEnvs());
  }

  @Test
  void threadFlagsAreNamedForWhatTheyDo() {
    CliRun r = CliRun.of("train", "--steps", "512", "--envs", "2", "--env-threads", "2", "--out", tmp.toString(), "--quiet",
        "--set", "evalEpisodes=0");
    assertEquals(0, r.code(), r.err());
    CliRun alias = CliRun.of("train", "--steps", "512", "--envs", "2", "--threads", "2", "--out", tmp.resolve("b").toString(), "--quiet",
        "--set", "evalEpisodes=0");
    assertEquals(0, alias.code(), alias.err());
    for (Path dir : new Path[] {tmp.resolve("CartPole-v1_ppo_s1"), tmp.resolve("b/CartPole-v1_ppo_s1")}) {
      try {
        assertEquals(2, TrainConfig.load(dir.resolve("config.properties")).envThreads());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    CliRun both = CliRun.of("train", "--threads", "2", "--env-threads", "2");
    assertEquals(2, both.code());
    assertTrue(both.err().contains("--threads is another name for --env-threads"), both.err());
    CliRun bad = CliRun.of("train", "--kernel-threads", "0");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--kernel-threads 0") && bad.err().contains("integer >= 1"), bad.err());
  }

  @Test
  void timeLeftWaitsForTheWarmUp() {
    assertEquals("estimating...", vecrl.train.CallbacksAccess.timeLeft(10_000, 0, Double.NaN));
    assertEquals("estimating...", vecrl.train.CallbacksAccess.timeLeft(10_000, 500, 0.2));
    assertEquals("10s left", vecrl.train.CallbacksAccess.timeLeft(10_000, 1_000, 1.0));
  }

  @Test
  void logRecordsAreOneUndatedLine() {
    CliLogging.OneLineFormatter f = new CliLogging.OneLineFormatter();
    assertEquals("vecrl: kernels backend 'vector'" + System.lineSeparator(),
        f.format(new LogRecord(Level.INFO, "vecrl: kernels backend 'vector'")));
    assertEquals("vecrl: WARNING: slow" + System.lineSeparator(), f.format(new LogRecord(Level.WARNING, "slow")));
  }

  @Test
  void infiniteBoundsPrintAsInf() {
    CliRun r = CliRun.of("envs");
    assertTrue(r.out().contains("CartPole-v1  observation Box([-4.8, -inf, -0.41887903, -inf]..[4.8, inf, 0.41887903, inf], [4])"), r.out());
    assertFalse(r.out().contains("E38"), r.out());
  }

  @Test
  void chartPlotsAnyColumnWithBandsAndALogScale() throws Exception {
    for (String seed : new String[] {"1", "2"}) {
      CliRun r = CliRun.of("train", "--steps", "1024", "--seed", seed, "--out", tmp.resolve("g").toString(), "--quiet", "--set", "evalEpisodes=0");
      assertEquals(0, r.code(), r.err());
    }
    Path png = tmp.resolve("kl.png");
    CliRun c = CliRun.of("chart", png.toString(), "g=" + tmp.resolve("g"), "--y", "value_loss", "--log", "--band", "std");
    assertEquals(0, c.code(), c.err());
    assertTrue(c.out().contains("final value_loss") && Files.size(png) > 1000, c.out());
    CliRun bad = CliRun.of("chart", png.toString(), "g=" + tmp.resolve("g"), "--y", "kl");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--y kl") && bad.err().contains("approx_kl"), bad.err());
    CliRun band = CliRun.of("chart", png.toString(), "g=" + tmp.resolve("g"), "--band", "iqr");
    assertEquals(2, band.code());
    assertTrue(band.err().contains("--band iqr") && band.err().contains("minmax, std, none"), band.err());
  }
}
