package vecrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.multi.MultiAgentSpec;

/** {@code vecrl train --env RockPaperScissors-v0 --policies ...} and {@code vecrl eval} of the run: per-policy returns. */
final class MultiAgentCliTest {
  @TempDir Path tmp;

  @Test
  void trainsAgainstAHeuristicAndEvalReportsEachPolicy() throws Exception {
    CliRun r = CliRun.of("train", "--env", "RockPaperScissors-v0", "--policies", "learned=ppo,opponent=rock", "--iterations", "20", "--out",
        tmp.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    Path dir = tmp.resolve("RockPaperScissors-v0_multi_s1");
    assertTrue(Files.exists(dir.resolve("learned.bin")) && Files.exists(dir.resolve("checkpoint").resolve("trainer.bin")), r.out());
    assertEquals("learned=ppo,opponent=rock", MultiAgentSpec.load(dir.resolve(MultiAgentSpec.FILE)).policiesText());
    // against always-rock the learned player wins nearly every round of the 10: greedy return close to +10, the rock player's close to -10
    double learned = mean(r.out(), "learned"), rock = mean(r.out(), "opponent");
    assertTrue(learned >= 9 && rock <= -9, r.out());
    CliRun e = CliRun.of("eval", dir.toString());
    assertEquals(0, e.code(), e.err());
    assertEquals(learned, mean(e.out(), "learned"), "eval restores the trained policy and replays the closing evaluation");
    assertTrue(e.out().contains("after 20 iterations"), e.out());
  }

  private static double mean(String out, String policy) {
    for (String l : out.lines().toList()) {
      String t = l.strip();
      if (t.startsWith(policy + " ")) return Double.parseDouble(t.replaceAll(".*mean return ([-0-9.]+) .*", "$1"));
    }
    throw new AssertionError("no line for " + policy + " in:\n" + out);
  }

  @Test
  void signalingTrainsBothPolicies() {
    CliRun r = CliRun.of("train", "--env", "Signaling-v0", "--iterations", "1", "--out", tmp.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    Path dir = tmp.resolve("Signaling-v0_multi_s1");
    assertTrue(Files.exists(dir.resolve("speaker.bin")) && Files.exists(dir.resolve("listener.bin")), r.out());
  }

  @Test
  void badPoliciesAreUsageErrors() {
    CliRun r = CliRun.of("train", "--env", "RockPaperScissors-v0", "--policies", "learned=ppo,opponent=random");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("opponent = random") && r.err().contains("beat_last"), r.err());
    r = CliRun.of("train", "--env", "RockPaperScissors-v0", "--policies", "learned=ppo");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("needs 2 policies"), r.err());
    r = CliRun.of("train", "--env", "CartPole-v1", "--policies", "a=ppo");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--policies is for the multi-agent environments"), r.err());
    r = CliRun.of("train", "--env", "RockPaperScissors-v0", "--algo", "a2c");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--algo does not apply"), r.err());
  }
}
