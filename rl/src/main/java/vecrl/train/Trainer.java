package vecrl.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import vecrl.algo.MinibatchSampler;
import vecrl.algo.OffPolicyAlgorithm;
import vecrl.algo.OffPolicyAlgorithms;
import vecrl.algo.ReplayBuffer;
import vecrl.algo.TemplateOffPolicy;
import vecrl.algo.Algorithms;
import vecrl.algo.PolicyTemplate;
import vecrl.algo.SampleBatch;
import vecrl.algo.TemplatePolicy;
import vecrl.algo.RolloutBuffer;
import vecrl.autodiff.Optimizer;
import vecrl.env.EnvRegistry;
import vecrl.env.EnvSpec;
import vecrl.env.RunningMeanStd;
import vecrl.policy.ActionMasks;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.MlpPolicyConfig;
import vecrl.policy.PolicyRegistry;
import vecrl.policy.RecurrentPolicyConfig;
import vecrl.space.Space;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;

/**
 * The on-policy training loop, in the order the data flows. Each part owns its piece of the
 * checkpoint:
 *
 * <ol>
 *   <li>{@link Collector}: vector env (with the wrappers: time limit, action clipping, {@link
 *       vecrl.env.VecNormalize}, {@link vecrl.env.VecEpisodeStatistics}) → the policy's batched act
 *       → the rollout buffer;
 *   <li>{@link RolloutBuffer}: the rollout's columns (observations, actions, masks, log-probs,
 *       values, rewards, episode starts);
 *   <li>postprocessing, the template's {@code postprocessFn}: advantages and returns (GAE by default);
 *   <li>{@link MinibatchSampler}: shuffled minibatches of whole sequences, one path for every
 *       policy (feed-forward is sequences of length 1 with no memory);
 *   <li>{@link Learner}: the algorithm's loss on the policy's {@link
 *       ActorCriticPolicy#evaluateSequences}, backward, gradient clipping, the optimizer step;
 *   <li>{@link Evaluator}: greedy episodes.
 * </ol>
 *
 * <p><b>Any policy.</b> The policy is any {@link ActorCriticPolicy}: built from the config ({@link
 * Policies}: the built-in MLP or LSTM/GRU, a {@link PolicyRegistry} name, or {@code class:NAME}), or
 * an instance the caller made, such as a subclass of its own; the run records how it was built (the
 * config's {@code policy} key) so that resume and loading rebuild it. The trainer updates the
 * policy's own parameters ({@link #network()}): the trained object is the policy itself.
 *
 * <p><b>Any action space</b> a policy supports: Discrete, Box (clipped to its bounds on the way to
 * the env, stored unclipped), MultiDiscrete and MultiBinary, with masks where the env gives them
 * ({@code useMasks}: sampling, loss and greedy evaluation use them; the actions a mask forbade are
 * counted either way). Observations are any space that flattens.
 *
 * <p>All randomness comes from the config's seed: the policy's initialisation, action sampling and
 * minibatch shuffling use generators split from it, and the vector env is reset with a seed drawn
 * from it. {@link #saveCheckpoint} and {@link #restoreCheckpoint} capture the whole state between
 * iterations, so a resumed run continues bit for bit.
 */
public final class Trainer implements AutoCloseable {
  private final TrainConfig config;
  private final EnvSpec spec;
  private final Kernels kernels;
  private final ActorCriticPolicy network;
  private final Collector collector;
  private final RolloutBuffer buf;
  private final TemplatePolicy policy;
  private final MinibatchSampler sampler;
  private final Learner learner;
  /** The off-policy part (replay buffer and algorithm) in place of buf, sampler and learner; null for an on-policy algorithm. */
  private final OffPolicyLoop offPolicy;
  private Rng rng;
  private long iteration;
  private long rolloutNanos;
  private long updateNanos;
  private Rollouts rollouts;

  /** A trainer for {@code config} on an environment of {@code registry}, on the default kernels. */
  public Trainer(TrainConfig config, EnvRegistry registry) {
    this(config, registry, Backends.kernels());
  }

  /** A trainer for {@code config}, its policy built from the config ({@link Policies#defaultRegistry()} resolves names). */
  public Trainer(TrainConfig config, EnvRegistry registry, Kernels kernels) {
    this(config, registry, Policies.defaultRegistry(), kernels, null);
  }

  /**
   * A trainer for {@code config} on {@code registry}'s env, on {@code kernels}. The policy is {@code
   * policy} when not null (its spaces must be the env's; when the config's {@code policy} key names a
   * built-in kind, the trainer's config records {@code class:NAME} of the instance's class instead,
   * see {@link #configFor}), otherwise built from the config, resolving names in {@code policies}.
   */
  public Trainer(TrainConfig config, EnvRegistry registry, PolicyRegistry policies, Kernels kernels, ActorCriticPolicy policy) {
    this(config, registry, policies, kernels, policy, null);
  }

  /**
   * The general form: as above, trained by {@code template} (a user's algorithm; null: the built-in
   * template of the config's {@code algo}, {@link Algorithms#of}). A run of a user's template records
   * the config only: resume it by passing the same template again.
   */
  public Trainer(TrainConfig config, EnvRegistry registry, PolicyRegistry policies, Kernels kernels, ActorCriticPolicy policy,
      PolicyTemplate template) {
    java.util.Objects.requireNonNull(config, "config");
    java.util.Objects.requireNonNull(registry, "registry");
    java.util.Objects.requireNonNull(policies, "policies");
    java.util.Objects.requireNonNull(kernels, "kernels");
    this.config = policy == null ? config : configFor(config, policy);
    this.spec = registry.spec(config.env());
    this.kernels = kernels;
    config = this.config;
    Rng root = new Rng(config.seed());
    Rng init = root.split();
    this.rng = root.split();
    long envSeed = root.nextLong();
    this.collector = new Collector(config, spec, envSeed);
    try {
      Space<Object> os = collector.observationSpace();
      Space<Object> as = collector.actionSpace();
      if (config.algo().offPolicy()) {
        TemplatePolicy tp = policy == null && template != null && template.hasMakeModel() ? template.build(os, as, config, kernels, init) : null;
        this.network = tp != null ? tp.model() : policy != null ? checked(policy, os, as, policies) : Policies.build(config, os, as, init, policies);
        OffPolicyAlgorithm alg = tp != null ? new TemplateOffPolicy(tp)
            : template != null ? new TemplateOffPolicy(template.build(network, config, kernels)) : OffPolicyAlgorithms.of(config, network, kernels);
        this.offPolicy = new OffPolicyLoop(config, alg, collector.observationSize(), network.actionWidth());
        this.policy = alg.templatePolicy();
        this.buf = null;
        this.sampler = null;
        this.learner = null;
        collector.setModel(network, kernels);
        return;
      }
      this.offPolicy = null;
      this.network = policy != null ? checked(policy, os, as, policies) : Policies.build(config, os, as, init, policies);
      int n = config.numEnvs();
      int seqLen = network.memorySize() > 0 ? config.seqLen() : 1;
      int sequences = n * (config.numSteps() / seqLen);
      if (config.numSteps() % seqLen != 0 || sequences % config.minibatches() != 0) {
        throw new IllegalArgumentException("config: seqLen = " + seqLen + " and minibatches = " + config.minibatches() + " do not divide the "
            + n + " envs x " + config.numSteps() + " steps into whole sequences per minibatch");
      }
      int aw = network.actionWidth();
      float[] allowedRow = new float[config.useMasks() ? collector.maskWidth() : 0];
      if (allowedRow.length > 0) ActionMasks.write(as, null, allowedRow, 0);
      this.buf = new RolloutBuffer(config.numSteps(), n, collector.observationSize(), aw, allowedRow);
      this.policy = (template != null ? template : Algorithms.of(config.algo())).build(network, config, kernels);
      collector.setPolicy(this.policy, kernels);
      this.sampler = new MinibatchSampler(config.numSteps(), n, seqLen, network.memorySize(), sequences / config.minibatches(),
          collector.observationSize(), aw, buf.maskWidth());
      this.learner = new Learner(config, this.policy);
    } catch (RuntimeException e) {
      collector.close();
      throw e;
    }
  }

  /**
   * {@code p} after checking that it fits the env and that the config's {@code policy} key rebuilds it
   * (same class and structure), so that resume and loading will work: a mismatch is found now, not
   * when the run is resumed.
   */
  private ActorCriticPolicy checked(ActorCriticPolicy p, Space<?> os, Space<?> as, PolicyRegistry policies) {
    if (p.observationSize() != os.flatSize() || !p.actionSpace().equals(as)) {
      throw new IllegalArgumentException("Trainer: the policy's spaces (observation " + p.observationSpace() + ", action " + p.actionSpace()
          + ") are not those of " + config.env() + " (observation " + os + ", action " + as + ")");
    }
    ActorCriticPolicy rebuilt;
    try {
      rebuilt = Policies.build(config, os, as, new Rng(0), policies);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Trainer: a run records policy = " + config.policy() + " to rebuild the given "
          + p.getClass().getName() + ", but that fails: " + e.getMessage()
          + ". Give the class a public (Space, Space, Rng) constructor, or register it in a PolicyRegistry and set policy to its name", e);
    }
    if (!rebuilt.structure().equals(p.structure())) {
      throw new IllegalArgumentException("Trainer: config policy = " + config.policy() + " rebuilds a " + rebuilt.getClass().getName()
          + " whose structure differs from the given " + p.getClass().getName() + " (resume and loading would fail); set policy to the"
          + " registry name or class:NAME that builds this policy, or leave it at mlp to record class:" + p.getClass().getName());
    }
    return p;
  }

  /**
   * {@code config} with its {@code policy} key recording how {@code policy} is rebuilt: unchanged
   * when it already names a registry entry or a class, otherwise {@code class:NAME} of the policy's
   * class.
   */
  public static TrainConfig configFor(TrainConfig config, ActorCriticPolicy policy) {
    return config.builtInPolicy() ? config.with("policy", Policies.classSpec(policy)) : config;
  }

  /** The feed-forward policy configuration of {@code config} (see {@link Policies#mlpConfig}). */
  public static MlpPolicyConfig policyConfig(TrainConfig config) {
    return Policies.mlpConfig(config);
  }

  /** The recurrent policy configuration of {@code config} (see {@link Policies#recurrentConfig}). */
  public static RecurrentPolicyConfig recurrentConfig(TrainConfig config) {
    return Policies.recurrentConfig(config);
  }

  /** The untrained policy a run of {@code config} starts from, for the env's spaces ({@link Policies#defaultRegistry()}). */
  public static ActorCriticPolicy newPolicy(TrainConfig config, Space<?> observationSpace, Space<?> actionSpace, Rng rng) {
    return Policies.build(config, observationSpace, actionSpace, rng, Policies.defaultRegistry());
  }

  public TrainConfig config() { return config; }
  /** The policy being trained (its parameters are updated in place); save it with {@link vecrl.io.PolicyIO}. */
  public ActorCriticPolicy network() { return network; }
  /** The kernels the policy is trained on. */
  public Kernels kernels() { return kernels; }
  /** The optimizer of the template policy ({@link #policy()}); null for an off-policy algorithm that is not a template. */
  public Optimizer optimizer() { return policy == null ? null : policy.optimizer(); }
  /**
   * The policy the trainer trains: the algorithm's template around {@link #network()} ({@link
   * vecrl.algo.Policy}'s methods); null for an off-policy algorithm that is not a template (see {@link
   * #offPolicyAlgorithm()}).
   */
  public TemplatePolicy policy() { return policy; }
  /** The off-policy algorithm, or null for an on-policy run. */
  public OffPolicyAlgorithm offPolicyAlgorithm() { return offPolicy == null ? null : offPolicy.algorithm; }
  /** The replay buffer of an off-policy run, or null for an on-policy one. */
  public ReplayBuffer replayBuffer() { return offPolicy == null ? null : offPolicy.replay; }
  /** Gradient steps taken so far by an off-policy run (0 for an on-policy one). */
  public long gradientSteps() { return offPolicy == null ? 0 : offPolicy.gradientSteps(); }
  /** Whether {@link TrainingRun} writes {@code stats.jsonl}: an off-policy run, or a template with its own {@code statsFn}. */
  public boolean writesStats() { return offPolicy != null || policy.template().hasStatsFn(); }
  /**
   * The statistics of the last update (unmodifiable; empty before the first): {@link
   * TemplatePolicy#stats} on its last minibatch, that is the template's {@code statsFn} when it sets
   * one, otherwise the built-in {@link vecrl.algo.LossStats} keys. {@link TrainingRun} writes them to
   * {@code stats.jsonl} when the template has a {@code statsFn}.
   */
  public java.util.Map<String, Double> lastStats() { return offPolicy != null ? offPolicy.lastStats() : learner.lastStats(); }
  /** The last rollout, postprocessed (its columns are reused by the next rollout); off-policy: the last batch sampled from the replay buffer. */
  public SampleBatch lastBatch() { return offPolicy != null ? offPolicy.replay.sampleBatch() : buf.batch(); }
  /** Env steps so far: this trainer's collector's, plus those of an execution plan's workers ({@link #countIteration}). */
  public long globalStep() { return collector.globalStep() + planSteps; }
  public long iteration() { return iteration; }
  public long episodes() { return collector.episodes.episodes(); }
  /** Whether the environment gave an action mask at some step this trainer collected. */
  public boolean environmentGaveMasks() { return collector.environmentGaveMasks(); }
  /** The observation normaliser, or null when observations are not normalised. */
  public RunningMeanStd observationNormalizer() { return collector.normalize.observationStatistics(); }
  /** Mean length of the recent finished episodes (NaN before any). */
  public double recentMeanLength() { return collector.episodes.meanLength(); }
  /** Mean return of the recent finished episodes (NaN before any). */
  public double recentMeanReturn() { return collector.episodes.meanReturn(); }
  /** Wall-clock seconds this trainer spent collecting rollouts (including GAE); off-policy: collecting transitions into the buffer. */
  public double rolloutSeconds() { return rolloutNanos / 1e9; }
  /** Wall-clock seconds this trainer spent in updates (minibatch loop); off-policy: sampling batches and the gradient steps. */
  public double updateSeconds() { return updateNanos / 1e9; }
  /** {@code max |ratio - 1|} on the first minibatch of the first epoch of the last update (PPO: exactly 0). */
  public double firstMinibatchRatioDeviation() { return learner == null ? Double.NaN : learner.firstRatioDeviation(); }

  /**
   * Runs the rollouts of the following iterations through {@code rollouts} (the cluster module's
   * workers; null: in this JVM again). A bulk-sync run gives the bits of the same run in one JVM; see
   * {@link Rollouts} and {@link RolloutShard} for how, and for what is not supported.
   */
  public void useRollouts(Rollouts rollouts) {
    if (rollouts != null) RolloutShard.checkSupported(config);
    this.rollouts = rollouts;
  }

  /** Resets the environments now (the first iteration does it otherwise), so that a checkpoint holds their states. */
  public void start() {
    collector.start();
  }

  /** Runs until the configured number of iterations (or a callback stops it). */
  public void run(List<? extends Callback> callbacks) {
    long startNanos = System.nanoTime();
    long startStep = globalStep();
    for (Callback c : callbacks) c.onStart(this);
    long total = config.iterations();
    boolean go = true;
    while (go && iteration < total) {
      IterationStats s = iterate(startNanos, startStep);
      for (Callback c : callbacks) go &= c.onIteration(this, s);
    }
    for (Callback c : callbacks) c.onEnd(this);
  }

  /**
   * Where the on-policy iterations come from when an execution plan drives them (the {@code
   * vecrl.plan} operators): {@link #iterate} asks it for the next iteration's statistics.
   */
  @FunctionalInterface
  public interface IterationSource {
    /** Runs one iteration (the plan's next output) and returns its statistics; {@code startNanos} and {@code startStep} as in {@link #iterate}. */
    IterationStats next(long startNanos, long startStep);
  }

  private IterationSource plan;

  /**
   * Runs the following on-policy iterations through {@code plan} (an execution plan's iterator, see
   * {@code vecrl.plan.ExecutionPlan}); null: the built-in loop again. A {@link Callback} may install
   * it in {@code onStart}.
   */
  public void useExecutionPlan(IterationSource plan) {
    if (plan != null && offPolicy != null) throw new IllegalArgumentException("execution plans drive on-policy runs; " + config.algo() + " is off-policy");
    this.plan = plan;
  }

  /** One rollout and update; returns its statistics. */
  public IterationStats iterate(long startNanos, long startStep) {
    if (offPolicy != null) return iterateOffPolicy(startNanos, startStep);
    if (plan != null) return plan.next(startNanos, startStep);
    SampleBatch batch = sampleRollout();
    if (config.normAdvBatch()) Algorithms.standardize(batch, SampleBatch.ADVANTAGES);
    int epochsRun = trainOnRollout(batch, true);
    return finishIteration(epochsRun, startNanos, startStep);
  }

  /**
   * The first half of an on-policy iteration (RLlib's {@code sample()} on the local worker): the
   * rollout of every env, in this JVM or through the {@link Rollouts} installed with {@link
   * #useRollouts}, postprocessed by the template. Returns the rollout batch, whose columns the next
   * rollout reuses. With {@code normAdvBatch}, {@link #iterate} then standardises its advantages
   * ({@link Algorithms#standardize}) before {@link #trainOnRollout}.
   */
  public SampleBatch sampleRollout() {
    requireOnPolicy("sampleRollout");
    long t0 = System.nanoTime();
    if (rollouts != null) rng = collector.collectRemote(buf, rng, rollouts, kernels.name(), RolloutShard.flatWeights(network), iteration);
    else collector.collect(buf, sampler, rng);
    adopt(buf.batch(), policy.postprocessTrajectory(buf.batch(), java.util.Map.of(), null));
    rolloutNanos += System.nanoTime() - t0;
    return buf.batch();
  }

  /**
   * The second half (RLlib's {@code TrainOneStep}): the learner's epochs of shuffled minibatches over
   * {@code batch}, which is the last {@link #sampleRollout} batch, or a batch of as many rows ({@code
   * numSteps x numEnvs}) with the rollout's training columns (observations, actions, log-probs,
   * values, advantages, value targets, masks), copied into the rollout buffer first. The mixins run
   * before and after the update; with {@code klUpdate} false the adaptive KL coefficient's mixin is
   * left out (an execution plan's {@code UpdateKL} step runs it). Returns the epochs run; the
   * iteration is counted by {@link #finishIteration}.
   */
  public int trainOnRollout(SampleBatch batch, boolean klUpdate) {
    requireOnPolicy("trainOnRollout");
    long t1 = System.nanoTime();
    if (batch != buf.batch()) buf.load(batch);
    int epochsRun = learner.update(buf, sampler, rng, iteration, config.iterations(), klUpdate);
    updateNanos += System.nanoTime() - t1;
    return epochsRun;
  }

  /** Counts the iteration after {@link #trainOnRollout} and returns its statistics (as {@link #iterate} does). */
  public IterationStats finishIteration(int epochsRun, long startNanos, long startStep) {
    requireOnPolicy("finishIteration");
    double lr = policy.optimizer().learningRate();
    iteration++;
    double ev = explainedVariance();
    double secs = (System.nanoTime() - startNanos) / 1e9;
    var st = learner.stats();
    return new IterationStats(globalStep(), iteration, episodes(), recentMeanReturn(), collector.episodes.meanLength(), st.loss,
        st.policyLoss, st.valueLoss, st.entropy, st.approxKl, learner.clipFraction(), ev, lr, epochsRun, collector.invalidActions(),
        (globalStep() - startStep) / Math.max(secs, 1e-9), secs);
  }

  /**
   * Counts an iteration that an execution plan ran without this trainer's rollout (its workers
   * sampled {@code envSteps} env steps; an asynchronous plan: the learner applied their gradients).
   * {@link #globalStep} includes them.
   */
  public void countIteration(long envSteps) {
    requireOnPolicy("countIteration");
    if (envSteps < 0) throw new IllegalArgumentException("countIteration: " + envSteps + " env steps");
    iteration++;
    planSteps += envSteps;
  }

  /** Env steps that an execution plan's workers sampled for this trainer (not its own collector's). */
  private long planSteps;

  private void requireOnPolicy(String what) {
    if (offPolicy != null) throw new IllegalStateException(what + ": an on-policy step, and " + config.algo() + " is off-policy");
  }

  /**
   * One off-policy iteration ({@link OffPolicyLoop}): collection into the replay buffer, then the
   * gradient steps. The statistics' loss is the algorithm's {@code loss}; the on-policy columns are
   * NaN, {@code epochs} holds the gradient steps taken.
   */
  private IterationStats iterateOffPolicy(long startNanos, long startStep) {
    int g = offPolicy.iterate(collector, rng, iteration, config.iterations());
    rolloutNanos = offPolicy.collectNanos;
    updateNanos = offPolicy.trainNanos;
    iteration++;
    double secs = (System.nanoTime() - startNanos) / 1e9;
    var st = offPolicy.lastStats();
    double nan = Double.NaN;
    return new IterationStats(globalStep(), iteration, episodes(), recentMeanReturn(), collector.episodes.meanLength(),
        st.getOrDefault("loss", nan), st.getOrDefault("policy_loss", nan), st.getOrDefault("value_loss", nan), st.getOrDefault("entropy", nan),
        nan, nan, nan, offPolicy.algorithm.learningRate(), g, collector.invalidActions(), (globalStep() - startStep) / Math.max(secs, 1e-9), secs);
  }

  /**
   * Makes the rollout batch hold what the template's postprocessFn returned: a batch other than the
   * rollout (RLlib's postprocess_fn may return a copy) must have its rows, and its columns and side
   * arrays take the place of the rollout's for this iteration.
   */
  private static void adopt(SampleBatch rollout, SampleBatch post) {
    if (post == rollout) return;
    if (post == null) throw new IllegalStateException("postprocessFn returned null; return the batch it was given (with its new columns)");
    if (post.rows() != rollout.rows()) {
      throw new IllegalStateException("postprocessFn returned a batch of " + post.rows() + " rows for a rollout of " + rollout.rows()
          + " rows (" + rollout.steps() + " steps x " + rollout.envs() + " envs); return the batch it was given, or one row per rollout row");
    }
    for (var e : post.columns().entrySet()) if (rollout.columns().get(e.getKey()) != e.getValue()) rollout.put(e.getKey(), e.getValue());
    for (String name : post.sideNames()) rollout.putSide(name, post.side(name));
  }

  private double explainedVariance() {
    int len = buf.size();
    SampleBatch.Floats retCol = buf.batch().floats(SampleBatch.VALUE_TARGETS), valCol = buf.batch().floats(SampleBatch.VF_PREDS);
    float[] returns = retCol.data(), values = valCol.data();
    int ro = retCol.offset(), vo = valCol.offset();
    double my = 0, md = 0;
    for (int k = 0; k < len; k++) {
      my += returns[ro + k];
      md += returns[ro + k] - values[vo + k];
    }
    my /= len;
    md /= len;
    double vy = 0, vd = 0;
    for (int k = 0; k < len; k++) {
      double y = returns[ro + k] - my;
      double d = returns[ro + k] - values[vo + k] - md;
      vy += y * y;
      vd += d * d;
    }
    return vy == 0 ? Double.NaN : 1 - vd / vy;
  }

  /** Greedy evaluation on fresh envs of the same spec, one episode after another, seeded with {@code seed}; masks as the config says. */
  public Evaluation evaluate(int episodes, long seed) {
    return Evaluator.evaluate(network, kernels, spec, observationNormalizer(), (float) config.clipObs(), episodes, seed, config.useMasks());
  }

  /** Greedy evaluation of any policy (see {@link Evaluator#evaluate}). */
  public static Evaluation evaluate(ActorCriticPolicy policy, Kernels kernels, EnvSpec spec, RunningMeanStd obsRms, float clipObs,
      int episodes, long seed, boolean useMasks) {
    return Evaluator.evaluate(policy, kernels, spec, obsRms, clipObs, episodes, seed, useMasks);
  }

  // ---- checkpoints ----

  /**
   * Writes the complete training state atomically to {@code file} ({@link Checkpoint}: header, SHA-256
   * trailer): the config (its {@code totalSteps} at least the steps already trained, so that the
   * iteration never exceeds the stored total) and the trainer's counters and generator, then the
   * learner's part (parameters, optimizer) and the collector's (envs, observations, normaliser,
   * statistics, memory).
   */
  public void saveCheckpoint(Path file) throws IOException {
    java.util.Objects.requireNonNull(file, "file");
    vecrl.io.AtomicFiles.write(file, checkpointBytes());
  }

  /** The bytes {@link #saveCheckpoint} writes. */
  byte[] checkpointBytes() throws IOException {
    long done = iteration * config.batchSize();
    TrainConfig stored = done > config.totalSteps() ? config.with("totalSteps", String.valueOf(done)) : config;
    return Checkpoint.encode(out -> {
      out.writeUTF(stored.toText());
      out.writeLong(iteration);
      for (long v : rng.state()) out.writeLong(v);
      if (offPolicy != null) offPolicy.write(out); else learner.write(out);
      collector.write(out);
    });
  }

  /**
   * Restores a state written by {@link #saveCheckpoint}; the checkpoint's config must equal this
   * trainer's except for {@code totalSteps} (a run may be extended). The whole file is checked (its
   * checksum, then every field against the config: iteration within the stored total, step counts,
   * sizes, finite values) before anything changes; an error names the file and the field.
   */
  public void restoreCheckpoint(Path file) throws IOException {
    java.util.Objects.requireNonNull(file, "file");
    long size = java.nio.file.Files.size(file);
    if (size > Checkpoint.MAX_SIZE) throw new IOException(file + ": " + size + " bytes is larger than any checkpoint this build reads");
    restoreCheckpoint(file.toString(), java.nio.file.Files.readAllBytes(file));
  }

  /** {@link #restoreCheckpoint(Path)} from the bytes of a checkpoint; {@code source} names them in errors. */
  void restoreCheckpoint(String source, byte[] bytes) throws IOException {
    Checkpoint.decode(source, bytes, in -> {
      String text = in.readUTF();
      TrainConfig saved;
      try {
        saved = TrainConfig.fromMap(TrainConfig.defaults(config.env()), TrainConfig.parse(text));
      } catch (IllegalArgumentException e) {
        throw new Checkpoint.FieldException("the config stored in the checkpoint (not your config file) is invalid: " + e.getMessage());
      }
      if (!saved.with("totalSteps", String.valueOf(config.totalSteps())).equals(config)) {
        throw new IllegalArgumentException("the checkpoint was written by a different config: " + differences(saved, config));
      }
      long it = in.readLong();
      if (it < 0 || it > saved.iterations()) {
        throw new Checkpoint.FieldException("iteration: " + it + ", expected in [0, " + saved.iterations() + "] (the stored totalSteps "
            + saved.totalSteps() + " / " + saved.batchSize() + " steps per iteration)");
      }
      long[] rs = {in.readLong(), in.readLong()};
      if ((rs[1] & 1L) == 0) throw new Checkpoint.FieldException("generator: increment " + rs[1] + " is even, expected an odd number");
      Runnable learnerState = offPolicy != null ? offPolicy.read(in, it) : learner.read(in, it);
      Runnable collectorState = collector.read(in, it);
      if (in.available() != 0) throw new Checkpoint.FieldException(in.available() + " unexpected bytes after the last section");
      collectorState.run();
      learnerState.run();
      iteration = it;
      rng = Rng.restore(rs);
      // a run whose iterations an execution plan's workers sampled: its collector stepped less than its iterations
      // (the checkpoint keeps the collector's count only), so its steps are counted as whole iterations
      planSteps = offPolicy == null ? Math.max(0, it * config.batchSize() - collector.globalStep()) : 0;
    });
  }

  private static String differences(TrainConfig saved, TrainConfig current) {
    var a = saved.toMap();
    var b = current.toMap();
    StringBuilder s = new StringBuilder();
    for (var e : a.entrySet()) {
      if (e.getKey().equals("totalSteps") || e.getValue().equals(b.get(e.getKey()))) continue;
      s.append(s.isEmpty() ? "" : ", ").append(e.getKey()).append(" = ").append(vecrl.io.Text.quote(e.getValue())).append(" in the checkpoint, ")
          .append(vecrl.io.Text.quote(b.get(e.getKey()))).append(" in the run's config");
    }
    return s.toString();
  }

  @Override
  public void close() {
    collector.close();
  }
}
