package vecrl.examples;

import java.util.Map;
import vecrl.algo.Algorithms;
import vecrl.algo.LossStats;
import vecrl.algo.Minibatch;
import vecrl.algo.PolicyTemplate;
import vecrl.algo.SampleBatch;
import vecrl.algo.TemplatePolicy;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.distribution.Distribution;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.Evaluation;
import vecrl.train.TrainConfig;

/**
 * Example 6, {@code with_updates}: PPO with its loss replaced and everything else kept (GAE
 * postprocessing, the learning-rate and entropy schedules, the adaptive KL coefficient). The new loss
 * is the PPO paper's other objective: the unclipped surrogate with a KL penalty, {@code
 * -mean(r A) + beta * KL + vfCoef * 0.5 mean((V - R)^2) - entCoef * mean(H)}, with {@code beta}
 * the policy's KL coefficient ({@code klCoeff}, adapted after every update by PPO's {@code
 * KLCoeffMixin} towards {@code klTarget}) and KL CleanRL's estimator {@code mean((r - 1) - log r)}.
 */
public final class PpoCustomLoss {
  private PpoCustomLoss() {}

  public static Var klPenaltyLoss(TemplatePolicy policy, ActorCriticPolicy model, Class<? extends Distribution> distClass, SampleBatch trainBatch) {
    TrainConfig c = policy.config();
    Tape t = policy.tape();
    Evaluation ev = policy.evaluate(trainBatch);
    Minibatch mb = policy.minibatch(trainBatch);
    if (c.normAdv()) vecrl.algo.Objective.normalize(mb.advantages, mb.size());
    Var logRatio = ev.logProb().sub(t.input(mb.oldLogProbsAs(ev.logProb().value())));
    Var ratio = logRatio.exp();
    Var surrogate = ratio.mul(t.input(mb.advantagesAs(ev.logProb().value()))).mean().neg();
    Var kl = ratio.sub(1f).sub(logRatio).mean();
    Var vLoss = ev.value().sub(t.input(mb.returnsAs(ev.value().value()))).square().mean().mul(0.5f);
    Var ent = ev.entropy().mean();
    Var loss = surrogate.add(kl.mul((float) policy.klCoeff())).add(vLoss.mul((float) c.vfCoef())).sub(ent.mul((float) policy.entCoef()));
    LossStats s = policy.lossStats();
    s.policyLoss = surrogate.item();
    s.valueLoss = vLoss.item();
    s.entropy = ent.item();
    s.approxKl = kl.item();
    s.clipFraction = 0;
    s.loss = loss.item();
    return loss;
  }

  /** PPO, its loss replaced. */
  public static final PolicyTemplate TEMPLATE = Algorithms.ppo().withUpdates(b -> b.lossFn(PpoCustomLoss::klPenaltyLoss));

  /** The configuration of the tests and {@link #main}: the default CartPole preset with the KL penalty on ({@code klCoeff} 0.2). */
  public static TrainConfig config(long seed, long steps) {
    return vecrl.train.Presets.forEnv("ppo", "CartPole-v1").with(Map.of("seed", String.valueOf(seed), "klCoeff", "0.2",
        "totalSteps", String.valueOf(steps)));
  }

  public static void main(String[] args) {
    System.out.println("PPO with the KL-penalty loss on CartPole-v1: " + Examples.train(TEMPLATE, config(1, 51_200)));
  }
}
