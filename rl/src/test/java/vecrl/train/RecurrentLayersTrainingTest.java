package vecrl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.env.Dynamics;
import vecrl.env.DynamicsEnv;
import vecrl.env.EnvRegistry;
import vecrl.env.Transition;
import vecrl.nn.LayerNormLSTMCell;
import vecrl.policy.RecurrentActorCriticPolicy;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * A short training run of a recurrent policy with two stacked layer-normalised LSTM layers
 * ({@code policyArgs = layer_norm=true,n_lstm_layers=2}) on a task that needs memory, and the
 * policyArgs of the built-in recurrent policies.
 */
final class RecurrentLayersTrainingTest {
  @TempDir Path tmp;

  /**
   * Recall: a cue (0 or 1, uniform) is shown at the first step only, then {@value #DELAY} blank steps,
   * the last of them flagged; the action at the flagged step earns +1 if it names the cue, -1 if not
   * (actions before it earn 0). A policy without memory sees the same observation at the flagged step
   * whatever the cue, so its greedy mean return is 0 in expectation; one that remembers the cue
   * returns +1.
   */
  static final class Recall implements Dynamics<int[], float[], Integer> {
    static final int DELAY = 3;
    private static final Box OBS = new Box(0f, 1f, 3);

    @Override public Space<float[]> observationSpace() { return OBS; }
    @Override public Space<Integer> actionSpace() { return new Discrete(2); }
    @Override public int[] initialState(Rng rng) { return new int[] {0, rng.nextInt(2)}; }

    @Override
    public Transition<int[]> step(int[] s, Integer action) {
      int[] next = {s[0] + 1, s[1]};
      if (s[0] == DELAY) return new Transition<>(next, action == s[1] ? 1.0 : -1.0, true);
      return new Transition<>(next, 0.0, false);
    }

    @Override
    public float[] observation(int[] s) {
      return new float[] {s[0] == 0 && s[1] == 0 ? 1f : 0f, s[0] == 0 && s[1] == 1 ? 1f : 0f, s[0] == DELAY ? 1f : 0f};
    }
  }

  static EnvRegistry registry() {
    return EnvRegistry.standard().register("Recall-v0", () -> new DynamicsEnv<>(new Recall()), 0);
  }

  @Test
  void stackedLayerNormalisedLstmLearnsToRecallTheCue() throws IOException {
    TrainConfig c = TrainConfig.defaults("Recall-v0").with(Map.ofEntries(Map.entry("policy", "lstm"),
        Map.entry("policyArgs", "layer_norm=true,n_lstm_layers=2"), Map.entry("cellSize", "16"), Map.entry("hidden", "16"),
        Map.entry("numEnvs", "8"), Map.entry("numSteps", "16"), Map.entry("seqLen", "16"), Map.entry("epochs", "4"),
        Map.entry("minibatches", "2"), Map.entry("learningRate", "0.003"), Map.entry("entCoef", "0.01"), Map.entry("evalEpisodes", "0"),
        Map.entry("totalSteps", "12288"), Map.entry("seed", "1")));
    TrainingRun.Result r = TrainingRun.train(c, registry(), tmp.resolve("run"), List.of());
    RecurrentActorCriticPolicy p = (RecurrentActorCriticPolicy) r.trainer().network();
    assertEquals(2, p.stack().layerCount());
    assertTrue(p.stack().layer(1) instanceof LayerNormLSTMCell);
    double mean = r.trainer().evaluate(100, 99).mean();
    // a memoryless policy's expectation is 0; 100 episodes of one: at most about +-0.3
    assertTrue(mean >= 0.9, "greedy mean return " + mean + " over 100 episodes, expected >= 0.9");
    // the saved run loads back with the same structure (policyArgs are part of the run's config)
    PolicyFile.Loaded l = PolicyFile.load(tmp.resolve("run").resolve(TrainingRun.POLICY), c, registry().spec(c.env()));
    assertEquals(p.config(), ((RecurrentActorCriticPolicy) l.policy()).config());
  }

  @Test
  void recurrentPolicyArgsAreCheckedByName() {
    TrainConfig c = TrainConfig.defaults("CartPoleNoVel-v1").with(Map.of("policy", "gru", "cellSize", "8"));
    assertEquals(3, Policies.recurrentConfig(c.with("policyArgs", "n_lstm_layers=3")).layers());
    assertEquals(1, Policies.recurrentConfig(c).layers());
    var e = assertThrows(IllegalArgumentException.class, () -> Policies.recurrentConfig(c.with("policyArgs", "layer_norm=true")));
    assertTrue(e.getMessage().contains("layerNorm") && e.getMessage().contains("gru"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Policies.recurrentConfig(c.with("policyArgs", "n_lstm=64")));
    assertTrue(e.getMessage().contains("n_lstm") && e.getMessage().contains("n_lstm_layers"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Policies.recurrentConfig(c.with("policyArgs", "n_lstm_layers=two")));
    assertTrue(e.getMessage().contains("two"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Policies.recurrentConfig(c.with("policyArgs", "layer_norm=yes")));
    assertTrue(e.getMessage().contains("yes"), e.getMessage());
  }
}
