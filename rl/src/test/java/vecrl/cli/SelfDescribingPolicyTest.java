package vecrl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.env.EnvRegistry;
import vecrl.io.PolicyIO;
import vecrl.policy.PolicyState;
import vecrl.policy.SavedPolicy;
import vecrl.tensor.Backends;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.train.PolicyFile;
import vecrl.train.TrainConfig;
import vecrl.train.TrainingRun;

/** A run's policy.bin is a version-2 file: SavedPolicy alone acts as the trainer's loader does, and inspect prints it. */
final class SelfDescribingPolicyTest {
  @TempDir Path tmp;

  @Test
  void aTrainedRunWithANormaliserLoadsWithSavedPolicyAloneAndInspects() throws IOException {
    EnvRegistry reg = EnvRegistry.standard();
    TrainConfig c = TrainConfig.defaults("CartPole-v1").with(Map.of("totalSteps", "1024", "evalEpisodes", "2", "evalEvery", "512", "seed", "3",
        "normObs", "true"));
    TrainingRun.Result r = TrainingRun.train(c, reg, tmp.resolve("run"), List.of(), Backends.byName("scalar"));
    Path f = r.dir().resolve(TrainingRun.POLICY);
    assertEquals(PolicyIO.VERSION_2, PolicyIO.checkHeader(Files.readAllBytes(f), "f"));
    SavedPolicy saved = SavedPolicy.load(f);
    PolicyFile.Loaded old = PolicyFile.load(f, c, reg.spec("CartPole-v1"));
    assertTrue(old.obsRms() != null && saved.normalizer() != null);
    PolicyState s = old.policy().reset(new Rng(0));
    Rng rng = new Rng(8);
    for (int k = 0; k < 100; k++) {
      float[] x = {rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(-0.2f, 0.2f), rng.uniform(-2, 2)};
      float[] z = x.clone();
      old.normalize(z);
      old.policy().act(s, Tensor.of(z, 4), null, null);
      assertArrayEquals(s.action().toArray(), saved.act(x), "observation " + k);
    }
    Map<String, String> p = saved.provenance();
    assertEquals("CartPole-v1", p.get("env"));
    assertEquals("3", p.get("seed"));
    assertEquals(String.valueOf(r.totalSteps()), p.get("steps"));
    assertEquals(c.toText(), p.get("config"));
    assertTrue(p.get("evaluation").startsWith("greedy, 2 episodes"), p.get("evaluation"));
    assertEquals("scalar", p.get("backend"));
    for (String k : List.of("vecrl", "git", "jdk", "date")) assertTrue(p.containsKey(k), k);
    assertEquals(PolicyIO.VERSION_2, PolicyIO.checkHeader(Files.readAllBytes(r.dir().resolve(TrainingRun.BEST_POLICY)), "best"));

    CliRun out = CliRun.of("inspect", f.toString());
    assertEquals(0, out.code(), out.err());
    for (String want : List.of("format version 2", "MlpActorCriticPolicy", "normaliser   4 components", "env: CartPole-v1", "parameters", "total (")) {
      assertTrue(out.out().contains(want), want + " in\n" + out.out());
    }
    Path v1 = tmp.resolve("v1.bin");
    PolicyIO.serialize(saved.policy(), v1);
    CliRun one = CliRun.of("inspect", v1.toString());
    assertEquals(0, one.code(), one.err());
    assertTrue(one.out().contains("format version 1") && one.out().contains("total ("), one.out());
    CliRun bad = CliRun.of("inspect", tmp.resolve("run/config.properties").toString());
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("not a vecrl policy file"), bad.err());
  }
}
