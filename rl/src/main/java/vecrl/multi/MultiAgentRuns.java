package vecrl.multi;

import java.util.Map;
import vecrl.tensor.Rng;
import vecrl.train.TrainConfig;

/**
 * The measured multi-agent setups of the README (and {@code vecrl train-multi}): PPO with an MLP of
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
   */
  public static MultiAgentTrainer rockPaperScissors(String opponent, long seed, long iterations) {
    var env = new RockPaperScissors(10);
    return MultiAgentTrainer.builder().env(() -> new RockPaperScissors(10))
        .policy("learned", MultiAgentTrainer.learnedPolicy(env, RockPaperScissors.P0, config("RockPaperScissors-v0", seed, 0.01), new Rng(seed)))
        .policy(opponent, HeuristicPolicy.rockPaperScissors(opponent))
        .policyMappingFn((agent, episode) -> agent.equals(RockPaperScissors.P0) ? "learned" : opponent).policiesToTrain("learned")
        .seed(seed).numEnvs(8).episodesPerEnv(4).iterations(iterations).build();
  }

  /** {@code Signaling-v0} (3 targets): policies {@code speaker} and {@code listener} (PPO, entCoef 0.2, both trained); 8 envs x 16 episodes per iteration. */
  public static MultiAgentTrainer signaling(long seed, long iterations) {
    var env = new SignalingGame(3);
    Rng rng = new Rng(seed);
    return MultiAgentTrainer.builder().env(() -> new SignalingGame(3))
        .policy("speaker", MultiAgentTrainer.learnedPolicy(env, SignalingGame.SPEAKER, config("Signaling-v0", seed, 0.2), rng.split()))
        .policy("listener", MultiAgentTrainer.learnedPolicy(env, SignalingGame.LISTENER, config("Signaling-v0", seed, 0.2), rng.split()))
        .policyMappingFn((agent, episode) -> agent).policiesToTrain("speaker", "listener")
        .seed(seed).numEnvs(8).episodesPerEnv(16).iterations(iterations).build();
  }
}
