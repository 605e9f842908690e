package vecrl.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tuned hyperparameters per (algorithm, environment), selectable by name ({@code ppo-CartPole-v1},
 * or just the env id for the current algorithm) and overridable key by key. Sources: CleanRL's
 * {@code ppo.py} defaults and rl-baselines3-zoo's {@code hyperparams/ppo.yml} and {@code a2c.yml}
 * (translated: zoo {@code batch_size} b becomes {@code minibatches = n_envs * n_steps / b}; zoo
 * {@code normalize: true} becomes normObs and normReward), and for DQN Stable-Baselines3's defaults and
 * the zoo's {@code hyperparams/dqn.yml}.
 */
public final class Presets {
  private static final Map<String, Map<String, String>> PRESETS = new LinkedHashMap<>();
  /**
   * CartPoleNoVel-v1, for every policy: rl-baselines3-zoo's recurrentppo.yml schedule (8 envs x 32
   * steps, gamma 0.98, lambda 0.8, lr 1e-3 annealed, ent 0, hidden 64) with 4 epochs of 4
   * minibatches (zoo: 20 epochs of one) and 500,000 steps.
   */
  private static final Map<String, String> NOVEL = m("numEnvs", "8", "numSteps", "32", "minibatches", "4", "epochs", "4",
      "gamma", "0.98", "gaeLambda", "0.8", "entCoef", "0", "learningRate", "0.001", "hidden", "64", "totalSteps", "500000");
  /** ... and for an LSTM or GRU: one shared cell of 64, trained on sequences of the whole 32-step rollout. */
  private static final Map<String, String> RECURRENT_NOVEL = merged(NOVEL, m("seqLen", "32", "cellSize", "64", "sharedCell", "true"));

  private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
    Map<String, String> r = new LinkedHashMap<>(a);
    r.putAll(b);
    return r;
  }

  static {
    // CleanRL ppo.py's arguments, every one stated (TrainConfig.defaults has the same values but bootstrapTruncation):
    // 4 envs x 128 steps, 4 epochs x 4 minibatches, Adam lr 2.5e-4 (eps 1e-5) annealed linearly to 0, gamma 0.99,
    // GAE lambda 0.95, per-minibatch advantage normalisation, clip 0.2 with value clipping, entropy 0.01, value
    // coefficient 0.5, max grad norm 0.5, no target KL, separate 64-64 tanh actor and critic with orthogonal init
    // (gains sqrt 2, actor head 0.01, critic head 1), no observation or reward normalisation, and truncation
    // treated as termination (ppo.py: next_done = terminations or truncations, no bootstrap). The run length
    // (ppo.py: 500,000 steps) stays --steps.
    PRESETS.put("cleanrl", m("algo", "ppo", "numEnvs", "4", "numSteps", "128", "epochs", "4", "minibatches", "4",
        "optimizer", "adam", "learningRate", "0.00025", "adamEps", "0.00001", "adamBeta1", "0.9", "adamBeta2", "0.999",
        "weightDecay", "0", "lrSchedule", "linear", "gamma", "0.99", "gae", "true", "gaeLambda", "0.95", "normAdv", "true",
        "clipCoef", "0.2", "clipVloss", "true", "entCoef", "0.01", "vfCoef", "0.5", "maxGradNorm", "0.5", "targetKl", "0",
        "hidden", "64,64", "netArch", "", "activation", "tanh", "orthoInit", "true", "normObs", "false", "normReward", "false",
        "bootstrapTruncation", "false"));
    // the default `vecrl train`: CleanRL's 4 envs x 128 steps and 4 epochs with lr 1e-3 annealed and 16 minibatches
    // of 32: greedy 500 on every one of 10 seeds at 100k steps, where CleanRL's exact settings (lr 2.5e-4, 4
    // minibatches) reached >= 475 on 3 of 5 (see the train note for every variant tried)
    PRESETS.put("ppo-CartPole-v1", m("learningRate", "0.001", "minibatches", "16"));
    // rl-baselines3-zoo ppo.yml CartPole-v1: n_envs 8, n_steps 32, batch 256, lambda 0.8, gamma 0.98, 20 epochs, lr lin 1e-3
    PRESETS.put("zoo-ppo-CartPole-v1", m("numEnvs", "8", "numSteps", "32", "minibatches", "1", "gaeLambda", "0.8",
        "gamma", "0.98", "epochs", "20", "entCoef", "0", "learningRate", "0.001"));
    // zoo ppo.yml Acrobot-v1: normalize, 16 envs, 256 steps, lambda 0.94, 4 epochs, ent 0
    PRESETS.put("ppo-Acrobot-v1", m("normObs", "true", "normReward", "true", "numEnvs", "16", "numSteps", "256",
        "minibatches", "64", "gaeLambda", "0.94", "epochs", "4", "entCoef", "0", "totalSteps", "500000",
        "learningRate", "0.0003"));
    // zoo ppo.yml MountainCar-v0: normalize, 16 envs, 16 steps, lambda 0.98, 4 epochs, ent 0
    PRESETS.put("ppo-MountainCar-v0", m("normObs", "true", "normReward", "true", "numEnvs", "16", "numSteps", "16",
        "minibatches", "4", "gaeLambda", "0.98", "epochs", "4", "entCoef", "0", "totalSteps", "1000000",
        "learningRate", "0.0003"));
    // Pendulum-v1: zoo ppo.yml (gamma 0.9, lambda 0.95, 10 epochs, lr 1e-3, clip 0.2, ent 0) without gSDE, with obs and reward
    // normalisation and 8 envs x 256 steps in 32 minibatches of 64 (zoo's 4 x 1024 gave >= -250 on 3/5 then 2/5 seeds)
    PRESETS.put("ppo-Pendulum-v1", m("numEnvs", "8", "numSteps", "256", "minibatches", "32", "gamma", "0.9",
        "gaeLambda", "0.95", "epochs", "10", "entCoef", "0", "learningRate", "0.001", "totalSteps", "300000",
        "normObs", "true", "normReward", "true"));
    // CleanRL ppo_continuous_action.py for other Box-action envs
    PRESETS.put("ppo-MountainCarContinuous-v0", m("numEnvs", "1", "numSteps", "2048", "minibatches", "32",
        "epochs", "10", "entCoef", "0", "learningRate", "0.0003", "normObs", "true", "normReward", "true",
        "totalSteps", "1000000"));
    // SB3 A2C defaults (RMSprop alpha 0.99 eps 1e-5, lr 7e-4, 5 steps, lambda 1, grad norm 0.5, no adv. norm.,
    // no value clipping, constant lr) with zoo a2c.yml CartPole-v1: 8 envs, ent 0, 500k steps
    PRESETS.put("a2c", Map.ofEntries(Map.entry("algo", "a2c"), Map.entry("optimizer", "rmsprop"), Map.entry("learningRate", "0.0007"),
        Map.entry("numSteps", "5"), Map.entry("epochs", "1"), Map.entry("minibatches", "1"), Map.entry("gaeLambda", "1"),
        Map.entry("normAdv", "false"), Map.entry("lrSchedule", "constant"), Map.entry("entCoef", "0"), Map.entry("vfCoef", "0.5"),
        Map.entry("maxGradNorm", "0.5"), Map.entry("clipVloss", "false")));
    PRESETS.put("a2c-CartPole-v1", merge("a2c", m("numEnvs", "8", "totalSteps", "500000")));
    // the pixel task: the A2C preset with 16 envs x 9 steps, lr 2.5e-4 and entCoef 0.01, 50,000 steps. Every Catch episode
    // lasts exactly 9 steps and the envs start together, so they stay in lockstep: with A2C's 5-step rollouts each update
    // saw only 5 of the 9 ball rows, a different slice each time, and seeds 3 and 4 ended with a greedy policy that missed
    // whole columns (0.56, 0.26; 29 envs x 5 steps, the same batch size as 16 x 9, gave the same). With 9 steps every update
    // holds each env's whole episode: greedy 1.0 on seeds 1-5 (10 steps also did on seeds 3 and 4). With the A2C preset's
    // lr 7e-4 and entCoef 0 the entropy fell near 0 by 8,000 steps on seeds 2-5. See the README's Catch-v0 section.
    PRESETS.put("a2c-Catch-v0", merge("a2c", m("numEnvs", "16", "numSteps", "9", "learningRate", "0.00025", "entCoef", "0.01",
        "totalSteps", "50000")));
    // REINFORCE (on top of its template's defaults: one epoch of one minibatch): whole-episode returns want long rollouts
    PRESETS.put("reinforce", m("numEnvs", "8", "numSteps", "256", "learningRate", "0.001", "lrSchedule", "constant", "entCoef", "0",
        "totalSteps", "300000"));
    // DQN: Stable-Baselines3's DQN defaults (lr 1e-4 constant, buffer 1e6, learning_starts 100, batch 32, tau 1, gamma 0.99,
    // train_freq 4, gradient_steps 1, target_update_interval 10000, exploration 1 -> 0.05 over 10%, max_grad_norm 10,
    // MlpPolicy 64-64 ReLU, Adam with PyTorch's eps 1e-8), one env
    PRESETS.put("dqn", m("algo", "dqn", "numEnvs", "1", "learningRate", "0.0001", "lrSchedule", "constant", "optimizer", "adam",
        "adamEps", "0.00000001", "bufferSize", "1000000", "learningStarts", "100", "replayBatchSize", "32", "tau", "1", "gamma", "0.99",
        "trainFreq", "4", "gradientSteps", "1", "targetUpdateInterval", "10000", "explorationFraction", "0.1",
        "explorationInitialEps", "1", "explorationFinalEps", "0.05", "maxGradNorm", "10", "hidden", "64,64", "activation", "relu"));
    // rl-baselines3-zoo hyperparams/dqn.yml CartPole-v1 (n_timesteps 5e4: the run here is 1e5, the budget):
    // lr 2.3e-3, batch 64, buffer 100000, learning_starts 1000, gamma 0.99, target_update_interval 10, train_freq 256,
    // gradient_steps 128, exploration_fraction 0.16, exploration_final_eps 0.04, net_arch [256, 256]
    PRESETS.put("dqn-CartPole-v1", merge("dqn", m("totalSteps", "100000", "learningRate", "0.0023", "replayBatchSize", "64",
        "bufferSize", "100000", "learningStarts", "1000", "gamma", "0.99", "targetUpdateInterval", "10", "trainFreq", "256",
        "gradientSteps", "128", "explorationFraction", "0.16", "explorationFinalEps", "0.04", "hidden", "256,256")));
    // zoo dqn.yml Acrobot-v1: n_timesteps 1e5, lr 6.3e-4, batch 128, buffer 50000, learning_starts 0, gamma 0.99,
    // target_update_interval 250, train_freq 4, gradient_steps -1, exploration_fraction 0.12, exploration_final_eps 0.1,
    // net_arch [256, 256]
    PRESETS.put("dqn-Acrobot-v1", merge("dqn", m("totalSteps", "100000", "learningRate", "0.00063", "replayBatchSize", "128",
        "bufferSize", "50000", "learningStarts", "0", "gamma", "0.99", "targetUpdateInterval", "250", "trainFreq", "4",
        "gradientSteps", "-1", "explorationFraction", "0.12", "explorationFinalEps", "0.1", "hidden", "256,256")));
    // SAC: Stable-Baselines3's SAC defaults (lr 3e-4, buffer 1e6, learning_starts 100, batch 256, tau 0.005, gamma 0.99,
    // train_freq 1, gradient_steps 1, ent_coef "auto" starting at 1 with target entropy -dim(A), target_update_interval 1,
    // net_arch [256, 256] ReLU for the actor and both critics, Adam eps 1e-8, constant learning rate; log_std_init -3, used
    // with use_sde only), one env
    PRESETS.put("sac", m("algo", "sac", "numEnvs", "1", "learningRate", "0.0003", "lrSchedule", "constant", "optimizer", "adam",
        "adamEps", "0.00000001", "bufferSize", "1000000", "learningStarts", "100", "replayBatchSize", "256", "tau", "0.005",
        "gamma", "0.99", "trainFreq", "1", "gradientSteps", "1", "hidden", "256,256", "activation", "relu", "autoEntropy", "true",
        "initEntCoef", "1", "policyDelay", "1", "logStdInit", "-3"));
    // rl-baselines3-zoo hyperparams/sac.yml Pendulum-v1: n_timesteps 20000, learning_rate 1e-3 (the rest SB3's defaults)
    PRESETS.put("sac-Pendulum-v1", m("totalSteps", "20000", "learningRate", "0.001"));
    // rl-baselines3-zoo hyperparams/sac.yml MountainCarContinuous-v0 ("# Tuned"): n_timesteps 50000, learning_rate 3e-4,
    // buffer_size 50000, batch_size 512, ent_coef 0.1 (fixed), train_freq 32, gradient_steps 32, gamma 0.9999, tau 0.01,
    // learning_starts 0, use_sde True, policy_kwargs log_std_init -3.67 and net_arch [64, 64]; sde_sample_freq is SB3's
    // default -1 (a new exploration matrix at the start of each collection of train_freq steps)
    PRESETS.put("sac-MountainCarContinuous-v0", m("totalSteps", "50000", "learningRate", "0.0003", "bufferSize", "50000",
        "replayBatchSize", "512", "autoEntropy", "false", "initEntCoef", "0.1", "trainFreq", "32", "gradientSteps", "32",
        "gamma", "0.9999", "tau", "0.01", "learningStarts", "0", "hidden", "64,64", "useSde", "true", "logStdInit", "-3.67",
        "sdeSampleFreq", "-1"));
    // discrete SAC: no zoo entry. SAC's defaults with CleanRL's sac_atari choices where they differ (target entropy 0.89 log n,
    // actor step every gradient step here); 64-64 ReLU networks for CartPole's small state
    PRESETS.put("sac-discrete", m("algo", "sac-discrete", "numEnvs", "1", "learningRate", "0.0003", "lrSchedule", "constant",
        "optimizer", "adam", "adamEps", "0.00000001", "bufferSize", "1000000", "learningStarts", "1000", "replayBatchSize", "256",
        "tau", "0.005", "gamma", "0.99", "trainFreq", "1", "gradientSteps", "1", "hidden", "64,64", "activation", "relu",
        "autoEntropy", "true", "initEntCoef", "1", "targetEntropyScale", "0.89", "policyDelay", "1"));
    PRESETS.put("sac-discrete-CartPole-v1", m("totalSteps", "100000"));
    // TD3: Stable-Baselines3's TD3 defaults (lr 1e-3, buffer 1e6, learning_starts 100, batch 256, tau 0.005, gamma 0.99,
    // train_freq 1, gradient_steps 1, policy_delay 2, target_policy_noise 0.2, target_noise_clip 0.5, net_arch [400, 300]
    // ReLU); exploration noise N(0, 0.1) as the zoo's noise_type normal, noise_std 0.1 (SB3 itself defaults to none)
    PRESETS.put("td3", m("algo", "td3", "numEnvs", "1", "learningRate", "0.001", "lrSchedule", "constant", "optimizer", "adam",
        "adamEps", "0.00000001", "bufferSize", "1000000", "learningStarts", "100", "replayBatchSize", "256", "tau", "0.005",
        "gamma", "0.99", "trainFreq", "1", "gradientSteps", "1", "hidden", "400,300", "activation", "relu", "policyDelay", "2",
        "targetPolicyNoise", "0.2", "targetNoiseClip", "0.5", "actionNoise", "0.1"));
    // zoo td3.yml Pendulum-v1: n_timesteps 20000, gamma 0.98, buffer_size 200000, learning_starts 10000, noise_type normal,
    // noise_std 0.1, gradient_steps 1, train_freq 1, learning_rate 1e-3, net_arch [400, 300]
    PRESETS.put("td3-Pendulum-v1", m("totalSteps", "20000", "gamma", "0.98", "bufferSize", "200000", "learningStarts", "10000",
        "actionNoise", "0.1", "learningRate", "0.001", "hidden", "400,300"));
    // DDPG: SB3's DDPG (TD3 with one critic, policy_delay 1, no target smoothing) and its defaults, lr 1e-3, net_arch [400, 300]
    PRESETS.put("ddpg", m("algo", "ddpg", "numEnvs", "1", "learningRate", "0.001", "lrSchedule", "constant", "optimizer", "adam",
        "adamEps", "0.00000001", "bufferSize", "1000000", "learningStarts", "100", "replayBatchSize", "256", "tau", "0.005",
        "gamma", "0.99", "trainFreq", "1", "gradientSteps", "1", "hidden", "400,300", "activation", "relu", "policyDelay", "1",
        "targetPolicyNoise", "0", "actionNoise", "0.1"));
    // zoo ddpg.yml Pendulum-v1: the same values as td3.yml's Pendulum-v1
    PRESETS.put("ddpg-Pendulum-v1", m("totalSteps", "20000", "gamma", "0.98", "bufferSize", "200000", "learningStarts", "10000",
        "actionNoise", "0.1", "learningRate", "0.001", "hidden", "400,300"));
    // the MultiBinary proof task: CartPole's lr 1e-3 annealed and 16 minibatches, 50,000 steps. Greedy mean over 10
    // episodes, seeds 1-10: 16.00 on every seed at 49,664 steps, 15.89-16.00 at 30,720. CleanRL's defaults (lr 2.5e-4,
    // 4 minibatches) reached 14.26-15.56 at 50,000 steps (seed 2 below 14.4, 90% of the optimum) and 15.79-16.00 at
    // 100,000; entCoef 0, or lr 3e-3, also gave 16.00 at 50,000. (MultiTarget-v0 needs no preset: the defaults give
    // 16.00 on 10 of 10 seeds at 50,000 steps.) See OpenLearningTest.
    PRESETS.put("ppo-BitMatch-v0", m("learningRate", "0.001", "minibatches", "16", "totalSteps", "50000"));
    // recurrent PPO on the memory task (see the README's recurrent policies section for what was tried)
    PRESETS.put("ppo-CartPoleNoVel-v1", NOVEL);
    PRESETS.put("ppo-lstm-CartPoleNoVel-v1", RECURRENT_NOVEL);
    PRESETS.put("ppo-gru-CartPoleNoVel-v1", RECURRENT_NOVEL);
  }

  private static Map<String, String> m(String... kv) {
    Map<String, String> r = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) r.put(kv[i], kv[i + 1]);
    return r;
  }

  private static Map<String, String> merge(String base, Map<String, String> extra) {
    return merged(PRESETS.get(base), extra);
  }

  private Presets() {}

  /** The preset names. */
  public static List<String> names() {
    return List.copyOf(PRESETS.keySet());
  }

  /** Whether a preset exists for {@code algo} on {@code env}. */
  public static boolean has(String algo, String env) {
    return PRESETS.containsKey(algo + "-" + env);
  }

  /** The overrides of preset {@code name}; an unknown name lists the valid ones. */
  public static Map<String, String> get(String name) {
    Map<String, String> p = PRESETS.get(name);
    if (p == null) throw new IllegalArgumentException("unknown preset \"" + name + "\"; valid presets: " + String.join(", ", PRESETS.keySet()));
    return p;
  }

  /**
   * The config for {@code algo} on {@code env}: CleanRL defaults, then the algorithm's base preset
   * (a2c), then {@code algo-env}'s preset when there is one.
   */
  public static TrainConfig forEnv(String algo, String env) {
    TrainConfig c = TrainConfig.defaults(env);
    if (algo.equals("a2c")) c = c.with(PRESETS.get("a2c"));
    else if (algo.equals("reinforce")) c = c.with("algo", "reinforce").with(vecrl.algo.Algorithms.reinforce().defaultConfig()).with(PRESETS.get("reinforce"));
    else if (algo.equals("dqn")) c = c.with(PRESETS.get("dqn"));
    else if (List.of("sac", "sac-discrete", "td3", "ddpg").contains(algo)) c = c.with(PRESETS.get(algo));
    else if (!algo.equals("ppo")) throw new IllegalArgumentException("unknown algorithm \"" + algo + "\"; valid: " + List.of(TrainConfig.Algo.values()));
    if (has(algo, env)) c = c.with(PRESETS.get(algo + "-" + env));
    return c;
  }

  /**
   * The config for a user's {@code template} on {@code env}: TrainConfig's defaults for the env, then
   * the template's {@link vecrl.algo.PolicyTemplate#defaultConfig() default config}. The trainer takes
   * the config as given, so this is how a run gets a template's defaults; lay the user's own keys over
   * the result with {@link TrainConfig#with}.
   */
  public static TrainConfig forTemplate(vecrl.algo.PolicyTemplate template, String env) {
    java.util.Objects.requireNonNull(template, "template");
    return TrainConfig.defaults(env).with(template.defaultConfig());
  }

  /**
   * The config for {@code algo} with a {@code policy} ("mlp", "lstm", "gru") on {@code env}: {@link
   * #forEnv(String, String)}, then {@code policy = <policy>}, then the preset {@code
   * algo-policy-env} when there is one (for example {@code ppo-lstm-CartPoleNoVel-v1}).
   */
  public static TrainConfig forEnv(String algo, String env, String policy) {
    TrainConfig c = forEnv(algo, env);
    if (policy.equals("mlp")) return c;
    Map<String, String> m = new LinkedHashMap<>();
    m.put("policy", policy);
    Map<String, String> p = PRESETS.get(algo + "-" + policy + "-" + env);
    if (p != null) m.putAll(p);
    return c.with(m);
  }
}
