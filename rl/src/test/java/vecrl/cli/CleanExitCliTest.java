package vecrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.env.EnvRegistry;
import vecrl.train.TrainConfig;

/**
 * Issue 15's command line: {@code vecrl: <message>} and exit 2 (usage) or 1 (runtime), never a stack
 * trace unless asked for; a run that fails to start leaves no directory; integers are integers; bad
 * config values are refused naming key, value and range; messages say what happened.
 */
final class CleanExitCliTest {
  @TempDir Path tmp;

  /** A registry whose Broken-v0 throws a plain RuntimeException when made. */
  private static CliRun runBroken(String... args) {
    EnvRegistry reg = EnvRegistry.standard().register("Broken-v0", () -> {
      throw new IllegalStateException("the simulator crashed");
    }, 10);
    ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
    int code = new Main(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8), reg).run(args);
    return new CliRun(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  private static void noTrace(CliRun r) {
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception:"), r.err());
  }

  @Test
  void aRuntimeFailureIsOneLineAndExitOneAndLeavesNoRunDirectory() throws IOException {
    Path out = tmp.resolve("runs");
    CliRun r = runBroken("train", "--env", "Broken-v0", "--out", out.toString(), "--quiet");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().startsWith("vecrl: the simulator crashed"), r.err());
    noTrace(r);
    assertFalse(Files.exists(out.resolve("Broken-v0_ppo_s1")), "no empty run directory");

    CliRun traced = runBroken("train", "--env", "Broken-v0", "--out", out.toString(), "--quiet", "--stacktrace");
    assertEquals(1, traced.code());
    assertTrue(traced.err().contains("\tat ") && traced.err().contains("IllegalStateException"), traced.err());
  }

  @Test
  void aPolicyThatCannotBeBuiltLeavesNoRunDirectory() {
    Path out = tmp.resolve("runs");
    CliRun r = CliRun.of("train", "--policy", "class:no.such.Policy", "--out", out.toString(), "--quiet");
    assertTrue(r.code() == 1 || r.code() == 2, r.err());
    assertTrue(r.err().startsWith("vecrl: "), r.err());
    noTrace(r);
    assertFalse(Files.exists(out.resolve("CartPole-v1_ppo_s1")), "no empty run directory");
  }

  @Test
  void integersAreIntegers() throws IOException {
    long seed = (1L << 53) + 1; // a double would round it to 2^53
    Path out = tmp.resolve("runs");
    CliRun r = CliRun.of("train", "--seed", String.valueOf(seed), "--steps", "512", "--set", "evalEpisodes=0", "--quiet", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    Path run = out.resolve("CartPole-v1_ppo_s" + seed);
    TrainConfig c = TrainConfig.load(run.resolve("config.properties"));
    assertEquals(seed, c.seed());
    for (String[] bad : new String[][] {{"eval", run.toString(), "--episodes", "2.7"}, {"eval", run.toString(), "--seed", "1e300"},
        {"train", "--seed", "1.5"}, {"train", "--steps", "1e300"}, {"train", "--envs", "1e10"}, {"train", "--seed", "0x10"}}) {
      r = CliRun.of(bad);
      assertEquals(2, r.code(), String.join(" ", bad) + ": " + r.err());
      assertTrue(r.err().contains("expected an integer"), r.err());
    }
    assertEquals(100_000, TrainConfig.parseInteger("1e5"));
    assertEquals(seed, TrainConfig.defaults("CartPole-v1").with("seed", String.valueOf(seed)).seed());
  }

  @Test
  void badConfigValuesNameKeyValueAndRange() throws IOException {
    CliRun r = CliRun.of("train", "--set", "entCoef=NaN");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("entCoef = NaN, expected a finite number >= 0"), r.err());
    r = CliRun.of("train", "--set", "clipObs=-1");
    assertTrue(r.code() == 2 && r.err().contains("clipObs = -1.0, expected a finite number > 0"), r.err());
    Path bin = tmp.resolve("binary.properties");
    Files.write(bin, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0xc3});
    r = CliRun.of("train", "--config", bin.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains(bin + ": not a config file (not UTF-8 text"), r.err());
    noTrace(r);
  }

  @Test
  void fileErrorsSayWhatHappened() throws IOException {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    CliRun r = CliRun.of("train", "--out", file.resolve("sub").toString(), "--steps", "512", "--quiet");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().startsWith("vecrl: " + file), r.err());
    assertTrue(r.err().length() > ("vecrl: " + file.resolve("sub") + "\n").length() + 3, "more than the path: " + r.err());
    noTrace(r);
  }
}
