package vecrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class MainTest {
  @TempDir Path tmp;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private static void bad(String mustContainA, String mustContainB, String... args) {
    CliRun r = run(args);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(mustContainA) && r.err().contains(mustContainB), r.err());
  }

  @Test
  void badArgumentsNameTheValueAndTheChoices() {
    bad("NoSuchEnv-v0", "CartPole-v1", "train", "--env", "NoSuchEnv-v0");
    bad("dqx", "ppo, a2c, reinforce, dqn, sac, sac-discrete, td3, ddpg", "train", "--algo", "dqx");
    bad("--stepz", "--steps", "train", "--stepz", "10");
    bad("abc", "integer", "train", "--steps", "abc");
    bad("frobnicate", "train, eval, inspect, envs", "frobnicate");
    bad("nope", "zoo-ppo-CartPole-v1", "train", "--preset", "nope");
    bad("lr=1", "learningRate", "train", "--set", "lr=1");
    bad("quantum", "vector", "train", "--backend", "quantum");
    bad("missing", "neither", "eval", "missing");
  }

  @Test
  void benchTrainTakesTheEnvCount() {
    CliRun r = run("bench-train", "--steps", "1024", "--envs", "8");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("8 envs x 128 steps") && r.out().contains("1,024 steps in"), r.out());
    bad("--envs 0", "integer >= 1", "bench-train", "--envs", "0");
  }

  @Test
  void benchTrainReportsPhasesFlopLimitAndSteadyState() {
    // CleanRL's networks: actor 4-64-64-2 and critic 4-64-64-1, 8,896 weights; 2 flops per weight
    // per sample, once in the rollout and 3 times (forward, two backward GEMMs) in each of 4 epochs.
    CliRun r = run("bench-train", "--steps", "2048", "--skip", "1024");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("per env step: rollout ") && r.out().contains("231 kFLOP per env step")
        && r.out().contains("of the FLOP limit") && r.out().contains("after the first 1,024 steps: 1,024 steps in"), r.out());
    bad("--skip 2048", "below --steps", "bench-train", "--steps", "2048", "--skip", "2048");
  }

  @Test
  void benchAutodiffReportsTheRatioAndTheProfile() {
    // B128 is the small case: a few seconds with its JIT warm-up. The ratio is a measurement, so
    // only its presence and sanity are checked (both workloads run the same GEMMs, so > 0.5).
    CliRun r = run("bench-autodiff", "--case", "B128", "--rounds", "3", "--profile");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().split("\n");
    String row = java.util.Arrays.stream(lines).filter(l -> l.startsWith("B128 ")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
    double ratio = Double.parseDouble(row.trim().split("\\s+")[3]);
    assertTrue(ratio > 0.5 && ratio < 20, row);
    assertTrue(r.out().contains("linear+tanh") && r.out().contains("total per pass"), r.out());
    bad("Z", "A, B2048, B128, C", "bench-autodiff", "--case", "Z");
    bad("--rounds 1", "integer >= 3", "bench-autodiff", "--rounds", "1");
  }

  @Test
  void envsListsSpaces() {
    CliRun r = run("envs");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("CartPole-v1") && r.out().contains("Discrete(2)") && r.out().contains("Pendulum-v1"), r.out());
  }

  @Test
  void trainThenEval() {
    CliRun r = run("train", "--steps", "512", "--envs", "2", "--seed", "3", "--out", tmp.toString(), "--quiet", "--set", "evalEpisodes=2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("greedy evaluation: ") && r.out().contains("run directory: "), r.out());
    Path dir = tmp.resolve("CartPole-v1_ppo_s3");
    CliRun e = run("eval", dir.toString(), "--episodes", "2");
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("over 2 episodes"), e.out());
    // a policy.bin on its own: rebuilt from --env's default config (the run used it, with 2 envs), else a usage error
    Path alone = tmp.resolve("alone");
    try {
      java.nio.file.Files.createDirectories(alone);
      java.nio.file.Files.copy(dir.resolve("policy.bin"), alone.resolve("policy.bin"));
    } catch (java.io.IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
    CliRun withEnv = run("eval", alone.resolve("policy.bin").toString(), "--env", "CartPole-v1", "--episodes", "2");
    assertEquals(0, withEnv.code(), withEnv.err());
    assertTrue(withEnv.out().contains("over 2 episodes"), withEnv.out());
    bad("has no config.properties", "--env", "eval", alone.resolve("policy.bin").toString());
    // another env's network does not match: the fingerprint check names the mismatch
    CliRun other = run("eval", dir.toString(), "--env", "Acrobot-v1");
    assertEquals(1, other.code());
    assertTrue(other.err().contains("structural fingerprint mismatch"), other.err());
    CliRun again = run("train", "--resume", dir.toString(), "--quiet");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("resuming") && again.out().contains("greedy evaluation: "), again.out());
    CliRun mixed = run("train", "--resume", dir.toString(), "--env", "Acrobot-v1");
    assertEquals(2, mixed.code());
    assertTrue(mixed.err().contains("--env cannot be combined with --resume"), mixed.err());
    assertEquals(0, run("help").code());
  }
}
