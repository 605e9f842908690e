package vecrl.algo;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import vecrl.autodiff.Adam;
import vecrl.autodiff.LrSchedule;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.BatchOutput;
import vecrl.policy.MlpDiscreteSacPolicy;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Discrete SAC (Christodoulou, 2019), in the order of CleanRL's {@code sac_atari}: the target {@code
 * y = r + gamma (1 - terminated) sum_a pi(a|s') (min_i Q'_i(s', a) - alpha log pi(a|s'))} and one Adam
 * step on the critics; every {@code policyDelay}-th step one on the actor, {@code mean_s sum_a pi(a|s)
 * (alpha log pi(a|s) - min_i Q_i(s, a))}, and with {@code autoEntropy} one on the temperature,
 * {@code -log alpha mean_s(sum_a pi log pi + targetEntropy)} with the actor's probabilities before its
 * step; every {@code targetUpdateInterval}-th step Polyak averaging of the targets.
 *
 * <p>The default target entropy is {@code targetEntropyScale * log n}: a fraction of the largest
 * entropy of n actions (the paper: 0.98; CleanRL's Atari default: 0.89). Exploration: uniform actions
 * before {@code learningStarts}, then samples of {@code pi(.|s)}.
 */
public final class DiscreteSac implements OffPolicyAlgorithm {
  public record Settings(double gamma, double tau, double learningRate, long learningStarts, boolean autoEntropy, double initEntCoef,
      double targetEntropyScale, int policyDelay, int targetUpdateInterval) {
    public Settings {
      if (!(gamma >= 0 && gamma <= 1)) throw new IllegalArgumentException("sac-discrete: gamma " + gamma + ", expected in [0, 1]");
      if (!(tau > 0 && tau <= 1)) throw new IllegalArgumentException("sac-discrete: tau " + tau + ", expected in (0, 1]");
      if (!(learningRate > 0)) throw new IllegalArgumentException("sac-discrete: learningRate " + learningRate + ", expected > 0");
      if (!(initEntCoef > 0)) throw new IllegalArgumentException("sac-discrete: initEntCoef " + initEntCoef + ", expected > 0");
      if (!(targetEntropyScale >= 0 && targetEntropyScale <= 1)) {
        throw new IllegalArgumentException("sac-discrete: targetEntropyScale " + targetEntropyScale + ", expected in [0, 1]");
      }
      if (policyDelay < 1) throw new IllegalArgumentException("sac-discrete: policyDelay " + policyDelay + ", expected >= 1");
      if (targetUpdateInterval < 1) throw new IllegalArgumentException("sac-discrete: targetUpdateInterval " + targetUpdateInterval + ", expected >= 1");
    }
  }

  private final MlpDiscreteSacPolicy model;
  private final Settings s;
  private final float gamma, tau, targetEntropy, fixedAlpha;
  private final Adam actorOpt, criticOpt, alphaOpt;
  private final Tape actTape, actorTape, criticTape, targetTape, alphaTape;
  private final ReplayColumns cols = new ReplayColumns();
  private int[] actions = new int[0];
  private float[] logitRow = new float[0];
  private Tensor y, negEntropy;
  private long updates;
  private double criticLoss = Double.NaN, actorLoss = Double.NaN, alphaLoss = Double.NaN, lastAlpha = Double.NaN, entropy = Double.NaN;

  public DiscreteSac(ActorCriticPolicy model, Settings settings, Kernels kernels) {
    if (!(model instanceof MlpDiscreteSacPolicy m)) {
      throw new IllegalArgumentException("sac-discrete: the model is a " + model.getClass().getName() + ", expected an MlpDiscreteSacPolicy");
    }
    this.model = m;
    this.s = settings;
    this.gamma = (float) settings.gamma();
    this.tau = (float) settings.tau();
    this.targetEntropy = (float) (settings.targetEntropyScale() * Math.log(m.nActions()));
    this.fixedAlpha = (float) settings.initEntCoef();
    LrSchedule lr = LrSchedule.constant(settings.learningRate());
    this.actorOpt = new Adam(m.actorParameters(), kernels, lr, 0.9, 0.999, 1e-8, 0, false);
    this.criticOpt = new Adam(m.criticParameters(), kernels, lr, 0.9, 0.999, 1e-8, 0, false);
    this.alphaOpt = new Adam(m.alphaParameters(), kernels, lr, 0.9, 0.999, 1e-8, 0, false);
    if (settings.autoEntropy()) m.logAlpha().value().set(0, (float) Math.log(settings.initEntCoef()));
    this.actTape = new Tape(kernels);
    this.actorTape = new Tape(kernels);
    this.criticTape = new Tape(kernels);
    this.targetTape = new Tape(kernels);
    this.alphaTape = new Tape(kernels);
  }

  public float targetEntropy() { return targetEntropy; }
  public long updates() { return updates; }

  public float alpha() {
    return s.autoEntropy() ? model.alpha() : fixedAlpha;
  }

  @Override
  public ActorCriticPolicy model() {
    return model;
  }

  @Override
  public void act(Tensor obs, Tensor masks, long timestep, Rng rng, BatchOutput out) {
    int n = obs.rows(), k = model.nActions();
    Tensor a = out.actions();
    if (timestep < s.learningStarts()) {
      for (int i = 0; i < n; i++) a.set(i, 0, rng.nextInt(k));
      return;
    }
    if (logitRow.length != k) logitRow = new float[k];
    actTape.clear();
    try (var ng = actTape.noGrad()) {
      Tensor logits = model.logits(actTape.input(obs)).value();
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < k; j++) logitRow[j] = logits.get(i, j);
        a.set(i, 0, rng.categoricalFromLogits(logitRow, 0, k));
      }
    }
  }

  @Override
  public void learn(SampleBatch batch, long timestep, Rng rng) {
    cols.bind(batch);
    int b = cols.rows(), k = model.nActions();
    if (actions.length != b) {
      actions = new int[b];
      y = Tensor.zeros(b, 1);
      negEntropy = Tensor.zeros(b, 1);
    }
    for (int r = 0; r < b; r++) {
      float v = cols.actions.get(r, 0);
      int a = (int) v;
      if (a != v || a < 0 || a >= k) throw new IllegalArgumentException("sac-discrete: action " + v + " in row " + r + ", expected an index in [0, " + k + ")");
      actions[r] = a;
    }
    float alpha = alpha();
    lastAlpha = alpha;
    targetTape.clear();
    OffPolicyLosses.discreteSacTarget(targetTape, model, cols.next, cols.rewards, cols.terminateds, alpha, gamma, y);
    criticTape.clear();
    Var cl = OffPolicyLosses.discreteSacCriticLoss(criticTape, model, criticTape.input(cols.obs), actions, y);
    model.criticParameters().zeroGrad();
    criticTape.backward(cl);
    criticOpt.step();
    criticLoss = cl.item();
    updates++;
    if (updates % s.policyDelay() == 0) {
      actorTape.clear();
      Var obs = actorTape.input(cols.obs);
      Var al = OffPolicyLosses.discreteSacActorLoss(actorTape, model, obs, alpha);
      // sum_a pi log pi of each row, before the actor's step, for the temperature
      try (var ng = actorTape.noGrad()) {
        Var logp = model.logits(obs).logSoftmaxRows();
        negEntropy.copyFrom(logp.exp().mul(logp).sumRows().value());
      }
      model.actorParameters().zeroGrad();
      actorTape.backward(al);
      actorOpt.step();
      actorLoss = al.item();
      double h = 0;
      for (int r = 0; r < b; r++) h -= negEntropy.get(r);
      entropy = h / b;
      if (s.autoEntropy()) {
        alphaTape.clear();
        Var l = OffPolicyLosses.discreteTemperatureLoss(alphaTape, model.logAlpha(), negEntropy, targetEntropy);
        model.alphaParameters().zeroGrad();
        alphaTape.backward(l);
        alphaOpt.step();
        alphaLoss = l.item();
      }
    }
    if (updates % s.targetUpdateInterval() == 0) model.updateTargets(tau);
  }

  @Override
  public Map<String, Double> stats() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", criticLoss);
    m.put("critic_loss", criticLoss);
    m.put("actor_loss", actorLoss);
    m.put("ent_coef", lastAlpha);
    m.put("ent_coef_loss", alphaLoss);
    m.put("entropy", entropy);
    m.put("n_updates", (double) updates);
    m.put("cur_lr", s.learningRate());
    return m;
  }

  @Override
  public double learningRate() {
    return s.learningRate();
  }

  @Override
  public void write(DataOutputStream out) throws IOException {
    StateIO.writeActorCritic(out, "sac-discrete", updates, model.parameters(), actorOpt, criticOpt, alphaOpt);
  }

  @Override
  public Runnable read(DataInputStream in, long gradientSteps) throws IOException {
    return StateIO.readActorCritic(in, "sac-discrete", "sac-discrete", gradientSteps, model.parameters(), u -> updates = u,
        new vecrl.autodiff.Optimizer[] {actorOpt, criticOpt, alphaOpt}, new String[] {"actor", "critic", "temperature"});
  }
}
