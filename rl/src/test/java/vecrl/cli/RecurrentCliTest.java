package vecrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.env.EnvRegistry;
import vecrl.train.Presets;
import vecrl.train.TrainConfig;

/** {@code train --env CartPoleNoVel-v1 --policy lstm|gru}, its preset, eval of the run, and bad --policy values. */
final class RecurrentCliTest {
  @TempDir Path tmp;

  private record Out(int code, String out, String err) {}

  private static Out run(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code = new Main(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8),
        EnvRegistry.standard()).run(args);
    return new Out(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  @Test
  void trainsAndEvaluatesARecurrentPolicyOnTheMemoryTask() {
    for (String policy : new String[] {"lstm", "gru"}) {
      Path out = tmp.resolve(policy);
      Out r = run("train", "--env", "CartPoleNoVel-v1", "--policy", policy, "--steps", "512", "--seed", "2", "--out", out.toString(),
          "--set", "evalEpisodes=2", "--set", "cellSize=8", "--set", "hidden=8");
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains(policy + " policy (hidden 8, shared, sequences of 32)") && r.out().contains("greedy evaluation: "), r.out());
      Out e = run("eval", out.resolve("CartPoleNoVel-v1_ppo_s2").toString(), "--episodes", "2");
      assertEquals(0, e.code(), e.err());
      assertTrue(e.out().contains("on CartPoleNoVel-v1") && e.out().contains("over 2 episodes"), e.out());
    }
    Out bad = run("train", "--policy", "transformer");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--policy transformer") && bad.err().contains("mlp, lstm, gru"), bad.err());
    TrainConfig c = Presets.forEnv("ppo", "CartPoleNoVel-v1", "lstm");
    assertEquals("lstm", c.policy());
    assertEquals(500_000, c.totalSteps());
    assertEquals("mlp", Presets.forEnv("ppo", "CartPoleNoVel-v1", "mlp").policy());
  }
}
