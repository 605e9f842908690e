package vecrl.multi;

import java.util.Map;
import vecrl.train.TrainConfig;

/**
 * The measured multi-agent setups of the README (and {@code vecrl train --env ... --policies ...}): PPO with an MLP of
 * 32,32, Adam 3e-3 constant, 4 epochs x 4 minibatches, gamma 0.9.
 */
public final class MultiAgentRuns {
  private MultiAgentRuns() {}

  /** The learned policies' config: the setup above with {@code entCoef} and {@code seed}. */
  public static TrainConfig config(String env, long seed, double entCoef) {
    return TrainConfig.defaults(env).with(Map.of("hidden", "32", "learningRate", "0.003", "lrSchedule", "constant", "epochs", "4",
        "minibatches", "4", "entCoef", String.valueOf(entCoef), "gamma", "0.9", "seed", String.valueOf(seed)));
  }

  /**
   * {@code RockPaperScissors-v0} (10 rounds): policy {@code learned} (PPO, entCoef 0.01, trained)
   * plays {@code player_0} against the heuristic {@code opponent} ({@link
   * HeuristicPolicy#rockPaperScissors}) as {@code player_1}; 8 envs x 4 episodes per iteration.
   * The spec {@code learned=ppo,OPPONENT=OPPONENT} ({@link MultiAgentSpec}).
   */
  public static MultiAgentTrainer rockPaperScissors(String opponent, long seed, long iterations) {
    return new MultiAgentSpec("RockPaperScissors-v0", ordered("learned", "ppo", opponent, opponent), seed, iterations).build();
  }

  /**
   * {@code Signaling-v0} (3 targets): policies {@code speaker} and {@code listener} (PPO, entCoef 0.2,
   * both trained); 8 envs x 16 episodes per iteration. The spec {@code speaker=ppo,listener=ppo}.
   */
  public static MultiAgentTrainer signaling(long seed, long iterations) {
    return new MultiAgentSpec("Signaling-v0", ordered("speaker", "ppo", "listener", "ppo"), seed, iterations).build();
  }

  private static Map<String, String> ordered(String... kv) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }
}
