package vecrl.plan;

import vecrl.train.IterationStats;
import vecrl.train.TrainConfig;

/**
 * An algorithm's execution plan (RLlib's {@code execution_plan(workers, config)}): the chain of
 * operators that turns the workers' rollouts into training iterations. {@link Plans} has PPO's
 * bulk-sync plan and A3C's asynchronous one; a {@link TrainerTemplate} names its plan, and {@link
 * TrainerTemplate#withUpdates} swaps it.
 */
@FunctionalInterface
public interface ExecutionPlan {
  /** The plan over {@code workers} for {@code config}: one item per training iteration. */
  LocalIterator<IterationStats> build(WorkerSet workers, TrainConfig config);
}
