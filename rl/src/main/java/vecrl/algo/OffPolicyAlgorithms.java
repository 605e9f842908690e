package vecrl.algo;

import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.MlpDeterministicPolicy;
import vecrl.policy.MlpDiscreteSacPolicy;
import vecrl.policy.MlpSacPolicy;
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

  /** gSDE's clamp of the actor's mean (Stable-Baselines3's SAC {@code clip_mean} default). */
  public static final float SDE_CLIP_MEAN = 2f;

  /**
   * The untrained model of a run of {@code config} (an off-policy algorithm with the built-in {@code
   * policy = mlp}) for the env's spaces, initialised from {@code rng}.
   */
  public static ActorCriticPolicy model(TrainConfig config, Space<?> observationSpace, Space<?> actionSpace, Rng rng) {
    return switch (config.algo()) {
      case DQN -> Dqn.model(observationSpace, actionSpace, config, rng);
      case SAC -> new MlpSacPolicy(observationSpace, actionSpace, config.hiddenSizes(), config.hiddenSizes(), config.activation(), 2,
          0f, config.useSde() ? new MlpSacPolicy.Sde((float) config.logStdInit(), SDE_CLIP_MEAN) : null, rng);
      case SAC_DISCRETE -> new MlpDiscreteSacPolicy(observationSpace, actionSpace, config.hiddenSizes(), config.hiddenSizes(),
          config.activation(), 2, 0f, rng);
      case TD3 -> new MlpDeterministicPolicy("TD3", observationSpace, actionSpace, config.hiddenSizes(), config.hiddenSizes(),
          config.activation(), 2, rng);
      case DDPG -> new MlpDeterministicPolicy("DDPG", observationSpace, actionSpace, config.hiddenSizes(), config.hiddenSizes(),
          config.activation(), 1, rng);
      default -> throw new IllegalArgumentException("algo " + config.algo() + " is not an off-policy algorithm");
    };
  }

  /** SAC's settings from {@code config} (targets updated every gradient step, as SB3's {@code target_update_interval = 1}). */
  public static Sac.Settings sacSettings(TrainConfig config) {
    return new Sac.Settings(config.gamma(), config.tau(), learningRate(config), config.learningStarts(), config.autoEntropy(),
        config.initEntCoef(), config.targetEntropy(), config.policyDelay(), 1, config.sdeSampleFreq());
  }

  /**
   * SAC, discrete SAC, TD3 and DDPG use Adam (betas 0.9, 0.999, eps 1e-8: PyTorch's defaults, which
   * Stable-Baselines3 keeps) with a constant learning rate; a config that asks for anything else is an
   * error rather than a setting silently ignored.
   */
  private static double learningRate(TrainConfig c) {
    String a = c.algo().toString();
    if (c.optimizer() != TrainConfig.OptimizerKind.ADAM || c.adamEps() != 1e-8 || c.adamBeta1() != 0.9 || c.adamBeta2() != 0.999
        || c.weightDecay() != 0) {
      throw new IllegalArgumentException(a + " uses Adam with betas 0.9, 0.999, eps 1e-8 and no weight decay; the config has optimizer = "
          + c.optimizer() + ", adamEps = " + c.adamEps() + ", adamBeta1 = " + c.adamBeta1() + ", adamBeta2 = " + c.adamBeta2()
          + ", weightDecay = " + c.weightDecay());
    }
    if (c.lrSchedule() != TrainConfig.Schedule.CONSTANT) {
      throw new IllegalArgumentException(a + " uses a constant learning rate; the config has lrSchedule = " + c.lrSchedule());
    }
    return c.learningRate();
  }

  /** The algorithm of {@code config} training {@code model}, its tapes and optimizers on {@code kernels}. */
  public static OffPolicyAlgorithm of(TrainConfig config, ActorCriticPolicy model, Kernels kernels) {
    return switch (config.algo()) {
      case DQN -> new TemplateOffPolicy(Algorithms.dqn().build(model, config, kernels));
      case SAC -> new Sac(model, sacSettings(config), kernels);
      case SAC_DISCRETE -> new DiscreteSac(model, new DiscreteSac.Settings(config.gamma(), config.tau(), learningRate(config),
          config.learningStarts(), config.autoEntropy(), config.initEntCoef(), config.targetEntropyScale(), config.policyDelay(), 1), kernels);
      case TD3 -> new Td3(model, new Td3.Settings("td3", config.gamma(), config.tau(), learningRate(config), config.learningStarts(),
          config.policyDelay(), config.targetPolicyNoise(), config.targetNoiseClip(), config.actionNoise()), kernels);
      case DDPG -> new Td3(model, new Td3.Settings("ddpg", config.gamma(), config.tau(), learningRate(config), config.learningStarts(), 1,
          0, 0, config.actionNoise()), kernels);
      default -> throw new IllegalArgumentException("algo " + config.algo() + " is not an off-policy algorithm");
    };
  }
}
