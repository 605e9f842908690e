package vecrl.algo;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import vecrl.autodiff.Adam;
import vecrl.autodiff.LrSchedule;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.BatchOutput;
import vecrl.policy.MlpSacPolicy;
import vecrl.space.Box;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Soft actor-critic (Haarnoja et al., 2018), as Stable-Baselines3's {@code SAC.train} orders one
 * gradient step on a replay batch:
 *
 * <ol>
 *   <li>a reparameterised sample {@code a ~ pi(s)} of the batch's observations (noise {@code eps} from
 *       the run's generator, then the next observations' noise);
 *   <li>with automatic entropy tuning ({@code autoEntropy}): {@code alpha = exp(log alpha)} as it is
 *       now, then one Adam step on the temperature loss {@code -mean(log alpha (log pi(a|s) +
 *       targetEntropy))}; otherwise the fixed {@code alpha};
 *   <li>the critic target {@code y = r + gamma (1 - terminated) (min_i Q'_i(s', a') - alpha log
 *       pi(a'|s'))} and one Adam step on {@code 0.5 sum_i mean((Q_i(s, a) - y)^2)};
 *   <li>every {@code policyDelay}-th step (1: every step, as SAC does), one Adam step on the actor loss
 *       {@code mean(alpha log pi(a|s) - min_i Q_i(s, a))} with the critics just updated (the critics'
 *       parameters are frozen for this backward pass, so it computes no gradient for them);
 *   <li>every {@code targetUpdateInterval}-th step, Polyak averaging of the targets with {@code tau}.
 * </ol>
 *
 * The losses are {@link OffPolicyLosses}'. The buffer stores actions in the Box; the losses see them
 * rescaled to [-1, 1]. Before {@code learningStarts} env steps actions are uniform in the Box
 * (Stable-Baselines3's warm-up); afterwards they are samples of the squashed Gaussian.
 *
 * <p>With a gSDE policy ({@link MlpSacPolicy#usesSde()}), as Stable-Baselines3's {@code use_sde}: each
 * gradient step draws one exploration matrix for the whole batch and uses it for the batch's and the
 * next observations' samples; acting uses one matrix per env, drawn from the trainer's generator at
 * the first exploring step of each collection (SB3's {@code reset_noise} at the start of {@code
 * collect_rollouts}) and every {@code sdeSampleFreq} steps of a collection when that is positive.
 * Those matrices are redrawn after a resume (collections start at iteration boundaries), so they need
 * no checkpoint.
 */
public final class Sac implements OffPolicyAlgorithm {
  /**
   * @param gamma discount
   * @param tau Polyak coefficient of the target critics
   * @param learningRate Adam's learning rate for the actor, the critics and the temperature (SB3 uses one)
   * @param learningStarts env steps of uniform random actions
   * @param autoEntropy tune alpha toward {@code targetEntropy} (SB3's {@code ent_coef="auto"})
   * @param initEntCoef alpha at the start (auto: {@code log alpha = log initEntCoef}; fixed: alpha itself)
   * @param targetEntropy the entropy target; NaN: {@code -dim(A)}, SB3's default
   * @param policyDelay gradient steps per actor step (1: every step)
   * @param targetUpdateInterval gradient steps between target updates
   * @param sdeSampleFreq gSDE: exploring steps (vector steps) between new exploration matrices within a
   *     collection; -1: only at the start of each collection
   */
  public record Settings(double gamma, double tau, double learningRate, long learningStarts, boolean autoEntropy, double initEntCoef,
      double targetEntropy, int policyDelay, int targetUpdateInterval, int sdeSampleFreq) {
    /** Without gSDE's resampling interval (-1). */
    public Settings(double gamma, double tau, double learningRate, long learningStarts, boolean autoEntropy, double initEntCoef,
        double targetEntropy, int policyDelay, int targetUpdateInterval) {
      this(gamma, tau, learningRate, learningStarts, autoEntropy, initEntCoef, targetEntropy, policyDelay, targetUpdateInterval, -1);
    }

    public Settings {
      if (sdeSampleFreq != -1 && sdeSampleFreq < 1) throw new IllegalArgumentException("SAC: sdeSampleFreq " + sdeSampleFreq + ", expected > 0 or -1");
      if (!(gamma >= 0 && gamma <= 1)) throw new IllegalArgumentException("SAC: gamma " + gamma + ", expected in [0, 1]");
      if (!(tau > 0 && tau <= 1)) throw new IllegalArgumentException("SAC: tau " + tau + ", expected in (0, 1]");
      if (!(learningRate > 0)) throw new IllegalArgumentException("SAC: learningRate " + learningRate + ", expected > 0");
      if (!(initEntCoef > 0)) throw new IllegalArgumentException("SAC: initEntCoef " + initEntCoef + ", expected > 0");
      if (policyDelay < 1) throw new IllegalArgumentException("SAC: policyDelay " + policyDelay + ", expected >= 1");
      if (targetUpdateInterval < 1) throw new IllegalArgumentException("SAC: targetUpdateInterval " + targetUpdateInterval + ", expected >= 1");
    }
  }

  private final MlpSacPolicy model;
  private final Settings s;
  private final float gamma, tau, targetEntropy;
  private final Adam actorOpt, criticOpt, alphaOpt;
  private final Tape actTape, actorTape, criticTape, targetTape, alphaTape;
  private final ReplayColumns cols = new ReplayColumns();
  private final Box box;
  private Tensor eps, nextEps, scaled, y, actEps, actA, actMatrices;
  /** gSDE: redraw the acting matrices at the next exploring step; exploring steps since the collection started. */
  private boolean sdeResample = true;
  private long sdeSteps;
  private float fixedAlpha;
  private long updates;
  private double criticLoss = Double.NaN, actorLoss = Double.NaN, alphaLoss = Double.NaN, lastAlpha = Double.NaN, meanLogp = Double.NaN;

  public Sac(ActorCriticPolicy model, Settings settings, Kernels kernels) {
    if (!(model instanceof MlpSacPolicy m)) {
      throw new IllegalArgumentException("SAC: the model is a " + model.getClass().getName() + ", expected an MlpSacPolicy");
    }
    this.model = m;
    this.s = settings;
    this.box = m.boxActionSpace();
    this.gamma = (float) settings.gamma();
    this.tau = (float) settings.tau();
    this.targetEntropy = (float) (Double.isNaN(settings.targetEntropy()) ? -m.actDim() : settings.targetEntropy());
    LrSchedule lr = LrSchedule.constant(settings.learningRate());
    this.actorOpt = new Adam(m.actorParameters(), kernels, lr, 0.9, 0.999, 1e-8, 0, false);
    this.criticOpt = new Adam(m.criticParameters(), kernels, lr, 0.9, 0.999, 1e-8, 0, false);
    this.alphaOpt = new Adam(m.alphaParameters(), kernels, lr, 0.9, 0.999, 1e-8, 0, false);
    if (settings.autoEntropy()) m.logAlpha().value().set(0, (float) Math.log(settings.initEntCoef()));
    this.fixedAlpha = (float) settings.initEntCoef();
    this.actTape = new Tape(kernels);
    this.actorTape = new Tape(kernels);
    this.criticTape = new Tape(kernels);
    this.targetTape = new Tape(kernels);
    this.alphaTape = new Tape(kernels);
  }

  public Settings settings() { return s; }
  public float targetEntropy() { return targetEntropy; }
  /** Gradient steps done. */
  public long updates() { return updates; }

  @Override
  public ActorCriticPolicy model() {
    return model;
  }

  @Override
  public void act(Tensor obs, Tensor masks, long timestep, Rng rng, BatchOutput out) {
    int n = obs.rows(), d = model.actDim();
    Tensor a = out.actions();
    if (timestep < s.learningStarts()) {
      for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) a.set(i, j, rng.uniform(box.low(j), box.high(j)));
      return;
    }
    if (actA == null || actA.rows() != n) {
      actEps = Tensor.zeros(n, d);
      actA = Tensor.zeros(n, d);
      if (model.usesSde()) actMatrices = Tensor.zeros(n, model.latentDim() * d);
      sdeResample = true;
    }
    if (model.usesSde()) {
      if (sdeResample || (s.sdeSampleFreq() > 0 && sdeSteps % s.sdeSampleFreq() == 0)) model.sampleExplorationMatrices(rng, actMatrices);
      sdeResample = false;
      sdeSteps++;
      model.exploreSde(actTape, obs, actMatrices, actA);
      model.toEnv(actA, a);
      return;
    }
    rng.fillNormal(actEps, 0f, 1f);
    actTape.clear();
    try (var ng = actTape.noGrad()) {
      actA.copyFrom(model.sample(actTape.input(obs), actEps).action().value());
    }
    model.toEnv(actA, a);
  }

  /** A collection starts: gSDE redraws its acting matrices at the first exploring step. */
  @Override
  public void beforeTrain(long iteration, long iterations) {
    sdeResample = true;
    sdeSteps = 0;
  }

  private void ensure(int b, int d) {
    if (scaled == null || scaled.rows() != b) {
      // gSDE: one exploration matrix [L, d] for the batch and its next observations (SB3's reset_noise()).
      eps = model.usesSde() ? Tensor.zeros(model.latentDim(), d) : Tensor.zeros(b, d);
      nextEps = model.usesSde() ? eps : Tensor.zeros(b, d);
      scaled = Tensor.zeros(b, d);
      y = Tensor.zeros(b, 1);
    }
  }

  /** The alpha the next step uses. */
  public float alpha() {
    return s.autoEntropy() ? model.alpha() : fixedAlpha;
  }

  @Override
  public void learn(SampleBatch batch, long timestep, Rng rng) {
    cols.bind(batch);
    int b = cols.rows(), d = model.actDim();
    ensure(b, d);
    rng.fillNormal(eps, 0f, 1f);
    if (nextEps != eps) rng.fillNormal(nextEps, 0f, 1f);
    model.fromEnv(cols.actions, scaled);

    // 1. a ~ pi(s), reparameterised; the temperature step with its log-probabilities.
    actorTape.clear();
    Var obs = actorTape.input(cols.obs);
    MlpSacPolicy.Sample sample = model.sample(obs, eps);
    Tensor logp = sample.logProb().value();
    float alpha = alpha();
    if (s.autoEntropy()) {
      alphaTape.clear();
      Var l = OffPolicyLosses.temperatureLoss(alphaTape, model.logAlpha(), logp, targetEntropy);
      model.alphaParameters().zeroGrad();
      alphaTape.backward(l);
      alphaOpt.step();
      alphaLoss = l.item();
    }
    double lp = 0;
    for (int r = 0; r < b; r++) lp += logp.get(r);
    meanLogp = lp / b;
    lastAlpha = alpha;

    // 2. the critics
    targetTape.clear();
    OffPolicyLosses.sacTarget(targetTape, model, cols.next, nextEps, cols.rewards, cols.terminateds, alpha, gamma, y);
    criticTape.clear();
    Var cl = OffPolicyLosses.sacCriticLoss(criticTape, model, criticTape.input(cols.obs), criticTape.input(scaled), y);
    model.criticParameters().zeroGrad();
    criticTape.backward(cl);
    criticOpt.step();
    criticLoss = cl.item();
    updates++;

    // 3. the actor, against the updated critics (frozen: no gradient for them here)
    if (updates % s.policyDelay() == 0) {
      setTrainable(model.criticParameters(), false);
      try {
        Var al = OffPolicyLosses.sacActorLoss(model, obs, sample, alpha);
        model.actorParameters().zeroGrad();
        actorTape.backward(al);
        actorOpt.step();
        actorLoss = al.item();
      } finally {
        setTrainable(model.criticParameters(), true);
      }
    }

    // 4. the targets
    if (updates % s.targetUpdateInterval() == 0) model.updateTargets(tau);
  }

  static void setTrainable(vecrl.autodiff.ParameterSet ps, boolean on) {
    for (int i = 0; i < ps.size(); i++) ps.get(i).setTrainable(on);
  }

  @Override
  public Map<String, Double> stats() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", criticLoss);
    m.put("critic_loss", criticLoss);
    m.put("actor_loss", actorLoss);
    m.put("ent_coef", lastAlpha);
    m.put("ent_coef_loss", alphaLoss);
    m.put("mean_logp", meanLogp);
    m.put("n_updates", (double) updates);
    m.put("cur_lr", s.learningRate());
    if (model.usesSde()) {
      Tensor ls = model.sdeLogStd().value();
      double sum = 0;
      for (int i = 0; i < ls.size(); i++) sum += Math.exp(ls.get(i));
      m.put("sde_std", sum / ls.size());
    }
    return m;
  }

  @Override
  public double learningRate() {
    return s.learningRate();
  }

  @Override
  public void write(DataOutputStream out) throws IOException {
    StateIO.writeActorCritic(out, "sac", updates, model.parameters(), actorOpt, criticOpt, alphaOpt);
  }

  @Override
  public Runnable read(DataInputStream in, long gradientSteps) throws IOException {
    return StateIO.readActorCritic(in, "sac", "SAC", gradientSteps, model.parameters(), u -> updates = u,
        new vecrl.autodiff.Optimizer[] {actorOpt, criticOpt, alphaOpt}, new String[] {"actor", "critic", "temperature"});
  }
}
