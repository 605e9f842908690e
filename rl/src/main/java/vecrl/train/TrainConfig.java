package vecrl.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vecrl.nn.Activation;

/**
 * Everything that defines a training run, immutable. Files use one {@code key = value} per line
 * ({@code #} starts a comment); {@link #toMap()} and {@link #fromMap} convert, {@link #with}
 * overrides single keys, {@link Presets} holds tuned values per environment. Every key is
 * validated when a config is made: an error names the key, the value and the valid range (NaN and
 * infinities are refused wherever they mean nothing), and integers are parsed as integers ({@link
 * #parseInteger}).
 *
 * <p>Defaults are CleanRL's {@code ppo.py}: 4 envs x 128 steps, 4 epochs x 4 minibatches, Adam lr
 * 2.5e-4 (eps 1e-5) annealed linearly, gamma 0.99, GAE lambda 0.95, clip 0.2 with value clipping,
 * entropy 0.01, value coefficient 0.5, gradient norm 0.5, separate 64-64 tanh actor and critic with
 * orthogonal initialisation. The off-policy keys ({@code bufferSize} to {@code checkpointBuffer})
 * default to Stable-Baselines3's DQN values; {@link Presets}' {@code dqn} preset sets the rest of them.
 *
 * @param env environment id
 * @param algo the algorithm, {@link Algo}
 * @param totalSteps environment steps to train for (all envs together)
 * @param seed the run's seed
 * @param numEnvs parallel environments
 * @param numSteps rollout length per env
 * @param epochs passes over each rollout
 * @param minibatches minibatches per epoch (must divide numEnvs * numSteps)
 * @param learningRate initial learning rate
 * @param lrSchedule how the learning rate changes over the run's iterations ({@link Schedule}; the
 *     key {@code annealLr = true|false} of older config files means linear|constant)
 * @param optimizer the optimizer, {@link OptimizerKind}
 * @param adamEps Adam's epsilon
 * @param rmsAlpha RMSprop smoothing, with {@code rmsEps}
 * @param rmsEps RMSprop epsilon
 * @param gamma discount
 * @param gae use GAE (false: lambda = 1, plain bootstrapped returns)
 * @param gaeLambda GAE lambda
 * @param bootstrapTruncation on truncation, add gamma * V(final observation) to the reward
 * @param normAdv per-minibatch advantage normalisation
 * @param clipCoef PPO clip coefficient
 * @param clipVloss clip the value loss
 * @param entCoef entropy bonus coefficient
 * @param vfCoef value loss coefficient
 * @param maxGradNorm global gradient-norm clip (<= 0: off)
 * @param targetKl stop the epochs of an iteration when approx_kl exceeds it (<= 0: off)
 * @param hidden hidden widths of actor and critic, e.g. "64,64"
 * @param activation the hidden layers' activation ({@link Activation}: tanh, relu, sigmoid, softplus, identity)
 * @param orthoInit CleanRL orthogonal initialisation
 * @param logStdInit initial log-std for continuous actions
 * @param normObs normalise observations by running mean/std (clipped to +-clipObs)
 * @param clipObs observation clip after normalisation
 * @param normReward scale rewards by the running std of the discounted return (clipped to +-clipReward)
 * @param clipReward reward clip after normalisation
 * @param envThreads threads stepping the envs (1: synchronous)
 * @param evalEpisodes greedy evaluation episodes at the end (and at each periodic evaluation)
 * @param evalEvery periodic evaluation every this many steps (0: off)
 * @param checkpointEvery write a checkpoint every this many iterations (0: only at the end)
 * @param stopReturn stop early once the recent mean return reaches this (NaN: off)
 * @param useMasks pass the environment's action masks to the policy when sampling, in the loss and
 *     in greedy evaluation (false: masks are read only to count the invalid actions taken)
 * @param policy "mlp" (feed-forward actor and critic of {@code hidden}), or "lstm" / "gru": a
 *     {@link vecrl.policy.RecurrentActorCriticPolicy} with net_arch {@code [lstm:cellSize, {pi:
 *     hidden, vf: hidden}]}
 * @param cellSize hidden size of the recurrent cell (recurrent policies only)
 * @param seqLen length of the training sequences of a recurrent policy (must divide numSteps; the
 *     minibatches then split the numEnvs * numSteps / seqLen sequences)
 * @param sharedCell one cell shared by actor and critic (true), or one each (false)
 * @param lrMin the cosine schedule's final learning rate
 * @param lrStepEvery the step schedule's period, in iterations
 * @param lrStepGamma the step schedule's factor per period
 * @param adamBeta1 Adam's and AdamW's first-moment decay
 * @param adamBeta2 Adam's and AdamW's second-moment decay
 * @param weightDecay AdamW's decoupled weight decay; Adam's, RMSprop's and SGD's L2 penalty (0: none)
 * @param momentum SGD's momentum
 * @param netArch Stable-Baselines' net_arch for the built-in policies, e.g. {@code [64, {pi: [64],
 *     vf: [64]}]} (see {@link vecrl.nn.NetArch}); empty: {@code [{pi: hidden, vf: hidden}]}, with a
 *     recurrent policy's cell before the branches
 * @param squash tanh-squashed Gaussian actions for Box action spaces (built-in feed-forward policy)
 * @param policyArgs arguments of a registry policy ({@code policy} names a {@link
 *     vecrl.policy.PolicyRegistry} entry), as {@code key=value} pairs; for {@code lstm} and {@code
 *     gru}, {@code layer_norm=true} and {@code n_lstm_layers=N}
 * @param klCoeff PPO's adaptive KL penalty coefficient, RLlib's {@code kl_coeff} (0: off)
 * @param klTarget the KL the adaptive coefficient steers to, RLlib's {@code kl_target}
 * @param normAdvBatch standardise advantages over the whole rollout after postprocessing, instead of
 *     per minibatch ({@code normAdv})
 * @param entCoefFinal the entropy coefficient at the end of the run, reached linearly from {@code
 *     entCoef} (NaN: constant)
 * @param reinforceBaseline REINFORCE subtracts the value as a baseline and trains it
 * @param stopNoImprovement with periodic evaluation ({@code evalEvery}), stop once this many
 *     evaluations in a row have not improved on the best mean greedy return (0: off), as
 *     Stable-Baselines3's {@code StopTrainingOnNoModelImprovement}
 * @param tensorboard a directory for TensorBoard event files (the run's go to a subdirectory named as
 *     the run directory); empty: none
 * @param bufferSize off-policy: transitions the replay buffer holds (a ring, preallocated)
 * @param learningStarts off-policy: env steps (all envs) before the first gradient step; until then
 *     actions are uniformly random
 * @param trainFreq off-policy: env steps per env between training phases (an iteration is {@code
 *     numEnvs * trainFreq} env steps, then the gradient steps)
 * @param gradientSteps off-policy: gradient steps per training phase (-1: as many as env steps
 *     collected, {@code numEnvs * trainFreq})
 * @param replayBatchSize off-policy: transitions per sampled batch (Stable-Baselines' {@code batch_size})
 * @param tau off-policy: Polyak coefficient of the target update, {@code target = tau * online + (1 -
 *     tau) * target} (1: a hard copy)
 * @param targetUpdateInterval off-policy: env steps (all envs) between target updates (DQN)
 * @param explorationFraction DQN: the fraction of {@code totalSteps} over which epsilon falls linearly
 * @param explorationInitialEps DQN: epsilon at the start
 * @param explorationFinalEps DQN: epsilon from the end of the fall on
 * @param doubleQ DQN: double DQN (the online network chooses the next action, the target network values it)
 * @param dueling DQN: a dueling head, {@code Q = V + A - mean(A)}
 * @param optimizeMemory off-policy: the replay buffer stores each observation once (the next
 *     observation is the next row's, kept apart only where an episode was truncated)
 * @param checkpointBuffer off-policy: checkpoints include the replay buffer (false: leave it out for
 *     large buffers; a resumed run then starts with an empty buffer and is no longer bit-exact)
 * @param autoEntropy SAC and discrete SAC: tune the entropy coefficient alpha toward the target
 *     entropy (Stable-Baselines3's {@code ent_coef="auto"}); false: a fixed alpha of {@code initEntCoef}
 * @param initEntCoef SAC and discrete SAC: alpha at the start (SB3's {@code "auto"} starts at 1), or the fixed alpha
 * @param targetEntropy SAC: the entropy target of the tuning; NaN: {@code -dim(A)} (SB3's default)
 * @param targetEntropyScale discrete SAC: the target entropy as a fraction of {@code log n}, the largest
 *     entropy of n actions
 * @param policyDelay SAC, discrete SAC, TD3: gradient steps per actor step (TD3: 2; 1: every step)
 * @param targetPolicyNoise TD3: the standard deviation of the target policy smoothing noise (0: none, DDPG)
 * @param targetNoiseClip TD3: the smoothing noise is clipped to [-targetNoiseClip, targetNoiseClip]
 * @param actionNoise TD3 and DDPG: the standard deviation of the Gaussian exploration noise, in the
 *     action space scaled to [-1, 1]
 * @param useSde SAC: gSDE exploration (Stable-Baselines3's {@code use_sde}): state-dependent noise
 *     from an exploration matrix over the actor's last hidden features, with {@code logStdInit} as
 *     its {@code log_std_init}
 * @param sdeSampleFreq SAC with gSDE: env steps per env between new exploration matrices during a
 *     collection (-1: only at the start of each collection, SB3's default)
 */
public record TrainConfig(
    String env, Algo algo, long totalSteps, long seed, int numEnvs, int numSteps, int epochs, int minibatches,
    double learningRate, Schedule lrSchedule, OptimizerKind optimizer, double adamEps, double rmsAlpha, double rmsEps,
    double gamma, boolean gae, double gaeLambda, boolean bootstrapTruncation, boolean normAdv, double clipCoef,
    boolean clipVloss, double entCoef, double vfCoef, double maxGradNorm, double targetKl, String hidden,
    Activation activation, boolean orthoInit, double logStdInit, boolean normObs, double clipObs, boolean normReward,
    double clipReward, int envThreads, int evalEpisodes, long evalEvery, int checkpointEvery, double stopReturn,
    boolean useMasks, String policy, int cellSize, int seqLen, boolean sharedCell, double lrMin, long lrStepEvery,
    double lrStepGamma, double adamBeta1, double adamBeta2, double weightDecay, double momentum, String netArch,
    boolean squash, String policyArgs, double klCoeff, double klTarget, boolean normAdvBatch, double entCoefFinal,
    boolean reinforceBaseline, int stopNoImprovement, String tensorboard, int bufferSize, long learningStarts, int trainFreq,
    int gradientSteps, int replayBatchSize, double tau, long targetUpdateInterval, double explorationFraction,
    double explorationInitialEps, double explorationFinalEps, boolean doubleQ, boolean dueling, boolean optimizeMemory,
    boolean checkpointBuffer, boolean autoEntropy, double initEntCoef, double targetEntropy, double targetEntropyScale,
    int policyDelay, double targetPolicyNoise, double targetNoiseClip, double actionNoise, boolean useSde, int sdeSampleFreq) {

  /**
   * The algorithms. On-policy ones train on each rollout's minibatches ({@link vecrl.algo.Algorithms});
   * off-policy ones ({@link #offPolicy()}) on batches sampled from a replay buffer ({@link
   * vecrl.algo.OffPolicyAlgorithms}).
   */
  public enum Algo {
    /** Proximal policy optimisation (clipped surrogate). */
    PPO(false),
    /** Advantage actor-critic. */
    A2C(false),
    /** REINFORCE: discounted returns, with an optional value baseline ({@code reinforceBaseline}). */
    REINFORCE(false),
    /** Deep Q-learning: replay, target network, Huber TD loss, optional double DQN and dueling head. */
    DQN(true),
    /** Soft actor-critic: squashed Gaussian actor, twin Q critics, automatic entropy tuning (Box actions). */
    SAC(true),
    /** Discrete SAC (Christodoulou 2019): categorical actor, twin Q critics over all actions (Discrete actions). */
    SAC_DISCRETE(true),
    /** TD3: deterministic actor, twin critics with clipped double Q, target smoothing, delayed actor (Box actions). */
    TD3(true),
    /** DDPG: deterministic actor, one critic, Gaussian exploration noise (Box actions). */
    DDPG(true);

    private final boolean offPolicy;

    Algo(boolean offPolicy) {
      this.offPolicy = offPolicy;
    }

    /** Whether the algorithm learns from a replay buffer. */
    public boolean offPolicy() {
      return offPolicy;
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** The optimizers a run can use. */
  public enum OptimizerKind {
    ADAM, ADAMW, RMSPROP, SGD;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Learning-rate schedules over a run's iterations {@code i} of {@code I} ({@link #learningRateAt}). */
  public enum Schedule {
    /** {@code learningRate}. */
    CONSTANT,
    /** {@code learningRate * (1 - i / I)}: CleanRL's annealing, to 0 at the end. */
    LINEAR,
    /** {@code lrMin + (learningRate - lrMin) * (1 + cos(pi i / I)) / 2}. */
    COSINE,
    /** {@code learningRate * lrStepGamma ^ floor(i / lrStepEvery)}. */
    STEP;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The built-in policy kinds; any other {@code policy} value is a registry name or {@code class:NAME}. */
  public static final List<String> POLICIES = List.of("mlp", "lstm", "gru");

  public TrainConfig {
    require(env != null && !env.isBlank(), "env", env, "a registered environment id");
    require(algo != null, "algo", algo, "one of " + List.of(Algo.values()));
    require(lrSchedule != null, "lrSchedule", lrSchedule, "one of " + List.of(Schedule.values()));
    require(optimizer != null, "optimizer", optimizer, "one of " + List.of(OptimizerKind.values()));
    require(activation != null, "activation", activation, "one of " + List.of(Activation.values()));
    require(totalSteps > 0, "totalSteps", totalSteps, "> 0");
    require(numEnvs > 0, "numEnvs", numEnvs, "> 0");
    require(numSteps > 0, "numSteps", numSteps, "> 0");
    require(epochs > 0, "epochs", epochs, "> 0");
    require(minibatches > 0 && (numEnvs * numSteps) % minibatches == 0, "minibatches", minibatches,
        "> 0 and dividing numEnvs * numSteps = " + numEnvs * numSteps);
    require((long) numEnvs * numSteps <= Integer.MAX_VALUE, "numSteps", numSteps, "with numEnvs = " + numEnvs + " at most "
        + Integer.MAX_VALUE + " samples per rollout");
    require(finite(learningRate) && learningRate > 0, "learningRate", learningRate, "a finite number > 0");
    require(finite(adamEps) && adamEps > 0, "adamEps", adamEps, "a finite number > 0");
    require(rmsAlpha >= 0 && rmsAlpha < 1, "rmsAlpha", rmsAlpha, "in [0, 1)");
    require(finite(rmsEps) && rmsEps > 0, "rmsEps", rmsEps, "a finite number > 0");
    require(gamma >= 0 && gamma <= 1, "gamma", gamma, "in [0, 1]");
    require(gaeLambda >= 0 && gaeLambda <= 1, "gaeLambda", gaeLambda, "in [0, 1]");
    require(finite(clipCoef) && clipCoef > 0, "clipCoef", clipCoef, "a finite number > 0");
    require(finite(entCoef) && entCoef >= 0, "entCoef", entCoef, "a finite number >= 0");
    require(finite(vfCoef) && vfCoef >= 0, "vfCoef", vfCoef, "a finite number >= 0");
    require(finite(maxGradNorm), "maxGradNorm", maxGradNorm, "a finite number (<= 0: no clipping)");
    require(finite(targetKl), "targetKl", targetKl, "a finite number (<= 0: off)");
    hiddenSizes(hidden);
    require(logStdInit >= vecrl.distribution.DiagNormal.LOG_STD_MIN && logStdInit <= vecrl.distribution.DiagNormal.LOG_STD_MAX, "logStdInit",
        logStdInit, "in [" + vecrl.distribution.DiagNormal.LOG_STD_MIN + ", " + vecrl.distribution.DiagNormal.LOG_STD_MAX + "]");
    require(finite(clipObs) && clipObs > 0, "clipObs", clipObs, "a finite number > 0");
    require(finite(clipReward) && clipReward > 0, "clipReward", clipReward, "a finite number > 0");
    require(envThreads > 0, "envThreads", envThreads, "> 0");
    require(evalEpisodes >= 0, "evalEpisodes", evalEpisodes, ">= 0");
    require(evalEvery >= 0, "evalEvery", evalEvery, ">= 0 steps (0: off)");
    require(checkpointEvery >= 0, "checkpointEvery", checkpointEvery, ">= 0 iterations (0: only at the end)");
    require(Double.isNaN(stopReturn) || finite(stopReturn), "stopReturn", stopReturn, "a finite number, or NaN for off");
    require(policy != null && !policy.isBlank(), "policy", policy, "one of " + POLICIES + ", a policy registry name or class:NAME");
    require(finite(lrMin) && lrMin >= 0, "lrMin", lrMin, "a finite number >= 0");
    require(lrStepEvery > 0, "lrStepEvery", lrStepEvery, "> 0 iterations");
    require(finite(lrStepGamma) && lrStepGamma > 0, "lrStepGamma", lrStepGamma, "a finite number > 0");
    require(adamBeta1 >= 0 && adamBeta1 < 1, "adamBeta1", adamBeta1, "in [0, 1)");
    require(adamBeta2 >= 0 && adamBeta2 < 1, "adamBeta2", adamBeta2, "in [0, 1)");
    require(finite(weightDecay) && weightDecay >= 0, "weightDecay", weightDecay, "a finite number >= 0");
    require(momentum >= 0 && momentum < 1, "momentum", momentum, "in [0, 1)");
    require(klCoeff >= 0, "klCoeff", klCoeff, ">= 0 (0: no KL penalty)");
    require(klTarget > 0, "klTarget", klTarget, "> 0");
    require(Double.isNaN(entCoefFinal) || entCoefFinal >= 0, "entCoefFinal", entCoefFinal, ">= 0, or NaN for a constant entCoef");
    require(netArch != null && policyArgs != null, "netArch", netArch, "a net_arch text (empty: from hidden)");
    if (!netArch.isBlank()) {
      try {
        vecrl.nn.NetArch.parse(netArch);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("config: netArch = " + netArch + ": " + e.getMessage(), e);
      }
    }
    require(stopNoImprovement >= 0, "stopNoImprovement", stopNoImprovement, ">= 0 evaluations (0: off)");
    require(tensorboard != null, "tensorboard", tensorboard, "a directory (empty: none)");
    require(bufferSize > 0, "bufferSize", bufferSize, "> 0 transitions");
    require(learningStarts >= 0, "learningStarts", learningStarts, ">= 0 env steps");
    require(trainFreq > 0, "trainFreq", trainFreq, "> 0 env steps per env");
    require(gradientSteps >= -1, "gradientSteps", gradientSteps, ">= 0, or -1 for as many as env steps collected");
    require(replayBatchSize > 0, "replayBatchSize", replayBatchSize, "> 0 transitions");
    require(tau > 0 && tau <= 1, "tau", tau, "in (0, 1]");
    require(initEntCoef > 0 && Double.isFinite(initEntCoef), "initEntCoef", initEntCoef, "> 0");
    require(Double.isNaN(targetEntropy) || Double.isFinite(targetEntropy), "targetEntropy", targetEntropy, "a number (NaN: -dim(A))");
    require(targetEntropyScale >= 0 && targetEntropyScale <= 1, "targetEntropyScale", targetEntropyScale, "in [0, 1]");
    require(policyDelay >= 1, "policyDelay", policyDelay, ">= 1 gradient steps");
    require(targetPolicyNoise >= 0 && Double.isFinite(targetPolicyNoise), "targetPolicyNoise", targetPolicyNoise, ">= 0");
    require(targetNoiseClip >= 0 && Double.isFinite(targetNoiseClip), "targetNoiseClip", targetNoiseClip, ">= 0");
    require(actionNoise >= 0 && Double.isFinite(actionNoise), "actionNoise", actionNoise, ">= 0");
    require(sdeSampleFreq == -1 || sdeSampleFreq > 0, "sdeSampleFreq", sdeSampleFreq, "> 0 env steps, or -1 for once per collection");
    require(!useSde || algo == Algo.SAC, "useSde", useSde, "false for " + algo + " (gSDE is implemented for sac)");
    require(targetUpdateInterval > 0, "targetUpdateInterval", targetUpdateInterval, "> 0 env steps");
    require(explorationFraction > 0 && explorationFraction <= 1, "explorationFraction", explorationFraction, "in (0, 1]");
    require(explorationInitialEps >= 0 && explorationInitialEps <= 1, "explorationInitialEps", explorationInitialEps, "in [0, 1]");
    require(explorationFinalEps >= 0 && explorationFinalEps <= 1, "explorationFinalEps", explorationFinalEps, "in [0, 1]");
    require(!algo.offPolicy() || (long) numEnvs * trainFreq <= Integer.MAX_VALUE, "trainFreq", trainFreq, "with numEnvs = " + numEnvs
        + " at most " + Integer.MAX_VALUE + " env steps per iteration");
    require(cellSize > 0, "cellSize", cellSize, "> 0");
    require(seqLen > 0, "seqLen", seqLen, "> 0");
    if (policy.equals("lstm") || policy.equals("gru")) {
      require(numSteps % seqLen == 0, "seqLen", seqLen, "dividing numSteps = " + numSteps + " for a recurrent policy");
      int sequences = numEnvs * (numSteps / seqLen);
      require(sequences % minibatches == 0, "minibatches", minibatches, "dividing the " + sequences + " sequences of a rollout (numEnvs "
          + numEnvs + " x numSteps / seqLen = " + numSteps / seqLen + ") for a recurrent policy");
    }
  }

  /** Whether the policy is a built-in recurrent one (lstm or gru). */
  public boolean recurrent() {
    return policy.equals("lstm") || policy.equals("gru");
  }

  /** Whether the policy is one of the built-in kinds ({@link #POLICIES}), built from this config's network keys. */
  public boolean builtInPolicy() {
    return POLICIES.contains(policy);
  }

  /**
   * The learning rate of iteration {@code i} (0-based) of {@code iterations}, by {@link #lrSchedule}.
   * The linear schedule is computed exactly as CleanRL's annealing, {@code lr * (1 - i / I)} in double.
   */
  public double learningRateAt(long i, long iterations) {
    return switch (lrSchedule) {
      case CONSTANT -> learningRate;
      case LINEAR -> learningRate * (1.0 - (double) i / iterations);
      case COSINE -> lrMin + (learningRate - lrMin) * 0.5 * (1 + Math.cos(Math.PI * i / iterations));
      case STEP -> learningRate * Math.pow(lrStepGamma, (double) (i / lrStepEvery));
    };
  }

  private static boolean finite(double x) {
    return Double.isFinite(x);
  }

  /**
   * An integer from config or command-line text: digits with an optional sign and {@code _}
   * separators, or an exact integer in decimal or scientific notation ({@code 1e6}, {@code 100000.0});
   * a fraction ({@code 2.7}), a value beyond a long ({@code 1e300}) or anything else throws {@link
   * NumberFormatException}. Unlike a double, every long comes back exactly.
   */
  public static long parseInteger(String text) {
    String t = text.strip().replace("_", "");
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      try {
        if (t.length() > 40) throw new NumberFormatException(text);
        return new java.math.BigDecimal(t).longValueExact();
      } catch (ArithmeticException | NumberFormatException f) {
        throw new NumberFormatException(text);
      }
    }
  }

  private static void require(boolean ok, String key, Object value, String expected) {
    if (!ok) throw new IllegalArgumentException("config: " + key + " = " + value + ", expected " + expected);
  }

  /** The defaults (CleanRL ppo.py) for {@code env}. */
  public static TrainConfig defaults(String env) {
    return new TrainConfig(env, Algo.PPO, 100_000, 1, 4, 128, 4, 4, 2.5e-4, Schedule.LINEAR, OptimizerKind.ADAM, 1e-5, 0.99, 1e-5,
        0.99, true, 0.95, true, true, 0.2, true, 0.01, 0.5, 0.5, 0, "64,64", Activation.TANH, true, 0, false, 10, false, 10, 1, 10,
        0, 0, Double.NaN, true, "mlp", 64, 16, true, 0, 100, 0.5, 0.9, 0.999, 0, 0, "", false, "", 0, 0.01, false, Double.NaN, true, 0,
        "", 1_000_000, 100, 4, 1, 32, 1.0, 10_000, 0.1, 1.0, 0.05, false, false, false, true,
        true, 1.0, Double.NaN, 0.89, 1, 0.2, 0.5, 0.1, false, -1);
  }

  /** The hidden widths. */
  public int[] hiddenSizes() {
    return hiddenSizes(hidden);
  }

  private static int[] hiddenSizes(String s) {
    if (s == null || s.isBlank()) return new int[0];
    String[] p = s.split(",");
    int[] h = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      try {
        h[i] = Integer.parseInt(p[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("config: hidden = " + s + ", expected widths separated by commas, e.g. 64,64");
      }
      require(h[i] > 0, "hidden", s, "positive widths");
    }
    return h;
  }

  /**
   * Env steps per iteration: samples per rollout ({@code numEnvs * numSteps}); for an off-policy
   * algorithm the steps collected between training phases ({@code numEnvs * trainFreq}).
   */
  public int batchSize() {
    return algo.offPolicy() ? numEnvs * trainFreq : numEnvs * numSteps;
  }

  /** Off-policy: the gradient steps of one training phase ({@code gradientSteps}, or -1: {@link #batchSize()}). */
  public int gradientStepsPerIteration() {
    return gradientSteps >= 0 ? gradientSteps : batchSize();
  }

  /** Iterations (rollout + update) in the run. */
  public long iterations() {
    return totalSteps / batchSize();
  }

  /** Every field as key to text, in declaration order. */
  public Map<String, String> toMap() {
    return ConfigText.toMap(this);
  }

  /**
   * A config from {@code values} laid over {@code base}. Unknown keys are an error naming the valid
   * ones; unparsable values name the key and the expected type.
   */
  public static TrainConfig fromMap(TrainConfig base, Map<String, String> values) {
    return ConfigText.fromMap(base, values);
  }

  /** This config with {@code key} set to {@code value}. */
  public TrainConfig with(String key, String value) {
    return fromMap(this, Map.of(key, value));
  }

  /** This config with every entry of {@code values} applied. */
  public TrainConfig with(Map<String, String> values) {
    return fromMap(this, values);
  }

  /** The {@code key = value} text of this config. */
  public String toText() {
    StringBuilder b = new StringBuilder("# vecrl training config\n");
    toMap().forEach((k, v) -> b.append(k).append(" = ").append(v).append('\n'));
    return b.toString();
  }

  /** Parses {@code key = value} lines (blank lines and # comments skipped). */
  public static Map<String, String> parse(String text) {
    return ConfigText.parse(text);
  }

  /** Loads a config file over {@code base}; errors name the file. */
  public static TrainConfig load(Path file, TrainConfig base) throws IOException {
    Map<String, String> m = parse(file);
    try {
      return fromMap(base, m);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** Loads a complete config file (as written by {@link #save}); errors name the file. */
  public static TrainConfig load(Path file) throws IOException {
    Map<String, String> m = parse(file);
    String env = m.getOrDefault("env", "CartPole-v1");
    try {
      return fromMap(defaults(env), m);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, String> parse(Path file) throws IOException {
    return ConfigText.parse(file);
  }

  /** Writes {@link #toText()} to {@code file}. */
  public void save(Path file) throws IOException {
    Files.writeString(file, toText(), StandardCharsets.UTF_8);
  }

  /** The keys, in order (for help texts). */
  public static List<String> keys() {
    List<String> k = new ArrayList<>();
    for (var c : TrainConfig.class.getRecordComponents()) k.add(c.getName());
    return k;
  }
}
