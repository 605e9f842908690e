package vecrl.plan;

import vecrl.algo.Policy;

/**
 * The source of an asynchronous gradient plan (RLlib's {@code AsyncGradients}): each remote worker
 * samples a rollout with the newest weights sent to it, computes the gradients of the template's
 * loss on it (one step on the whole rollout, with the gradient processing: clipping), and the
 * results come in the order the workers finish, each tagged with its worker (for {@link
 * ApplyGradients}). Counts {@link PlanContext#STEPS_SAMPLED}.
 *
 * <p>Not deterministic with more than one worker: which worker finishes first depends on thread
 * timing, and that decides the order the learner applies the gradients in and which weights each
 * worker acts with next. With one worker the sequence is fixed (sample, gradient, apply, new
 * weights to that worker, sample again).
 */
public final class AsyncGradients {
  private AsyncGradients() {}

  public static LocalIterator<WorkerSet.WorkerResult<Policy.Gradients>> of(PlanContext context, WorkerSet workers) {
    if (workers.numRemoteWorkers() == 0) {
      throw new IllegalArgumentException("AsyncGradients: the worker set has no remote workers (the gradients come from them); give it at least one");
    }
    WorkerSet.AsyncResults<Policy.Gradients>[] results = ParallelRollouts.holder();
    return new LocalIterator<>(context, () -> {
      if (results[0] == null) results[0] = workers.gradientsAsync();
      WorkerSet.WorkerResult<Policy.Gradients> r = results[0].next();
      context.add(PlanContext.STEPS_SAMPLED, r.steps());
      return r;
    });
  }
}
