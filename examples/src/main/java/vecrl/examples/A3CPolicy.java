package vecrl.examples;

import java.util.LinkedHashMap;
import java.util.Map;
import vecrl.algo.Gae;
import vecrl.algo.LossStats;
import vecrl.algo.Minibatch;
import vecrl.algo.Mixins;
import vecrl.algo.PolicyTemplate;
import vecrl.algo.SampleBatch;
import vecrl.algo.TemplatePolicy;
import vecrl.autodiff.Adam;
import vecrl.autodiff.GradClip;
import vecrl.autodiff.LrSchedule;
import vecrl.autodiff.Optimizer;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.distribution.Distribution;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.BatchOutput;
import vecrl.policy.Evaluation;
import vecrl.tensor.Kernels;
import vecrl.tensor.Tensor;
import vecrl.train.TrainConfig;

/**
 * Example 5, RLlib's A3C policy as a template, each of its functions under RLlib's name:
 *
 * <ul>
 *   <li>{@link #actorCriticLoss} ({@code actor_critic_loss}): {@code -mean(logp * A) + vfCoef * 0.5
 *       mean((V - R)^2) - entCoef * mean(H)};
 *   <li>{@link #lossAndEntropyStats} ({@code loss_and_entropy_stats}, the {@code statsFn});
 *   <li>{@link #addAdvantages} ({@code add_advantages}, the {@code postprocessFn}): GAE with the
 *       config's gamma and lambda (lambda 1: discounted returns bootstrapped from the value);
 *   <li>{@link #modelValueOutput} ({@code model_value_predictions}, the {@code extraActionOutFn}):
 *       {@code vf_preds} from the {@link Mixins.ValueNetworkMixin}'s value function;
 *   <li>{@link #applyGradClipping} ({@code apply_grad_clipping}, the {@code extraGradProcessFn}):
 *       global-norm clipping at {@code maxGradNorm}, the norm kept by the {@link GradClipping} mixin;
 *   <li>{@link #torchOptimizer} ({@code torch_optimizer}, the {@code optimizerFn}): Adam at the
 *       config's learning rate (constant; this template has no learning-rate schedule);
 *   <li>mixins: {@link Mixins.ValueNetworkMixin} and {@link GradClipping}.
 * </ul>
 */
public final class A3CPolicy {
  private A3CPolicy() {}

  /** The gradient clipping's state for one policy: its scratch buffers and the last norm before clipping. */
  public static final class GradClipping implements PolicyTemplate.Mixin {
    private GradClip clip;
    private double lastNorm = Double.NaN;

    @Override
    public void afterInit(TemplatePolicy policy) {
      clip = new GradClip(policy.model().parameters(), policy.kernels());
    }

    /** The global gradient norm before clipping, of the last step. */
    public double lastNorm() {
      return lastNorm;
    }
  }

  public static Var actorCriticLoss(TemplatePolicy policy, ActorCriticPolicy model, Class<? extends Distribution> distClass,
      SampleBatch trainBatch) {
    TrainConfig c = policy.config();
    Tape t = policy.tape();
    Evaluation ev = policy.evaluate(trainBatch);
    Minibatch mb = policy.minibatch(trainBatch);
    Var adv = t.input(mb.advantagesAs(ev.logProb().value()));
    Var piErr = ev.logProb().mul(adv).mean().neg();
    Var valueErr = ev.value().sub(t.input(mb.returnsAs(ev.value().value()))).square().mean().mul(0.5f);
    Var entropy = ev.entropy().mean();
    Var total = piErr.add(valueErr.mul((float) c.vfCoef())).sub(entropy.mul((float) policy.entCoef()));
    LossStats s = policy.lossStats();
    s.policyLoss = piErr.item();
    s.valueLoss = valueErr.item();
    s.entropy = entropy.item();
    s.loss = total.item();
    return total;
  }

  public static Map<String, Double> lossAndEntropyStats(TemplatePolicy policy, SampleBatch trainBatch) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("cur_lr", policy.optimizer().learningRate());
    m.put("policy_loss", policy.lossStats().policyLoss);
    m.put("policy_entropy", policy.lossStats().entropy);
    m.put("vf_loss", policy.lossStats().valueLoss);
    m.put("grad_gnorm", policy.mixin(GradClipping.class).lastNorm());
    return m;
  }

  public static SampleBatch addAdvantages(TemplatePolicy policy, SampleBatch batch, Map<String, SampleBatch> otherAgentBatches, Object episode) {
    return Gae.postprocess(batch, (float) policy.config().gamma(), (float) policy.config().gaeLambda());
  }

  public static Map<String, Tensor> modelValueOutput(TemplatePolicy policy, Tensor obs, BatchOutput out) {
    return Map.of(SampleBatch.VF_PREDS, policy.mixin(Mixins.ValueNetworkMixin.class).value(policy, obs));
  }

  public static Map<String, Double> applyGradClipping(TemplatePolicy policy, Optimizer optimizer) {
    GradClipping g = policy.mixin(GradClipping.class);
    g.lastNorm = g.clip.clip(policy.config().maxGradNorm());
    return Map.of("grad_gnorm", g.lastNorm);
  }

  public static Optimizer torchOptimizer(TemplatePolicy policy, ParameterSet params, Kernels kernels) {
    return new Adam(params, kernels, new LrSchedule.Constant(policy.config().learningRate()), 0.9, 0.999, 1e-8, 0, false);
  }

  public static final PolicyTemplate TEMPLATE = PolicyTemplate.builder("A3CTorchPolicy")
      .lossFn(A3CPolicy::actorCriticLoss)
      .statsFn(A3CPolicy::lossAndEntropyStats)
      .postprocessFn(A3CPolicy::addAdvantages)
      .extraActionOutFn(A3CPolicy::modelValueOutput)
      .extraGradProcessFn(A3CPolicy::applyGradClipping)
      .optimizerFn(A3CPolicy::torchOptimizer)
      .mixin(Mixins.ValueNetworkMixin::new)
      .mixin(GradClipping::new)
      .build();

  /**
   * The configuration of the tests and {@link #main}: CartPole-v1, 8 envs x 32 steps, one epoch of
   * one minibatch, Adam at lr (the tests: 3e-3, 200,000 steps), gamma 0.99, lambda 1, entropy 0.01, gradient norm 0.5.
   */
  public static TrainConfig config(long seed, long steps, double lr) {
    return Examples.cartPole(Map.ofEntries(Map.entry("seed", String.valueOf(seed)), Map.entry("numEnvs", "8"), Map.entry("numSteps", "32"),
        Map.entry("epochs", "1"), Map.entry("minibatches", "1"), Map.entry("learningRate", String.valueOf(lr)), Map.entry("gaeLambda", "1"),
        Map.entry("normAdv", "false"), Map.entry("entCoef", "0.01"), Map.entry("maxGradNorm", "0.5"), Map.entry("totalSteps", String.valueOf(steps))));
  }

  public static void main(String[] args) {
    System.out.println("A3CTorchPolicy on CartPole-v1: " + Examples.train(TEMPLATE, config(1, 200_000, 3e-3)));
  }
}
