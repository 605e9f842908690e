package vecrl.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import vecrl.algo.MinibatchSampler;
import vecrl.algo.RolloutBuffer;
import vecrl.algo.SampleBatch;
import vecrl.algo.TemplatePolicy;
import vecrl.env.ClipAction;
import vecrl.env.Env;
import vecrl.env.EnvSpec;
import vecrl.env.SyncVectorEnv;
import vecrl.env.ThreadedVectorEnv;
import vecrl.env.VecEpisodeStatistics;
import vecrl.env.VecNormalize;
import vecrl.env.VectorEnv;
import vecrl.policy.ActionMasks;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.BatchOutput;
import vecrl.space.Box;
import vecrl.space.Space;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * The first part of the data path: vector env → the policy's batched act → the rollout buffer.
 *
 * <p>The environment side is a stack of wrappers: each env is wrapped in a {@link SnapshotEnv} (the
 * snapshot that makes resume exact), a {@link vecrl.env.TimeLimit} and, for a Box action space, a
 * {@link ClipAction}; the vector env runs them; {@link VecNormalize} normalises observations and scales
 * rewards over the whole batch, and {@link VecEpisodeStatistics} keeps episode returns and lengths.
 * The buffer stores the policy's own (unclipped) actions and the normalised observations the policy
 * saw.
 *
 * <p>The policy side is one call per step, {@link ActorCriticPolicy#actionAndValueBatch(Tensor,
 * Tensor, Tensor, Rng, Tensor, BatchOutput)}, on the trainer's kernels; a recurrent policy's memory
 * (one row per env) is carried here, reset where an episode starts, and stored at the start of every
 * sequence in the {@link MinibatchSampler}.
 *
 * <p>Checkpoint state: the counters, the env snapshots, the current observations and episode-start
 * flags, the normaliser and the episode statistics, and the memory ({@link #write}, {@link #read}).
 */
final class Collector implements AutoCloseable {
  private final TrainConfig config;
  private final int n;
  private final List<SnapshotEnv<Object, Object>> envs = new ArrayList<>();
  private final VectorEnv<Object, Object> vec;
  private final Space<Object> actionSpace;
  private final int obsDim;
  private final int maskWidth;
  private final boolean useMasks;
  private final long envSeed;
  final VecNormalize normalize;
  final VecEpisodeStatistics episodes;

  private TemplatePolicy policy;
  private BatchOutput out;
  private int actDim;
  private Tensor memory;

  private final float[] curObs;
  private final Tensor curObsT;
  private final float[] curDones;
  private final Tensor curDonesT;
  private final float[] rewBuf;
  private final float[] finalObs;
  private final Tensor finalObsT;
  /** Each env's current episode id, the next id, and the previous step's action row and reward (the context columns). */
  private final long[] epsId;
  private long nextEpsId;
  private float[] prevAct;
  private final float[] prevRew;
  private long globalStep;
  private long invalidActions;
  private boolean envGaveMasks;
  private boolean started;

  @SuppressWarnings("unchecked")
  Collector(TrainConfig config, EnvSpec spec, long envSeed) {
    this.config = config;
    this.n = config.numEnvs();
    this.envSeed = envSeed;
    List<Env<Object, Object>> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Env<Object, Object> made = (Env<Object, Object>) spec.factory().get();
      if (made == null) throw new IllegalStateException("the factory of environment " + spec.id() + " returned null");
      SnapshotEnv<Object, Object> e = new SnapshotEnv<>(made);
      envs.add(e);
      Env<Object, Object> limited = e.limited(spec.maxEpisodeSteps());
      list.add((Object) e.actionSpace() instanceof Box
          ? (Env<Object, Object>) (Env<?, ?>) new ClipAction<>((Env<Object, float[]>) (Env<?, ?>) limited) : limited);
    }
    this.actionSpace = envs.get(0).actionSpace();
    this.vec = config.envThreads() > 1 ? new ThreadedVectorEnv<>(list, config.envThreads()) : new SyncVectorEnv<>(list);
    this.obsDim = vec.observationSize();
    if (obsDim <= 0) throw new IllegalArgumentException("Trainer: empty observation space " + vec.observationSpace() + " of " + spec.id());
    this.maskWidth = vec.maskWidth();
    this.useMasks = config.useMasks();
    this.normalize = new VecNormalize(n, obsDim, config.normObs(), (float) config.clipObs(), config.normReward(), (float) config.clipReward(),
        (float) config.gamma());
    this.episodes = new VecEpisodeStatistics(n);
    this.curObs = new float[n * obsDim];
    this.curObsT = Tensor.wrap(curObs, new int[] {n, obsDim});
    this.curDones = new float[n];
    this.curDonesT = Tensor.wrap(curDones, new int[] {n});
    this.rewBuf = new float[n];
    this.finalObs = new float[n * obsDim];
    this.finalObsT = Tensor.wrap(finalObs, new int[] {n, obsDim});
    this.epsId = new long[n];
    for (int i = 0; i < n; i++) epsId[i] = i;
    this.nextEpsId = n;
    this.prevRew = new float[n];
  }

  /** The space of one env's observations. */
  Space<Object> observationSpace() { return envs.get(0).observationSpace(); }
  /** The space of one env's actions (before clipping). */
  Space<Object> actionSpace() { return actionSpace; }
  int observationSize() { return obsDim; }
  /** Columns of a mask row of the action space (0: it takes no masks). */
  int maskWidth() { return maskWidth; }
  long globalStep() { return globalStep; }
  long invalidActions() { return invalidActions; }
  boolean environmentGaveMasks() { return envGaveMasks; }

  /** Sets the policy that acts (once, before the first rollout); its model's tape-free calls run on {@code kernels}. */
  void setPolicy(TemplatePolicy policy, Kernels kernels) {
    this.policy = policy;
    setModel(policy.model(), kernels);
  }

  /** Sets the model whose buffers the collector uses (an off-policy run acts through its algorithm, see {@link #collectTransitions}). */
  void setModel(ActorCriticPolicy model, Kernels kernels) {
    this.actDim = model.actionWidth();
    this.out = model.newBatchOutput(n, kernels);
    this.memory = model.memorySize() > 0 ? Tensor.zeros(n, model.memorySize()) : null;
    this.prevAct = new float[n * actDim];
  }

  /** Resets the envs on first use (a restored collector is already started). */
  void start() {
    if (started) return;
    Tensor o = vec.reset(envSeed);
    System.arraycopy(o.data(), o.offset(), curObs, 0, n * obsDim);
    normalize.observations(curObs, true);
    java.util.Arrays.fill(curDones, 0);
    started = true;
  }

  /**
   * Fills {@code buf} with {@code numSteps} steps of every env, sampling with {@code rng}, then puts
   * the bootstrap values of the observations after the last step.
   */
  void collect(RolloutBuffer buf, MinibatchSampler sampler, Rng rng) {
    start();
    buf.restoreColumns();
    float gamma = (float) config.gamma();
    invalidActions = 0;
    Tensor actions = out.actions();
    for (int t = 0; t < config.numSteps(); t++) {
      Tensor masks = vec.actionMaskRows();
      Tensor used = useMasks ? masks : null;
      if (memory != null && sampler.startsSequence(t)) sampler.putStartMemory(t, memory);
      policy.act(curObsT, memory, curDonesT, rng, used, out);
      buf.put(t, curObsT, curDones, actions, out.logProbs().data(), out.values().data(), used);
      if (policy.hasExtraActionOut()) recordExtras(buf, t);
      for (int i = 0; i < n; i++) {
        buf.epsIds[t * n + i] = (int) epsId[i];
        buf.ts[t * n + i] = episodes.length(i);
        buf.prevRewards[t * n + i] = prevRew[i];
      }
      System.arraycopy(prevAct, 0, buf.prevActions, t * n * actDim, n * actDim);
      if (masks != null) {
        envGaveMasks = true;
        for (int i = 0; i < n; i++) {
          if (!ActionMasks.allows(actionSpace, masks.data(), masks.offset() + i * maskWidth, actions.data(), i * actDim)) invalidActions++;
        }
      }
      Tensor next = vec.step(actions);
      float[] r = vec.rewards();
      boolean[] term = vec.terminated();
      boolean[] trunc = vec.truncated();
      boolean anyTrunc = false;
      for (int i = 0; i < n; i++) {
        boolean done = term[i] || trunc[i];
        episodes.step(i, r[i], done);
        rewBuf[i] = normalize.reward(i, r[i], done);
        if (trunc[i] && !term[i]) anyTrunc = true;
      }
      buf.putRewards(t, rewBuf);
      buf.putFlags(t, term, trunc);
      if (anyTrunc && config.bootstrapTruncation()) {
        Tensor fo = vec.finalObservations();
        System.arraycopy(fo.data(), fo.offset(), finalObs, 0, n * obsDim);
        normalize.observations(finalObs, false);
        // the final observation continues its episode: the memory after this step, no reset
        float[] finalVal = policy.model().valueBatch(finalObsT, memory, null, out).values().data();
        for (int i = 0; i < n; i++) if (trunc[i] && !term[i]) buf.addTruncationBootstrap(t, i, gamma, finalVal[i]);
      }
      System.arraycopy(next.data(), next.offset(), curObs, 0, n * obsDim);
      normalize.observations(curObs, true);
      float[] ad = actions.data();
      for (int i = 0; i < n; i++) {
        boolean done = term[i] || trunc[i];
        curDones[i] = done ? 1f : 0f;
        if (done) {
          epsId[i] = nextEpsId++;
          prevRew[i] = 0;
          java.util.Arrays.fill(prevAct, i * actDim, (i + 1) * actDim, 0f);
        } else {
          prevRew[i] = rewBuf[i];
          System.arraycopy(ad, i * actDim, prevAct, i * actDim, actDim);
        }
      }
      globalStep += n;
    }
    buf.putNext(policy.model().valueBatch(curObsT, memory, curDonesT, out).values().data(), curDones);
  }

  /**
   * The rollout of {@link #collect}, run by {@code rollouts} elsewhere ({@link RolloutShard}s over env
   * ranges), then replayed here in the single-JVM collector's order: the buffer's columns, the episode
   * statistics and ids, the reward normaliser, the truncation bootstraps, the context columns, and
   * every env's snapshot (restored into this collector's envs, so that checkpoints and the next
   * request carry it). Returns the sampling generator after the rollout.
   */
  Rng collectRemote(RolloutBuffer buf, Rng rng, Rollouts rollouts, String backend, float[] weights, long iteration) {
    RolloutShard.checkSupported(config);
    if (policy.hasExtraActionOut()) throw new IllegalArgumentException("cluster: templates with an extraActionOutFn are not supported");
    start();
    buf.restoreColumns();
    double[][] snaps = new double[n][];
    for (int i = 0; i < n; i++) snaps[i] = envs.get(i).snapshot();
    var request = new Rollouts.Request(config.toText(), backend, iteration, weights, rng.state(), snaps, curObs.clone(), curDones.clone());
    List<RolloutShard.Result> results = rollouts.collect(request);
    RolloutShard.Result[] of = new RolloutShard.Result[n];
    int[] at = new int[n];
    long[] endRng = null;
    invalidActions = 0;
    for (RolloutShard.Result r : results) {
      for (int i = r.from(); i < r.to(); i++) {
        if (of[i] != null) throw new IllegalStateException("cluster: env " + i + " came back from two shards");
        of[i] = r;
        at[i] = i - r.from();
      }
      if (endRng == null) endRng = r.rngState();
      else if (!java.util.Arrays.equals(endRng, r.rngState())) throw new IllegalStateException("cluster: shards ended with different generators");
      invalidActions += r.invalidActions();
    }
    for (int i = 0; i < n; i++) if (of[i] == null) throw new IllegalStateException("cluster: env " + i + " is in no shard's result");
    float gamma = (float) config.gamma();
    int steps = config.numSteps();
    float[] obsStep = new float[n * obsDim], actStep = new float[n * actDim], logp = new float[n], vals = new float[n];
    float[] maskStep = new float[n * maskWidth];
    Tensor obsT = Tensor.wrap(obsStep, new int[] {n, obsDim}), actT = Tensor.wrap(actStep, new int[] {n, actDim});
    Tensor maskT = maskWidth == 0 ? null : Tensor.wrap(maskStep, new int[] {n, maskWidth});
    boolean[] term = new boolean[n], trunc = new boolean[n];
    float[] raw = new float[n];
    for (int t = 0; t < steps; t++) {
      boolean masked = false;
      for (int i = 0; i < n; i++) {
        RolloutShard.Result r = of[i];
        int e = r.envs(), k = t * e + at[i];
        System.arraycopy(r.obs(), k * obsDim, obsStep, i * obsDim, obsDim);
        System.arraycopy(r.actions(), k * actDim, actStep, i * actDim, actDim);
        if (maskWidth > 0) System.arraycopy(r.masks(), k * maskWidth, maskStep, i * maskWidth, maskWidth);
        logp[i] = r.logProbs()[k];
        vals[i] = r.values()[k];
        raw[i] = r.rewards()[k];
        term[i] = r.terminated()[k];
        trunc[i] = r.truncated()[k];
        masked |= r.maskedSteps()[t];
      }
      if (masked) envGaveMasks = true;
      buf.put(t, obsT, curDones, actT, logp, vals, masked && useMasks ? maskT : null);
      for (int i = 0; i < n; i++) {
        buf.epsIds[t * n + i] = (int) epsId[i];
        buf.ts[t * n + i] = episodes.length(i);
        buf.prevRewards[t * n + i] = prevRew[i];
      }
      System.arraycopy(prevAct, 0, buf.prevActions, t * n * actDim, n * actDim);
      for (int i = 0; i < n; i++) {
        boolean done = term[i] || trunc[i];
        episodes.step(i, raw[i], done);
        rewBuf[i] = normalize.reward(i, raw[i], done);
      }
      buf.putRewards(t, rewBuf);
      buf.putFlags(t, term, trunc);
      if (config.bootstrapTruncation()) {
        for (int i = 0; i < n; i++) if (trunc[i] && !term[i]) buf.addTruncationBootstrap(t, i, gamma, of[i].finalValues()[t * of[i].envs() + at[i]]);
      }
      for (int i = 0; i < n; i++) {
        boolean done = term[i] || trunc[i];
        curDones[i] = done ? 1f : 0f;
        if (done) {
          epsId[i] = nextEpsId++;
          prevRew[i] = 0;
          java.util.Arrays.fill(prevAct, i * actDim, (i + 1) * actDim, 0f);
        } else {
          prevRew[i] = rewBuf[i];
          System.arraycopy(actStep, i * actDim, prevAct, i * actDim, actDim);
        }
      }
      globalStep += n;
    }
    float[] nextVals = new float[n];
    for (int i = 0; i < n; i++) {
      RolloutShard.Result r = of[i];
      nextVals[i] = r.nextValues()[at[i]];
      System.arraycopy(r.endObs(), at[i] * obsDim, curObs, i * obsDim, obsDim);
      if (r.endDones()[at[i]] != curDones[i]) throw new IllegalStateException("cluster: env " + i + "'s episode-start flag disagrees with its steps");
      try {
        envs.get(i).restore(r.snapshots()[at[i]]);
      } catch (RuntimeException ex) {
        throw new IllegalStateException("cluster: env " + i + " snapshot from a worker: " + ex.getMessage(), ex);
      }
    }
    buf.putNext(nextVals, curDones);
    return Rng.restore(endRng);
  }

  /**
   * Off-policy collection: {@code config.trainFreq()} vector steps, each acting through {@code algo}
   * (its exploring {@link vecrl.algo.OffPolicyAlgorithm#act}, with the env steps so far), adding the
   * transitions to {@code replay} (the observations acted on, as normalised then, the actions, the
   * rewards after the reward normaliser, the next observations: the final observation where an
   * episode ended, normalised without updating the statistics), then {@code algo.onEnvStep} with the
   * new step count. Episode statistics, ids and masks are kept as in {@link #collect}.
   */
  void collectTransitions(vecrl.algo.ReplayBuffer replay, Rng rng, vecrl.algo.OffPolicyAlgorithm algo) {
    start();
    if (prevObs == null) {
      prevObs = new float[n * obsDim];
      transNext = new float[n * obsDim];
    }
    invalidActions = 0;
    Tensor actions = out.actions();
    for (int t = 0; t < config.trainFreq(); t++) {
      Tensor masks = vec.actionMaskRows();
      Tensor used = useMasks ? masks : null;
      algo.act(curObsT, used, globalStep, rng, out);
      if (masks != null) {
        envGaveMasks = true;
        for (int i = 0; i < n; i++) {
          if (!ActionMasks.allows(actionSpace, masks.data(), masks.offset() + i * maskWidth, actions.data(), i * actDim)) invalidActions++;
        }
      }
      System.arraycopy(curObs, 0, prevObs, 0, n * obsDim);
      Tensor next = vec.step(actions);
      float[] r = vec.rewards();
      boolean[] term = vec.terminated();
      boolean[] trunc = vec.truncated();
      boolean anyDone = false;
      for (int i = 0; i < n; i++) {
        boolean done = term[i] || trunc[i];
        episodes.step(i, r[i], done);
        rewBuf[i] = normalize.reward(i, r[i], done);
        anyDone |= done;
      }
      if (anyDone) {
        Tensor fo = vec.finalObservations();
        System.arraycopy(fo.data(), fo.offset(), finalObs, 0, n * obsDim);
        normalize.observations(finalObs, false);
      }
      System.arraycopy(next.data(), next.offset(), curObs, 0, n * obsDim);
      normalize.observations(curObs, true);
      for (int i = 0; i < n; i++) {
        boolean done = term[i] || trunc[i];
        System.arraycopy(done ? finalObs : curObs, i * obsDim, transNext, i * obsDim, obsDim);
      }
      replay.add(prevObs, actions.data(), rewBuf, transNext, term, trunc);
      float[] ad = actions.data();
      for (int i = 0; i < n; i++) {
        boolean done = term[i] || trunc[i];
        curDones[i] = done ? 1f : 0f;
        if (done) {
          epsId[i] = nextEpsId++;
          prevRew[i] = 0;
          java.util.Arrays.fill(prevAct, i * actDim, (i + 1) * actDim, 0f);
        } else {
          prevRew[i] = rewBuf[i];
          System.arraycopy(ad, i * actDim, prevAct, i * actDim, actDim);
        }
      }
      globalStep += n;
      algo.onEnvStep(globalStep);
    }
  }

  private float[] prevObs, transNext;

  /** The template's extra action outputs of step {@code t}, each [envs, width], into the buffer's columns of those names. */
  private void recordExtras(RolloutBuffer buf, int t) {
    for (var e : policy.extraActionOut(curObsT, out).entrySet()) {
      Tensor v = e.getValue();
      int w = v.rank() == 1 ? 1 : v.size() / Math.max(1, v.dim(0));
      if (v.size() != n * w) {
        throw new IllegalArgumentException("extraActionOutFn: column " + e.getKey() + " has shape " + v.shapeString() + ", expected [" + n + ", width]");
      }
      SampleBatch.Floats col = buf.extra(e.getKey(), w);
      System.arraycopy(v.data(), v.offset(), col.data(), col.offset() + t * n * w, n * w);
    }
  }

  /** Writes the collector's state (see the class comment). */
  void write(DataOutputStream o) throws IOException {
    o.writeLong(globalStep);
    o.writeBoolean(started);
    o.writeBoolean(envGaveMasks);
    o.writeInt(n);
    for (int i = 0; i < n; i++) Checkpoint.writeDoubles(o, started ? envs.get(i).snapshot() : new double[0]);
    Checkpoint.writeFloats(o, curObs);
    Checkpoint.writeFloats(o, curDones);
    Checkpoint.writeRms(o, normalize.observationStatistics());
    Checkpoint.writeRms(o, normalize.returnStatistics());
    Checkpoint.writeDoubles(o, normalize.discountedReturns());
    o.writeLong(nextEpsId);
    for (long id : epsId) o.writeLong(id);
    Checkpoint.writeFloats(o, prevAct);
    Checkpoint.writeFloats(o, prevRew);
    episodes.write(o);
    Checkpoint.writeFloats(o, memory == null ? new float[0] : memory.data());
  }

  /**
   * Reads and validates a state written by {@link #write}: the step count ({@code iterations} whole
   * rollouts), the env count, finite observations, episode-start flags of 0 or 1, the normalisers
   * (finite, variances >= 0), the episode statistics and the memory (sizes the config's). Nothing is
   * changed until {@code apply} runs, which puts every env back in its saved state.
   */
  Runnable read(DataInputStream in, long iterations) throws IOException {
    long step = in.readLong();
    long expectedStep = iterations * (long) config.batchSize();
    // a run trained through an execution plan's workers steps this collector in fewer of its iterations
    // (none with asynchronous gradients), so any whole number of iterations up to the run's is valid
    if (step < 0 || step > expectedStep || step % config.batchSize() != 0) {
      throw new Checkpoint.FieldException("collector steps: " + step + ", expected a multiple of " + config.batchSize() + " up to " + expectedStep
          + " after " + iterations + " iterations of " + n + " envs x " + config.batchSize() / n + " steps");
    }
    boolean wasStarted = Checkpoint.readBoolean(in, "collector started");
    boolean gaveMasks = Checkpoint.readBoolean(in, "collector env gave masks");
    if (!wasStarted && step > 0) throw new Checkpoint.FieldException("collector started: false after " + step + " steps");
    int envCount = in.readInt();
    if (envCount != n) throw new Checkpoint.FieldException("envs: " + envCount + ", the config has " + n);
    double[][] snaps = new double[n][];
    for (int i = 0; i < n; i++) snaps[i] = Checkpoint.readDoubles(in, "env " + i + " snapshot");
    float[] o = Checkpoint.readFloats(in, curObs.length, "current observations");
    float[] d = Checkpoint.readFloats(in, n, "episode-start flags");
    for (int i = 0; i < n; i++) if (d[i] != 0f && d[i] != 1f) throw new Checkpoint.FieldException("episode-start flag of env " + i + " = " + d[i] + ", expected 0 or 1");
    var obsRms = Checkpoint.readRms(in, normalize.observationStatistics(), "observation normaliser");
    var retRms = Checkpoint.readRms(in, normalize.returnStatistics(), "reward normaliser");
    double[] disc = Checkpoint.readFiniteDoubles(in, normalize.discountedReturns().length, "discounted returns");
    long next = in.readLong();
    if (next < n) throw new Checkpoint.FieldException("next episode id: " + next + ", expected >= " + n + " (one per env at least)");
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = in.readLong();
      if (ids[i] < 0 || ids[i] >= next) throw new Checkpoint.FieldException("episode id of env " + i + ": " + ids[i] + ", expected in [0, " + next + ")");
    }
    float[] pa = Checkpoint.readFloats(in, prevAct.length, "previous actions");
    float[] pr = Checkpoint.readFloats(in, n, "previous rewards");
    VecEpisodeStatistics stats = new VecEpisodeStatistics(n);
    stats.read(in);
    int memSize = memory == null ? 0 : memory.size();
    float[] mem = Checkpoint.readFloats(in, memSize, "recurrent memory");
    if (wasStarted) {
      for (int i = 0; i < n; i++) {
        if (snaps[i].length < 3) throw new Checkpoint.FieldException("env " + i + " snapshot: " + snaps[i].length + " values, expected at least 3");
      }
    }
    ByteArrayOutputStream statsBytes = new ByteArrayOutputStream();
    stats.write(new DataOutputStream(statsBytes));
    return () -> {
      // rebuild: reset the vector env (to start it), then put every env back in its saved state
      if (wasStarted) {
        vec.reset(envSeed);
        for (int i = 0; i < n; i++) {
          try {
            envs.get(i).restore(snaps[i]);
          } catch (RuntimeException e) {
            throw new IllegalArgumentException("env " + i + " snapshot: " + e.getMessage(), e);
          }
        }
        System.arraycopy(o, 0, curObs, 0, o.length);
        System.arraycopy(d, 0, curDones, 0, n);
        started = true;
      }
      // the envs first: a snapshot the env refuses leaves the rest unchanged
      globalStep = step;
      envGaveMasks = gaveMasks;
      if (obsRms != null) normalize.observationStatistics().restore(obsRms);
      if (retRms != null) normalize.returnStatistics().restore(retRms);
      System.arraycopy(disc, 0, normalize.discountedReturns(), 0, disc.length);
      try {
        episodes.read(new DataInputStream(new ByteArrayInputStream(statsBytes.toByteArray())));
      } catch (IOException e) {
        throw new IllegalStateException(e); // validated above
      }
      if (memory != null) memory.copyFrom(mem);
      nextEpsId = next;
      System.arraycopy(ids, 0, epsId, 0, n);
      System.arraycopy(pa, 0, prevAct, 0, pa.length);
      System.arraycopy(pr, 0, prevRew, 0, n);
    };
  }

  @Override
  public void close() {
    vec.close();
  }
}
