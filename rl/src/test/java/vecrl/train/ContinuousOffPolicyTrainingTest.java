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
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.MlpDeterministicPolicy;
import vecrl.policy.MlpDiscreteSacPolicy;
import vecrl.policy.MlpSacPolicy;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;

/**
 * SAC, TD3, DDPG and discrete SAC through the shared off-policy trainer, on the scalar kernels: a run
 * killed and resumed from its checkpoint (replay buffer, every network, the targets, the three
 * optimizers and the temperature included) ends with the bytes of the uninterrupted run; the same seed
 * gives the same bits; {@code policy.bin} loads into the model {@code eval} rebuilds and evaluates the
 * same; wrong action spaces are named.
 */
final class ContinuousOffPolicyTrainingTest {
  @TempDir Path tmp;

  private static final EnvRegistry REG = EnvRegistry.standard();
  private static final Kernels SCALAR = Backends.byName("scalar");

  /**
   * 2 envs x 25 steps per iteration, 3 gradient steps of 16 once 50 steps are done, a buffer of 120
   * rows that wraps, 16-16 networks; Pendulum's episodes are truncated at 200 steps, so batches cross
   * truncations; TD3 delays its actor to every second step.
   */
  private static TrainConfig small(String algo, String env, long iterations) {
    TrainConfig c = Presets.forEnv(algo, env).with(Map.ofEntries(Map.entry("numEnvs", "2"), Map.entry("trainFreq", "25"),
        Map.entry("gradientSteps", "3"), Map.entry("replayBatchSize", "16"), Map.entry("bufferSize", "120"), Map.entry("learningStarts", "50"),
        Map.entry("hidden", "16,16"), Map.entry("evalEpisodes", "0"), Map.entry("seed", "5")));
    return c.with("totalSteps", String.valueOf(iterations * c.batchSize()));
  }

  private static List<String> metrics(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    for (String l : Files.readAllLines(dir.resolve(TrainingRun.METRICS), StandardCharsets.UTF_8)) out.add(l.substring(0, l.lastIndexOf(',')));
    return out;
  }

  private void resumesExactly(String algo, String env) throws IOException {
    resumesExactly(algo, env, Map.of());
  }

  private void resumesExactly(String algo, String env, Map<String, String> extra) throws IOException {
    TrainConfig c = small(algo, env, 7).with(extra).with("checkpointEvery", "2");
    Path full = tmp.resolve(algo + "-full"), cut = tmp.resolve(algo + "-cut");
    TrainingRun.train(c, REG, full, List.of(), SCALAR);
    Callback kill = new Callback() {
      @Override
      public boolean onIteration(Trainer t, IterationStats s) {
        if (s.iteration() == 5) throw new IllegalStateException("simulated kill");
        return true;
      }
    };
    assertThrows(IllegalStateException.class, () -> TrainingRun.train(c, REG, cut, List.of(kill), SCALAR));
    TrainingRun.Result r = TrainingRun.resume(cut, REG, List.of(), SCALAR);
    assertEquals(7, r.last().iteration());
    assertEquals(18, r.trainer().gradientSteps(), algo + ": 3 gradient steps in each iteration after the first (more than 50 steps done)");
    assertEquals(metrics(full), metrics(cut), algo);
    assertArrayEquals(PolicyBytes.weights(full.resolve("policy.bin")), PolicyBytes.weights(cut.resolve("policy.bin")), algo);
    assertArrayEquals(Files.readAllBytes(full.resolve("checkpoint.bin")), Files.readAllBytes(cut.resolve("checkpoint.bin")), algo);
    // same seed, same bits; another seed, other bits
    TrainingRun.train(c, REG, tmp.resolve(algo + "-again"), List.of(), SCALAR);
    assertEquals(metrics(full), metrics(tmp.resolve(algo + "-again")), algo);
    TrainingRun.train(c.with("seed", "6"), REG, tmp.resolve(algo + "-other"), List.of(), SCALAR);
    assertNotEquals(metrics(full), metrics(tmp.resolve(algo + "-other")), algo);
    // policy.bin is the model eval rebuilds from the config, and evaluates as the trainer's network does
    PolicyFile.Loaded l = PolicyFile.load(full.resolve("policy.bin"), c, REG.spec(env));
    ActorCriticPolicy net = TrainingRun.train(c, REG, tmp.resolve(algo + "-eval"), List.of(), SCALAR).trainer().network();
    for (int i = 0; i < net.parameters().size(); i++) {
      assertArrayEquals(net.parameters().get(i).value().toArray(), l.policy().parameters().get(i).value().toArray(), algo);
    }
    assertEquals(Trainer.evaluate(net, SCALAR, REG.spec(env), null, 2, 3, 9, false).mean(),
        Trainer.evaluate(l.policy(), SCALAR, REG.spec(env), null, 2, 3, 9, false).mean(), algo);
  }

  @Test
  void sacResumesExactly() throws IOException {
    resumesExactly("sac", "Pendulum-v1");
  }

  /** gSDE (MountainCarContinuous's preset turns it on), with new exploration matrices every 10 steps of a collection too. */
  @Test
  void sacWithSdeResumesExactly() throws IOException {
    TrainConfig c = small("sac", "MountainCarContinuous-v0", 1);
    assertTrue(c.useSde());
    assertTrue(((MlpSacPolicy) new Trainer(c, REG, SCALAR).network()).usesSde());
    resumesExactly("sac", "MountainCarContinuous-v0", Map.of("sdeSampleFreq", "10"));
  }

  @Test
  void sdeIsRefusedOutsideSacAndWithABadSampleFrequency() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Presets.forEnv("td3", "Pendulum-v1").with("useSde", "true"));
    assertTrue(e.getMessage().contains("useSde") && e.getMessage().contains("sac"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Presets.forEnv("sac", "Pendulum-v1").with("sdeSampleFreq", "0"));
    assertTrue(e.getMessage().contains("sdeSampleFreq = 0"), e.getMessage());
  }

  @Test
  void td3ResumesExactly() throws IOException {
    resumesExactly("td3", "Pendulum-v1");
  }

  @Test
  void ddpgResumesExactly() throws IOException {
    resumesExactly("ddpg", "Pendulum-v1");
  }

  @Test
  void discreteSacResumesExactly() throws IOException {
    resumesExactly("sac-discrete", "CartPole-v1");
  }

  @Test
  void modelsAreTheAlgorithmsPolicies() {
    assertInstanceOf(MlpSacPolicy.class, new Trainer(small("sac", "Pendulum-v1", 1), REG, SCALAR).network());
    MlpDeterministicPolicy td3 = assertInstanceOf(MlpDeterministicPolicy.class, new Trainer(small("td3", "Pendulum-v1", 1), REG, SCALAR).network());
    assertEquals(2, td3.nCritics());
    assertEquals(1, ((MlpDeterministicPolicy) new Trainer(small("ddpg", "Pendulum-v1", 1), REG, SCALAR).network()).nCritics());
    assertInstanceOf(MlpDiscreteSacPolicy.class, new Trainer(small("sac-discrete", "CartPole-v1", 1), REG, SCALAR).network());
  }

  @Test
  void wrongActionSpacesAndSettingsAreNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Trainer(Presets.forEnv("td3", "CartPole-v1"), REG, SCALAR).close());
    assertTrue(e.getMessage().contains("TD3 needs a bounded one-dimensional Box action space") && e.getMessage().contains("Discrete(2)"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Trainer(Presets.forEnv("sac", "CartPole-v1"), REG, SCALAR).close());
    assertTrue(e.getMessage().contains("SAC needs a bounded"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Trainer(Presets.forEnv("sac-discrete", "Pendulum-v1"), REG, SCALAR).close());
    assertTrue(e.getMessage().contains("sac-discrete needs a Discrete action space"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new Trainer(Presets.forEnv("sac", "Pendulum-v1").with("lrSchedule", "linear"), REG, SCALAR).close());
    assertTrue(e.getMessage().contains("sac uses a constant learning rate"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Presets.forEnv("td3", "Pendulum-v1").with("policyDelay", "0"));
    assertTrue(e.getMessage().contains("policyDelay = 0"), e.getMessage());
  }
}
