package vecrl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.env.EnvRegistry;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;

final class TrainerTest {
  @TempDir Path tmp;

  private static final EnvRegistry REG = EnvRegistry.standard();
  /**
   * Bit-exactness is checked on the scalar reference kernels: the vector backend's results currently depend on JIT
   * timing (see the train note), which a same-process comparison might not notice.
   */
  private static final Kernels SCALAR = Backends.byName("scalar");

  private static TrainConfig small(String env, long iterations) {
    TrainConfig c = TrainConfig.defaults(env).with(Map.of("numEnvs", "2", "numSteps", "64", "epochs", "2", "minibatches", "2",
        "evalEpisodes", "0", "hidden", "16,16", "seed", "7"));
    return c.with("totalSteps", String.valueOf(iterations * c.batchSize()));
  }

  /** metrics.csv without the wall-clock steps/s column. */
  private static List<String> metrics(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    for (String l : Files.readAllLines(dir.resolve(TrainingRun.METRICS), StandardCharsets.UTF_8)) out.add(l.substring(0, l.lastIndexOf(',')));
    return out;
  }

  @Test
  void sameConfigAndSeedGiveIdenticalMetricsAndPolicy() throws IOException {
    TrainConfig c = small("CartPole-v1", 4);
    TrainingRun.train(c, REG, tmp.resolve("a"), List.of(), SCALAR);
    TrainingRun.train(c, REG, tmp.resolve("b"), List.of(), SCALAR);
    List<String> a = metrics(tmp.resolve("a"));
    assertEquals(5, a.size());
    assertEquals(a, metrics(tmp.resolve("b")));
    assertArrayEquals(PolicyBytes.weights(tmp.resolve("a/policy.bin")), PolicyBytes.weights(tmp.resolve("b/policy.bin")));
    TrainingRun.train(c.with("seed", "8"), REG, tmp.resolve("c"), List.of(), SCALAR);
    assertFalse(a.equals(metrics(tmp.resolve("c"))), "another seed gives other metrics");
  }

  /** A run killed after iteration 3 (checkpoint at 2), resumed, ends exactly as the uninterrupted run. */
  @Test
  void resumeContinuesExactly() throws IOException {
    // Pendulum: continuous actions, truncation bootstrap (time limit 200) and both normalisers
    TrainConfig c = small("Pendulum-v1", 6).with(Map.of("normObs", "true", "normReward", "true", "checkpointEvery", "2"));
    TrainingRun.train(c, REG, tmp.resolve("full"), List.of(), SCALAR);
    Path cut = tmp.resolve("cut");
    Callback kill = new Callback() {
      @Override
      public boolean onIteration(Trainer t, IterationStats s) {
        if (s.iteration() == 3) throw new IllegalStateException("simulated kill");
        return true;
      }
    };
    assertThrows(IllegalStateException.class, () -> TrainingRun.train(c, REG, cut, List.of(kill), SCALAR));
    assertEquals(4, metrics(cut).size(), "header + 3 iterations written before the kill");
    TrainingRun.Result r = TrainingRun.resume(cut, REG, List.of(), SCALAR);
    assertEquals(6, r.last().iteration());
    assertEquals(metrics(tmp.resolve("full")), metrics(cut));
    assertArrayEquals(PolicyBytes.weights(tmp.resolve("full/policy.bin")), PolicyBytes.weights(cut.resolve("policy.bin")));
    assertArrayEquals(Files.readAllBytes(tmp.resolve("full/checkpoint.bin")), Files.readAllBytes(cut.resolve("checkpoint.bin")));
  }

  /** PPO's first minibatch of the first epoch sees the rollout's own policy: every ratio is exactly 1. */
  @Test
  void firstMinibatchRatioIsExactlyOne() {
    // the default command's configuration (4 envs, minibatches of 32 rows) and a small one; on the reference kernels, since
    // the vector backend's exp can still differ between JIT tiers (see the train note)
    TrainConfig c = Presets.forEnv("ppo", "CartPole-v1").with(Map.of("totalSteps", "1024", "evalEpisodes", "0"));
    checkRatio(new Trainer(c, REG, SCALAR));
    checkRatio(new Trainer(small("CartPole-v1", 2), REG, SCALAR));
  }

  private static void checkRatio(Trainer trainer) {
    try (Trainer t = trainer) {
      List<Double> devs = new ArrayList<>();
      t.run(List.of(new Callback() {
        @Override
        public boolean onIteration(Trainer tr, IterationStats s) {
          devs.add(tr.firstMinibatchRatioDeviation());
          return true;
        }
      }));
      assertEquals(List.of(0.0, 0.0), devs);
    }
  }

  @Test
  void smokeRunWritesEveryOutput() throws IOException {
    TrainConfig c = small("CartPole-v1", 3).with(Map.of("evalEpisodes", "3", "evalEvery", "128"));
    TrainingRun.Result r = TrainingRun.train(c, REG, tmp.resolve("run"), List.of());
    for (String f : List.of(TrainingRun.CONFIG, TrainingRun.METRICS, TrainingRun.CHECKPOINT, TrainingRun.POLICY, TrainingRun.CHART)) {
      assertTrue(Files.isRegularFile(r.dir().resolve(f)), f);
    }
    assertNotNull(ImageIO.read(r.dir().resolve(TrainingRun.CHART).toFile()));
    assertEquals(c, TrainConfig.load(r.dir().resolve(TrainingRun.CONFIG)));
    assertEquals(3, r.evaluation().returns().length);
    // the saved policy evaluates to the same greedy returns as the trainer's own network
    PolicyFile.Loaded l = PolicyFile.load(r.dir().resolve(TrainingRun.POLICY), c, REG.spec("CartPole-v1"));
    Evaluation e = Trainer.evaluate(l.policy(), Backends.kernels(), REG.spec("CartPole-v1"), l.obsRms(), l.clipObs(), 3, TrainingRun.evalSeed(c), true);
    assertArrayEquals(r.evaluation().returns(), e.returns());
    try (var lines = Files.lines(r.dir().resolve(TrainingRun.METRICS))) {
      assertEquals(4, lines.count());
    }
    // periodic evaluation after every 128-step batch: steps 128, 256, 384
    List<String> evals = Files.readAllLines(r.dir().resolve(TrainingRun.EVALUATIONS));
    assertEquals(3, evals.size(), evals.toString());
    assertTrue(evals.get(1).startsWith("eval at step 256: "), evals.get(1));
  }

  @Test
  void a2cRunsWithRmsprop() throws IOException {
    TrainConfig c = Presets.forEnv("a2c", "CartPole-v1").with(Map.of("totalSteps", "400", "evalEpisodes", "0"));
    assertEquals(TrainConfig.OptimizerKind.RMSPROP, c.optimizer());
    assertEquals(5, c.numSteps());
    TrainingRun.Result r = TrainingRun.train(c, REG, tmp.resolve("a2c"), List.of());
    assertEquals(10, r.last().iteration());
    assertTrue(Double.isFinite(r.last().loss()));
  }

  @Test
  void killedSaveLeavesPreviousCheckpointLoadable() throws IOException {
    TrainConfig c = small("CartPole-v1", 1);
    Path f = tmp.resolve("ck.bin");
    try (Trainer t = new Trainer(c, REG)) {
      t.run(List.of());
      t.saveCheckpoint(f);
    }
    byte[] before = Files.readAllBytes(f);
    assertThrows(IOException.class, () -> Checkpoint.write(f, out -> {
      out.writeLong(42);
      throw new IOException("simulated crash mid-save");
    }));
    assertArrayEquals(before, Files.readAllBytes(f));
    try (var s = Files.list(tmp)) {
      assertEquals(1, s.count(), "no temporary file left behind");
    }
    try (Trainer t = new Trainer(c, REG)) {
      t.restoreCheckpoint(f);
      assertEquals(1, t.iteration());
    }
    Files.write(f, java.util.Arrays.copyOf(before, before.length / 2));
    try (Trainer t = new Trainer(c, REG)) {
      IOException e = assertThrows(IOException.class, () -> t.restoreCheckpoint(f));
      assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
  }

  @Test
  void configRoundTripsAndRejectsBadKeys() throws IOException {
    TrainConfig c = Presets.forEnv("ppo", "Acrobot-v1").with("targetKl", "0.015");
    Path f = tmp.resolve("c.properties");
    c.save(f);
    assertEquals(c, TrainConfig.load(f));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.with("lerningRate", "1"));
    assertTrue(e.getMessage().contains("lerningRate") && e.getMessage().contains("learningRate"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> c.with("minibatches", "7"));
    assertTrue(e.getMessage().contains("minibatches = 7"), e.getMessage());
  }
}
