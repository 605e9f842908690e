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
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vecrl.env.EnvRegistry;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;

/**
 * Same seed, same bits, across refactors: short runs of each kind of training (PPO on three seeds, A2C,
 * continuous actions with both normalisers, a preset with many envs, an LSTM, masks), on the scalar
 * reference kernels, hashed as SHA-256 of {@code metrics.csv} (without the wall-clock steps/s column)
 * and of {@code policy.bin}'s weights (its version-1 encoding: the self-describing file adds the date).
 *
 * <p>The expected hashes were recorded by commit 6b680c8 (the trainer before the "open training"
 * split), with the environment variable {@code VECRL_PRINT_HASHES} set printing the actual ones. A change that alters them
 * must say why in its commit message, and show that learning is unchanged. Changed since: the three
 * PPO CartPole runs, when CartPole-v1 took Gymnasium's order of operations (issue 15; the A2C
 * CartPole run's bits happened not to change).
 */
final class RegressionHashesTest {
  @TempDir Path tmp;

  private static final EnvRegistry REG = EnvRegistry.standard();
  private static final Kernels SCALAR = Backends.byName("scalar");

  /** name, algo, env, policy, steps, overrides, metrics hash, policy hash */
  static Stream<Arguments> runs() {
    return Stream.of(
        run("ppo-cartpole-s1", "ppo", "CartPole-v1", "mlp", 10_240, Map.of("seed", "1"),
            "d806ea132490ad3c9d2bc513e5e6ac78040145961adda8b71ac5dd46bd595318",
            "9d5ae3d4ad9de5bab705134fbd66dc221007ad7db16d7eeb5c838e1d90533b8d"),
        run("ppo-cartpole-s2", "ppo", "CartPole-v1", "mlp", 10_240, Map.of("seed", "2"),
            "8797036f9b3efa4fc382c0cad37b2d61c5a15fe9134c4466e3e1a8afbe4da223",
            "99cc0dfb5986d88a8654d11bd473cded06812c03f83b893c9240d710f78df332"),
        run("ppo-cartpole-s3", "ppo", "CartPole-v1", "mlp", 10_240, Map.of("seed", "3"),
            "f4622756c336e272c33ebcc50ade2e095eeebe2325c4164b63b94325ad05f5ff",
            "925ef22ca87b7d17597e0708041ddf2f85bdd637de927e9c36571d575436305c"),
        run("a2c-cartpole", "a2c", "CartPole-v1", "mlp", 8_000, Map.of(),
            "9578dbec70f8edbf3e150770773bc0962c7a2cc86bb5612a231ab1a5f712957d",
            "32592c869bc81adf87f37c20372b3f89c77072f37b34b0ab495ac568f1a7dab9"),
        run("ppo-pendulum", "ppo", "Pendulum-v1", "mlp", 4_096, Map.of("epochs", "2"),
            "934c4dc59f9aeae6b059ea8d0d81a126657a8816df380338afeac26948380753",
            "56c4bd879742d9a936ceea7af76a70967028ff14d6fbd3758ff0fa8662f9d7d8"),
        run("ppo-acrobot", "ppo", "Acrobot-v1", "mlp", 8_192, Map.of("epochs", "2", "minibatches", "16"),
            "db3ed2b06eb4ce203875e222afc504964b1a68c18939e2fd025e0809e27f56c3",
            "958f375143fdc0bdc88f1b4208cfa4804cf1044578d4ba92e0509c22d1dd2e64"),
        run("lstm-cartpolenovel", "ppo", "CartPoleNoVel-v1", "lstm", 2_560, Map.of("cellSize", "32", "hidden", "32"),
            "6c29108413a492477d877c7a6c99afcc313102051e0bf444c717295e8a8a87cf",
            "25190e6b1171a33b0839257585cb4250890e700351bf895b32b0c5fbb9a62106"),
        run("masked-gridmaze", "ppo", "GridMaze-v0", "mlp", 5_120, Map.of(),
            "0fc175950b91a9e845e349c61448e040a1622353e57ce3e5b452e5b688dff236",
            "893122a23b899bf26c5dd305d45f02ccad1f252b3e656db477eeffd11a6c730a"));
  }

  private static Arguments run(String name, String algo, String env, String policy, long steps, Map<String, String> overrides,
      String metricsHash, String policyHash) {
    return Arguments.of(name, algo, env, policy, steps, overrides, metricsHash, policyHash);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runs")
  void sameBitsAsRecorded(String name, String algo, String env, String policy, long steps, Map<String, String> overrides,
      String metricsHash, String policyHash) throws IOException {
    TrainConfig c = Presets.forEnv(algo, env, policy).with(overrides).with(Map.of("totalSteps", String.valueOf(steps), "evalEpisodes", "0"));
    Path dir = tmp.resolve(name);
    TrainingRun.train(c, REG, dir, List.of(), SCALAR);
    StringBuilder m = new StringBuilder();
    for (String l : Files.readAllLines(dir.resolve(TrainingRun.METRICS), StandardCharsets.UTF_8)) {
      m.append(l, 0, l.lastIndexOf(',')).append('\n');
    }
    String mh = sha256(m.toString().getBytes(StandardCharsets.UTF_8));
    String ph = sha256(PolicyBytes.weights(dir.resolve(TrainingRun.POLICY))); // the version-1 bytes: provenance aside
    if (System.getenv("VECRL_PRINT_HASHES") != null) System.out.println("HASH " + name + " " + mh + " " + ph);
    assertEquals(metricsHash, mh, name + ": metrics.csv");
    assertEquals(policyHash, ph, name + ": policy.bin");
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
