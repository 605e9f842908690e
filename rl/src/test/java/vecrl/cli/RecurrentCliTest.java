package vecrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.train.Presets;
import vecrl.train.TrainConfig;

/** {@code train --env CartPoleNoVel-v1 --policy lstm|gru}, its preset, eval of the run, and bad --policy values. */
final class RecurrentCliTest {
  @TempDir Path tmp;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void trainsAndEvaluatesARecurrentPolicyOnTheMemoryTask() {
    for (String policy : new String[] {"lstm", "gru"}) {
      Path out = tmp.resolve(policy);
      CliRun r = run("train", "--env", "CartPoleNoVel-v1", "--policy", policy, "--steps", "512", "--seed", "2", "--out", out.toString(),
          "--set", "evalEpisodes=2", "--set", "cellSize=8", "--set", "hidden=8");
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("policy " + policy + " (hidden 8, shared, sequences of 32)") && r.out().contains("greedy evaluation: "), r.out());
      CliRun e = run("eval", out.resolve("CartPoleNoVel-v1_ppo_s2").toString(), "--episodes", "2");
      assertEquals(0, e.code(), e.err());
      assertTrue(e.out().contains("on CartPoleNoVel-v1") && e.out().contains("over 2 episodes"), e.out());
    }
    CliRun bad = run("train", "--policy", "transformer");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--policy transformer") && bad.err().contains("mlp, lstm, gru"), bad.err());
    TrainConfig c = Presets.forEnv("ppo", "CartPoleNoVel-v1", "lstm");
    assertEquals("lstm", c.policy());
    assertEquals(500_000, c.totalSteps());
    assertEquals("mlp", Presets.forEnv("ppo", "CartPoleNoVel-v1", "mlp").policy());
  }
}
