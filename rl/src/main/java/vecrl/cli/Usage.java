package vecrl.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The usage texts: {@link #TEXT} is what {@code vecrl help} prints (the README's command-line block
 * is this text, compared by a test), and {@link #of} is one command's part, which {@code vecrl
 * COMMAND --help} prints.
 */
final class Usage {
  private Usage() {}

  /** Each command's synopsis and description, in the order help lists them. */
  static final Map<String, String> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("train", """
          train [options]
              train a policy (default: PPO on CartPole-v1 for 100,000 steps)
              --env ID  --algo ppo|a2c|reinforce|dqn|sac|sac-discrete|td3|ddpg
              --policy mlp|lstm|gru|REGISTRY_NAME|class:NAME
              --steps N  --seed N  --envs N  --preset NAME  --config FILE  --out DIR (default runs)
              --set key=value         any config key (repeatable)
              --resume RUN_DIR [--steps N]
                                      continue a run, finished or not (to N steps in all)
              --tensorboard DIR       TensorBoard event files in DIR/RUN_NAME (config key tensorboard)
              --env-threads N         threads stepping the environments (config key envThreads;
                                      --threads N is the same)
              --kernel-threads N      threads of the tensor kernels (-Dvecrl.threads; default all cores)
              --backend vector|scalar|opencl  --quiet
              --policies NAME=KIND,...  --iterations N
                                      a multi-agent env (RockPaperScissors-v0, Signaling-v0): one policy
                                      per agent, KIND ppo|a2c|reinforce (learned) or a heuristic
                                      (rock|alternate|beat_last), e.g. learned=ppo,opponent=beat_last
              --cluster HOST:PORT,... [--bind HOST[:PORT]] [--cluster-name NAME] [--secret-file FILE]
                [--worker-timeout SECONDS]
                                      the learner of a cluster: rollouts run on the workers (see worker)
              --plan bulk-sync|async-gradients [--plan-workers N]
                                      run the iterations through an execution plan (vecrl.plan) on N
                                      in-process rollout workers (default 0: the learner samples), or
                                      with --cluster on the cluster's workers; async-gradients is
                                      A3C's plan (N >= 1), not deterministic with more than one worker
              presets: cleanrl (CleanRL ppo.py's values), zoo-ppo-CartPole-v1, and one per
              environment, applied automatically (ppo-Acrobot-v1, a2c-CartPole-v1, dqn-CartPole-v1, ...)
              off-policy (dqn): keys bufferSize, learningStarts, trainFreq, gradientSteps,
              replayBatchSize, tau, targetUpdateInterval, exploration*, doubleQ, dueling,
              optimizeMemory, checkpointBuffer (false: checkpoints without the replay buffer)
              sac, sac-discrete, td3, ddpg: also autoEntropy, initEntCoef, targetEntropy,
              targetEntropyScale, policyDelay, targetPolicyNoise, targetNoiseClip, actionNoise;
              sac: useSde (gSDE exploration), sdeSampleFreq, logStdInit (gSDE's log_std_init)""");
    COMMANDS.put("eval", """
          eval RUN_OR_POLICY [--env ID] [--episodes N] [--seed N] [--backend NAME]
              greedy evaluation of a saved policy (per policy for a multi-agent run directory): a run directory, or a policy.bin (best_policy.bin)
              with the run's config.properties beside it, or --env's default network when there is
              none; the env's action masks are used unless the run's config has useMasks = false""");
    COMMANDS.put("inspect", """
          inspect POLICY_FILE
              print a policy file's format, structure, provenance and parameter table (policy.bin,
              best_policy.bin; reads the file alone, loads no trainer or environment)""");
    COMMANDS.put("envs", """
          envs
              list the environments with their spaces""");
    COMMANDS.put("check-env", """
          check-env ID [--seed N] [--steps N]
              check an environment's contract (spaces, determinism, masks; vecrl.env.EnvChecker)""");
    COMMANDS.put("explain", """
          explain [--env ID] [--algo ppo|a2c|reinforce|dqn] [--seed N]
              one small update laid open, on the scalar kernels: the sample batch, the postprocessing,
              the loss's tape, the gradients, the optimizer step and every stat (dqn: a batch sampled
              from the replay buffer and its TD targets in place of the postprocessing)""");
    COMMANDS.put("export-onnx", """
          export-onnx RUN_OR_POLICY OUT.onnx
              the run's policy as an ONNX model: greedy action, distribution parameters and value from
              the raw observation (the run's normaliser included); MLP and recurrent policies""");
    COMMANDS.put("devices", """
          devices
              list the OpenCL platforms and devices (choose one with -Dvecrl.opencl.device=INDEX_OR_NAME)""");
    COMMANDS.put("bench-train", """
          bench-train [--steps N] [--skip N] [--seed N] [--envs N] [--env ID] [--policy mlp|lstm|gru]
                      [--algo ppo|dqn] [--backend NAME] [--timeline]
              PPO training speed on one thread: CleanRL's CartPole-v1 configuration (4 envs x 128 steps,
              4 epochs x 4 minibatches, 64-64 tanh); with --env or --policy, that env's preset for
              that policy. Prints the phases (rollout, update) per env step and the ratio to the FLOP
              limit (the GEMM rate measured in the same run); --skip N: also the speed after the first N;
              --timeline: the speed and the training thread's CPU time over the run (JIT warm-up).
              --algo dqn: DQN with the env's preset (CartPole-v1: the zoo's 256-256, batch 64, 128
              gradient steps every 256 env steps)""");
    COMMANDS.put("bench-autodiff", """
          bench-autodiff [--case A,B2048,B128,C] [--rounds N] [--profile]
              the autodiff benchmark's MLPs: forward + backward on a tape against the same GEMMs alone,
              alternating round by round on one thread; --profile adds the tape's per-op times""");
    COMMANDS.put("bench-sac", """
          bench-sac [--rounds N] [--steps N] [--batch N] [--hidden N] [--backend vector|scalar]
              SAC's training step on Pendulum-v1 (act, env step, buffer, one gradient step; 256-256,
              batch 256, one thread) against its 16 GEMMs alone, alternating rounds; the GEMM-bound
              limit, the ratio and the bytes allocated per gradient step""");
    COMMANDS.put("bench", """
          bench [JMH options]
              the JMH benchmarks (./vecrl bench runs bench/target/benchmarks.jar; -h lists JMH's options)""");
    COMMANDS.put("chart", """
          chart OUT.png LABEL=RUNS [LABEL=RUNS ...] [options]
              training curves of groups of runs in one PNG: each group's mean with a shaded band;
              RUNS is a run directory or a directory of runs (a train --out); prints each run's first
              step at or above --threshold and the invalid actions it took
              --y COLUMN              the metrics.csv column to plot (default mean_return)
              --band minmax|std|none  the band around the mean (default minmax: the runs' min to max)
              --log                   logarithmic y axis (for losses)
              --title TEXT  --threshold X""");
    COMMANDS.put("worker", """
          worker --cluster HOST:PORT,... [--bind HOST[:PORT]] [--cluster-name NAME] [--secret-file FILE]
              a rollout worker (cluster module, Hazelcast): joins the members at --cluster, binds to
              --bind (default 127.0.0.1:5701), steps the envs a learner (train --cluster) assigns it;
              the shared secret comes from --secret-file or VECRL_CLUSTER_SECRET""");
    COMMANDS.put("sweep", """
          sweep --cluster HOST:PORT,... --grid KEY=V1,V2 [--grid ...] --seeds A..B|A,B,...
                [--env ID] [--algo NAME] [--steps N] [--set key=value] [--out DIR (default runs/sweep)]
              independent training runs, one per grid point and seed, on the cluster's workers (member
              options as worker's); each run's directory comes back to DIR, a table of the results is
              printed, and a sweep run again skips the runs already finished""");
    COMMANDS.put("help", """
          help
              this text; COMMAND --help prints one command's part""");
  }

  /** The whole help text. */
  static final String TEXT = text();

  private static String text() {
    StringBuilder b = new StringBuilder("""
        usage: vecrl [--classpath JARS] COMMAND [options]
               vecrl --version | vecrl help | vecrl COMMAND --help

        commands:
        """);
    for (String c : COMMANDS.values()) b.append(indented(c)).append('\n');
    b.append("""

        options before or after any command:
          --classpath JARS          jars or class folders (separated by ':') whose META-INF/services entries
                                    add environments (vecrl.env.EnvProvider) and policies (vecrl.policy.PolicyProvider)
          --version                 the vecrl version, the JDK and the default backend""");
    return b.toString();
  }

  /** A command's block as help lists it: the synopsis indented by 2, the rest by 6 (4 in the text blocks). */
  private static String indented(String block) {
    String[] lines = block.split("\n");
    StringBuilder b = new StringBuilder("  ").append(lines[0]);
    for (int i = 1; i < lines.length; i++) b.append("\n  ").append(lines[i]);
    return b.toString();
  }

  /** The usage of {@code command} (a key of {@link #COMMANDS}). */
  static String of(String command) {
    String[] lines = COMMANDS.get(command).split("\n");
    StringBuilder b = new StringBuilder("usage: vecrl ").append(lines[0]);
    for (int i = 1; i < lines.length; i++) b.append('\n').append(lines[i]);
    return b.append("\n\nvecrl help lists every command.").toString();
  }
}
