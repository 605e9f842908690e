package vecrl.algo;

import vecrl.policy.ActorCriticPolicy;
import vecrl.space.Space;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.train.TrainConfig;

/**
 * The built-in off-policy algorithms: for each {@link TrainConfig.Algo} with {@code offPolicy}, the
 * model a run trains (what {@code policy.bin} holds and {@code eval} rebuilds) and the algorithm
 * around it. A new algorithm adds its case to both switches (see {@link OffPolicyAlgorithm}).
 */
public final class OffPolicyAlgorithms {
  private OffPolicyAlgorithms() {}

  /**
   * The untrained model of a run of {@code config} (an off-policy algorithm with the built-in {@code
   * policy = mlp}) for the env's spaces, initialised from {@code rng}.
   */
  public static ActorCriticPolicy model(TrainConfig config, Space<?> observationSpace, Space<?> actionSpace, Rng rng) {
    return switch (config.algo()) {
      case DQN -> Dqn.model(observationSpace, actionSpace, config, rng);
      default -> throw new IllegalArgumentException("algo " + config.algo() + " is not an off-policy algorithm");
    };
  }

  /** The algorithm of {@code config} training {@code model}, its tapes and optimizers on {@code kernels}. */
  public static OffPolicyAlgorithm of(TrainConfig config, ActorCriticPolicy model, Kernels kernels) {
    return switch (config.algo()) {
      case DQN -> new TemplateOffPolicy(Algorithms.dqn().build(model, config, kernels));
      default -> throw new IllegalArgumentException("algo " + config.algo() + " is not an off-policy algorithm");
    };
  }
}
