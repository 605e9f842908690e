package vecrl.plan;

import vecrl.algo.SampleBatch;

/**
 * The source of a sampling plan (RLlib's {@code ParallelRollouts}): postprocessed rollouts of the
 * workers, counted in {@link PlanContext#STEPS_SAMPLED}.
 *
 * <ul>
 *   <li>{@link Mode#BULK_SYNC}: each item is one round of every worker's rollout with the same
 *       weights, concatenated in worker order ({@link WorkerSet#sampleBulkSync}); with no remote
 *       worker, the learner's own rollout of all its envs.
 *   <li>{@link Mode#ASYNC}: each item is one worker's rollout, in the order they finish ({@link
 *       WorkerSet#sampleAsync}); a worker acts with the newest weights sent to it when its rollout
 *       starts.
 * </ul>
 */
public final class ParallelRollouts {
  private ParallelRollouts() {}

  /** RLlib's {@code mode}: {@code bulk_sync} or {@code async}. */
  public enum Mode { BULK_SYNC, ASYNC }

  /** The rollouts of {@code workers} in {@code mode}, in a new plan context. */
  public static LocalIterator<SampleBatch> of(WorkerSet workers, Mode mode) {
    return of(new PlanContext(), workers, mode);
  }

  /** The rollouts of {@code workers} in {@code mode}, sharing {@code context}. */
  public static LocalIterator<SampleBatch> of(PlanContext context, WorkerSet workers, Mode mode) {
    return switch (mode) {
      case BULK_SYNC -> new LocalIterator<>(context, () -> {
        SampleBatch b = workers.sampleBulkSync();
        context.add(PlanContext.STEPS_SAMPLED, b.rows());
        return b;
      });
      case ASYNC -> {
        WorkerSet.AsyncResults<SampleBatch>[] results = holder();
        yield new LocalIterator<>(context, () -> {
          if (results[0] == null) results[0] = workers.sampleAsync(); // the workers start at the first pull
          WorkerSet.WorkerResult<SampleBatch> r = results[0].next();
          context.add(PlanContext.STEPS_SAMPLED, r.steps());
          return r.value();
        });
      }
    };
  }

  @SuppressWarnings("unchecked")
  static <T> WorkerSet.AsyncResults<T>[] holder() {
    return (WorkerSet.AsyncResults<T>[]) new WorkerSet.AsyncResults<?>[1];
  }
}
