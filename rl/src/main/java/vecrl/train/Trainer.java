package vecrl.train;

import java.util.ArrayList;
import java.util.List;
import vecrl.algo.A2cObjective;
import vecrl.algo.ActorCritic;
import vecrl.algo.LossStats;
import vecrl.algo.Minibatch;
import vecrl.algo.Objective;
import vecrl.algo.PolicyActorCritic;
import vecrl.algo.PpoObjective;
import vecrl.algo.RecurrentPolicyActorCritic;
import vecrl.algo.RolloutBuffer;
import vecrl.algo.SequenceMinibatches;
import vecrl.autodiff.Adam;
import vecrl.autodiff.GradClip;
import vecrl.autodiff.LrSchedule;
import vecrl.autodiff.Optimizer;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.RmsProp;
import vecrl.autodiff.Tape;
import vecrl.env.Env;
import vecrl.env.EnvRegistry;
import vecrl.env.EnvSpec;
import vecrl.env.RunningMeanStd;
import vecrl.env.SyncVectorEnv;
import vecrl.env.ThreadedVectorEnv;
import vecrl.env.VectorEnv;
import vecrl.nn.Activation;
import vecrl.nn.NetArch;
import vecrl.policy.ActionMasks;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.MlpActorCriticPolicy;
import vecrl.policy.MlpPolicyConfig;
import vecrl.policy.RecurrentActorCriticPolicy;
import vecrl.policy.RecurrentPolicyConfig;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * The shared on-policy loop: collect a rollout from vector envs, compute GAE, then run the
 * algorithm's {@link Objective} over shuffled minibatches for some epochs with gradient clipping
 * and the optimizer. PPO and A2C differ only in the objective and the schedule in the config.
 *
 * <p>The network is a policy of the policy module, built from the env's observation and action
 * spaces by {@link #newPolicy}: a {@link MlpActorCriticPolicy} ({@link #policyConfig(TrainConfig)}),
 * trained in place through {@link PolicyActorCritic}, or for {@code policy = lstm|gru} a {@link
 * RecurrentActorCriticPolicy} ({@link #recurrentConfig(TrainConfig)}) trained through {@link
 * RecurrentPolicyActorCritic}; {@link #network()} is the trained policy (a run saves it with {@link
 * vecrl.io.PolicyIO}, see {@link PolicyFile}).
 *
 * <p><b>Recurrent policies.</b> The same loop, with the memory carried through it: the rollout keeps
 * one memory row per env (reset where an episode starts, checkpointed with the rest of the rollout
 * state) and stores it at the start of every sequence ({@link SequenceMinibatches}); bootstrap
 * values read the memory of their step; the minibatches are whole sequences of {@code seqLen}
 * steps, shuffled as units, each run through the cell from its stored memory with the episode
 * starts inside it as resets; the loss is the algorithm's own {@link Objective} over their rows.
 *
 * <p><b>Action masks.</b> When the environment gives masks ({@link vecrl.env.Env#actionMask()}),
 * the vector env turns them into rows ({@link VectorEnv#actionMaskRows()}); with {@code useMasks}
 * (the default) each rollout step samples under its rows, the rollout buffer keeps them, the
 * minibatches gather them with the other samples and the loss evaluates the actions under them,
 * and greedy evaluation uses them too. Whether or not they are used, the actions that a mask
 * forbade are counted ({@link IterationStats#invalidActions()}, {@link Evaluation#invalidActions()}).
 * An environment without masks trains exactly as before masks existed.
 *
 * <p>All randomness comes from the config's seed: the policy's initialisation, action sampling and
 * minibatch shuffling use generators split from it, and the vector env is reset with a seed drawn
 * from it. {@link #saveCheckpoint} and {@link #restoreCheckpoint} capture the whole state between
 * iterations, so a resumed run continues bit for bit.
 */
public final class Trainer implements AutoCloseable {
  private static final int RECENT = 20;

  private final TrainConfig config;
  private final EnvSpec spec;
  private final VectorEnv<Object, Object> vec;
  private final List<SnapshotEnv<Object, Object>> envs = new ArrayList<>();
  private final ActorCriticPolicy network;
  private final PolicyActorCritic policy;
  /** The recurrent view of {@link #network}, with its sequence minibatches and per-env memory; all null for an MLP. */
  private final RecurrentPolicyActorCritic recurrent;
  private final SequenceMinibatches seq;
  private final Tensor memory;
  private final Objective objective;
  private final Optimizer optimizer;
  private final GradClip gradClip;
  private final Tape tape;
  private Rng rng;
  private final RolloutBuffer buf;
  private final Minibatch mb;
  private final Tensor mbObs;
  private final Tensor mbAct;
  private final Tensor mbMask;
  private final int[] perm;
  private final int n;
  private final int obsDim;
  private final int actDim;
  private final boolean discrete;
  private final Space<Object> actionSpace;
  private final int maskWidth;
  private final boolean useMasks;
  private boolean envGaveMasks;
  private long invalidActions;
  private final float[] actLow;
  private final float[] actHigh;
  private final long envSeed;

  // rollout state (checkpointed)
  private final float[] curObs;
  private final Tensor curObsT;
  private final float[] curDones;
  private final RunningMeanStd obsRms;
  private final RunningMeanStd retRms;
  private final double[] discReturn;
  private final double[] epRet;
  private final int[] epLen;
  private final double[] recentRet = new double[RECENT];
  private final double[] recentLen = new double[RECENT];
  private int recentCount;
  private int recentHead;
  private long episodes;
  private long globalStep;
  private long iteration;
  private boolean started;

  // scratch
  private final float[] actBuf;
  private final Tensor actT;
  private final float[] envActBuf;
  private final Tensor envActT;
  private final float[] logpBuf;
  private final float[] valBuf;
  private final float[] rewBuf;
  private final float[] finalObs;
  private final Tensor finalObsT;
  private final float[] finalVal;
  private final LossStats stats = new LossStats();

  /** A trainer for {@code config} on an environment of {@code registry}. */
  @SuppressWarnings("unchecked")
  public Trainer(TrainConfig config, EnvRegistry registry) {
    this(config, registry, Backends.kernels());
  }

  @SuppressWarnings("unchecked")
  public Trainer(TrainConfig config, EnvRegistry registry, Kernels kernels) {
    this.config = config;
    this.spec = registry.spec(config.env());
    this.n = config.numEnvs();
    List<Env<Object, Object>> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SnapshotEnv<Object, Object> e = new SnapshotEnv<>((Env<Object, Object>) spec.factory().get(), spec.maxEpisodeSteps());
      envs.add(e);
      list.add(e);
    }
    this.vec = config.envThreads() > 1 ? new ThreadedVectorEnv<>(list, config.envThreads()) : new SyncVectorEnv<>(list);
    Space<Object> os = vec.observationSpace();
    Space<Object> as = vec.actionSpace();
    this.obsDim = vec.observationSize();
    this.actionSpace = as;
    this.maskWidth = vec.maskWidth();
    this.useMasks = config.useMasks();
    switch ((Object) as) {
      case Discrete d -> {
        discrete = true;
        actDim = 1;
        actLow = actHigh = null;
      }
      case Box b -> {
        discrete = false;
        actDim = b.size();
        actLow = b.low();
        actHigh = b.high();
      }
      default -> throw new IllegalArgumentException("Trainer: action space " + as + " of " + config.env() + " is not supported (Discrete or Box)");
    }
    if (os.flatSize() <= 0) throw new IllegalArgumentException("Trainer: empty observation space " + os);
    Rng root = new Rng(config.seed());
    Rng init = root.split();
    this.rng = root.split();
    this.envSeed = root.nextLong();
    this.network = newPolicy(config, os, as, init);
    this.policy = new PolicyActorCritic(network, kernels);
    if (network instanceof RecurrentActorCriticPolicy r) {
      this.recurrent = new RecurrentPolicyActorCritic(r, kernels);
      this.seq = new SequenceMinibatches(config.numSteps(), n, config.seqLen(), r.memorySize(),
          n * (config.numSteps() / config.seqLen()) / config.minibatches());
      this.memory = Tensor.zeros(n, r.memorySize());
    } else {
      this.recurrent = null;
      this.seq = null;
      this.memory = null;
    }
    this.objective = config.algo().equals("ppo")
        ? new PpoObjective((float) config.clipCoef(), config.clipVloss(), (float) config.entCoef(), (float) config.vfCoef(), config.normAdv())
        : new A2cObjective((float) config.entCoef(), (float) config.vfCoef(), config.normAdv());
    ParameterSet params = policy.parameters();
    LrSchedule lr = new LrSchedule.Constant(config.learningRate());
    this.optimizer = config.optimizer().equals("adam")
        ? new Adam(params, kernels, lr, 0.9, 0.999, config.adamEps(), 0, false)
        : new RmsProp(params, kernels, lr, config.rmsAlpha(), config.rmsEps(), 0);
    this.gradClip = new GradClip(params, kernels);
    this.tape = new Tape(kernels);
    float[] allowedRow = new float[useMasks ? maskWidth : 0];
    if (allowedRow.length > 0) ActionMasks.write(as, null, allowedRow, 0);
    this.buf = new RolloutBuffer(config.numSteps(), n, obsDim, actDim, allowedRow);
    int mbSize = config.batchSize() / config.minibatches();
    this.mb = new Minibatch(mbSize);
    mb.setSize(mbSize);
    this.mbObs = Tensor.zeros(mbSize, obsDim);
    this.mbAct = Tensor.zeros(mbSize, actDim);
    this.mbMask = buf.maskWidth() > 0 ? Tensor.zeros(mbSize, buf.maskWidth()) : null;
    this.perm = new int[seq == null ? config.batchSize() : seq.sequences()];
    for (int i = 0; i < perm.length; i++) perm[i] = i;
    this.curObs = new float[n * obsDim];
    this.curObsT = Tensor.wrap(curObs, new int[] {n, obsDim});
    this.curDones = new float[n];
    this.obsRms = config.normObs() ? new RunningMeanStd(obsDim) : null;
    this.retRms = config.normReward() ? new RunningMeanStd(1) : null;
    this.discReturn = new double[n];
    this.epRet = new double[n];
    this.epLen = new int[n];
    this.actBuf = new float[n * actDim];
    this.actT = Tensor.wrap(actBuf, new int[] {n, actDim});
    this.envActBuf = new float[n * actDim];
    this.envActT = discrete ? Tensor.wrap(envActBuf, new int[] {n}) : Tensor.wrap(envActBuf, new int[] {n, actDim});
    this.logpBuf = new float[n];
    this.valBuf = new float[n];
    this.rewBuf = new float[n];
    this.finalObs = new float[n * obsDim];
    this.finalObsT = Tensor.wrap(finalObs, new int[] {n, obsDim});
    this.finalVal = new float[n];
  }

  /**
   * The policy configuration a training config describes: Stable-Baselines {@code net_arch}
   * {@code [{pi: hidden, vf: hidden}]} (separate actor and critic, no shared layers) with the
   * config's activation, orthogonal init flag and initial log-std. For the defaults (hidden 64,64,
   * tanh, orthogonal, log-std 0) this equals {@link MlpPolicyConfig#separate64()}. Together with the
   * env's observation and action spaces these are the constructor arguments that rebuild a trained
   * policy for {@link vecrl.io.PolicyIO#deserialize}.
   */
  public static MlpPolicyConfig policyConfig(TrainConfig config) {
    int[] hidden = config.hiddenSizes();
    return MlpPolicyConfig.sb3(new NetArch(new int[0], hidden, hidden))
        .withActivation(activation(config))
        .withOrthogonalInit(config.orthoInit())
        .withLogStdInit((float) config.logStdInit());
  }

  private static Activation activation(TrainConfig config) {
    return config.activation().equals("relu") ? Activation.RELU : Activation.TANH;
  }

  /**
   * The recurrent policy configuration of a config with {@code policy = lstm|gru}: net_arch {@code
   * [<policy>:cellSize, {pi: hidden, vf: hidden}]}, {@code sharedCell}, the activation, orthogonal
   * init flag (feed-forward layers) and initial log-std. With the env's spaces these are the
   * constructor arguments of the trained {@link RecurrentActorCriticPolicy}.
   */
  public static RecurrentPolicyConfig recurrentConfig(TrainConfig config) {
    if (!config.recurrent()) throw new IllegalArgumentException("recurrentConfig: policy = " + config.policy() + " is not recurrent");
    int[] hidden = config.hiddenSizes();
    return new RecurrentPolicyConfig(new NetArch(new int[0], hidden, hidden, new NetArch.Cell(config.policy(), config.cellSize())),
        config.sharedCell(), activation(config), config.orthoInit(), (float) config.logStdInit(), false);
  }

  /** The untrained policy a run of {@code config} starts from, for the env's spaces. */
  public static ActorCriticPolicy newPolicy(TrainConfig config, Space<?> observationSpace, Space<?> actionSpace, Rng rng) {
    return config.recurrent()
        ? new RecurrentActorCriticPolicy(observationSpace, actionSpace, recurrentConfig(config), rng)
        : new MlpActorCriticPolicy(observationSpace, actionSpace, policyConfig(config), rng);
  }

  public TrainConfig config() { return config; }
  /**
   * The trainer's batched view of {@link #network()}; for a recurrent network its memoryless view
   * (every row the first step of an episode), while training uses {@link #recurrent()}.
   */
  public ActorCritic policy() { return policy; }
  /** The recurrent view of {@link #network()}, or null for a feed-forward network. */
  public RecurrentPolicyActorCritic recurrent() { return recurrent; }
  /** The policy being trained (its parameters are updated in place); save it with {@link vecrl.io.PolicyIO}. */
  public ActorCriticPolicy network() { return network; }
  public Optimizer optimizer() { return optimizer; }
  public long globalStep() { return globalStep; }
  public long iteration() { return iteration; }
  public long episodes() { return episodes; }
  /** Whether the environment gave an action mask at some step this trainer collected. */
  public boolean environmentGaveMasks() { return envGaveMasks; }
  /** The observation normaliser, or null when observations are not normalised. */
  public RunningMeanStd observationNormalizer() { return obsRms; }

  /** Mean return of the recent finished episodes (NaN before any). */
  public double recentMeanReturn() {
    if (recentCount == 0) return Double.NaN;
    double s = 0;
    for (int i = 0; i < recentCount; i++) s += recentRet[i];
    return s / recentCount;
  }

  private double recentMeanLength() {
    if (recentCount == 0) return Double.NaN;
    double s = 0;
    for (int i = 0; i < recentCount; i++) s += recentLen[i];
    return s / recentCount;
  }

  private void start() {
    if (started) return;
    Tensor o = vec.reset(envSeed);
    System.arraycopy(o.data(), o.offset(), curObs, 0, n * obsDim);
    normalizeObs(curObs, true);
    java.util.Arrays.fill(curDones, 0);
    started = true;
  }

  /** Normalises rows of {@code x} in place with the running stats, first merging them in when {@code update}. */
  private void normalizeObs(float[] x, boolean update) {
    if (obsRms == null) return;
    if (update) for (int i = 0; i < n; i++) obsRms.update(x, i * obsDim);
    normalizeWith(obsRms, (float) config.clipObs(), x, n * obsDim, obsDim);
  }

  static void normalizeWith(RunningMeanStd rms, float clip, float[] x, int len, int dim) {
    for (int j = 0; j < dim; j++) {
      double m = rms.mean(j);
      double inv = 1.0 / Math.sqrt(rms.var(j) + 1e-8);
      for (int k = j; k < len; k += dim) {
        float v = (float) ((x[k] - m) * inv);
        x[k] = Math.max(-clip, Math.min(clip, v));
      }
    }
  }

  /** Runs until the configured number of iterations (or a callback stops it). */
  public void run(List<? extends Callback> callbacks) {
    long startNanos = System.nanoTime();
    long startStep = globalStep;
    for (Callback c : callbacks) c.onStart(this);
    long total = config.iterations();
    boolean go = true;
    while (go && iteration < total) {
      IterationStats s = iterate(startNanos, startStep);
      for (Callback c : callbacks) go &= c.onIteration(this, s);
    }
    for (Callback c : callbacks) c.onEnd(this);
  }

  /** One rollout and update; returns its statistics. */
  public IterationStats iterate(long startNanos, long startStep) {
    start();
    long t0 = System.nanoTime();
    collect();
    long t1 = System.nanoTime();
    rolloutNanos += t1 - t0;
    double lr = config.annealLr() ? config.learningRate() * (1.0 - (double) iteration / config.iterations()) : config.learningRate();
    optimizer.setSchedule(new LrSchedule.Constant(lr));
    int epochsRun = update();
    updateNanos += System.nanoTime() - t1;
    iteration++;
    double ev = explainedVariance();
    double secs = (System.nanoTime() - startNanos) / 1e9;
    return new IterationStats(globalStep, iteration, episodes, recentMeanReturn(), recentMeanLength(), stats.loss,
        stats.policyLoss, stats.valueLoss, stats.entropy, stats.approxKl, clipFracSum / Math.max(1, clipFracCount),
        ev, lr, epochsRun, invalidActions, (globalStep - startStep) / Math.max(secs, 1e-9), secs);
  }

  private void collect() {
    float gamma = (float) config.gamma();
    invalidActions = 0;
    for (int t = 0; t < config.numSteps(); t++) {
      Tensor masks = vec.actionMaskRows();
      Tensor used = useMasks ? masks : null;
      if (recurrent == null) {
        policy.act(curObsT, used, rng, actBuf, logpBuf, valBuf);
      } else {
        if (seq.startsSequence(t)) seq.putStartMemory(t, memory);
        recurrent.act(curObsT, used, curDones, memory, rng, actBuf, logpBuf, valBuf);
      }
      buf.put(t, curObsT, curDones, actT, logpBuf, valBuf, used);
      if (masks != null) {
        envGaveMasks = true;
        for (int i = 0; i < n; i++) {
          if (!ActionMasks.allows(actionSpace, masks.data(), masks.offset() + i * maskWidth, actBuf, i * actDim)) invalidActions++;
        }
      }
      if (discrete) {
        System.arraycopy(actBuf, 0, envActBuf, 0, n);
      } else {
        for (int i = 0; i < n; i++) {
          for (int k = 0; k < actDim; k++) {
            float a = actBuf[i * actDim + k];
            envActBuf[i * actDim + k] = Math.max(actLow[k], Math.min(actHigh[k], a));
          }
        }
      }
      Tensor next = vec.step(envActT);
      float[] r = vec.rewards();
      boolean[] term = vec.terminated();
      boolean[] trunc = vec.truncated();
      boolean anyTrunc = false;
      for (int i = 0; i < n; i++) {
        epRet[i] += r[i];
        epLen[i]++;
        boolean done = term[i] || trunc[i];
        if (done) {
          recentRet[recentHead] = epRet[i];
          recentLen[recentHead] = epLen[i];
          recentHead = (recentHead + 1) % RECENT;
          recentCount = Math.min(recentCount + 1, RECENT);
          episodes++;
          epRet[i] = 0;
          epLen[i] = 0;
        }
        float ri = r[i];
        if (retRms != null) {
          discReturn[i] = discReturn[i] * gamma + ri;
          retRms.update(discReturn[i]);
          float clip = (float) config.clipReward();
          ri = (float) Math.max(-clip, Math.min(clip, ri / Math.sqrt(retRms.var(0) + 1e-8)));
          if (done) discReturn[i] = 0;
        }
        rewBuf[i] = ri;
        if (trunc[i] && !term[i]) anyTrunc = true;
      }
      buf.putRewards(t, rewBuf);
      if (anyTrunc && config.bootstrapTruncation()) {
        Tensor fo = vec.finalObservations();
        System.arraycopy(fo.data(), fo.offset(), finalObs, 0, n * obsDim);
        normalizeObs(finalObs, false);
        // the final observation continues its episode: the memory after this step, no reset
        if (recurrent == null) policy.predictValues(finalObsT, finalVal); else recurrent.predictValues(finalObsT, null, memory, finalVal);
        for (int i = 0; i < n; i++) if (trunc[i] && !term[i]) buf.addTruncationBootstrap(t, i, gamma, finalVal[i]);
      }
      System.arraycopy(next.data(), next.offset(), curObs, 0, n * obsDim);
      normalizeObs(curObs, true);
      for (int i = 0; i < n; i++) curDones[i] = term[i] || trunc[i] ? 1f : 0f;
      globalStep += n;
    }
    if (recurrent == null) policy.predictValues(curObsT, valBuf); else recurrent.predictValues(curObsT, curDones, memory, valBuf);
    buf.putNext(valBuf, curDones);
    buf.computeAdvantages(gamma, config.gae() ? (float) config.gaeLambda() : 1f);
  }

  private double firstRatioDeviation = Double.NaN;
  private long rolloutNanos;
  private long updateNanos;

  /** Wall-clock seconds this trainer spent collecting rollouts (including GAE). */
  public double rolloutSeconds() {
    return rolloutNanos / 1e9;
  }

  /** Wall-clock seconds this trainer spent in updates (minibatch loop). */
  public double updateSeconds() {
    return updateNanos / 1e9;
  }

  /** {@code max |ratio - 1|} on the first minibatch of the first epoch of the last update (PPO: exactly 0). */
  public double firstMinibatchRatioDeviation() {
    return firstRatioDeviation;
  }

  private double clipFracSum;
  private int clipFracCount;

  private int update() {
    int size = mb.size();
    // the shuffled units: samples (feed-forward), or whole sequences of seqLen samples (recurrent)
    int units = seq == null ? size : seq.perMinibatch();
    Tensor masks = buf.hasMasks() ? mbMask : null;
    int mw = buf.maskWidth();
    clipFracSum = 0;
    clipFracCount = 0;
    int epoch = 0;
    ParameterSet params = policy.parameters();
    for (int i = 0; i < perm.length; i++) perm[i] = i; // the order depends on the rng alone (resume-exact)
    while (epoch < config.epochs()) {
      if (config.minibatches() > 1 || config.epochs() > 1) rng.shuffle(perm);
      for (int start = 0; start < perm.length; start += units) {
        ActorCritic.Evaluation ev;
        if (seq == null) {
          // data() per minibatch, not once per update: with a device backend that keeps data
          // resident, each call tells it the host is about to write (see Tensor's class comment).
          float[] od = mbObs.data();
          float[] ad = mbAct.data();
          for (int j = 0; j < size; j++) {
            int k = perm[start + j];
            System.arraycopy(buf.obs, k * obsDim, od, j * obsDim, obsDim);
            System.arraycopy(buf.actions, k * actDim, ad, j * actDim, actDim);
            if (masks != null) System.arraycopy(buf.masks, k * mw, masks.data(), j * mw, mw);
            mb.advantages[j] = buf.advantages[k];
            mb.returns[j] = buf.returns[k];
            mb.oldValues[j] = buf.values[k];
            mb.oldLogProbs[j] = buf.logProbs[k];
          }
          tape.clear();
          ev = policy.evaluate(tape, mbObs, mbAct, masks);
        } else {
          seq.gather(buf, perm, start, mb, mbObs, mbAct, masks);
          tape.clear();
          ev = recurrent.evaluateSequences(tape, mbObs, mbAct, masks, seq.memory(), seq.keep(), seq.seqLen());
        }
        var loss = objective.loss(tape, ev.logProb(), ev.entropy(), ev.value(), mb, stats);
        params.zeroGrad();
        tape.backward(loss);
        if (config.maxGradNorm() > 0) gradClip.clip(config.maxGradNorm());
        optimizer.step();
        if (epoch == 0 && start == 0) firstRatioDeviation = stats.maxRatioDeviation;
        clipFracSum += stats.clipFraction;
        clipFracCount++;
      }
      epoch++;
      if (config.targetKl() > 0 && stats.approxKl > config.targetKl()) break;
    }
    return epoch;
  }

  private double explainedVariance() {
    int len = buf.size();
    double my = 0, md = 0;
    for (int k = 0; k < len; k++) {
      my += buf.returns[k];
      md += buf.returns[k] - buf.values[k];
    }
    my /= len;
    md /= len;
    double vy = 0, vd = 0;
    for (int k = 0; k < len; k++) {
      double y = buf.returns[k] - my;
      double d = buf.returns[k] - buf.values[k] - md;
      vy += y * y;
      vd += d * d;
    }
    return vy == 0 ? Double.NaN : 1 - vd / vy;
  }

  // ---- evaluation ----

  /** Greedy evaluation on fresh envs of the same spec, one episode after another, seeded with {@code seed}; masks as the config says. */
  public Evaluation evaluate(int episodes, long seed) {
    return recurrent == null
        ? evaluate(policy, spec, obsRms, (float) config.clipObs(), episodes, seed, useMasks)
        : evaluate(recurrent, spec, obsRms, (float) config.clipObs(), episodes, seed, useMasks);
  }

  /** Greedy evaluation of {@code policy} on {@code episodes} episodes of {@code spec}'s env, with the env's masks. */
  public static Evaluation evaluate(ActorCritic policy, EnvSpec spec, RunningMeanStd obsRms, float clipObs, int episodes, long seed) {
    return evaluate(policy, spec, obsRms, clipObs, episodes, seed, true);
  }

  /**
   * Greedy evaluation of {@code policy} on {@code episodes} episodes of {@code spec}'s env; with
   * {@code useMasks} the greedy action is chosen among those the env's mask allows. Actions the
   * mask forbade are counted either way. A bad mask is an error naming the episode and its step.
   */
  public static Evaluation evaluate(ActorCritic policy, EnvSpec spec, RunningMeanStd obsRms, float clipObs, int episodes, long seed,
      boolean useMasks) {
    return evaluate((o, m, first, a) -> policy.greedy(o, m, a), policy.actionDim(), spec, obsRms, clipObs, episodes, seed, useMasks);
  }

  /**
   * Greedy evaluation of a recurrent policy, as above: its memory starts at zero in every episode and
   * is carried from step to step.
   */
  public static Evaluation evaluate(RecurrentPolicyActorCritic policy, EnvSpec spec, RunningMeanStd obsRms, float clipObs, int episodes,
      long seed, boolean useMasks) {
    Tensor mem = Tensor.zeros(1, policy.memorySize());
    float[] starts = new float[1];
    return evaluate((o, m, first, a) -> {
      starts[0] = first ? 1f : 0f;
      policy.greedy(o, m, starts, mem, a);
    }, policy.actionDim(), spec, obsRms, clipObs, episodes, seed, useMasks);
  }

  /** Greedy evaluation of either kind of policy-module policy ({@link #network()}, or one loaded from a file), on {@code kernels}. */
  public static Evaluation evaluate(ActorCriticPolicy policy, Kernels kernels, EnvSpec spec, RunningMeanStd obsRms, float clipObs,
      int episodes, long seed, boolean useMasks) {
    return policy instanceof RecurrentActorCriticPolicy r
        ? evaluate(new RecurrentPolicyActorCritic(r, kernels), spec, obsRms, clipObs, episodes, seed, useMasks)
        : evaluate(new PolicyActorCritic(policy, kernels), spec, obsRms, clipObs, episodes, seed, useMasks);
  }

  /** One greedy step of a single env: {@code mask} [1, maskWidth] or null, {@code first} on the first step of an episode. */
  private interface GreedyStep {
    void act(Tensor observation, Tensor mask, boolean first, float[] actions);
  }

  @SuppressWarnings("unchecked")
  private static Evaluation evaluate(GreedyStep policy, int actDim, EnvSpec spec, RunningMeanStd obsRms, float clipObs, int episodes,
      long seed, boolean useMasks) {
    Env<Object, Object> env = new SnapshotEnv<>((Env<Object, Object>) spec.factory().get(), spec.maxEpisodeSteps());
    Space<Object> os = env.observationSpace();
    Space<Object> as = env.actionSpace();
    int dim = os.flatSize();
    float[] o = new float[dim];
    Tensor ot = Tensor.wrap(o, new int[] {1, dim});
    float[] a = new float[actDim];
    int mw = ActorCriticPolicy.maskWidth(as);
    Tensor mt = Tensor.zeros(1, Math.max(mw, 1));
    long maskedSteps = 0, invalid = 0;
    Rng r = new Rng(seed);
    double[] returns = new double[episodes];
    for (int e = 0; e < episodes; e++) {
      Object obs = env.reset(r.split()).observation();
      double ret = 0;
      for (int step = 0; ; step++) {
        os.flatten(obs, o, 0);
        if (obsRms != null) normalizeWith(obsRms, clipObs, o, dim, dim);
        Object mask = mw > 0 ? env.actionMask() : null;
        if (mask != null) {
          try {
            ActionMasks.write(as, mask, mt.data(), mt.offset());
          } catch (IllegalArgumentException x) {
            throw new IllegalArgumentException("evaluation episode " + e + " at step " + step + ": " + x.getMessage(), x);
          }
          maskedSteps++;
        }
        policy.act(ot, mask != null && useMasks ? mt : null, step == 0, a);
        if (mask != null && !ActionMasks.allows(as, mt.data(), mt.offset(), a, 0)) invalid++;
        Object action;
        if ((Object) as instanceof Discrete d) {
          action = Integer.valueOf(d.start() + (int) a[0]);
        } else {
          Box b = (Box) (Object) as;
          float[] c = new float[actDim];
          for (int k = 0; k < actDim; k++) c[k] = Math.max(b.low(k), Math.min(b.high(k), a[k]));
          action = c;
        }
        var s = env.step(action);
        ret += s.reward();
        obs = s.observation();
        if (s.done()) break;
      }
      returns[e] = ret;
    }
    env.close();
    return Evaluation.of(returns, maskedSteps, invalid);
  }

  // ---- checkpoints ----

  /** Writes the complete training state atomically (temp file + rename) to {@code file}. */
  public void saveCheckpoint(java.nio.file.Path file) throws java.io.IOException {
    Checkpoint.write(file, out -> {
      out.writeUTF(config.toText());
      out.writeLong(globalStep);
      out.writeLong(iteration);
      out.writeLong(episodes);
      out.writeBoolean(started);
      for (long v : rng.state()) out.writeLong(v);
      Checkpoint.writeParams(out, policy.parameters());
      var os = optimizer.state();
      out.writeUTF(os.kind());
      out.writeLong(os.step());
      float[][] b = os.buffers();
      out.writeInt(b.length);
      for (float[] x : b) Checkpoint.writeFloats(out, x);
      Checkpoint.writeRms(out, obsRms);
      Checkpoint.writeRms(out, retRms);
      Checkpoint.writeDoubles(out, discReturn);
      out.writeInt(n);
      for (int i = 0; i < n; i++) Checkpoint.writeDoubles(out, started ? envs.get(i).snapshot() : new double[0]);
      Checkpoint.writeFloats(out, curObs);
      Checkpoint.writeFloats(out, curDones);
      Checkpoint.writeDoubles(out, epRet);
      for (int i = 0; i < n; i++) out.writeInt(epLen[i]);
      Checkpoint.writeDoubles(out, recentRet);
      Checkpoint.writeDoubles(out, recentLen);
      out.writeInt(recentCount);
      out.writeInt(recentHead);
      if (memory != null) Checkpoint.writeFloats(out, memory.data()); // recurrent: the rollout memory of every env
    });
  }

  /** Restores a state written by {@link #saveCheckpoint}; the checkpoint's config must equal this trainer's. */
  public void restoreCheckpoint(java.nio.file.Path file) throws java.io.IOException {
    Checkpoint.read(file, in -> {
      String text = in.readUTF();
      TrainConfig saved = TrainConfig.fromMap(TrainConfig.defaults(config.env()), TrainConfig.parse(text));
      if (!saved.equals(config)) {
        throw new IllegalArgumentException("checkpoint " + file + " was written by a different config:\n" + text);
      }
      globalStep = in.readLong();
      iteration = in.readLong();
      episodes = in.readLong();
      boolean wasStarted = in.readBoolean();
      long[] rs = {in.readLong(), in.readLong()};
      Checkpoint.readParams(in, policy.parameters(), file);
      String kind = in.readUTF();
      long step = in.readLong();
      float[][] b = new float[Checkpoint.readCount(in, 1 << 16, "optimizer buffers")][];
      for (int i = 0; i < b.length; i++) b[i] = Checkpoint.readFloats(in);
      optimizer.restore(new vecrl.autodiff.OptimizerState(kind, step, b));
      Checkpoint.readRms(in, obsRms, "observation normaliser");
      Checkpoint.readRms(in, retRms, "reward normaliser");
      Checkpoint.readDoublesInto(in, discReturn, "discounted returns");
      int envCount = in.readInt();
      if (envCount != n) throw new IllegalArgumentException("checkpoint " + file + ": " + envCount + " envs, config has " + n);
      double[][] snaps = new double[n][];
      for (int i = 0; i < n; i++) snaps[i] = Checkpoint.readDoubles(in);
      float[] o = Checkpoint.readFloats(in);
      float[] d = Checkpoint.readFloats(in);
      if (o.length != curObs.length || d.length != n) throw new IllegalArgumentException("checkpoint " + file + ": observation buffers do not match the env");
      Checkpoint.readDoublesInto(in, epRet, "episode returns");
      for (int i = 0; i < n; i++) epLen[i] = in.readInt();
      Checkpoint.readDoublesInto(in, recentRet, "recent returns");
      Checkpoint.readDoublesInto(in, recentLen, "recent lengths");
      recentCount = in.readInt();
      recentHead = in.readInt();
      float[] mem = memory == null ? null : Checkpoint.readFloats(in);
      if (mem != null && mem.length != memory.size()) {
        throw new IllegalArgumentException("checkpoint " + file + ": recurrent memory of " + mem.length + " floats, the policy needs " + memory.size());
      }
      // rebuild: reset the vector env (to start it), then put every env back in its saved state
      rng = Rng.restore(rs);
      if (wasStarted) {
        vec.reset(envSeed);
        for (int i = 0; i < n; i++) envs.get(i).restore(snaps[i]);
        System.arraycopy(o, 0, curObs, 0, o.length);
        System.arraycopy(d, 0, curDones, 0, n);
        started = true;
      }
      if (mem != null) memory.copyFrom(mem);
    });
  }

  @Override
  public void close() {
    vec.close();
  }
}
