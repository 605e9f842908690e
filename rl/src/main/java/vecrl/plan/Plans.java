package vecrl.plan;

import java.util.List;
import vecrl.algo.SampleBatch;
import vecrl.train.IterationStats;
import vecrl.train.TrainConfig;

/**
 * The execution plans of the built-in algorithms, written with the operators as RLlib's
 * customization page writes them.
 */
public final class Plans {
  private Plans() {}

  /**
   * PPO's synchronous plan (also A2C's and REINFORCE's):
   *
   * <pre>{@code
   * rollouts = ParallelRollouts(workers, BULK_SYNC)
   * trainOp  = rollouts.combine(ConcatBatches(numSteps x numEnvs))
   *                    .forEach(StandardizeFields(["advantages"]))   // when normAdvBatch
   *                    .forEach(TrainOneStep(workers))
   *                    .forEach(UpdateKL(workers))
   * return StandardMetricsReporting(trainOp, workers)
   * }</pre>
   *
   * With no remote worker it gives the bits of the trainer's own loop. The advantages are
   * standardised over the whole batch here only with {@code normAdvBatch}: vecrl's default (as
   * CleanRL's) standardises them per minibatch inside the loss ({@code normAdv}), and RLlib's PPO does
   * neither of those but this step.
   */
  public static LocalIterator<IterationStats> bulkSync(WorkerSet workers, TrainConfig config) {
    PlanContext ctx = new PlanContext();
    LocalIterator<SampleBatch> rollouts = ParallelRollouts.of(ctx, workers, ParallelRollouts.Mode.BULK_SYNC);
    LocalIterator<TrainResult> trainOp = rollouts
        .combine(new ConcatBatches(config.batchSize()))
        .forEach(new StandardizeFields(config.normAdvBatch() ? List.of(SampleBatch.ADVANTAGES) : List.of()))
        .forEach(new TrainOneStep(ctx, workers))
        .forEach(new UpdateKL(workers));
    return StandardMetricsReporting.of(trainOp, workers, config);
  }

  /**
   * A3C's asynchronous plan:
   *
   * <pre>{@code
   * grads   = AsyncGradients(workers)
   * applyOp = grads.forEach(ApplyGradients(workers, updateAll = false))
   * return StandardMetricsReporting(applyOp, workers)
   * }</pre>
   *
   * It needs remote workers (each computes gradients on its own rollouts), and is not deterministic
   * with more than one (see {@link AsyncGradients}).
   */
  public static LocalIterator<IterationStats> asyncGradients(WorkerSet workers, TrainConfig config) {
    PlanContext ctx = new PlanContext();
    LocalIterator<TrainResult> applyOp = AsyncGradients.of(ctx, workers).forEach(new ApplyGradients(ctx, workers, false));
    return StandardMetricsReporting.of(applyOp, workers, config);
  }

  /** The plans by the names the command line takes ({@code --plan}): {@code bulk-sync}, {@code async-gradients}. */
  public static final List<String> NAMES = List.of("bulk-sync", "async-gradients");

  /** The plan called {@code name} (one of {@link #NAMES}); an error names the valid ones. */
  public static ExecutionPlan byName(String name) {
    return switch (name) {
      case "bulk-sync" -> Plans::bulkSync;
      case "async-gradients" -> Plans::asyncGradients;
      default -> throw new IllegalArgumentException("unknown execution plan \"" + name + "\"; valid plans: " + String.join(", ", NAMES));
    };
  }
}
