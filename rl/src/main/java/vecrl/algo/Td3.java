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
import vecrl.policy.MlpDeterministicPolicy;
import vecrl.space.Box;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * TD3 (Fujimoto et al., 2018) and DDPG (Lillicrap et al., 2016), as Stable-Baselines3 implements both
 * in {@code TD3.train}: DDPG is TD3 with one critic, an actor step every gradient step and no target
 * smoothing. One gradient step on a replay batch:
 *
 * <ol>
 *   <li>target policy smoothing: {@code noise = clamp(targetPolicyNoise eps, -targetNoiseClip,
 *       targetNoiseClip)} ({@code eps} from the run's generator; none when {@code targetPolicyNoise}
 *       is 0), {@code a' = clamp(mu'(s') + noise, -1, 1)};
 *   <li>clipped double Q: {@code y = r + gamma (1 - terminated) min_i Q'_i(s', a')}; one Adam step on
 *       {@code sum_i mean((Q_i(s, a) - y)^2)};
 *   <li>every {@code policyDelay}-th step (TD3: 2, DDPG: 1): one Adam step on {@code -mean(Q_0(s,
 *       mu(s)))} (critics frozen for this pass), then Polyak averaging of the target actor and the
 *       target critics with {@code tau}.
 * </ol>
 *
 * Exploration: uniform actions in the Box before {@code learningStarts} env steps, then {@code
 * clip(mu(s) + N(0, actionNoise^2), -1, 1)} rescaled to the Box (SB3's {@code NormalActionNoise} on
 * the scaled action).
 */
public final class Td3 implements OffPolicyAlgorithm {
  /**
   * @param name "td3" or "ddpg" (statistics, checkpoints, errors)
   * @param actionNoise standard deviation of the exploration noise, in the [-1, 1] action space
   */
  public record Settings(String name, double gamma, double tau, double learningRate, long learningStarts, int policyDelay,
      double targetPolicyNoise, double targetNoiseClip, double actionNoise) {
    public Settings {
      if (!(gamma >= 0 && gamma <= 1)) throw new IllegalArgumentException(name + ": gamma " + gamma + ", expected in [0, 1]");
      if (!(tau > 0 && tau <= 1)) throw new IllegalArgumentException(name + ": tau " + tau + ", expected in (0, 1]");
      if (!(learningRate > 0)) throw new IllegalArgumentException(name + ": learningRate " + learningRate + ", expected > 0");
      if (policyDelay < 1) throw new IllegalArgumentException(name + ": policyDelay " + policyDelay + ", expected >= 1");
      if (!(targetPolicyNoise >= 0)) throw new IllegalArgumentException(name + ": targetPolicyNoise " + targetPolicyNoise + ", expected >= 0");
      if (!(targetNoiseClip >= 0)) throw new IllegalArgumentException(name + ": targetNoiseClip " + targetNoiseClip + ", expected >= 0");
      if (!(actionNoise >= 0)) throw new IllegalArgumentException(name + ": actionNoise " + actionNoise + ", expected >= 0");
    }
  }

  private final MlpDeterministicPolicy model;
  private final Settings s;
  private final float gamma, tau;
  private final Adam actorOpt, criticOpt;
  private final Tape actTape, actorTape, criticTape, targetTape;
  private final ReplayColumns cols = new ReplayColumns();
  private final Box box;
  private Tensor noise, scaled, y, actA;
  private long updates;
  private double criticLoss = Double.NaN, actorLoss = Double.NaN;

  public Td3(ActorCriticPolicy model, Settings settings, Kernels kernels) {
    if (!(model instanceof MlpDeterministicPolicy m)) {
      throw new IllegalArgumentException(settings.name() + ": the model is a " + model.getClass().getName() + ", expected an MlpDeterministicPolicy");
    }
    this.model = m;
    this.s = settings;
    this.box = m.boxActionSpace();
    this.gamma = (float) settings.gamma();
    this.tau = (float) settings.tau();
    LrSchedule lr = LrSchedule.constant(settings.learningRate());
    this.actorOpt = new Adam(m.actorParameters(), kernels, lr, 0.9, 0.999, 1e-8, 0, false);
    this.criticOpt = new Adam(m.criticParameters(), kernels, lr, 0.9, 0.999, 1e-8, 0, false);
    this.actTape = new Tape(kernels);
    this.actorTape = new Tape(kernels);
    this.criticTape = new Tape(kernels);
    this.targetTape = new Tape(kernels);
  }

  public Settings settings() { return s; }
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
    if (actA == null || actA.rows() != n) actA = Tensor.zeros(n, d);
    actTape.clear();
    try (var ng = actTape.noGrad()) {
      actA.copyFrom(model.action(actTape.input(obs)).value());
    }
    MlpDeterministicPolicy.addNoise(actA, (float) s.actionNoise(), rng);
    model.toEnv(actA, a);
  }

  @Override
  public void learn(SampleBatch batch, long timestep, Rng rng) {
    cols.bind(batch);
    int b = cols.rows(), d = model.actDim();
    if (scaled == null || scaled.rows() != b) {
      noise = Tensor.zeros(b, d);
      scaled = Tensor.zeros(b, d);
      y = Tensor.zeros(b, 1);
    }
    model.fromEnv(cols.actions, scaled);
    boolean smooth = s.targetPolicyNoise() > 0;
    if (smooth) {
      rng.fillNormal(noise, 0f, 1f);
      OffPolicyLosses.smoothingNoise(noise, (float) s.targetPolicyNoise(), (float) s.targetNoiseClip(), noise);
    }
    targetTape.clear();
    OffPolicyLosses.td3Target(targetTape, model, cols.next, smooth ? noise : null, cols.rewards, cols.terminateds, gamma, y);
    criticTape.clear();
    Var cl = OffPolicyLosses.td3CriticLoss(criticTape, model, criticTape.input(cols.obs), criticTape.input(scaled), y);
    model.criticParameters().zeroGrad();
    criticTape.backward(cl);
    criticOpt.step();
    criticLoss = cl.item();
    updates++;
    if (updates % s.policyDelay() == 0) {
      actorTape.clear();
      Sac.setTrainable(model.criticParameters(), false);
      try {
        Var al = OffPolicyLosses.td3ActorLoss(model, actorTape.input(cols.obs));
        model.actorParameters().zeroGrad();
        actorTape.backward(al);
        actorOpt.step();
        actorLoss = al.item();
      } finally {
        Sac.setTrainable(model.criticParameters(), true);
      }
      model.updateTargets(tau);
    }
  }

  @Override
  public Map<String, Double> stats() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", criticLoss);
    m.put("critic_loss", criticLoss);
    m.put("actor_loss", actorLoss);
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
    StateIO.writeActorCritic(out, s.name(), updates, model.parameters(), actorOpt, criticOpt);
  }

  @Override
  public Runnable read(DataInputStream in, long gradientSteps) throws IOException {
    return StateIO.readActorCritic(in, s.name(), s.name(), gradientSteps, model.parameters(), u -> updates = u,
        new vecrl.autodiff.Optimizer[] {actorOpt, criticOpt}, new String[] {"actor", "critic"});
  }
}
