package vecrl.policy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import vecrl.io.ObservationNormalizer;
import vecrl.nn.NetArch;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Rng;

/**
 * Generates the committed format-2 fixture {@value #RESOURCE}: a CartPole-shaped 8-8 policy from
 * seed 2026 with a normaliser and provenance. Run once with {@code
 * main(policy/src/test/resources/vecrl/policy/cartpole-v2.vpol)}; the tests then prove later builds
 * still read it and act the same. examples/embed carries a copy.
 */
final class NewFormatFixture {
  static final String RESOURCE = "/vecrl/policy/cartpole-v2.vpol";
  /** Observations and the greedy actions main printed when the file was generated. */
  static final float[][] OBSERVATIONS = {{0, 0, 0, 0}, {0.1f, 1, -0.05f, -1}, {-0.2f, -1.5f, 0.1f, 2}, {1, 0.5f, -0.2f, 0.3f}};

  static MlpActorCriticPolicy policy() {
    float[] high = {4.8f, Float.MAX_VALUE, 0.41887903f, Float.MAX_VALUE};
    float[] low = {-4.8f, -Float.MAX_VALUE, -0.41887903f, -Float.MAX_VALUE};
    return new MlpActorCriticPolicy(Box.of(low, high), new Discrete(2), MlpPolicyConfig.sb3(NetArch.separate(8, 8)), new Rng(2026));
  }

  static ObservationNormalizer normalizer() {
    return new ObservationNormalizer(new double[] {0.01, -0.02, 0.003, 0.04}, new double[] {0.05, 0.3, 0.002, 0.4}, 12345, 10f, 1e-8);
  }

  static Map<String, String> provenance() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("vecrl", "0.1.0-SNAPSHOT");
    m.put("git", "unknown");
    m.put("jdk", "25 (fixture)");
    m.put("backend", "scalar");
    m.put("env", "CartPole-v1");
    m.put("seed", "2026");
    m.put("steps", "0");
    m.put("config", "env = CartPole-v1\nseed = 2026\n");
    m.put("evaluation", "none (random weights: a format fixture)");
    m.put("date", "2026-12-02T00:00:00Z");
    return m;
  }

  public static void main(String[] args) throws Exception {
    SavedPolicy.save(Path.of(args[0]), policy(), normalizer(), provenance());
    SavedPolicy p = SavedPolicy.load(Path.of(args[0]));
    for (float[] o : OBSERVATIONS) System.out.println(java.util.Arrays.toString(o) + " -> " + p.act(o)[0]);
  }
}
