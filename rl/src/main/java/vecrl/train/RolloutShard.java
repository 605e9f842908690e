package vecrl.train;

import java.util.ArrayList;
import java.util.List;
import vecrl.algo.Algorithms;
import vecrl.algo.TemplatePolicy;
import vecrl.autodiff.Parameter;
import vecrl.env.ClipAction;
import vecrl.env.Env;
import vecrl.env.EnvRegistry;
import vecrl.env.EnvSpec;
import vecrl.env.SyncVectorEnv;
import vecrl.env.ThreadedVectorEnv;
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
 * The envs {@code [from, to)} of a run's {@code numEnvs}, collected as the single-JVM {@link
 * Collector} collects them: one rollout worker's part of a bulk-sync iteration ({@link Rollouts}).
 *
 * <p><b>Why the bits match.</b> The policy acts on a batch of all {@code numEnvs} rows, in which this
 * shard's rows hold its envs' observations and the others zeros. Each row of a batched forward pass
 * depends on that row alone, and the sampler draws the same count of numbers for every row whatever
 * its values (one per categorical, two per Gaussian component), so this shard's rows get the actions,
 * log-probabilities and values, and the generator ends in the state, of the single-JVM run with the
 * same starting generator. The price is the inference of {@code numEnvs} rows per step instead of
 * {@code to - from}; next to a simulator's step it is small (see the README's Scaling out).
 *
 * <p>A shard holds no state between iterations: each {@link #run} starts from the snapshots, the
 * observations and the flags the learner sends, and returns them after the rollout. Any worker can
 * therefore run any range, and a range lost with a worker is simply run again elsewhere.
 *
 * <p>Supported: feed-forward policies of the built-in algorithms, without observation normalisation
 * (its statistics span all envs at every step) and without extra action outputs; {@link
 * #checkSupported} names what is not.
 */
public final class RolloutShard implements AutoCloseable {
  private final TrainConfig config;
  private final int n;
  private final int from;
  private final int e;
  private final List<SnapshotEnv<Object, Object>> envs = new ArrayList<>();
  private final VectorEnv<Object, Object> vec;
  private final Space<Object> actionSpace;
  private final int obsDim;
  private final int actDim;
  private final int maskWidth;
  private final ActorCriticPolicy model;
  private final TemplatePolicy policy;
  private final BatchOutput out;
  private final float[] wideObs;
  private final Tensor wideObsT;
  private final float[] wideDones;
  private final Tensor wideDonesT;
  private final float[] wideMasks;
  private final Tensor wideMasksT;
  private final float[] allowedRow;
  private final float[] finalObs;
  private final Tensor finalObsT;

  /** What a shard's rollout produced, for envs {@code [from, to)}, step-major ({@code [step][env]}). */
  public record Result(int from, int to, float[] obs, float[] actions, float[] logProbs, float[] values, float[] masks, boolean[] maskedSteps,
      float[] rewards, boolean[] terminated, boolean[] truncated, float[] finalValues, float[] nextValues, long invalidActions,
      double[][] snapshots, float[] endObs, float[] endDones, long[] rngState) {
    public int envs() { return to - from; }
  }

  /**
   * Refuses, with a message naming the key, a config whose rollout cannot be split across JVMs
   * bit for bit: observation normalisation, a recurrent policy.
   */
  public static void checkSupported(TrainConfig config) {
    if (config.normObs()) {
      throw new IllegalArgumentException("cluster: normObs = true is not supported (its running statistics span every env at every step);"
          + " set normObs=false, or train in one JVM");
    }
    if (config.recurrent()) throw new IllegalArgumentException("cluster: policy = " + config.policy() + " (recurrent) is not supported yet; use a feed-forward policy");
  }

  /** A shard of envs {@code [from, to)} of {@code config}'s run, on {@code kernels} (the learner's backend). */
  @SuppressWarnings("unchecked")
  public RolloutShard(TrainConfig config, EnvRegistry registry, Kernels kernels, int from, int to) {
    checkSupported(config);
    this.config = config;
    this.n = config.numEnvs();
    if (from < 0 || to > n || from >= to) throw new IllegalArgumentException("RolloutShard: envs [" + from + ", " + to + ") of " + n);
    this.from = from;
    this.e = to - from;
    EnvSpec spec = registry.spec(config.env());
    List<Env<Object, Object>> list = new ArrayList<>();
    for (int i = 0; i < e; i++) {
      Env<Object, Object> made = (Env<Object, Object>) spec.factory().get();
      if (made == null) throw new IllegalStateException("the factory of environment " + spec.id() + " returned null");
      SnapshotEnv<Object, Object> s = new SnapshotEnv<>(made);
      envs.add(s);
      Env<Object, Object> limited = s.limited(spec.maxEpisodeSteps());
      list.add((Object) s.actionSpace() instanceof Box
          ? (Env<Object, Object>) (Env<?, ?>) new ClipAction<>((Env<Object, float[]>) (Env<?, ?>) limited) : limited);
    }
    this.actionSpace = envs.get(0).actionSpace();
    this.vec = config.envThreads() > 1 ? new ThreadedVectorEnv<>(list, Math.min(config.envThreads(), e)) : new SyncVectorEnv<>(list);
    this.obsDim = vec.observationSize();
    this.maskWidth = vec.maskWidth();
    this.model = Policies.build(config, envs.get(0).observationSpace(), actionSpace, new Rng(0), Policies.defaultRegistry());
    this.policy = Algorithms.of(config.algo()).build(model, config, kernels);
    if (policy.hasExtraActionOut()) throw new IllegalArgumentException("cluster: templates with an extraActionOutFn are not supported");
    this.actDim = model.actionWidth();
    this.out = model.newBatchOutput(n, kernels);
    this.wideObs = new float[n * obsDim];
    this.wideObsT = Tensor.wrap(wideObs, new int[] {n, obsDim});
    this.wideDones = new float[n];
    this.wideDonesT = Tensor.wrap(wideDones, new int[] {n});
    this.allowedRow = new float[maskWidth];
    if (maskWidth > 0) ActionMasks.write(actionSpace, null, allowedRow, 0);
    this.wideMasks = new float[n * maskWidth];
    this.wideMasksT = maskWidth == 0 ? null : Tensor.wrap(wideMasks, new int[] {n, maskWidth});
    for (int i = 0; i < n; i++) System.arraycopy(allowedRow, 0, wideMasks, i * maskWidth, maskWidth);
    this.finalObs = new float[n * obsDim];
    this.finalObsT = Tensor.wrap(finalObs, new int[] {n, obsDim});
  }

  /** The parameter count {@link #run} expects in its weights. */
  public int weightCount() {
    long c = 0;
    for (Parameter p : model.parameters()) c += p.value().size();
    return (int) c;
  }

  /** The model's parameters flattened in parameter order (what a {@link Rollouts.Request} carries). */
  public static float[] flatWeights(ActorCriticPolicy model) {
    long c = 0;
    for (Parameter p : model.parameters()) c += p.value().size();
    float[] w = new float[(int) c];
    int o = 0;
    for (Parameter p : model.parameters()) {
      Tensor v = p.value();
      System.arraycopy(v.data(), v.offset(), w, o, v.size());
      o += v.size();
    }
    return w;
  }

  /**
   * One iteration's rollout of this shard: sets the weights, puts every env in its snapshot's state,
   * then steps {@code numSteps} times from {@code obs} and {@code dones} (this shard's rows) with a
   * generator in state {@code rngState}.
   */
  public Result run(long[] rngState, float[] weights, double[][] snapshots, float[] obs, float[] dones) {
    if (weights.length != weightCount()) {
      throw new IllegalArgumentException("RolloutShard: " + weights.length + " weights, the policy " + model.structure() + " has " + weightCount());
    }
    if (snapshots.length != e || obs.length != e * obsDim || dones.length != e) {
      throw new IllegalArgumentException("RolloutShard: state for " + snapshots.length + " envs, the shard has " + e);
    }
    int o = 0;
    for (Parameter p : model.parameters()) {
      Tensor v = p.value();
      System.arraycopy(weights, o, v.data(), v.offset(), v.size());
      o += v.size();
    }
    vec.reset(0); // starts the vector env; every env's state and generator then come from its snapshot
    for (int i = 0; i < e; i++) {
      try {
        envs.get(i).restore(snapshots[i]);
      } catch (RuntimeException ex) {
        throw new IllegalArgumentException("env " + (from + i) + " snapshot: " + ex.getMessage(), ex);
      }
    }
    java.util.Arrays.fill(wideObs, 0f);
    java.util.Arrays.fill(wideDones, 0f);
    System.arraycopy(obs, 0, wideObs, from * obsDim, e * obsDim);
    System.arraycopy(dones, 0, wideDones, from, e);
    Rng rng = Rng.restore(rngState);
    int steps = config.numSteps();
    float gamma = (float) config.gamma();
    float[] rObs = new float[steps * e * obsDim], rAct = new float[steps * e * actDim], rLogp = new float[steps * e], rVal = new float[steps * e];
    float[] rMasks = new float[steps * e * maskWidth];
    boolean[] masked = new boolean[steps];
    float[] rRew = new float[steps * e], rFinal = new float[steps * e];
    boolean[] rTerm = new boolean[steps * e], rTrunc = new boolean[steps * e];
    java.util.Arrays.fill(rFinal, Float.NaN);
    long invalid = 0;
    Tensor actions = out.actions();
    for (int t = 0; t < steps; t++) {
      Tensor masks = vec.actionMaskRows();
      Tensor used = null;
      if (masks != null) {
        masked[t] = true;
        System.arraycopy(masks.data(), masks.offset(), wideMasks, from * maskWidth, e * maskWidth);
        System.arraycopy(masks.data(), masks.offset(), rMasks, t * e * maskWidth, e * maskWidth);
        if (config.useMasks()) used = wideMasksT;
      } else {
        for (int i = 0; i < e; i++) System.arraycopy(allowedRow, 0, rMasks, (t * e + i) * maskWidth, maskWidth);
      }
      policy.act(wideObsT, null, wideDonesT, rng, used, out);
      System.arraycopy(wideObs, from * obsDim, rObs, t * e * obsDim, e * obsDim);
      System.arraycopy(actions.data(), actions.offset() + from * actDim, rAct, t * e * actDim, e * actDim);
      System.arraycopy(out.logProbs().data(), out.logProbs().offset() + from, rLogp, t * e, e);
      System.arraycopy(out.values().data(), out.values().offset() + from, rVal, t * e, e);
      if (masks != null) {
        for (int i = 0; i < e; i++) {
          if (!ActionMasks.allows(actionSpace, masks.data(), masks.offset() + i * maskWidth, actions.data(), actions.offset() + (from + i) * actDim)) invalid++;
        }
      }
      Tensor next = vec.step(Tensor.wrap(java.util.Arrays.copyOfRange(actions.data(), actions.offset() + from * actDim,
          actions.offset() + (from + e) * actDim), new int[] {e, actDim}));
      float[] r = vec.rewards();
      boolean[] term = vec.terminated();
      boolean[] trunc = vec.truncated();
      boolean anyTrunc = false;
      for (int i = 0; i < e; i++) {
        rRew[t * e + i] = r[i];
        rTerm[t * e + i] = term[i];
        rTrunc[t * e + i] = trunc[i];
        if (trunc[i] && !term[i]) anyTrunc = true;
      }
      if (anyTrunc && config.bootstrapTruncation()) {
        Tensor fo = vec.finalObservations();
        java.util.Arrays.fill(finalObs, 0f);
        System.arraycopy(fo.data(), fo.offset(), finalObs, from * obsDim, e * obsDim);
        float[] fv = model.valueBatch(finalObsT, null, null, out).values().data();
        for (int i = 0; i < e; i++) if (trunc[i] && !term[i]) rFinal[t * e + i] = fv[from + i];
      }
      System.arraycopy(next.data(), next.offset(), wideObs, from * obsDim, e * obsDim);
      for (int i = 0; i < e; i++) wideDones[from + i] = term[i] || trunc[i] ? 1f : 0f;
    }
    float[] nv = model.valueBatch(wideObsT, null, wideDonesT, out).values().data();
    float[] nextValues = java.util.Arrays.copyOfRange(nv, from, from + e);
    double[][] snaps = new double[e][];
    for (int i = 0; i < e; i++) snaps[i] = envs.get(i).snapshot();
    return new Result(from, from + e, rObs, rAct, rLogp, rVal, maskWidth == 0 ? new float[0] : rMasks, masked, rRew, rTerm, rTrunc, rFinal,
        nextValues, invalid, snaps, java.util.Arrays.copyOfRange(wideObs, from * obsDim, (from + e) * obsDim),
        java.util.Arrays.copyOfRange(wideDones, from, from + e), rng.state());
  }

  @Override
  public void close() {
    vec.close();
  }
}
