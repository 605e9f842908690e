package vecrl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;

/**
 * The sub-range collection that rollout workers run ({@link RolloutShard}), in one JVM: a run whose
 * rollouts are split into shards gives the bytes of the same run collected whole, with any split,
 * including a split that changes between iterations (as when a worker dies).
 */
class RolloutShardTest {
  private static final EnvRegistry REG = EnvRegistry.standard();
  @TempDir Path tmp;

  /** Shards of the given sizes, in this JVM; {@code splits.get(k)} is used at the k-th iteration (the last one after). */
  static Rollouts local(List<int[]> splits, int[] calls) {
    return request -> {
      int[] sizes = splits.get(Math.min(calls[0]++, splits.size() - 1));
      TrainConfig c = TrainConfig.fromMap(TrainConfig.defaults(TrainConfig.parse(request.configText()).get("env")),
          TrainConfig.parse(request.configText()));
      List<RolloutShard.Result> out = new ArrayList<>();
      int from = 0, d = request.observationSize();
      // the shards in reverse order: the result must not depend on which answers first
      List<int[]> ranges = new ArrayList<>();
      for (int s : sizes) {
        ranges.add(new int[] {from, from + s});
        from += s;
      }
      for (int k = ranges.size() - 1; k >= 0; k--) {
        int a = ranges.get(k)[0], b = ranges.get(k)[1];
        try (RolloutShard shard = new RolloutShard(c, REG, Backends.byName(request.backend()), a, b)) {
          out.add(shard.run(request.rngState(), request.weights(), java.util.Arrays.copyOfRange(request.snapshots(), a, b),
              java.util.Arrays.copyOfRange(request.observations(), a * d, b * d), java.util.Arrays.copyOfRange(request.dones(), a, b)));
        }
      }
      return out;
    };
  }

  private static Callback using(Rollouts r) {
    return new Callback() {
      @Override public void onStart(Trainer t) { t.useRollouts(r); }
    };
  }

  private static String metricsWithoutSpeed(Path dir) throws IOException {
    StringBuilder m = new StringBuilder();
    for (String l : Files.readAllLines(dir.resolve(TrainingRun.METRICS), StandardCharsets.UTF_8)) m.append(l, 0, l.lastIndexOf(',')).append('\n');
    return m.toString();
  }

  private void sameBits(String env, Map<String, String> overrides, List<int[]> splits, String kernels) throws IOException {
    Kernels k = Backends.byName(kernels);
    TrainConfig c = Presets.forEnv("ppo", env, "mlp").with(overrides).with(Map.of("evalEpisodes", "0"));
    Path one = tmp.resolve(env + "-one"), split = tmp.resolve(env + "-split");
    TrainingRun.train(c, REG, one, List.of(), k);
    int[] calls = {0};
    TrainingRun.train(c, REG, split, List.of(using(local(splits, calls))), k);
    assertEquals(c.iterations(), calls[0], "every iteration's rollout ran in shards");
    assertEquals(metricsWithoutSpeed(one), metricsWithoutSpeed(split), env + ": metrics.csv");
    assertArrayEquals(PolicyBytes.weights(one.resolve(TrainingRun.POLICY)), PolicyBytes.weights(split.resolve(TrainingRun.POLICY)), env + ": policy.bin");
    assertArrayEquals(Files.readAllBytes(one.resolve(TrainingRun.CHECKPOINT)), Files.readAllBytes(split.resolve(TrainingRun.CHECKPOINT)),
        env + ": checkpoint.bin");
  }

  @Test
  void cartPoleSplitTwoWaysAndThreeWaysGivesTheSingleJvmBits() throws IOException {
    // 6 envs: 3 + 3 for two iterations, then 2 + 1 + 3 (a re-split, as after a worker's death), on both CPU backends
    sameBits("CartPole-v1", Map.of("numEnvs", "6", "numSteps", "64", "totalSteps", String.valueOf(6 * 64 * 4), "seed", "7"),
        List.of(new int[] {3, 3}, new int[] {3, 3}, new int[] {2, 1, 3}), "scalar");
    sameBits("CartPole-v1", Map.of("numEnvs", "6", "numSteps", "64", "totalSteps", String.valueOf(6 * 64 * 3), "seed", "8"),
        List.of(new int[] {1, 5}, new int[] {4, 2}), "vector");
  }

  @Test
  void truncationRewardScalingMasksAndBoxActionsSplit() throws IOException {
    // Pendulum: Box actions, truncation at 200 steps (bootstraps), reward scaling replayed by the learner
    sameBits("Pendulum-v1", Map.of("numEnvs", "4", "numSteps", "128", "totalSteps", String.valueOf(4 * 128 * 2), "normObs", "false",
        "normReward", "true", "epochs", "1"), List.of(new int[] {2, 2}, new int[] {1, 3}), "scalar");
    // GridMaze: action masks from the env
    sameBits("GridMaze-v0", Map.of("numEnvs", "4", "numSteps", "64", "totalSteps", String.valueOf(4 * 64 * 2)), List.of(new int[] {3, 1}), "scalar");
  }

  @Test
  void observationNormalisationIsRefusedByName() {
    TrainConfig c = Presets.forEnv("ppo", "Pendulum-v1", "mlp").with(Map.of("normObs", "true"));
    var e = assertThrows(IllegalArgumentException.class, () -> RolloutShard.checkSupported(c));
    assertTrue(e.getMessage().contains("normObs"), e.getMessage());
  }
}
