package vecrl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.env.EnvRegistry;
import vecrl.io.PolicyIO;
import vecrl.policy.MlpQPolicy;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;

/**
 * Off-policy training through the shared trainer: same seed, same bits; a run killed and resumed from
 * its checkpoint (replay buffer included) ends with the bytes of the uninterrupted run; the store-once
 * buffer trains to the same bits as the plain one; the Q policy's file round-trips. On the scalar
 * reference kernels (see {@link TrainerTest}).
 */
final class OffPolicyTrainingTest {
  @TempDir Path tmp;

  private static final EnvRegistry REG = EnvRegistry.standard();
  private static final Kernels SCALAR = Backends.byName("scalar");

  /**
   * DQN on MountainCar-v0 (every episode truncated at 200 steps, so next observations cross
   * truncations), 2 envs x 50 steps per iteration, 4 gradient steps of 16 once 100 steps are done,
   * a buffer of 300 rows that wraps, Polyak target updates every 40 env steps, 16-16 ReLU.
   */
  private static TrainConfig small(String env, long iterations) {
    TrainConfig c = Presets.forEnv("dqn", env).with(Map.ofEntries(Map.entry("numEnvs", "2"), Map.entry("trainFreq", "50"),
        Map.entry("gradientSteps", "4"), Map.entry("replayBatchSize", "16"), Map.entry("bufferSize", "300"), Map.entry("learningStarts", "100"),
        Map.entry("targetUpdateInterval", "40"), Map.entry("tau", "0.5"), Map.entry("hidden", "16,16"), Map.entry("evalEpisodes", "0"),
        Map.entry("learningRate", "0.001"), Map.entry("seed", "3"), Map.entry("doubleQ", "true")));
    return c.with("totalSteps", String.valueOf(iterations * c.batchSize()));
  }

  private static List<String> metrics(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    for (String l : Files.readAllLines(dir.resolve(TrainingRun.METRICS), StandardCharsets.UTF_8)) out.add(l.substring(0, l.lastIndexOf(',')));
    return out;
  }

  @Test
  void resumeWithTheBufferContinuesExactly() throws IOException {
    TrainConfig c = small("MountainCar-v0", 8).with("checkpointEvery", "2");
    TrainingRun.train(c, REG, tmp.resolve("full"), List.of(), SCALAR);
    Path cut = tmp.resolve("cut");
    Callback kill = new Callback() {
      @Override
      public boolean onIteration(Trainer t, IterationStats s) {
        if (s.iteration() == 5) throw new IllegalStateException("simulated kill");
        return true;
      }
    };
    assertThrows(IllegalStateException.class, () -> TrainingRun.train(c, REG, cut, List.of(kill), SCALAR));
    TrainingRun.Result r = TrainingRun.resume(cut, REG, List.of(), SCALAR);
    assertEquals(8, r.last().iteration());
    assertEquals(28, r.trainer().gradientSteps(), "4 gradient steps in each iteration but the first (training starts after more than 100 steps)");
    List<String> full = metrics(tmp.resolve("full"));
    assertEquals(9, full.size());
    assertEquals(full, metrics(cut));
    assertArrayEquals(PolicyBytes.weights(tmp.resolve("full/policy.bin")), PolicyBytes.weights(cut.resolve("policy.bin")));
    assertArrayEquals(Files.readAllBytes(tmp.resolve("full/checkpoint.bin")), Files.readAllBytes(cut.resolve("checkpoint.bin")));
    assertEquals(Files.readAllLines(tmp.resolve("full").resolve(TrainingRun.STATS_JSONL)), Files.readAllLines(cut.resolve(TrainingRun.STATS_JSONL)));
  }

  @Test
  void sameSeedSameBitsAndAnotherSeedOtherBits() throws IOException {
    TrainConfig c = small("CartPole-v1", 4);
    TrainingRun.train(c, REG, tmp.resolve("a"), List.of(), SCALAR);
    TrainingRun.train(c, REG, tmp.resolve("b"), List.of(), SCALAR);
    assertEquals(metrics(tmp.resolve("a")), metrics(tmp.resolve("b")));
    assertArrayEquals(PolicyBytes.weights(tmp.resolve("a/policy.bin")), PolicyBytes.weights(tmp.resolve("b/policy.bin")));
    TrainingRun.train(c.with("seed", "4"), REG, tmp.resolve("c"), List.of(), SCALAR);
    assertNotEquals(metrics(tmp.resolve("a")), metrics(tmp.resolve("c")));
  }

  /** Storing each observation once changes no bit of training: CartPole (terminations) and MountainCar (truncations). */
  @Test
  void storeOnceBufferTrainsToTheSameBits() throws IOException {
    for (String env : List.of("CartPole-v1", "MountainCar-v0")) {
      TrainConfig c = small(env, 6);
      Path plain = tmp.resolve(env + "-plain"), once = tmp.resolve(env + "-once");
      TrainingRun.train(c, REG, plain, List.of(), SCALAR);
      TrainingRun.train(c.with("optimizeMemory", "true"), REG, once, List.of(), SCALAR);
      assertEquals(metrics(plain), metrics(once), env);
      assertArrayEquals(PolicyBytes.weights(plain.resolve("policy.bin")), PolicyBytes.weights(once.resolve("policy.bin")), env);
    }
  }

  @Test
  void checkpointWithoutTheBufferIsSmallerAndResumes() throws IOException {
    TrainConfig c = small("CartPole-v1", 4);
    try (Trainer with = new Trainer(c, REG, SCALAR); Trainer without = new Trainer(c.with("checkpointBuffer", "false"), REG, SCALAR)) {
      with.run(List.of());
      without.run(List.of());
      int big = with.checkpointBytes().length, small = without.checkpointBytes().length;
      // 200 rows of obs and next obs (4 floats each), action, reward and two flags: 12 floats = 48 bytes per row, with counts
      assertTrue(big - small >= 200 * 48, big + " vs " + small);
      try (Trainer resumed = new Trainer(c.with("checkpointBuffer", "false").with("totalSteps", String.valueOf(6 * c.batchSize())), REG, SCALAR)) {
        resumed.restoreCheckpoint("without", without.checkpointBytes());
        assertEquals(0, resumed.replayBuffer().size(), "the buffer starts empty");
        assertEquals(400, resumed.replayBuffer().added());
        resumed.run(List.of());
        assertEquals(6, resumed.iteration());
        assertEquals(200, resumed.replayBuffer().size());
      }
    }
  }

  @Test
  void qPolicyFileRoundTripsAndEvaluatesTheSame() throws IOException {
    TrainConfig c = small("CartPole-v1", 3).with(Map.of("dueling", "true", "evalEpisodes", "2"));
    TrainingRun.Result r = TrainingRun.train(c, REG, tmp.resolve("q"), List.of(), SCALAR);
    PolicyFile.Loaded l = PolicyFile.load(tmp.resolve("q/policy.bin"), c, REG.spec("CartPole-v1"));
    MlpQPolicy q = assertInstanceOf(MlpQPolicy.class, l.policy());
    assertTrue(q.dueling());
    for (int i = 0; i < q.parameters().size(); i++) {
      assertArrayEquals(r.trainer().network().parameters().get(i).value().toArray(), q.parameters().get(i).value().toArray());
    }
    assertEquals(r.trainer().evaluate(3, 9).mean(), Trainer.evaluate(q, SCALAR, REG.spec("CartPole-v1"), null, 10, 3, 9, false).mean());
    // the fingerprint covers the dueling head: a plain Q-network skeleton refuses the file
    MlpQPolicy plain = new MlpQPolicy(q.observationSpace(), q.actionSpace(), new int[] {16, 16}, q.activation(), false, new Rng(0));
    Path v1 = tmp.resolve("v1.bin");
    q.serialize(v1);
    var e = assertThrows(IOException.class, () -> PolicyIO.deserialize(v1, plain));
    assertTrue(e.getMessage().contains("fingerprint"), e.getMessage());
    MlpQPolicy back = PolicyIO.deserialize(v1, q.twin(new Rng(1)));
    assertArrayEquals(q.parameters().get(0).value().toArray(), back.parameters().get(0).value().toArray());
  }

  @Test
  void dqnOnABoxActionSpaceIsAClearError() {
    TrainConfig c = Presets.forEnv("dqn", "Pendulum-v1");
    var e = assertThrows(IllegalArgumentException.class, () -> new Trainer(c, REG, SCALAR).close());
    assertTrue(e.getMessage().contains("is not Discrete"), e.getMessage());
  }
}
