package vecrl.plan;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import vecrl.algo.Algorithms;
import vecrl.algo.PolicyTemplate;
import vecrl.env.EnvRegistry;
import vecrl.tensor.Kernels;
import vecrl.train.Callback;
import vecrl.train.IterationStats;
import vecrl.train.TrainConfig;
import vecrl.train.Trainer;
import vecrl.train.TrainingRun;

/**
 * An algorithm as a policy template and an execution plan (RLlib's {@code build_trainer(name,
 * default_policy, execution_plan)}). {@link #withUpdates} gives a copy with some parts replaced,
 * RLlib's {@code with_updates}; the customization page's example, PPO with A3C's asynchronous plan,
 * is
 *
 * <pre>{@code
 * TrainerTemplate ppoAsync = TrainerTemplate.ppo().withUpdates(b -> b.executionPlan(Plans::asyncGradients));
 * }</pre>
 *
 * <p>{@link #callback} runs a trainer's iterations through the plan (installed when training
 * starts, the worker set closed when it ends), so a plan's run writes the same run directory,
 * metrics and checkpoints as any other; {@link #train} is the shortcut for a new run.
 */
public final class TrainerTemplate {
  private final String name;
  private final PolicyTemplate defaultPolicy;
  private final ExecutionPlan executionPlan;

  private TrainerTemplate(Builder b) {
    if (b.defaultPolicy == null) throw new IllegalArgumentException("TrainerTemplate " + b.name + ": defaultPolicy is required");
    if (b.executionPlan == null) throw new IllegalArgumentException("TrainerTemplate " + b.name + ": executionPlan is required");
    this.name = b.name;
    this.defaultPolicy = b.defaultPolicy;
    this.executionPlan = b.executionPlan;
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** PPO: {@link Algorithms#ppo()} with {@link Plans#bulkSync}. */
  public static TrainerTemplate ppo() {
    return builder("PPO").defaultPolicy(Algorithms.ppo()).executionPlan(Plans::bulkSync).build();
  }

  /** A2C: {@link Algorithms#a2c()} with {@link Plans#bulkSync}. */
  public static TrainerTemplate a2c() {
    return builder("A2C").defaultPolicy(Algorithms.a2c()).executionPlan(Plans::bulkSync).build();
  }

  /** A3C: {@link Algorithms#a2c()}'s loss with {@link Plans#asyncGradients}. */
  public static TrainerTemplate a3c() {
    return builder("A3C").defaultPolicy(Algorithms.a2c()).executionPlan(Plans::asyncGradients).build();
  }

  public String name() { return name; }
  public PolicyTemplate defaultPolicy() { return defaultPolicy; }
  public ExecutionPlan executionPlan() { return executionPlan; }

  /** A copy with the parts {@code changes} sets replaced. */
  public TrainerTemplate withUpdates(Consumer<Builder> changes) {
    Builder b = new Builder(name).defaultPolicy(defaultPolicy).executionPlan(executionPlan);
    changes.accept(b);
    return b.build();
  }

  /**
   * A callback that, when training starts, builds the worker set ({@code workers} of the trainer)
   * and this template's plan over it and makes the trainer run its iterations through the plan;
   * it closes the worker set when training ends.
   */
  public Callback callback(Function<Trainer, WorkerSet> workers) {
    return new Callback() {
      private WorkerSet set;

      @Override
      public void onStart(Trainer t) {
        set = workers.apply(t);
        LocalIterator<IterationStats> plan = executionPlan.build(set, t.config());
        t.useExecutionPlan((startNanos, startStep) -> {
          plan.context().start(startNanos, startStep);
          return plan.next();
        });
      }

      @Override
      public void onEnd(Trainer t) {
        t.useExecutionPlan(null);
        if (set != null) set.close();
        set = null;
      }
    };
  }

  /** A callback running this template's plan on {@code numWorkers} in-process workers ({@link LocalWorkerSet}; 0: the learner samples). */
  public Callback callback(EnvRegistry registry, int numWorkers) {
    return callback(t -> new LocalWorkerSet(t, registry, numWorkers));
  }

  /**
   * Trains a new run of {@code config} into {@code dir} with this template's policy and plan, on
   * {@code numWorkers} in-process workers ({@link TrainingRun#train} with {@link #callback}).
   */
  public TrainingRun.Result train(TrainConfig config, EnvRegistry registry, Path dir, List<Callback> callbacks, Kernels kernels, int numWorkers)
      throws IOException {
    List<Callback> cbs = new ArrayList<>(callbacks);
    cbs.add(callback(registry, numWorkers));
    return TrainingRun.train(config, registry, vecrl.train.Policies.defaultRegistry(), null, defaultPolicy, dir, cbs, kernels);
  }

  @Override
  public String toString() {
    return "TrainerTemplate[" + name + ": " + defaultPolicy.name() + "]";
  }

  /** Sets the parts of a trainer template. */
  public static final class Builder {
    private final String name;
    private PolicyTemplate defaultPolicy;
    private ExecutionPlan executionPlan;

    private Builder(String name) {
      if (name == null || name.isBlank()) throw new IllegalArgumentException("TrainerTemplate: a name is required");
      this.name = name;
    }

    public Builder defaultPolicy(PolicyTemplate p) { defaultPolicy = p; return this; }
    public Builder executionPlan(ExecutionPlan p) { executionPlan = p; return this; }

    public TrainerTemplate build() {
      return new TrainerTemplate(this);
    }
  }
}
