package vecrl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.env.EnvRegistry;

/** Periodic evaluation keeps the best policy and can stop a run; training's bits do not change. */
final class BestModelTest {
  @TempDir Path tmp;

  private static String metricsWithoutSpeed(Path dir) throws Exception {
    StringBuilder b = new StringBuilder();
    for (String line : Files.readAllLines(dir.resolve(TrainingRun.METRICS), StandardCharsets.UTF_8)) b.append(line, 0, line.lastIndexOf(',')).append('\n');
    return b.toString();
  }

  /**
   * A version-2 policy file's fingerprint, weight records and normaliser: everything but the
   * provenance (which names the config and the date).
   */
  private static byte[] weights(Path policyFile) throws java.io.IOException {
    byte[] b = Files.readAllBytes(policyFile);
    int specEnd = 48 + java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(44);
    String spec = vecrl.io.PolicyIO.spec(b, policyFile.toString()).lines().filter(l -> !l.startsWith("provenance.")).reduce("", String::concat);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(b, 0, 32);
    out.write(spec.getBytes(StandardCharsets.UTF_8));
    out.write(b, specEnd, b.length - 32 - specEnd);
    return out.toByteArray();
  }

  /** Pendulum's preset normalises observations, so the best policy's normaliser is written too. */
  @Test
  void bestPolicyIsTheBestEvaluationsAndTrainingIsUnchanged() throws Exception {
    EnvRegistry reg = EnvRegistry.standard();
    TrainConfig base = Presets.forEnv("ppo", "Pendulum-v1").with(Map.of("totalSteps", "8192", "numEnvs", "4", "numSteps", "256",
        "minibatches", "8", "evalEpisodes", "2"));
    TrainingRun.Result plain = TrainingRun.train(base, reg, tmp.resolve("plain"), List.of());
    TrainingRun.Result evald = TrainingRun.train(base.with("evalEvery", "1024"), reg, tmp.resolve("eval"), List.of());
    assertNull(evald.stoppedEarly());
    Path dir = tmp.resolve("eval");
    // evaluation draws nothing from training: the same metrics and policy, bit for bit
    assertEquals(metricsWithoutSpeed(tmp.resolve("plain")), metricsWithoutSpeed(dir));
    assertArrayEquals(weights(tmp.resolve("plain/policy.bin")), weights(dir.resolve("policy.bin")));
    assertEquals(plain.evaluation().mean(), evald.evaluation().mean());

    // the best line of evaluations.txt is the one best_policy.txt names
    List<String> lines = Files.readAllLines(dir.resolve(TrainingRun.EVALUATIONS));
    assertEquals(8, lines.size());
    long bestStep = -1;
    double best = Double.NEGATIVE_INFINITY;
    for (String l : lines) {
      double mean = Double.parseDouble(l.substring(l.indexOf(": ") + 2, l.indexOf(" +-")));
      long step = Long.parseLong(l.substring("eval at step ".length(), l.indexOf(':')));
      assertEquals(mean > best, l.endsWith("(new best)"), l);
      if (mean > best) {
        best = mean;
        bestStep = step;
      }
    }
    Map<String, String> info = TrainConfig.parse(Files.readString(dir.resolve(TrainingRun.BEST_POLICY_INFO)));
    assertEquals(bestStep, Long.parseLong(info.get("step")));
    // best_policy.bin, loaded with its own normaliser, gives back the recorded mean return exactly
    assertTrue(Files.exists(dir.resolve("best_obs_normalizer.properties")) && Files.exists(dir.resolve("obs_normalizer.properties")));
    TrainConfig c = TrainConfig.load(dir.resolve(TrainingRun.CONFIG));
    PolicyFile.Loaded l = PolicyFile.load(dir.resolve(TrainingRun.BEST_POLICY), c, reg.spec("Pendulum-v1"));
    Evaluation again = Trainer.evaluate(l.policy(), vecrl.tensor.Backends.kernels(), reg.spec("Pendulum-v1"), l.obsRms(), l.clipObs(), 2,
        TrainingRun.evalSeed(c), c.useMasks());
    assertEquals(Double.parseDouble(info.get("mean_return")), again.mean());
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(dir.resolve("best_obs_normalizer.properties")),
        Files.readAllBytes(dir.resolve("obs_normalizer.properties"))) && bestStep == 8192, "the final normaliser is the best's only at the last step");
  }

  @Test
  void stopsAfterEvaluationsWithoutImprovement() throws Exception {
    TrainConfig c = TrainConfig.defaults("CartPole-v1").with(Map.of("totalSteps", "51200", "evalEvery", "1024", "evalEpisodes", "1",
        "stopNoImprovement", "2", "learningRate", "0.001", "minibatches", "16"));
    TrainingRun.Result r = TrainingRun.train(c, EnvRegistry.standard(), tmp.resolve("run"), List.of());
    assertNotNull(r.stoppedEarly(), "CartPole reaches 500 (which cannot improve) long before 51,200 steps");
    assertTrue(r.stoppedEarly().contains("stopNoImprovement = 2"), r.stoppedEarly());
    assertTrue(r.totalSteps() < 51_200);
    List<String> lines = Files.readAllLines(tmp.resolve("run").resolve(TrainingRun.EVALUATIONS));
    int n = lines.size();
    // the last two evaluations are not new bests, the one before is, and the run stopped at the last
    assertTrue(lines.get(n - 3).endsWith("(new best)") && !lines.get(n - 2).endsWith("(new best)") && !lines.get(n - 1).endsWith("(new best)"),
        lines.toString());
    assertTrue(lines.get(n - 1).startsWith("eval at step " + r.totalSteps() + ":"), lines.get(n - 1));
    Metrics m = Metrics.read(tmp.resolve("run").resolve(TrainingRun.METRICS));
    assertEquals(r.totalSteps(), m.steps()[m.rows() - 1]);
  }

  @Test
  void stopsAtTheReturnThreshold() throws Exception {
    TrainConfig c = TrainConfig.defaults("CartPole-v1").with(Map.of("totalSteps", "51200", "stopReturn", "40", "evalEpisodes", "0"));
    TrainingRun.Result r = TrainingRun.train(c, EnvRegistry.standard(), tmp.resolve("run"), List.of());
    assertNotNull(r.stoppedEarly());
    assertTrue(r.stoppedEarly().contains("stopReturn = 40"), r.stoppedEarly());
    double[] ret = Metrics.read(tmp.resolve("run").resolve(TrainingRun.METRICS)).column("mean_return");
    assertTrue(ret[ret.length - 1] >= 40, "the last row reached the threshold");
    for (int i = 0; i < ret.length - 1; i++) assertFalse(ret[i] >= 40, "row " + i + " reached it before the stop");
    assertTrue(r.totalSteps() < 51_200);
  }

  @Test
  void metricsJsonLinesMatchTheCsv() throws Exception {
    TrainConfig c = TrainConfig.defaults("CartPole-v1").with(Map.of("totalSteps", "1024", "evalEpisodes", "0"));
    Path dir = tmp.resolve("run");
    TrainingRun.train(c, EnvRegistry.standard(), dir, List.of());
    List<String> csv = Files.readAllLines(dir.resolve(TrainingRun.METRICS));
    List<String> json = Files.readAllLines(dir.resolve(TrainingRun.METRICS_JSONL));
    assertEquals(csv.size() - 1, json.size());
    String[] names = csv.get(0).split(",");
    for (int r = 0; r < json.size(); r++) {
      String[] f = csv.get(r + 1).split(",");
      for (int i = 0; i < names.length; i++) {
        String expect = "\"" + names[i] + "\":" + (f[i].equals("NaN") ? "null" : f[i]);
        assertTrue(json.get(r).contains(expect), json.get(r) + " lacks " + expect);
      }
    }
    // provenance comments lead config.properties, and the config still loads and equals the run's
    String text = Files.readString(dir.resolve(TrainingRun.CONFIG));
    assertTrue(text.startsWith("# provenance of the run\n#   vecrl: ") && text.contains("#   jdk: ") && text.contains("#   cpu: ")
        && text.contains("#   started: ") && text.contains("#   kernel threads: ") && text.contains("#   git: "), text);
    assertEquals(c, TrainConfig.load(dir.resolve(TrainingRun.CONFIG)));
    // a resume keeps them, adds its own, and still compares equal with the checkpoint's config
    TrainingRun.resume(dir, EnvRegistry.standard(), Policies.defaultRegistry(), 2048, List.of(), vecrl.tensor.Backends.kernels());
    String after = Files.readString(dir.resolve(TrainingRun.CONFIG));
    assertTrue(after.startsWith(text.substring(0, text.indexOf("# vecrl training config"))) && after.contains("# resumed to 2048 steps in all"), after);
    assertEquals(c.with("totalSteps", "2048"), TrainConfig.load(dir.resolve(TrainingRun.CONFIG)));
    assertEquals(4, Files.readAllLines(dir.resolve(TrainingRun.METRICS_JSONL)).size());
  }
}
