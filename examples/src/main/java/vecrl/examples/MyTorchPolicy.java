package vecrl.examples;

import java.util.Map;
import vecrl.algo.PolicyTemplate;
import vecrl.algo.Returns;
import vecrl.algo.SampleBatch;
import vecrl.algo.TemplatePolicy;
import vecrl.autodiff.Var;
import vecrl.distribution.Distribution;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.Evaluation;
import vecrl.train.TrainConfig;

/**
 * Example 4, RLlib's {@code MyTFPolicy} / {@code MyTorchPolicy}: an algorithm that is one loss
 * function handed to the builder,
 *
 * <pre>{@code
 * PolicyTemplate.builder("MyTorchPolicy").lossFn(MyTorchPolicy::policyGradientLoss).build()
 * }</pre>
 *
 * with the one-step policy-gradient loss {@code -mean(logp(actions) * rewards)}. Every other hook takes
 * its default (the model's distribution, GAE postprocessing that this loss ignores, the config's
 * optimizer, gradient clipping).
 *
 * <p>As the page goes on to say, the one-step reward does not teach CartPole: its reward is 1 on every
 * step, so the loss is {@code -mean(logp)}, whose expected gradient is zero (the policy only drifts).
 * The page's next step, {@link #WITH_RETURNS}, adds a {@code postprocessFn} ({@link
 * #calculateAdvantages}: discounted returns) and weights the log-probabilities by those returns:
 * REINFORCE, which learns.
 */
public final class MyTorchPolicy {
  private MyTorchPolicy() {}

  /** RLlib's {@code policy_gradient_loss}: {@code -mean(logp(actions) * rewards)}. */
  public static Var policyGradientLoss(TemplatePolicy policy, ActorCriticPolicy model, Class<? extends Distribution> distClass,
      SampleBatch trainBatch) {
    Evaluation ev = policy.evaluate(trainBatch);
    Var rewards = policy.tape().input(Examples.column(trainBatch, SampleBatch.REWARDS, ev.logProb().value()));
    return ev.logProb().mul(rewards).mean().neg();
  }

  /** The one-line algorithm. */
  public static final PolicyTemplate TEMPLATE = PolicyTemplate.builder("MyTorchPolicy").lossFn(MyTorchPolicy::policyGradientLoss).build();

  /** RLlib's {@code calculate_advantages}: the discounted return of every step into {@code value_targets} (and {@code advantages}). */
  public static SampleBatch calculateAdvantages(TemplatePolicy policy, SampleBatch batch, Map<String, SampleBatch> otherAgentBatches,
      Object episode) {
    return Returns.discounted(batch, (float) policy.config().gamma(), false);
  }

  /** The loss with the returns in place of the rewards: {@code -mean(logp(actions) * value_targets)}. */
  public static Var returnsLoss(TemplatePolicy policy, ActorCriticPolicy model, Class<? extends Distribution> distClass, SampleBatch trainBatch) {
    Evaluation ev = policy.evaluate(trainBatch);
    Var returns = policy.tape().input(Examples.column(trainBatch, SampleBatch.VALUE_TARGETS, ev.logProb().value()));
    return ev.logProb().mul(returns).mean().neg();
  }

  /** The page's second version: {@link #TEMPLATE} with {@link #calculateAdvantages} and {@link #returnsLoss}. */
  public static final PolicyTemplate WITH_RETURNS = TEMPLATE.withUpdates(b -> b.postprocessFn(MyTorchPolicy::calculateAdvantages)
      .lossFn(MyTorchPolicy::returnsLoss));

  /**
   * The training configuration of the tests and {@link #main}: CartPole-v1, 8 envs x 256 steps, one
   * epoch of one minibatch, Adam at a constant {@code lr}, no entropy bonus, {@code steps} steps.
   */
  public static TrainConfig config(long seed, long steps, double lr) {
    return Examples.cartPole(Map.of("seed", String.valueOf(seed), "numEnvs", "8", "numSteps", "256", "epochs", "1", "minibatches", "1",
        "learningRate", String.valueOf(lr), "lrSchedule", "constant", "entCoef", "0", "bootstrapTruncation", "false",
        "totalSteps", String.valueOf(steps)));
  }

  /** Trains both versions on CartPole-v1 (seed 1, 204,800 steps) and prints the greedy returns. */
  public static void main(String[] args) {
    System.out.println("MyTorchPolicy (one-step rewards): " + Examples.train(TEMPLATE, config(1, 204_800, 1e-3)));
    System.out.println("MyTorchPolicy with calculate_advantages (discounted returns): " + Examples.train(WITH_RETURNS, config(1, 204_800, 1e-3)));
  }
}
