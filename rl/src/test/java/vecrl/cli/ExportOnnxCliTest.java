package vecrl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.env.EnvRegistry;
import vecrl.policy.MlpActorCriticPolicy;
import vecrl.train.PolicyFile;
import vecrl.train.TrainConfig;

/**
 * {@code vecrl export-onnx}: the file it writes is the one {@code OnnxExport} writes for the run's
 * policy and normaliser (the ONNX itself is checked against ONNX Runtime in the onnx module's tests).
 */
final class ExportOnnxCliTest {
  @TempDir Path tmp;

  @Test
  void exportsTheRunsPolicyWithItsNormaliser() throws Exception {
    Path out = tmp.resolve("runs");
    CliRun r = CliRun.of("train", "--env", "Pendulum-v1", "--steps", "2048", "--out", out.toString(), "--set", "evalEpisodes=0", "--quiet");
    assertEquals(0, r.code(), r.err());
    Path dir = out.resolve("Pendulum-v1_ppo_s1");
    Path onnx = tmp.resolve("p.onnx");
    CliRun e = CliRun.of("export-onnx", dir.toString(), onnx.toString());
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("observation normaliser included"), e.out());
    // the same bytes as the Java API on the loaded policy and normaliser
    TrainConfig c = TrainConfig.load(dir.resolve("config.properties"));
    PolicyFile.Loaded l = PolicyFile.load(dir.resolve("policy.bin"), c, EnvRegistry.standard().spec(c.env()));
    var s = l.obsRms().state();
    float[] mean = new float[s.mean().length], var = new float[s.var().length];
    for (int i = 0; i < mean.length; i++) {
      mean[i] = (float) s.mean()[i];
      var[i] = (float) s.var()[i];
    }
    Path direct = tmp.resolve("direct.onnx");
    vecrl.onnx.OnnxExport.export((MlpActorCriticPolicy) l.policy(), new vecrl.onnx.OnnxExport.Normalization(mean, var, PolicyFile.EPSILON, l.clipObs()),
        direct);
    assertArrayEquals(Files.readAllBytes(direct), Files.readAllBytes(onnx));
    CliRun bad = CliRun.of("export-onnx", tmp.resolve("nope").toString(), onnx.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("neither a run directory nor a policy file"), bad.err());
  }
}
