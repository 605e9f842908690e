package vecrl.plan;

import java.util.List;
import java.util.Map;
import vecrl.train.IterationStats;
import vecrl.train.TrainConfig;
import vecrl.train.Trainer;

/**
 * The end of a plan (RLlib's {@code StandardMetricsReporting}): pulls learner steps until the plan
 * has sampled another iteration's worth of env steps ({@code numSteps x numEnvs}, the trainer's
 * iteration), counts the trainer's iteration, and reports it as {@link IterationStats}.
 *
 * <ul>
 *   <li>When the learner sampled (a {@link TrainOneStep} result of a set that {@link
 *       WorkerSet#samplesOnLearner}): the trainer's own statistics
 *       ({@link Trainer#finishIteration}), so a bulk-sync plan writes the metrics of the trainer's
 *       own loop, bit for bit.
 *   <li>Otherwise: the trainer's env steps ({@link Trainer#countIteration} adds those the workers sampled),
 *       episodes summed over the workers, mean return and length averaged over the workers that
 *       have finished episodes (each over its own last 20), the loss columns of the last learner
 *       step, the learner's learning rate, and in {@code epochs} the learner steps of the iteration
 *       (gradients applied, or update rounds). Explained variance is NaN and invalid actions 0: the
 *       workers do not report them.
 * </ul>
 */
public final class StandardMetricsReporting {
  private StandardMetricsReporting() {}

  public static LocalIterator<IterationStats> of(LocalIterator<TrainResult> trainOp, WorkerSet workers, TrainConfig config) {
    PlanContext ctx = trainOp.context();
    Trainer learner = workers.learner();
    long batch = config.batchSize();
    long[] reported = {ctx.counter(PlanContext.STEPS_SAMPLED)};
    return new LocalIterator<>(ctx, () -> {
      TrainResult last = null;
      int steps = 0;
      while (last == null || ctx.counter(PlanContext.STEPS_SAMPLED) - reported[0] < batch) {
        if (!trainOp.hasNext()) return null;
        last = trainOp.next();
        steps++;
      }
      long sampled = ctx.counter(PlanContext.STEPS_SAMPLED) - reported[0];
      reported[0] = ctx.counter(PlanContext.STEPS_SAMPLED);
      if (last.worker() < 0 && workers.samplesOnLearner()) return learner.finishIteration(last.epochs(), ctx.startNanos(), ctx.startStep());
      learner.countIteration(sampled);
      long episodes = 0;
      double ret = 0, len = 0;
      int with = 0;
      for (WorkerSet.WorkerStats s : workers.workerStats()) {
        episodes += s.episodes();
        if (s.episodes() > 0 && !Double.isNaN(s.meanReturn())) {
          ret += s.meanReturn();
          len += s.meanLength();
          with++;
        }
      }
      long step = learner.globalStep();
      double secs = (System.nanoTime() - ctx.startNanos()) / 1e9;
      Map<String, Double> info = last.info();
      double nan = Double.NaN;
      return new IterationStats(step, learner.iteration(), episodes, with == 0 ? nan : ret / with, with == 0 ? nan : len / with,
          info.getOrDefault("loss", nan), info.getOrDefault("policy_loss", nan), info.getOrDefault("value_loss", nan),
          info.getOrDefault("entropy", nan), info.getOrDefault("approx_kl", nan), info.getOrDefault("clip_fraction", nan), nan,
          learner.optimizer().learningRate(), steps, 0, (step - ctx.startStep()) / Math.max(secs, 1e-9), secs);
    });
  }

  /** The statistics' names this reporter fills from the learner's info (for documentation and tests). */
  static final List<String> INFO_KEYS = List.of("loss", "policy_loss", "value_loss", "entropy", "approx_kl", "clip_fraction");
}
