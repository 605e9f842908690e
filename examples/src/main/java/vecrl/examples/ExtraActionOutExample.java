package vecrl.examples;

import java.util.LinkedHashMap;
import java.util.Map;
import vecrl.algo.Algorithms;
import vecrl.algo.Minibatch;
import vecrl.algo.PolicyTemplate;
import vecrl.algo.PpoObjective;
import vecrl.algo.SampleBatch;
import vecrl.algo.TemplatePolicy;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.distribution.Categorical;
import vecrl.distribution.Distribution;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.BatchOutput;
import vecrl.policy.Evaluation;
import vecrl.tensor.Tensor;
import vecrl.train.TrainConfig;

/**
 * Example 3, extra action outputs: an {@code extraActionOutFn} records, at every step the trainer
 * takes, the value prediction ({@code vf_preds}) and the behaviour policy's logits ({@code
 * action_dist_inputs}); they become columns of the rollout and of every minibatch, and the loss
 * reads them. Here the loss is PPO's clipped surrogate plus {@link #KL_COEF} times the KL divergence
 * from the behaviour distribution (rebuilt from the recorded logits) to the current one, the term
 * RLlib's PPO computes from the same column. A discrete action space is assumed (Categorical logits).
 */
public final class ExtraActionOutExample {
  private ExtraActionOutExample() {}

  /** The weight of the KL term. */
  public static final float KL_COEF = 0.2f;

  /** The extra outputs of one step: the values the model predicted and the logits it sampled from, [B] and [B, n]. */
  public static Map<String, Tensor> valueAndLogits(TemplatePolicy policy, Tensor obs, BatchOutput out) {
    Tape t = new Tape(policy.kernels());
    Map<String, Tensor> extra = new LinkedHashMap<>();
    extra.put(SampleBatch.VF_PREDS, out.values().copy());
    try (var ng = t.noGrad()) {
      Categorical d = (Categorical) policy.model().distribution(t, t.input(obs), null);
      extra.put(SampleBatch.ACTION_DIST_INPUTS, d.logits().value().copy());
    }
    return extra;
  }

  /** PPO's loss plus {@link #KL_COEF} {@code * mean(KL(behaviour || current))}, the behaviour from the {@code action_dist_inputs} column. */
  public static Var lossWithBehaviourKl(TemplatePolicy policy, ActorCriticPolicy model, Class<? extends Distribution> distClass,
      SampleBatch trainBatch) {
    TrainConfig c = policy.config();
    Tape t = policy.tape();
    Evaluation ev = policy.evaluate(trainBatch);
    Minibatch mb = policy.minibatch(trainBatch);
    Var ppo = new PpoObjective((float) c.clipCoef(), c.clipVloss(), (float) policy.entCoef(), (float) c.vfCoef(), c.normAdv())
        .loss(t, ev.logProb(), ev.entropy(), ev.value(), mb, policy.lossStats());
    SampleBatch.Floats logits = trainBatch.floats(SampleBatch.ACTION_DIST_INPUTS);
    Categorical behaviour = new Categorical(t.input(Tensor.wrap(logits.data(), logits.offset(), new int[] {logits.rows(), logits.width()})));
    Var kl = behaviour.kl(ev.distribution()).mean();
    return ppo.add(kl.mul(KL_COEF));
  }

  /** PPO with the extra outputs recorded and read by the loss. */
  public static final PolicyTemplate TEMPLATE = Algorithms.ppo().withUpdates(b -> b.extraActionOutFn(ExtraActionOutExample::valueAndLogits)
      .lossFn(ExtraActionOutExample::lossWithBehaviourKl));

  /** Trains it briefly on CartPole-v1 and prints the columns of the last rollout. */
  public static void main(String[] args) {
    TrainConfig c = Examples.cartPole(Map.of("totalSteps", "20480", "learningRate", "0.001", "minibatches", "16"));
    try (var t = new vecrl.train.Trainer(c, vecrl.env.EnvRegistry.standard(), vecrl.train.Policies.defaultRegistry(),
        vecrl.tensor.Backends.kernels(), null, TEMPLATE)) {
      t.run(java.util.List.of());
      System.out.print(t.lastBatch().describe(3));
      System.out.println("greedy: " + t.evaluate(10, 12345));
    }
  }
}
