package vecrl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.env.EnvRegistry;
import vecrl.env.RunningMeanStd;

/** obs_normalizer.properties is validated on load: a negative variance used to evaluate as "NaN ± NaN". */
final class NormalizerFileTest {
  @TempDir Path tmp;

  @Test
  void invalidStatisticsAreRefusedNamingTheKey() throws IOException {
    TrainConfig c = TrainConfig.defaults("CartPole-v1").with(Map.of("normObs", "true", "hidden", "4"));
    var spec = EnvRegistry.standard().spec("CartPole-v1");
    Path f = tmp.resolve("policy.bin");
    RunningMeanStd rms = new RunningMeanStd(4);
    PolicyFile.save(f, PolicyFile.skeleton(c, spec), rms, 10f);
    assertEquals(4, PolicyFile.load(f, c, spec).obsRms().size());
    Path norm = PolicyFile.normalizerFile(f);
    String good = Files.readString(norm);
    String[][] bad = {
      {"var = 1.0, 1.0, 1.0, 1.0", "var = 1.0, -1.0, 1.0, 1.0", "var[1] = -1.0"},
      {"var = 1.0, 1.0, 1.0, 1.0", "var = 1.0, NaN, 1.0, 1.0", "var[1] = NaN"},
      {"mean = 0.0, 0.0, 0.0, 0.0", "mean = 0.0, 0.0, Infinity, 0.0", "mean[2] = Infinity"},
      {"count = 1.0E-4", "count = -3", "count = -3.0"},
      {"clip = 10.0", "clip = 0", "clip = 0.0"},
      {"clip = 10.0", "clip = \u001b[31m", "clip: '\\u001b[31m' is not a number"},
    };
    for (String[] b : bad) {
      assertTrue(good.contains(b[0]), good);
      Files.writeString(norm, good.replace(b[0], b[1]));
      IOException e = assertThrows(IOException.class, () -> PolicyFile.load(f, c, spec));
      assertTrue(e.getMessage().startsWith(norm.toString()) && e.getMessage().contains(b[2]), e.getMessage());
    }
  }
}
