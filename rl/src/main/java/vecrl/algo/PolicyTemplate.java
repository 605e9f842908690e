package vecrl.algo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import vecrl.autodiff.Optimizer;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Var;
import vecrl.distribution.Distribution;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.BatchOutput;
import vecrl.space.Space;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.train.TrainConfig;

/**
 * RLlib's policy builder ({@code build_torch_policy}): an algorithm as a few functions, with RLlib's
 * hook names. A template with only {@link Builder#lossFn} set is a complete, trainable policy; every
 * other hook has a default. {@link #build} turns a template and a model into a {@link TemplatePolicy}.
 *
 * <ul>
 *   <li>{@link LossFn lossFn(policy, model, distClass, trainBatch)}: the scalar loss on the policy's
 *       tape ({@link TemplatePolicy#tape()}; {@link TemplatePolicy#evaluate} runs the model on the batch);
 *   <li>{@link StatsFn statsFn(policy, trainBatch)}: named scalars after each step (default: the
 *       {@link LossStats} the loss filled);
 *   <li>{@link PostprocessFn postprocessFn(policy, sampleBatch, otherAgentBatches, episode)}: adds
 *       columns to a rollout (default: GAE with the config's gamma and lambda);
 *   <li>{@link ExtraActionOutFn extraActionOutFn}: extra per-step columns recorded while acting,
 *       visible to the loss;
 *   <li>{@link MakeModel makeModel} and {@link ActionSamplerFn actionSamplerFn}: for policies that do
 *       not use the default model and its distribution;
 *   <li>{@link OptimizerFn optimizerFn} (default: the config's optimizer) and {@link
 *       ExtraGradProcessFn extraGradProcessFn} (default: global-norm clipping at {@code maxGradNorm});
 *   <li>lifecycle hooks {@code beforeInit}, {@code beforeLossInit}, {@code afterInit}, {@code
 *       afterOptimizerStep};
 *   <li>{@link Builder#getDefaultConfig}: config keys the algorithm sets (laid over the defaults);
 *   <li>{@link Mixin mixins}: composable stateful parts ({@link Mixins}).
 * </ul>
 *
 * {@link #withUpdates} gives a copy with some hooks replaced (RLlib's {@code with_updates}).
 */
public final class PolicyTemplate {
  /** The loss on the policy's tape. */
  @FunctionalInterface
  public interface LossFn {
    Var loss(TemplatePolicy policy, ActorCriticPolicy model, Class<? extends Distribution> distClass, SampleBatch trainBatch);
  }

  /** Named statistics of the last step. */
  @FunctionalInterface
  public interface StatsFn {
    Map<String, Double> stats(TemplatePolicy policy, SampleBatch trainBatch);
  }

  /** Adds columns to a rollout batch and returns it. */
  @FunctionalInterface
  public interface PostprocessFn {
    SampleBatch postprocess(TemplatePolicy policy, SampleBatch sampleBatch, Map<String, SampleBatch> otherAgentBatches, Object episode);
  }

  /** Extra per-step outputs, each [B, width], recorded as columns of the rollout. */
  @FunctionalInterface
  public interface ExtraActionOutFn {
    Map<String, Tensor> extra(TemplatePolicy policy, Tensor obs, BatchOutput out);
  }

  /** The model the policy trains. */
  @FunctionalInterface
  public interface MakeModel {
    ActorCriticPolicy make(Space<?> observationSpace, Space<?> actionSpace, TrainConfig config, Rng rng);
  }

  /**
   * Acting without the model's own distribution: writes actions (and log-probabilities and values,
   * as far as the sampler has them) into {@code out}; {@code rng} null means no exploration.
   */
  @FunctionalInterface
  public interface ActionSamplerFn {
    void sample(TemplatePolicy policy, ActorCriticPolicy model, Tensor obs, Tensor memory, Tensor episodeStarts, Rng rng, Tensor masks,
        BatchOutput out);
  }

  /** The optimizer of the model's parameters. */
  @FunctionalInterface
  public interface OptimizerFn {
    Optimizer make(TemplatePolicy policy, ParameterSet params, Kernels kernels);
  }

  /** Processes the gradients before the optimizer step (default: global-norm clipping); returns statistics. */
  @FunctionalInterface
  public interface ExtraGradProcessFn {
    Map<String, Double> process(TemplatePolicy policy, Optimizer optimizer);
  }

  /** A lifecycle hook. */
  @FunctionalInterface
  public interface Hook {
    void run(TemplatePolicy policy);
  }

  /** Runs after every optimizer step, with the batch it learned on. */
  @FunctionalInterface
  public interface AfterOptimizerStep {
    void run(TemplatePolicy policy, SampleBatch trainBatch);
  }

  /**
   * A composable stateful part of a policy (RLlib's mixins), told about the policy's life: its state
   * lives in the object the factory makes for each policy.
   */
  public interface Mixin {
    /** After the policy is built. */
    default void afterInit(TemplatePolicy policy) {}

    /** Before each update (iteration {@code iteration} of {@code iterations}, 0-based). */
    default void beforeUpdate(TemplatePolicy policy, long iteration, long iterations) {}

    /** After each optimizer step. */
    default void afterOptimizerStep(TemplatePolicy policy, SampleBatch trainBatch) {}

    /** After each update, with its last statistics. */
    default void afterUpdate(TemplatePolicy policy, Map<String, Double> stats) {}

    /**
     * The mixin's state for checkpoints (empty by default). The trainer's checkpoint stores it for
     * every mixin that overrides {@link #restore}, and a resumed run gets it back there.
     */
    default double[] state() {
      return new double[0];
    }

    /** Restores {@link #state()}. */
    default void restore(double[] state) {}

    /**
     * After each vector-env step of off-policy collection, with the env steps done so far (RLlib's
     * {@code on_global_var_update}): target updates and schedules counted in env steps. The
     * on-policy trainer does not call it.
     */
    default void onGlobalVarUpdate(TemplatePolicy policy, long timestep) {}
  }

  final String name;
  final LossFn lossFn;
  final StatsFn statsFn;
  final PostprocessFn postprocessFn;
  final ExtraActionOutFn extraActionOutFn;
  final MakeModel makeModel;
  final ActionSamplerFn actionSamplerFn;
  final OptimizerFn optimizerFn;
  final ExtraGradProcessFn extraGradProcessFn;
  final Hook beforeInit, beforeLossInit, afterInit;
  final AfterOptimizerStep afterOptimizerStep;
  final Supplier<Map<String, String>> defaultConfig;
  final List<Supplier<? extends Mixin>> mixins;

  private PolicyTemplate(Builder b) {
    if (b.lossFn == null) throw new IllegalArgumentException("PolicyTemplate " + b.name + ": lossFn is required");
    name = b.name;
    lossFn = b.lossFn;
    statsFn = b.statsFn;
    postprocessFn = b.postprocessFn;
    extraActionOutFn = b.extraActionOutFn;
    makeModel = b.makeModel;
    actionSamplerFn = b.actionSamplerFn;
    optimizerFn = b.optimizerFn;
    extraGradProcessFn = b.extraGradProcessFn;
    beforeInit = b.beforeInit;
    beforeLossInit = b.beforeLossInit;
    afterInit = b.afterInit;
    afterOptimizerStep = b.afterOptimizerStep;
    defaultConfig = b.defaultConfig;
    mixins = List.copyOf(b.mixins);
  }

  /** A builder for a template called {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  /** Whether the template sets its own {@code statsFn} (otherwise its statistics are the built-in {@link LossStats}). */
  public boolean hasStatsFn() {
    return statsFn != null;
  }

  /** Whether the template builds its own model ({@link Builder#makeModel}). */
  public boolean hasMakeModel() {
    return makeModel != null;
  }

  /** The config keys this algorithm sets (laid over TrainConfig's defaults, under the user's own). */
  public Map<String, String> defaultConfig() {
    return defaultConfig == null ? Map.of() : defaultConfig.get();
  }

  /** A copy of this template with the hooks {@code changes} sets replaced (RLlib's {@code with_updates}). */
  public PolicyTemplate withUpdates(Consumer<Builder> changes) {
    Builder b = new Builder(name);
    b.lossFn = lossFn;
    b.statsFn = statsFn;
    b.postprocessFn = postprocessFn;
    b.extraActionOutFn = extraActionOutFn;
    b.makeModel = makeModel;
    b.actionSamplerFn = actionSamplerFn;
    b.optimizerFn = optimizerFn;
    b.extraGradProcessFn = extraGradProcessFn;
    b.beforeInit = beforeInit;
    b.beforeLossInit = beforeLossInit;
    b.afterInit = afterInit;
    b.afterOptimizerStep = afterOptimizerStep;
    b.defaultConfig = defaultConfig;
    b.mixins.addAll(mixins);
    changes.accept(b);
    return b.build();
  }

  /**
   * The trainable policy of this template around {@code model} (null: {@code makeModel} builds one,
   * which then needs {@code observationSpace}, {@code actionSpace} and {@code rng}), with the
   * settings of {@code config}, its tapes and optimizer on {@code kernels}.
   */
  public TemplatePolicy build(ActorCriticPolicy model, TrainConfig config, Kernels kernels) {
    return new TemplatePolicy(this, model, config, kernels);
  }

  /** Builds the model with {@code makeModel} (an error when the template has none), then the policy. */
  public TemplatePolicy build(Space<?> observationSpace, Space<?> actionSpace, TrainConfig config, Kernels kernels, Rng rng) {
    if (makeModel == null) throw new IllegalArgumentException("PolicyTemplate " + name + ": no makeModel; pass a model to build(model, ...)");
    return build(makeModel.make(observationSpace, actionSpace, config, rng), config, kernels);
  }

  @Override
  public String toString() {
    Map<String, Boolean> set = new LinkedHashMap<>();
    set.put("statsFn", statsFn != null);
    set.put("postprocessFn", postprocessFn != null);
    set.put("extraActionOutFn", extraActionOutFn != null);
    set.put("makeModel", makeModel != null);
    set.put("actionSamplerFn", actionSamplerFn != null);
    set.put("optimizerFn", optimizerFn != null);
    set.put("extraGradProcessFn", extraGradProcessFn != null);
    List<String> hooks = new ArrayList<>();
    set.forEach((k, v) -> { if (v) hooks.add(k); });
    return "PolicyTemplate[" + name + ": lossFn" + (hooks.isEmpty() ? "" : ", " + String.join(", ", hooks)) + ", " + mixins.size() + " mixins]";
  }

  /** Sets the hooks of a template; unset hooks take their defaults. */
  public static final class Builder {
    private final String name;
    private LossFn lossFn;
    private StatsFn statsFn;
    private PostprocessFn postprocessFn;
    private ExtraActionOutFn extraActionOutFn;
    private MakeModel makeModel;
    private ActionSamplerFn actionSamplerFn;
    private OptimizerFn optimizerFn;
    private ExtraGradProcessFn extraGradProcessFn;
    private Hook beforeInit, beforeLossInit, afterInit;
    private AfterOptimizerStep afterOptimizerStep;
    private Supplier<Map<String, String>> defaultConfig;
    private final List<Supplier<? extends Mixin>> mixins = new ArrayList<>();

    private Builder(String name) {
      if (name == null || name.isBlank()) throw new IllegalArgumentException("PolicyTemplate: a name is required");
      this.name = name;
    }

    public Builder lossFn(LossFn f) { lossFn = f; return this; }
    public Builder statsFn(StatsFn f) { statsFn = f; return this; }
    public Builder postprocessFn(PostprocessFn f) { postprocessFn = f; return this; }
    public Builder extraActionOutFn(ExtraActionOutFn f) { extraActionOutFn = f; return this; }
    public Builder makeModel(MakeModel f) { makeModel = f; return this; }
    public Builder actionSamplerFn(ActionSamplerFn f) { actionSamplerFn = f; return this; }
    public Builder optimizerFn(OptimizerFn f) { optimizerFn = f; return this; }
    public Builder extraGradProcessFn(ExtraGradProcessFn f) { extraGradProcessFn = f; return this; }
    public Builder beforeInit(Hook h) { beforeInit = h; return this; }
    public Builder beforeLossInit(Hook h) { beforeLossInit = h; return this; }
    public Builder afterInit(Hook h) { afterInit = h; return this; }
    public Builder afterOptimizerStep(AfterOptimizerStep h) { afterOptimizerStep = h; return this; }
    /**
     * Config keys (TrainConfig names) this algorithm sets by default, e.g. {@code Map.of("epochs", "1")}.
     * The trainer takes its config as given and does not apply them: {@link
     * vecrl.train.Presets#forTemplate Presets.forTemplate(template, env)} gives TrainConfig's defaults
     * with these laid over them.
     */
    public Builder getDefaultConfig(Supplier<Map<String, String>> f) { defaultConfig = f; return this; }
    /** Adds a mixin; {@code factory} makes one per policy (each policy has its own state). */
    public Builder mixin(Supplier<? extends Mixin> factory) { mixins.add(factory); return this; }
    /** Removes every mixin (for {@link PolicyTemplate#withUpdates}). */
    public Builder clearMixins() { mixins.clear(); return this; }

    public PolicyTemplate build() {
      return new PolicyTemplate(this);
    }
  }
}
