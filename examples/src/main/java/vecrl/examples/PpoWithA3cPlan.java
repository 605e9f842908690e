package vecrl.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vecrl.env.EnvRegistry;
import vecrl.plan.ApplyGradients;
import vecrl.plan.AsyncGradients;
import vecrl.plan.LocalIterator;
import vecrl.plan.PlanContext;
import vecrl.plan.StandardMetricsReporting;
import vecrl.plan.TrainResult;
import vecrl.plan.TrainerTemplate;
import vecrl.plan.WorkerSet;
import vecrl.tensor.Backends;
import vecrl.train.IterationStats;
import vecrl.train.TrainConfig;
import vecrl.train.TrainingRun;

/**
 * Example 8, RLlib's customization page's execution-plan example: PPO trained with A3C's
 * asynchronous plan. RLlib writes
 *
 * <pre>{@code
 * def a3c_execution_plan(workers, config):
 *     grads = AsyncGradients(workers)
 *     apply_op = grads.for_each(ApplyGradients(workers, update_all=False))
 *     return StandardMetricsReporting(apply_op, workers, config)
 *
 * CustomTrainer = PPOTrainer.with_updates(execution_plan=a3c_execution_plan)
 * }</pre>
 *
 * and here it is {@link #a3cExecutionPlan} and {@link #CUSTOM_TRAINER}: each worker (an in-process
 * rollout worker on a thread of its own) samples with the weights it was last sent, computes the
 * gradient of PPO's loss on its rollout, and the learner applies each gradient as it arrives and
 * sends the new weights back to that worker only.
 *
 * <p>Run it with {@code ./mvnw -q -B -pl examples -am compile exec:java
 * -Dexec.mainClass=vecrl.examples.PpoWithA3cPlan}, or train the same from the command line with
 * {@code ./vecrl train --plan async-gradients --plan-workers 2 --envs 8 --set numSteps=32 --set
 * learningRate=0.001 --set lrSchedule=constant --steps 60000}.
 */
public final class PpoWithA3cPlan {
  private PpoWithA3cPlan() {}

  /** A3C's plan, written with the operators (the same as {@link vecrl.plan.Plans#asyncGradients}). */
  public static LocalIterator<IterationStats> a3cExecutionPlan(WorkerSet workers, TrainConfig config) {
    PlanContext ctx = new PlanContext();
    LocalIterator<TrainResult> applyOp = AsyncGradients.of(ctx, workers).forEach(new ApplyGradients(ctx, workers, false));
    return StandardMetricsReporting.of(applyOp, workers, config);
  }

  /** PPO with A3C's plan: PPO's template ({@link TrainerTemplate#ppo()}) with its execution plan swapped. */
  public static final TrainerTemplate CUSTOM_TRAINER = TrainerTemplate.ppo().withUpdates(b -> b.executionPlan(PpoWithA3cPlan::a3cExecutionPlan));

  /** CartPole-v1, 8 envs (4 per worker with 2 workers), 32 steps per gradient, Adam at a constant 0.001. */
  public static TrainConfig config(long steps, long seed) {
    return Examples.cartPole(Map.of("numEnvs", "8", "numSteps", "32", "learningRate", "0.001", "lrSchedule", "constant",
        "totalSteps", String.valueOf(steps), "evalEpisodes", "0", "seed", String.valueOf(seed)));
  }

  public static void main(String[] args) throws IOException {
    int workers = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    long steps = args.length > 1 ? Long.parseLong(args[1]) : 60_000;
    Path dir = Files.createTempDirectory("ppo-a3c-");
    TrainingRun.Result r = CUSTOM_TRAINER.train(config(steps, 1), EnvRegistry.standard(), dir, List.of(), Backends.kernels(), workers);
    System.out.println(String.format(Locale.ROOT, "%s with A3C's plan on %d workers: %,d steps in %.1f s, last mean return %.1f, greedy %s; run in %s",
        CUSTOM_TRAINER.name(), workers, r.last().step(), r.seconds(), r.last().meanReturn(), r.trainer().evaluate(10, 12345), dir));
  }
}
