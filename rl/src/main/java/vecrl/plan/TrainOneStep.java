package vecrl.plan;

import java.util.function.Function;
import vecrl.algo.SampleBatch;

/**
 * The learner's update on a train batch (RLlib's {@code TrainOneStep}): {@link
 * vecrl.train.Trainer#trainOnRollout} (the config's epochs of shuffled minibatches, the mixins'
 * schedules; the adaptive KL coefficient is left to {@link UpdateKL}), then, with remote workers,
 * the new weights to every one of them. The batch must have {@code numSteps x numEnvs} rows (use
 * {@link ConcatBatches} with the config's batch size). Counts {@link PlanContext#STEPS_TRAINED},
 * {@link PlanContext#GRAD_UPDATES} and {@link PlanContext#WEIGHTS_VERSION}.
 */
public final class TrainOneStep implements Function<SampleBatch, TrainResult> {
  private final WorkerSet workers;
  private final PlanContext context;

  public TrainOneStep(PlanContext context, WorkerSet workers) {
    this.context = context;
    this.workers = workers;
  }

  @Override
  public TrainResult apply(SampleBatch batch) {
    int epochs = workers.learner().trainOnRollout(batch, false);
    context.add(PlanContext.STEPS_TRAINED, batch.rows());
    context.add(PlanContext.GRAD_UPDATES, 1);
    long version = context.add(PlanContext.WEIGHTS_VERSION, 1);
    workers.syncWeights(version);
    var info = workers.learner().lastStats();
    context.info(info);
    return new TrainResult(batch, info, epochs, batch.rows(), -1);
  }

  @Override
  public String toString() {
    return "TrainOneStep";
  }
}
