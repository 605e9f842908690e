package vecrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@code vecrl explain} against golden texts (rl/src/test/resources/explain/), one per algorithm on
 * CartPole-v1 with seed 1: the scalar kernels and 4-digit rounding make the text the same on any
 * machine. To regenerate after an intended change, run with {@code -Dvecrl.explain.write=DIR} and
 * copy the files from DIR after reading the diff.
 */
final class ExplainCommandTest {
  @ParameterizedTest
  @ValueSource(strings = {"ppo", "a2c", "reinforce", "dqn"})
  void matchesTheGoldenText(String algo) throws IOException {
    CliRun r = CliRun.of("explain", "--algo", algo, "--seed", "1");
    assertEquals(0, r.code(), r.err());
    String name = "explain-" + algo + "-CartPole-v1.txt";
    String write = System.getProperty("vecrl.explain.write");
    if (write != null) Files.writeString(Path.of(write).resolve(name), r.out(), StandardCharsets.UTF_8);
    String golden;
    try (InputStream in = ExplainCommandTest.class.getResourceAsStream("/explain/" + name)) {
      assertTrue(in != null, "missing golden file " + name);
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(golden, r.out());
  }

  /** DQN's explained step: each row's TD error is Q(obs, action) - y, as printed (4 significant digits). */
  @Test
  void dqnRowsAreConsistent() {
    CliRun r = CliRun.of("explain", "--algo", "dqn", "--seed", "2");
    assertEquals(0, r.code(), r.err());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("row \\d+: r (\\S+), terminated (\\S+), truncated \\S+ -> y (\\S+); "
        + "Q\\(obs, action\\) (\\S+), td_error (\\S+)").matcher(r.out());
    int rows = 0;
    while (m.find()) {
      double y = Double.parseDouble(m.group(3)), q = Double.parseDouble(m.group(4)), e = Double.parseDouble(m.group(5));
      assertEquals(q - y, e, 2e-3 * Math.max(1, Math.abs(y)), m.group());
      if (Double.parseDouble(m.group(2)) == 1) assertEquals(Double.parseDouble(m.group(1)), y, 1e-3, "terminated: y = r");
      rows++;
    }
    assertEquals(4, rows, r.out());
    for (String section : new String[] {"== 1. the batch sampled", "== 2. TD targets", "== 3. the loss", "== 4. gradients", "== 5. the optimizer",
        "== 6. statistics"}) {
      assertTrue(r.out().contains(section), section);
    }
  }

  @Test
  void badArgumentsNameTheValue() {
    CliRun r = CliRun.of("explain", "--algo", "nope");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--algo nope: unknown algorithm; valid algorithms: ppo, a2c, reinforce, dqn"), r.err());
    CliRun e = CliRun.of("explain", "--env", "Nope-v0");
    assertEquals(2, e.code());
    assertTrue(e.err().contains("--env Nope-v0: unknown environment"), e.err());
  }
}
