package vecrl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vecrl.env.EnvRegistry;
import vecrl.plan.TrainerTemplate;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;

/**
 * PPO's bulk-sync execution plan, built from the operators (ParallelRollouts, ConcatBatches,
 * StandardizeFields, TrainOneStep, UpdateKL, StandardMetricsReporting), gives the bits that {@link
 * RegressionHashesTest} recorded for the trainer's own loop: the same runs, through the plan, hashed
 * the same way, against the same recorded hashes (a subset, to keep the suite short: feed-forward
 * PPO and A2C, continuous actions, an LSTM, masks).
 */
final class PlanHashesTest {
  @TempDir Path tmp;

  private static final EnvRegistry REG = EnvRegistry.standard();
  private static final Kernels SCALAR = Backends.byName("scalar");
  private static final Set<String> CASES = Set.of("ppo-cartpole-s1", "a2c-cartpole", "ppo-pendulum", "lstm-cartpolenovel", "masked-gridmaze");

  static Stream<Arguments> runs() {
    return RegressionHashesTest.runs().filter(a -> CASES.contains((String) a.get()[0]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runs")
  void bulkSyncPlanGivesTheRecordedBits(String name, String algo, String env, String policy, long steps, Map<String, String> overrides,
      String metricsHash, String policyHash) throws IOException {
    TrainConfig c = Presets.forEnv(algo, env, policy).with(overrides).with(Map.of("totalSteps", String.valueOf(steps), "evalEpisodes", "0"));
    Path dir = tmp.resolve(name);
    TrainingRun.train(c, REG, dir, List.of(TrainerTemplate.ppo().callback(REG, 0)), SCALAR);
    StringBuilder m = new StringBuilder();
    for (String l : Files.readAllLines(dir.resolve(TrainingRun.METRICS), StandardCharsets.UTF_8)) m.append(l, 0, l.lastIndexOf(',')).append('\n');
    assertEquals(metricsHash, sha256(m.toString().getBytes(StandardCharsets.UTF_8)), name + ": metrics.csv");
    assertEquals(policyHash, sha256(PolicyBytes.weights(dir.resolve(TrainingRun.POLICY))), name + ": policy.bin");
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
