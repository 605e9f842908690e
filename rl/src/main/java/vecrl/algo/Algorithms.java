package vecrl.algo;

import java.util.Map;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.policy.Evaluation;
import vecrl.train.TrainConfig;

/**
 * The built-in algorithms as {@link PolicyTemplate}s: PPO, A2C and REINFORCE, and the off-policy DQN. Each is a loss and a
 * postprocessing function plus mixins; the trainer is the same for all.
 */
public final class Algorithms {
  private Algorithms() {}

  /** The template of {@code algo}. */
  public static PolicyTemplate of(TrainConfig.Algo algo) {
    return switch (algo) {
      case PPO -> ppo();
      case A2C -> a2c();
      case REINFORCE -> reinforce();
      case DQN -> dqn();
      case SAC, SAC_DISCRETE, TD3, DDPG -> throw new IllegalArgumentException(algo + " is not a policy template: it is an"
          + " OffPolicyAlgorithm of its own (OffPolicyAlgorithms.of)");
    };
  }

  /**
   * DQN (Mnih et al., 2015, as Stable-Baselines3 trains it), an off-policy template: the model is an
   * {@link vecrl.policy.MlpQPolicy} ({@code makeModel}), acting is epsilon-greedy ({@code
   * actionSamplerFn}), the loss is the Huber TD loss against a target network, with double DQN as an
   * option ({@code lossFn}), and the target network lives in the {@link Dqn.State} mixin, updated
   * every {@code targetUpdateInterval} env steps. The off-policy trainer runs it through {@link
   * TemplateOffPolicy}; see {@link Dqn}.
   */
  public static PolicyTemplate dqn() {
    return PolicyTemplate.builder(Dqn.NAME)
        .makeModel(Dqn::model)
        .actionSamplerFn(Dqn::epsilonGreedy)
        .lossFn(Dqn::loss)
        .statsFn(Dqn::stats)
        .mixin(Dqn.State::new)
        .build();
  }

  /**
   * PPO: the clipped surrogate ({@link PpoObjective}) on the model's {@link TemplatePolicy#evaluate},
   * plus {@code klCoeff} times the approximate KL when the adaptive KL penalty is on; GAE
   * postprocessing, advantages standardised per minibatch ({@code normAdv}) or over the whole train batch
   * ({@code normAdvBatch}, by the trainer: {@link #standardize}); the learning-rate and entropy schedules and the KL coefficient as mixins.
   */
  public static PolicyTemplate ppo() {
    return PolicyTemplate.builder("ppo")
        .lossFn((policy, model, dist, batch) -> {
          TrainConfig c = policy.config();
          Evaluation ev = policy.evaluate(batch);
          Minibatch mb = policy.minibatch(batch);
          PpoObjective objective = ppoObjective(policy);
          Var loss = objective.loss(policy.tape(), ev.logProb(), ev.entropy(), ev.value(), mb, policy.lossStats());
          if (policy.klCoeff() > 0) {
            Tape t = policy.tape();
            Var logRatio = ev.logProb().sub(t.input(mb.oldLogProbsAs(ev.logProb().value())));
            Var kl = logRatio.exp().sub(1f).sub(logRatio).mean();
            loss = loss.add(kl.mul((float) policy.klCoeff()));
          }
          return loss;
        })
        .postprocessFn((policy, batch, others, episode) -> policy.postprocessGae(batch))
        .mixin(Mixins.LearningRateSchedule::new)
        .mixin(Mixins.EntropyCoeffSchedule::new)
        .mixin(Mixins.KLCoeffMixin::new)
        .build();
  }

  /** The PPO objective of the policy's config and current entropy coefficient (kept while the coefficient stays). */
  private static PpoObjective ppoObjective(TemplatePolicy policy) {
    PpoObjective o = policy.cached(PpoObjective.class);
    if (o == null || o.entCoef() != (float) policy.entCoef()) {
      TrainConfig c = policy.config();
      o = new PpoObjective((float) c.clipCoef(), c.clipVloss(), (float) policy.entCoef(), (float) c.vfCoef(), c.normAdv() && !c.normAdvBatch());
      policy.cache(o);
    }
    return o;
  }

  /** A2C: {@link A2cObjective} with GAE postprocessing and the schedules. */
  public static PolicyTemplate a2c() {
    return PolicyTemplate.builder("a2c")
        .lossFn((policy, model, dist, batch) -> {
          TrainConfig c = policy.config();
          Evaluation ev = policy.evaluate(batch);
          return new A2cObjective((float) policy.entCoef(), (float) c.vfCoef(), c.normAdv() && !c.normAdvBatch())
              .loss(policy.tape(), ev.logProb(), ev.entropy(), ev.value(), policy.minibatch(batch), policy.lossStats());
        })
        .postprocessFn((policy, batch, others, episode) -> policy.postprocessGae(batch))
        .mixin(Mixins.LearningRateSchedule::new)
        .mixin(Mixins.EntropyCoeffSchedule::new)
        .build();
  }

  /**
   * REINFORCE (RLlib's {@code policy_gradient_loss} example): discounted returns as postprocessing,
   * and the loss {@code -mean(log pi(a|s) * A)} with {@code A} the return, or the return minus the
   * value (a baseline, trained with the value loss) when {@code reinforceBaseline} is on; advantages
   * standardised per minibatch ({@code normAdv}) or over the whole batch after postprocessing ({@code
   * normAdvBatch}, then not per minibatch). Its defaults:
   * one epoch of one minibatch, no value clipping, no bootstrap from the critic at truncation.
   */
  public static PolicyTemplate reinforce() {
    return PolicyTemplate.builder("reinforce")
        .lossFn((policy, model, dist, batch) -> {
          TrainConfig c = policy.config();
          Evaluation ev = policy.evaluate(batch);
          Minibatch mb = policy.minibatch(batch);
          if (c.normAdv() && !c.normAdvBatch()) Objective.normalize(mb.advantages, mb.size());
          Tape t = policy.tape();
          Var adv = t.input(mb.advantagesAs(ev.logProb().value()));
          Var pgLoss = ev.logProb().mul(adv).mean().neg();
          Var ent = ev.entropy().mean();
          Var loss = pgLoss.sub(ent.mul((float) policy.entCoef()));
          Var vLoss = null;
          if (c.reinforceBaseline()) {
            vLoss = ev.value().sub(t.input(mb.returnsAs(ev.value().value()))).square().mean().mul(0.5f);
            loss = loss.add(vLoss.mul((float) c.vfCoef()));
          }
          LossStats s = policy.lossStats();
          s.clear();
          s.policyLoss = pgLoss.item();
          s.valueLoss = vLoss == null ? 0 : vLoss.item();
          s.entropy = ent.item();
          s.loss = loss.item();
          return loss;
        })
        .postprocessFn((policy, batch, others, episode) -> Returns.discounted(batch, (float) policy.config().gamma(),
            policy.config().reinforceBaseline()))
        .getDefaultConfig(() -> Map.of("epochs", "1", "minibatches", "1", "clipVloss", "false", "bootstrapTruncation", "false"))
        .mixin(Mixins.LearningRateSchedule::new)
        .mixin(Mixins.EntropyCoeffSchedule::new)
        .build();
  }

  /**
   * Standardises the width-1 float column {@code name} of {@code batch} in place over all its rows:
   * {@code (x - mean) / (std + 1e-8)} with the sample standard deviation (n - 1), accumulated in
   * double. The trainer runs it on the advantages of the whole train batch, after postprocessing,
   * when {@code normAdvBatch} is set (an execution plan's {@code StandardizeFields} step); fewer than
   * two rows are left as they are.
   */
  public static void standardize(SampleBatch batch, String name) {
    SampleBatch.Floats f = batch.floats(name);
    if (f.width() != 1) throw new IllegalArgumentException("standardize: column " + name + " has width " + f.width() + ", expected 1");
    float[] a = f.data();
    int o = f.offset(), n = f.rows();
    if (n < 2) return;
    double mean = 0;
    for (int i = 0; i < n; i++) mean += a[o + i];
    mean /= n;
    double ss = 0;
    for (int i = 0; i < n; i++) {
      double d = a[o + i] - mean;
      ss += d * d;
    }
    double std = Math.sqrt(ss / (n - 1));
    double inv = 1.0 / (std + 1e-8);
    for (int i = 0; i < n; i++) a[o + i] = (float) ((a[o + i] - mean) * inv);
  }
}
