package vecrl.policy;

import java.util.Arrays;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.distribution.Distribution;
import vecrl.distribution.SquashedDiagNormal;
import vecrl.io.Structure;
import vecrl.nn.Activation;
import vecrl.nn.Init;
import vecrl.nn.MLP;
import vecrl.space.Box;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Lerax's {@code MLPSACPolicy}, Stable-Baselines3's SAC policy: a squashed Gaussian actor and twin
 * Q critics with target copies, plus the temperature {@code log alpha}.
 *
 * <ul>
 *   <li>Actor: an MLP {@code obs -> hidden -> 2 d}; the first d outputs are the Gaussian mean
 *       {@code mu}, the last d the log-std, clamped to [{@value #LOG_STD_MIN}, {@value #LOG_STD_MAX}]
 *       (Stable-Baselines3's range). An action is {@code a = tanh(u)}, {@code u = mu + exp(logStd)
 *       eps} with {@code eps ~ N(0, I)}: reparameterised, so gradients flow through the sample into
 *       the actor. Actions live in [-1, 1]^d; {@link #toEnv} rescales them to the Box.
 *   <li>Log-probability in the [-1, 1] space: {@code log N(u; mu, std) - sum log(1 - tanh(u)^2)},
 *       with the correction in the stable form {@code log(1 - tanh(u)^2) = 2 (log 2 - u -
 *       softplus(-2u))}.
 *   <li>Critics: {@code nCritics} MLPs {@code [obs, a] -> hidden -> 1} and a target copy of each,
 *       hard-copied at construction and moved by Polyak averaging during training.
 * </ul>
 *
 * <p><b>gSDE</b> (generalized state-dependent exploration, Raffin et al. 2021, as Stable-Baselines3's
 * {@code use_sde} for SAC: {@code full_std}, {@code learn_features}, {@code clip_mean 2}), when built
 * with an {@link Sde}: the actor is a trunk {@code obs -> hidden} (activation on its last layer too),
 * whose output is the latent {@code z} [B, L], and a head {@code mu = clamp(z W_mu + b_mu, -clipMean,
 * clipMean)}; a parameter {@code log_std} [L, d] (initialised to {@code logStdInit}) replaces the
 * log-std outputs. An exploration matrix {@code W = exp(log_std) * E}, {@code E ~ N(0, 1)} [L, d],
 * gives the noise {@code z W}: {@code u = mu + z W}, {@code a = tanh(u)}. For one W the noise is a
 * smooth function of the state, so the same matrix held over many env steps explores consistently.
 * Over W, {@code u_j ~ N(mu_j, var_j)} with {@code var_j = sum_k z_k^2 exp(2 log_std_kj) + 1e-6}
 * (SB3's epsilon), and {@link #sample} returns {@code log N(u; mu, var)} minus the tanh correction.
 * Gradients reach {@code log_std} through both the noise and the variance, and the trunk through
 * {@code z} in both. The deterministic action is {@code tanh(mu)}.
 *
 * <p>As an {@link ActorCriticPolicy}: the distribution is the {@link SquashedDiagNormal} of {@code mu}
 * and the clamped log-std with the Box's bounds, so its mode {@code c + s tanh(mu)} is the
 * deterministic action that evaluation, {@code policy.bin} and {@link SavedPolicy} run; {@link
 * #value(Tape, Var)} is {@code min_i Q_i(s, tanh(mu))}, for reports. {@link #parameters()} (what
 * {@link vecrl.io.PolicyIO} saves) holds the actor, the critics, the targets and {@code log_alpha},
 * in that order, so a saved policy restores a run's networks exactly.
 */
public final class MlpSacPolicy extends StatelessActorCriticPolicy {
  public static final float LOG_STD_MIN = -20f, LOG_STD_MAX = 2f;
  static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
  static final float LOG2 = (float) Math.log(2);

  private final Box actionSpace;
  private final int obsDim, actDim, nCritics;
  private final int[] actorHidden, criticHidden;
  private final Activation activation;
  private final MLP actor;
  private final Sde sde;
  /** gSDE only: the mean head {@code latent -> d} and {@code log_std} [L, d]; null otherwise. */
  private final MLP muHead;
  private final Parameter sdeLogStd;
  private final int latentDim;
  private final MLP[] critics, targets;
  private final Parameter logAlpha;
  private final ParameterSet actorParams = new ParameterSet(), criticParams = new ParameterSet(),
      targetParams = new ParameterSet(), alphaParams = new ParameterSet(), all = new ParameterSet();

  /**
   * gSDE's settings (Stable-Baselines3's {@code use_sde = True} with {@code log_std_init} and {@code
   * clip_mean}).
   *
   * @param logStdInit the initial value of every entry of {@code log_std} [L, d]
   * @param clipMean the mean is clamped to [-clipMean, clipMean] (SB3's Hardtanh; 2 by default)
   */
  public record Sde(float logStdInit, float clipMean) {
    public Sde {
      if (!Float.isFinite(logStdInit)) throw new IllegalArgumentException("gSDE: logStdInit " + logStdInit + ", expected a finite number");
      if (!(clipMean > 0 && Float.isFinite(clipMean))) throw new IllegalArgumentException("gSDE: clipMean " + clipMean + ", expected > 0");
    }
  }

  /** gSDE's variance floor (Stable-Baselines3's {@code StateDependentNoiseDistribution.epsilon}). */
  public static final float SDE_VAR_EPS = 1e-6f;

  /** The reparameterised sample of {@link #sample}: actions [B, d] in [-1, 1] and their log-probabilities [B, 1]. */
  public record Sample(Var action, Var logProb) {}

  /**
   * @param actorHidden hidden widths of the actor (Stable-Baselines3's {@code net_arch.pi})
   * @param criticHidden hidden widths of each critic ({@code net_arch.qf})
   * @param initLogAlpha the initial {@code log alpha} (Stable-Baselines3's {@code ent_coef="auto"} starts at log 1 = 0)
   */
  public MlpSacPolicy(Space<?> observationSpace, Space<?> actionSpace, int[] actorHidden, int[] criticHidden, Activation activation,
      int nCritics, float initLogAlpha, Rng rng) {
    this(observationSpace, actionSpace, actorHidden, criticHidden, activation, nCritics, initLogAlpha, null, rng);
  }

  /**
   * As above, with gSDE exploration when {@code sde} is not null (see the class comment).
   */
  public MlpSacPolicy(Space<?> observationSpace, Space<?> actionSpace, int[] actorHidden, int[] criticHidden, Activation activation,
      int nCritics, float initLogAlpha, Sde sde, Rng rng) {
    super(observationSpace, requireBox("SAC", actionSpace));
    this.actionSpace = (Box) actionSpace;
    if (nCritics < 1) throw new IllegalArgumentException("SAC: nCritics " + nCritics + " must be at least 1");
    this.obsDim = observationSpace.flatSize();
    this.actDim = this.actionSpace.size();
    this.actorHidden = actorHidden.clone();
    this.criticHidden = criticHidden.clone();
    this.activation = activation;
    this.nCritics = nCritics;
    this.sde = sde;
    if (sde == null) {
      this.actor = mlp("actor", obsDim, actorHidden, 2 * actDim, activation, rng);
      actor.addParameters(actorParams);
      this.muHead = null;
      this.sdeLogStd = null;
      this.latentDim = 0;
    } else {
      int[] trunk = new int[actorHidden.length + 1];
      trunk[0] = obsDim;
      System.arraycopy(actorHidden, 0, trunk, 1, actorHidden.length);
      this.latentDim = trunk[trunk.length - 1];
      this.actor = MLP.ofSizes("actor", trunk, activation, activation, Init.UNIFORM, Init.UNIFORM, rng);
      this.muHead = MLP.ofSizes("actor_mu", new int[] {latentDim, actDim}, activation, Activation.IDENTITY, Init.UNIFORM, Init.UNIFORM, rng);
      this.sdeLogStd = new Parameter("actor_log_std", Tensor.full(sde.logStdInit(), latentDim, actDim));
      actor.addParameters(actorParams);
      muHead.addParameters(actorParams);
      actorParams.add(sdeLogStd);
    }
    this.critics = new MLP[nCritics];
    this.targets = new MLP[nCritics];
    for (int i = 0; i < nCritics; i++) {
      critics[i] = mlp("qf" + i, obsDim + actDim, criticHidden, 1, activation, rng);
      critics[i].addParameters(criticParams);
    }
    for (int i = 0; i < nCritics; i++) {
      targets[i] = mlp("qf" + i + "_target", obsDim + actDim, criticHidden, 1, activation, rng);
      targets[i].addParameters(targetParams);
    }
    OffPolicyNets.hardCopy(criticParams, targetParams);
    this.logAlpha = new Parameter("log_alpha", Tensor.full(initLogAlpha, 1));
    alphaParams.add(logAlpha);
    all.addAll(actorParams).addAll(criticParams).addAll(targetParams).addAll(alphaParams);
  }

  /** Stable-Baselines3's defaults: [256, 256] ReLU actor and twin critics, log alpha 0. */
  public MlpSacPolicy(Space<?> observationSpace, Space<?> actionSpace, Rng rng) {
    this(observationSpace, actionSpace, new int[] {256, 256}, new int[] {256, 256}, Activation.RELU, 2, 0f, rng);
  }

  static Box requireBox(String algo, Space<?> actionSpace) {
    if (actionSpace instanceof Box b && b.shape().length == 1 && b.isBounded()) return b;
    if (actionSpace instanceof Box b) {
      throw new IllegalArgumentException(algo + " needs a bounded one-dimensional Box action space (actions are squashed into the"
          + " bounds), got " + b);
    }
    throw new IllegalArgumentException(algo + " needs a bounded one-dimensional Box action space (continuous actions), got "
        + (actionSpace == null ? "null" : actionSpace.toString())
        + (actionSpace instanceof vecrl.space.Discrete ? "; for Discrete actions use sac-discrete or dqn" : ""));
  }

  static MLP mlp(String name, int in, int[] hidden, int out, Activation act, Rng rng) {
    int[] sizes = new int[hidden.length + 2];
    sizes[0] = in;
    System.arraycopy(hidden, 0, sizes, 1, hidden.length);
    sizes[sizes.length - 1] = out;
    return MLP.ofSizes(name, sizes, act, Activation.IDENTITY, Init.UNIFORM, Init.UNIFORM, rng);
  }

  public Box boxActionSpace() { return actionSpace; }
  public int obsDim() { return obsDim; }
  public int actDim() { return actDim; }
  public int nCritics() { return nCritics; }
  /** The actor: obs -> 2d without gSDE; with gSDE its trunk obs -> latent. */
  public MLP actor() { return actor; }
  /** gSDE's settings, or null without gSDE. */
  public Sde sde() { return sde; }
  public boolean usesSde() { return sde != null; }
  /** gSDE: the width L of the latent features {@code z} (the last hidden width, or obsDim without hidden layers); 0 without gSDE. */
  public int latentDim() { return latentDim; }
  /** gSDE: {@code log_std} [L, d]; null without gSDE. */
  public Parameter sdeLogStd() { return sdeLogStd; }
  /** gSDE: the mean head latent -> d; null without gSDE. */
  public MLP sdeMeanHead() { return muHead; }
  public MLP critic(int i) { return critics[i]; }
  public MLP target(int i) { return targets[i]; }
  public Parameter logAlpha() { return logAlpha; }
  public ParameterSet actorParameters() { return actorParams; }
  public ParameterSet criticParameters() { return criticParams; }
  public ParameterSet targetParameters() { return targetParams; }
  public ParameterSet alphaParameters() { return alphaParams; }

  /**
   * The reparameterised sample for observations {@code obs} [B, obsDim] and standard normal noise
   * {@code eps} (kept by reference: do not change it before backward): [B, d] without gSDE; with gSDE
   * [L, d], the standard normal entries {@code E} of one exploration matrix {@code W = exp(log_std) * E}
   * for the whole batch (Stable-Baselines3's {@code reset_noise()} before each gradient step).
   */
  public Sample sample(Var obs, Tensor eps) {
    if (sde != null) return sampleSde(obs, eps);
    Tape tape = obs.tape();
    int b = obs.value().rows();
    if (eps.rank() != 2 || eps.rows() != b || eps.cols() != actDim) {
      throw new IllegalArgumentException("MlpSacPolicy.sample: noise " + eps.shapeString() + ", expected [" + b + ", " + actDim + "]");
    }
    Var out = actor.forward(obs);
    Var mu = out.sliceCols(0, actDim);
    Var logStd = out.sliceCols(actDim, 2 * actDim).clamp(LOG_STD_MIN, LOG_STD_MAX);
    Var u = mu.add(logStd.exp().mul(tape.input(eps)));
    Var a = u.tanh();
    // log N(u; mu, std) = sum_j (-eps_j^2 / 2 - log std_j - log(2 pi) / 2); (u - mu) / std is eps itself.
    Var gauss = tape.input(eps).square().sumRows().mul(-0.5f).sub(logStd.sumRows()).sub((float) (actDim * HALF_LOG_2PI));
    Var correction = u.neg().sub(u.mul(-2f).softplus()).add(LOG2).mul(2f).sumRows();
    return new Sample(a, gauss.sub(correction));
  }

  private Sample sampleSde(Var obs, Tensor eps) {
    Tape tape = obs.tape();
    if (eps.rank() != 2 || eps.rows() != latentDim || eps.cols() != actDim) {
      throw new IllegalArgumentException("MlpSacPolicy.sample (gSDE): exploration noise " + eps.shapeString() + ", expected [" + latentDim
          + ", " + actDim + "] (latent x action)");
    }
    Var z = actor.forward(obs);
    Var mu = sdeMean(z);
    Var std = tape.unary(vecrl.tensor.UnaryOp.EXP, sdeLogStd);
    Var noise = z.matmul(std.mul(tape.input(eps)));
    Var u = mu.add(noise);
    Var var = sdeVariance(z, std);
    // log N(u; mu, var) = sum_j (-(u_j - mu_j)^2 / (2 var_j) - log(var_j) / 2 - log(2 pi) / 2), u - mu = z W.
    Var gauss = noise.square().div(var).add(var.log()).sumRows().mul(-0.5f).sub((float) (actDim * HALF_LOG_2PI));
    Var correction = u.neg().sub(u.mul(-2f).softplus()).add(LOG2).mul(2f).sumRows();
    return new Sample(u.tanh(), gauss.sub(correction));
  }

  private Var sdeMean(Var z) {
    return muHead.forward(z).clamp(-sde.clipMean(), sde.clipMean());
  }

  /** gSDE: {@code z^2 exp(log_std)^2 + eps} [B, d], the variance of {@code u} over exploration matrices. */
  private Var sdeVariance(Var z, Var std) {
    return z.square().matmul(std.square()).add(SDE_VAR_EPS);
  }

  /**
   * gSDE: new exploration matrices, one per row of {@code out} [n, L * d] (row-major [L, d]): {@code
   * exp(log_std) * E} with {@code E} standard normal from {@code rng}, drawn row by row.
   */
  public void sampleExplorationMatrices(Rng rng, Tensor out) {
    requireSde("sampleExplorationMatrices");
    if (out.rank() != 2 || out.cols() != latentDim * actDim) {
      throw new IllegalArgumentException("sampleExplorationMatrices: " + out.shapeString() + ", expected [n, " + latentDim * actDim + "]");
    }
    rng.fillNormal(out, 0f, 1f);
    Tensor ls = sdeLogStd.value();
    int m = latentDim * actDim;
    for (int r = 0; r < out.rows(); r++) {
      for (int k = 0; k < m; k++) out.set(r, k, (float) Math.exp(ls.get(k)) * out.get(r, k));
    }
  }

  /**
   * gSDE exploration without a gradient: {@code tanh(mu(s_i) + z(s_i) W_i)} into {@code out} [n, d]
   * in [-1, 1], row i with the matrix of row i of {@code matrices} [n, L * d] ({@link
   * #sampleExplorationMatrices}). Runs on {@code tape} (cleared first) without recording.
   */
  public void exploreSde(Tape tape, Tensor obs, Tensor matrices, Tensor out) {
    requireSde("exploreSde");
    int n = obs.rows();
    if (matrices.rows() != n || matrices.cols() != latentDim * actDim || out.rows() != n || out.cols() != actDim) {
      throw new IllegalArgumentException("exploreSde: observations " + obs.shapeString() + ", matrices " + matrices.shapeString()
          + ", output " + out.shapeString() + "; expected [n, " + latentDim * actDim + "] and [n, " + actDim + "]");
    }
    tape.clear();
    try (var ng = tape.noGrad()) {
      Var z = actor.forward(tape.input(obs));
      Tensor zv = z.value(), mv = sdeMean(z).value();
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < actDim; j++) {
          double u = mv.get(i, j);
          for (int k = 0; k < latentDim; k++) u += (double) zv.get(i, k) * matrices.get(i, k * actDim + j);
          out.set(i, j, (float) Math.tanh(u));
        }
      }
    }
  }

  private void requireSde(String who) {
    if (sde == null) throw new IllegalStateException(who + ": this MlpSacPolicy was built without gSDE");
  }

  /** The deterministic action {@code tanh(mu)} [B, d] for observations [B, obsDim]. */
  public Var mode(Var obs) {
    if (sde != null) return sdeMean(actor.forward(obs)).tanh();
    return actor.forward(obs).sliceCols(0, actDim).tanh();
  }

  /** Critic {@code i} on [obs, action]: [B, 1]. */
  public Var q(int i, Var obs, Var action) {
    return critics[i].forward(obs.tape().concatCols(obs, action));
  }

  /** Target critic {@code i} on [obs, action]: [B, 1]. */
  public Var qTarget(int i, Var obs, Var action) {
    return targets[i].forward(obs.tape().concatCols(obs, action));
  }

  /** {@code alpha = exp(log alpha)}. */
  public float alpha() {
    return (float) Math.exp(logAlpha.value().get(0));
  }

  /** Rescales actions in [-1, 1] (rows of {@code a}) to the action Box, into {@code out}. */
  public void toEnv(Tensor a, Tensor out) {
    OffPolicyNets.toBox(actionSpace, a, out);
  }

  /** The inverse of {@link #toEnv}: Box actions (as the replay buffer stores them) to [-1, 1], into {@code out}. */
  public void fromEnv(Tensor x, Tensor out) {
    OffPolicyNets.fromBox(actionSpace, x, out);
  }

  /** The squashed Gaussian of the actor, on the Box's bounds (masks: a Box takes none). */
  @Override
  public Distribution distribution(Tape tape, Var observations, Tensor masks) {
    if (sde != null) {
      // gSDE: the Gaussian of u over exploration matrices, log-std 0.5 log var.
      Var z = actor.forward(observations);
      Var var = sdeVariance(z, tape.unary(vecrl.tensor.UnaryOp.EXP, sdeLogStd));
      return new SquashedDiagNormal(sdeMean(z), var.log().mul(0.5f), actionSpace.low(), actionSpace.high());
    }
    Var out = actor.forward(observations);
    Var logStd = out.sliceCols(actDim, 2 * actDim).clamp(LOG_STD_MIN, LOG_STD_MAX);
    return new SquashedDiagNormal(out.sliceCols(0, actDim), logStd, actionSpace.low(), actionSpace.high());
  }

  /** {@code min_i Q_i(s, tanh(mu))}, [batch]: the value of the deterministic action (reports only). */
  @Override
  public Var value(Tape tape, Var observations) {
    Var a = mode(observations);
    Var q = q(0, observations, a);
    for (int i = 1; i < nCritics; i++) q = q.min(q(i, observations, a));
    return q.reshape(q.value().rows());
  }

  /** Polyak averaging of the target critics: {@code target = target (1 - tau) + online tau}, element by element, in float. */
  public void updateTargets(float tau) {
    if (!(tau > 0 && tau <= 1)) throw new IllegalArgumentException("updateTargets: tau " + tau + ", expected in (0, 1]");
    OffPolicyNets.polyak(criticParams, targetParams, tau);
  }

  @Override
  protected void describeHyperparameters(Structure s) {
    s.add("actorHidden", Arrays.toString(actorHidden))
        .add("criticHidden", Arrays.toString(criticHidden))
        .add("activation", activation.name())
        .add("nCritics", nCritics)
        .add("logStdRange", LOG_STD_MIN + ".." + LOG_STD_MAX);
    if (sde != null) s.add("gSDE", "latent " + latentDim + ", clipMean " + sde.clipMean());
  }

  /** A policy of the same structure, initialised from {@code rng} (a skeleton to load a file into). */
  public MlpSacPolicy twin(Rng rng) {
    return new MlpSacPolicy(observationSpace(), actionSpace, actorHidden, criticHidden, activation, nCritics, 0f, sde, rng);
  }

  public int[] actorHidden() { return actorHidden.clone(); }
  public int[] criticHidden() { return criticHidden.clone(); }
  public Activation activation() { return activation; }

  @Override
  public ParameterSet parameters() {
    return all;
  }

  @Override
  public String toString() {
    return "MlpSacPolicy(" + actor.describe() + (sde != null ? " + gSDE " + muHead.describe() : "") + ", " + nCritics + " x " + critics[0].describe() + ")";
  }
}
