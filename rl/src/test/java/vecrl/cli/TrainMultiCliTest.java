package vecrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vecrl train-multi}: a short run prints per-policy rewards and writes one policy file per trained policy; bad options are usage errors. */
final class TrainMultiCliTest {
  @TempDir Path tmp;

  @Test
  void trainsAgainstAHeuristicAndSavesThePolicy() {
    CliRun r = CliRun.of("train-multi", "--env", "RockPaperScissors-v0", "--opponent", "rock", "--iterations", "5", "--out", tmp.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("iteration") && r.out().lines().findFirst().orElseThrow().matches(".*learned +rock.*"), r.out());
    assertTrue(r.out().contains("\n        5  "), r.out());
    assertTrue(Files.exists(tmp.resolve("learned.bin")), r.out());
    assertTrue(Files.exists(tmp.resolve("checkpoint").resolve("trainer.bin")), r.out());
  }

  @Test
  void signalingSavesBothPolicies() {
    CliRun r = CliRun.of("train-multi", "--env", "Signaling-v0", "--iterations", "1", "--out", tmp.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(tmp.resolve("speaker.bin")) && Files.exists(tmp.resolve("listener.bin")), r.out());
  }

  @Test
  void badOptionsAreUsageErrors() {
    CliRun r = CliRun.of("train-multi", "--opponent", "random");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("rock, alternate, beat_last"), r.err());
    r = CliRun.of("train-multi", "--env", "CartPole-v1");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Signaling-v0"), r.err());
  }
}
