package vecrl.plan;

import java.util.function.UnaryOperator;
import vecrl.algo.Mixins;
import vecrl.algo.PolicyTemplate;
import vecrl.algo.TemplatePolicy;

/**
 * The adaptive KL coefficient's update after a train step (RLlib's {@code UpdateKL}): the learner
 * policy's {@link Mixins.KLCoeffMixin} with the step's statistics (its {@code approx_kl}); a policy
 * without that mixin, or with the coefficient at 0, is left as it is. Returns the result unchanged.
 */
public final class UpdateKL implements UnaryOperator<TrainResult> {
  private final WorkerSet workers;

  public UpdateKL(WorkerSet workers) {
    this.workers = workers;
  }

  @Override
  public TrainResult apply(TrainResult r) {
    TemplatePolicy p = workers.learner().policy();
    for (PolicyTemplate.Mixin m : p.mixins()) if (m instanceof Mixins.KLCoeffMixin) m.afterUpdate(p, r.info());
    return r;
  }

  @Override
  public String toString() {
    return "UpdateKL";
  }
}
