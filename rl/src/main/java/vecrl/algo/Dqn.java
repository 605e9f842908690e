package vecrl.algo;

import java.util.LinkedHashMap;
import java.util.Map;
import vecrl.autodiff.Composites;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.distribution.Distribution;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.BatchOutput;
import vecrl.policy.MlpQPolicy;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.train.TrainConfig;

/**
 * The pieces of DQN ({@link Algorithms#dqn()}): the epsilon-greedy action sampler, the TD loss and
 * the target network, as Stable-Baselines3's {@code DQN} computes them.
 *
 * <ul>
 *   <li><b>Targets</b>, without gradient: {@code y = r + gamma * (1 - terminated) * Q_target(s', a')}
 *       with {@code a' = argmax_a Q_target(s', a)}, or with double DQN ({@code doubleQ}) {@code a' =
 *       argmax_a Q_online(s', a)} (van Hasselt et al., 2016). A truncated step bootstraps ({@code s'}
 *       is its final observation).
 *   <li><b>Loss</b>: Huber (smooth L1, delta 1) between {@code Q_online(s, a)} and {@code y}, the mean
 *       over the batch; the TD error {@code Q_online(s, a) - y} of every row is kept ({@link
 *       State#tdError()}, RLlib's {@code td_error} learn fetch). Gradients are clipped to the global
 *       norm {@code maxGradNorm} (SB3: 10) by the template's default gradient processing.
 *   <li><b>Target updates</b> count env steps, as SB3's {@code _on_step}: after vector step {@code k}
 *       (k = timestep / numEnvs), when {@code k % max(targetUpdateInterval / numEnvs, 1) == 0}, {@code
 *       target = tau * online + (1 - tau) * target} ({@link TargetNetwork#polyak}; tau 1: a copy).
 *   <li><b>Exploration</b>: uniformly random actions before {@code learningStarts} env steps, then
 *       epsilon-greedy with the {@link EpsilonSchedule} of the config ({@code explorationInitialEps}
 *       to {@code explorationFinalEps} over {@code explorationFraction} of {@code totalSteps}); each
 *       env draws {@code u = rng.uniformDouble()} and, when {@code u < epsilon}, a uniform allowed
 *       action ({@code rng.nextInt}). Greedy actions are {@code argmax Q} under the mask.
 * </ul>
 */
public final class Dqn {
  private Dqn() {}

  /** The template's name. */
  public static final String NAME = "dqn";

  /** The model of a DQN run: an {@link MlpQPolicy} of the config's {@code hidden}, {@code activation} and {@code dueling}. */
  public static MlpQPolicy model(vecrl.space.Space<?> observationSpace, vecrl.space.Space<?> actionSpace, TrainConfig c, Rng rng) {
    return new MlpQPolicy(observationSpace, actionSpace, c.hiddenSizes(), c.activation(), c.dueling(), rng);
  }

  static MlpQPolicy qPolicy(ActorCriticPolicy model) {
    if (model instanceof MlpQPolicy q) return q;
    throw new IllegalArgumentException("DQN: the model is a " + model.getClass().getName() + ", expected an MlpQPolicy (policy = mlp with algo = dqn)");
  }

  /**
   * The TD targets {@code y[i] = r[i] + gamma * (1 - terminated[i]) * nextTargetQ[i, a'_i]}, with
   * {@code a'_i} the argmax of row i of {@code nextSelectQ} (the target's own Q-values for DQN, the
   * online network's for double DQN; ties: the first). In float, in that order. Writes {@code y}.
   */
  public static void tdTargets(float[] rewards, float[] terminateds, Tensor nextTargetQ, Tensor nextSelectQ, float gamma, float[] y) {
    int b = nextTargetQ.dim(0), n = nextTargetQ.dim(1);
    for (int i = 0; i < b; i++) {
      int best = 0;
      float m = nextSelectQ.get(i, 0);
      for (int k = 1; k < n; k++) {
        float v = nextSelectQ.get(i, k);
        if (v > m) { m = v; best = k; }
      }
      y[i] = rewards[i] + gamma * (1f - terminateds[i]) * nextTargetQ.get(i, best);
    }
  }

  /**
   * The per-policy state of DQN, a mixin: the target network, the buffers of the targets and the TD
   * errors, and the last step's statistics. Its checkpoint state is the target network's parameters.
   */
  public static final class State implements PolicyTemplate.Mixin {
    private MlpQPolicy target;
    private Tape targetTape;
    private float[] y = new float[0], tdError = new float[0], qa = new float[0];
    private int[] gatherIdx = new int[0];
    private Tensor yT;
    private SampleBatch cachedBatch;
    private Tensor obsT, nextT;
    private double loss = Double.NaN, meanQ = Double.NaN, meanAbsTd = Double.NaN;
    private long targetUpdates;

    @Override
    public void afterInit(TemplatePolicy policy) {
      MlpQPolicy q = qPolicy(policy.model());
      target = q.twin(new Rng(0));
      TargetNetwork.hardCopy(q.parameters(), target.parameters());
      targetTape = new Tape(policy.kernels());
    }

    /** The target network. */
    public MlpQPolicy target() { return target; }
    /** The TD errors {@code Q(s, a) - y} of the last batch (reused). */
    public float[] tdError() { return tdError; }
    /** The targets {@code y} of the last batch (reused). */
    public float[] targets() { return y; }
    /** Target updates done. */
    public long targetUpdates() { return targetUpdates; }

    @Override
    public void onGlobalVarUpdate(TemplatePolicy policy, long timestep) {
      TrainConfig c = policy.config();
      int envs = c.numEnvs();
      long every = Math.max(c.targetUpdateInterval() / envs, 1);
      long calls = timestep / envs;
      if (calls > 0 && calls % every == 0) {
        TargetNetwork.polyak(policy.model().parameters(), target.parameters(), c.tau());
        targetUpdates++;
      }
    }

    @Override
    public double[] state() {
      var ps = target.parameters();
      int total = 1;
      for (var p : ps) total += p.value().size();
      double[] s = new double[total];
      s[0] = targetUpdates;
      int k = 1;
      for (var p : ps) {
        Tensor v = p.value();
        for (int i = 0; i < v.size(); i++) s[k++] = v.data()[v.offset() + i];
      }
      return s;
    }

    @Override
    public void restore(double[] s) {
      var ps = target.parameters();
      int total = 1;
      for (var p : ps) total += p.value().size();
      if (s.length != total) throw new IllegalArgumentException("DQN target network: " + s.length + " values, expected " + total);
      for (int i = 1; i < s.length; i++) {
        if (!Double.isFinite(s[i]) || (float) s[i] != s[i]) throw new IllegalArgumentException("DQN target network value " + (i - 1) + " = " + s[i] + ", expected a finite float");
      }
      if (!(s[0] >= 0) || s[0] != Math.rint(s[0])) throw new IllegalArgumentException("DQN target updates = " + s[0] + ", expected a count");
      targetUpdates = (long) s[0];
      int k = 1;
      for (var p : ps) {
        Tensor v = p.value();
        for (int i = 0; i < v.size(); i++) v.data()[v.offset() + i] = (float) s[k++];
      }
    }

    private void ensure(int b, int n) {
      if (y.length != b) {
        y = new float[b];
        tdError = new float[b];
        qa = new float[b];
        yT = Tensor.wrap(y, new int[] {b});
      }
      if (gatherIdx.length != b) gatherIdx = new int[b];
    }

    /** The batch's observation tensors, cached for the buffer's reused sample batch. */
    private void bind(SampleBatch batch) {
      if (batch != cachedBatch || obsT.data() != batch.floats(SampleBatch.OBS).data()) {
        obsT = ReplayBuffer.column(batch, SampleBatch.OBS);
        nextT = ReplayBuffer.column(batch, SampleBatch.NEW_OBS);
        cachedBatch = batch;
      }
    }
  }

  /**
   * The Huber TD loss on {@code tape}: {@code mean_i huber(Q(obs_i)[actions_i] - targets_i)} with
   * delta 1, the gradient reaching {@code q}'s parameters; {@code obs} [B, obsDim], {@code actions}
   * [B] indices (kept by reference until backward), {@code targets} [B] constants.
   */
  public static Var tdLoss(Tape tape, MlpQPolicy q, Tensor obs, int[] actions, Tensor targets) {
    return tdLoss(tape, q, obs, actions, targets, null);
  }

  /** As {@link #tdLoss(Tape, MlpQPolicy, Tensor, int[], Tensor)}, also writing {@code Q(obs_i)[actions_i]} into {@code qaOut} when not null. */
  public static Var tdLoss(Tape tape, MlpQPolicy q, Tensor obs, int[] actions, Tensor targets, float[] qaOut) {
    Var qa = q.qValues(tape.input(obs)).gatherRows(actions).reshape(obs.dim(0));
    if (qaOut != null) {
      Tensor v = qa.value();
      for (int i = 0; i < qaOut.length; i++) qaOut[i] = v.get(i);
    }
    return Composites.huber(qa, tape.input(targets), 1f);
  }

  /** The TD loss on the policy's tape (see the class comment); fills the {@link State}'s targets, TD errors and statistics. */
  public static Var loss(TemplatePolicy policy, ActorCriticPolicy model, Class<? extends Distribution> distClass, SampleBatch batch) {
    MlpQPolicy q = qPolicy(model);
    State st = policy.mixin(State.class);
    if (st == null) throw new IllegalStateException("DQN loss: the template has no Dqn.State mixin (the target network)");
    TrainConfig c = policy.config();
    int b = batch.rows(), n = q.actions();
    st.ensure(b, n);
    st.bind(batch);
    SampleBatch.Floats rew = batch.floats(SampleBatch.REWARDS), term = batch.floats(SampleBatch.TERMINATEDS), act = batch.floats(SampleBatch.ACTIONS);
    if (rew.offset() != 0 || term.offset() != 0) throw new IllegalArgumentException("DQN loss: rewards and terminateds must be whole columns");
    Tape tt = st.targetTape;
    tt.clear();
    try (var ng = tt.noGrad()) {
      Var next = tt.input(st.nextT);
      Tensor targetQ = st.target.qValues(next).value();
      Tensor selectQ = c.doubleQ() ? q.qValues(next).value() : targetQ;
      tdTargets(rew.data(), term.data(), targetQ, selectQ, (float) c.gamma(), st.y);
    }
    for (int i = 0; i < b; i++) {
      int a = (int) act.get(i, 0);
      if (a < 0 || a >= n) throw new IllegalArgumentException("DQN loss: action " + act.get(i, 0) + " in row " + i + ", expected an index in [0, " + n + ")");
      st.gatherIdx[i] = a;
    }
    Var loss = tdLoss(policy.tape(), q, st.obsT, st.gatherIdx, st.yT, st.qa);
    double sumQ = 0, sumAbs = 0;
    for (int i = 0; i < b; i++) {
      float e = st.qa[i] - st.y[i];
      st.tdError[i] = e;
      sumQ += st.qa[i];
      sumAbs += Math.abs(e);
    }
    st.loss = loss.item();
    st.meanQ = sumQ / b;
    st.meanAbsTd = sumAbs / b;
    return loss;
  }

  /** The statistics of the last step: loss, mean Q of the batch's actions, mean |TD error|, epsilon, target updates, learning rate. */
  public static Map<String, Double> stats(TemplatePolicy policy, SampleBatch batch) {
    State st = policy.mixin(State.class);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", st.loss);
    m.put("mean_q", st.meanQ);
    m.put("mean_abs_td_error", st.meanAbsTd);
    m.put("epsilon", epsilon(policy.config(), policy.globalTimestep()));
    m.put("target_updates", (double) st.targetUpdates);
    m.put("grad_norm", policy.gradNorm());
    m.put("cur_lr", policy.optimizer().learningRate());
    return m;
  }

  /** Epsilon after {@code timestep} env steps of a run of {@code c} (1 before {@code learningStarts}: random actions). */
  public static double epsilon(TrainConfig c, long timestep) {
    if (timestep < c.learningStarts()) return 1.0;
    return new EpsilonSchedule(c.explorationInitialEps(), c.explorationFinalEps(), c.explorationFraction(), c.totalSteps()).value(timestep);
  }

  /**
   * The epsilon-greedy action sampler (see the class comment); {@code rng} null: greedy. Greedy
   * actions come from the model's deterministic mode, so they respect masks.
   */
  public static void epsilonGreedy(TemplatePolicy policy, ActorCriticPolicy model, Tensor obs, Tensor memory, Tensor episodeStarts, Rng rng,
      Tensor masks, BatchOutput out) {
    model.actionAndValueBatch(obs, null, masks, out);
    if (rng == null) return;
    TrainConfig c = policy.config();
    long t = policy.globalTimestep();
    boolean warmup = t < c.learningStarts();
    double eps = warmup ? 1.0 : new EpsilonSchedule(c.explorationInitialEps(), c.explorationFinalEps(), c.explorationFraction(), c.totalSteps()).value(t);
    int n = qPolicy(model).actions();
    Tensor a = out.actions();
    for (int i = 0, b = obs.dim(0); i < b; i++) {
      if (!warmup && !(rng.uniformDouble() < eps)) continue;
      a.set(i, 0, randomAction(rng, n, masks, i));
    }
  }

  /** A uniform action among those row {@code row} of {@code masks} allows (all {@code n} when masks is null or allows none). */
  static int randomAction(Rng rng, int n, Tensor masks, int row) {
    if (masks == null) return rng.nextInt(n);
    int allowed = 0;
    for (int k = 0; k < n; k++) if (masks.get(row, k) != 0) allowed++;
    if (allowed == 0) return rng.nextInt(n);
    int pick = rng.nextInt(allowed);
    for (int k = 0; k < n; k++) if (masks.get(row, k) != 0 && pick-- == 0) return k;
    throw new AssertionError();
  }
}
