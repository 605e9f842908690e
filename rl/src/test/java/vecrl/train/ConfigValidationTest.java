package vecrl.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every numeric key of TrainConfig is range-checked at load; the error names the key, the value and the valid range. */
final class ConfigValidationTest {
  @Test
  void everyNumericKeyRefusesValuesOutsideItsRange() {
    Map<String, List<String>> bad = new LinkedHashMap<>();
    bad.put("totalSteps", List.of("0", "-5", "2.7", "1e300", "NaN"));
    bad.put("seed", List.of("1.5", "1e300", "abc"));
    bad.put("numEnvs", List.of("0", "-1", "1e10"));
    bad.put("numSteps", List.of("0", "-1"));
    bad.put("epochs", List.of("0"));
    bad.put("minibatches", List.of("0", "7"));
    for (String k : List.of("learningRate", "adamEps", "rmsEps", "clipCoef", "clipObs", "clipReward", "lrStepGamma")) {
      bad.put(k, List.of("0", "-1", "NaN", "Infinity"));
    }
    for (String k : List.of("entCoef", "vfCoef", "lrMin", "weightDecay")) bad.put(k, List.of("-0.1", "NaN", "Infinity"));
    for (String k : List.of("maxGradNorm", "targetKl")) bad.put(k, List.of("NaN", "Infinity", "-Infinity"));
    for (String k : List.of("gamma", "gaeLambda")) bad.put(k, List.of("-0.1", "1.5", "NaN"));
    for (String k : List.of("rmsAlpha", "adamBeta1", "adamBeta2", "momentum")) bad.put(k, List.of("-0.1", "1", "NaN"));
    bad.put("logStdInit", List.of("-50", "3", "NaN", "Infinity"));
    bad.put("stopReturn", List.of("Infinity", "-Infinity"));
    bad.put("envThreads", List.of("0"));
    bad.put("evalEpisodes", List.of("-1"));
    bad.put("evalEvery", List.of("-1"));
    bad.put("checkpointEvery", List.of("-1"));
    bad.put("cellSize", List.of("0"));
    bad.put("seqLen", List.of("0"));
    bad.put("lrStepEvery", List.of("0"));
    TrainConfig base = TrainConfig.defaults("CartPole-v1");
    for (var e : bad.entrySet()) {
      for (String v : e.getValue()) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> base.with(e.getKey(), v), e.getKey() + " = " + v);
        String m = x.getMessage();
        assertTrue(m.startsWith("config: " + e.getKey() + " = "), m);
        assertTrue(m.contains("expected"), m);
      }
    }
    // the documented special values stay valid
    base.with(Map.of("stopReturn", "NaN", "maxGradNorm", "0", "targetKl", "-1", "evalEvery", "0", "logStdInit", "-20"));
  }
}
