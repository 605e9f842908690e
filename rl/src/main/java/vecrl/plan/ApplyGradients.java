package vecrl.plan;

import java.util.function.Function;
import vecrl.algo.Policy;
import vecrl.algo.TemplatePolicy;

/**
 * Applies a worker's gradients to the learner's policy (RLlib's {@code ApplyGradients}): the
 * optimizer's step with them (after the mixins' schedules for the learner's iteration), then the new
 * weights to the worker that produced them ({@code updateAll = false}, A3C's way: the other workers
 * go on with what they have) or to every worker ({@code updateAll = true}). Counts {@link
 * PlanContext#STEPS_TRAINED}, {@link PlanContext#GRAD_UPDATES} and {@link PlanContext#WEIGHTS_VERSION}.
 */
public final class ApplyGradients implements Function<WorkerSet.WorkerResult<Policy.Gradients>, TrainResult> {
  private final PlanContext context;
  private final WorkerSet workers;
  private final boolean updateAll;

  public ApplyGradients(PlanContext context, WorkerSet workers, boolean updateAll) {
    this.context = context;
    this.workers = workers;
    this.updateAll = updateAll;
  }

  @Override
  public TrainResult apply(WorkerSet.WorkerResult<Policy.Gradients> g) {
    TemplatePolicy p = workers.learner().policy();
    p.beforeUpdate(workers.learner().iteration(), workers.learner().config().iterations());
    p.applyGradients(g.value());
    context.add(PlanContext.STEPS_TRAINED, g.steps());
    context.add(PlanContext.GRAD_UPDATES, 1);
    long version = context.add(PlanContext.WEIGHTS_VERSION, 1);
    if (updateAll) workers.syncWeights(version);
    else workers.setWeights(g.worker(), p.getWeights(), version);
    context.info(g.value().stats());
    return new TrainResult(null, g.value().stats(), 1, g.steps(), g.worker());
  }

  @Override
  public String toString() {
    return "ApplyGradients(updateAll=" + updateAll + ")";
  }
}
