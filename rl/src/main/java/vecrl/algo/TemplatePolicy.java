package vecrl.algo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecrl.autodiff.Adam;
import vecrl.autodiff.GradClip;
import vecrl.autodiff.LrSchedule;
import vecrl.autodiff.Optimizer;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.RmsProp;
import vecrl.autodiff.Sgd;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.distribution.Distribution;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.BatchOutput;
import vecrl.policy.Evaluation;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.train.TrainConfig;

/**
 * A {@link Policy} made by a {@link PolicyTemplate}: the template's hooks around a model (any {@link
 * ActorCriticPolicy}), its optimizer, a tape for the loss and the state of its mixins, on the given
 * kernels. The trainer acts through {@link #act}, postprocesses rollouts with {@link
 * #postprocessTrajectory} and trains with {@link #learnOnBatch}; users call the same methods.
 *
 * <p>{@link #learnOnBatch} is: clear the tape, the template's loss, zero the gradients, backward, the
 * gradient processing (global-norm clipping by default), the optimizer step, then the {@code
 * afterOptimizerStep} hooks and the statistics.
 */
public final class TemplatePolicy implements Policy {
  private final PolicyTemplate template;
  private final ActorCriticPolicy model;
  private final TrainConfig config;
  private final Kernels kernels;
  private final ParameterSet params;
  private final Tape tape;
  private final Optimizer optimizer;
  private final GradClip gradClip;
  private final List<PolicyTemplate.Mixin> mixins = new ArrayList<>();
  private final LossStats lossStats = new LossStats();
  private final Class<? extends Distribution> distClass;
  private final Rng actRng;
  private MinibatchSampler sampler;
  private BatchOutput actOut;
  private double entCoef;
  private double klCoeff;
  private double gradNorm = Double.NaN;
  private long globalTimestep;

  TemplatePolicy(PolicyTemplate template, ActorCriticPolicy model, TrainConfig config, Kernels kernels) {
    if (model == null) throw new IllegalArgumentException("TemplatePolicy " + template.name() + ": model is null");
    this.template = template;
    this.model = model;
    this.config = config;
    this.kernels = kernels;
    this.entCoef = config.entCoef();
    this.klCoeff = config.klCoeff();
    this.actRng = new Rng(config.seed() ^ 0x5DEECE66DL);
    if (template.beforeInit != null) template.beforeInit.run(this);
    this.params = model.parameters();
    this.tape = new Tape(kernels);
    this.optimizer = template.optimizerFn != null ? template.optimizerFn.make(this, params, kernels) : optimizerOf(config, params, kernels);
    this.gradClip = new GradClip(params, kernels);
    this.distClass = distributionClass(model);
    for (var m : template.mixins) mixins.add(m.get());
    if (template.beforeLossInit != null) template.beforeLossInit.run(this);
    if (template.afterInit != null) template.afterInit.run(this);
    for (var m : mixins) m.afterInit(this);
  }

  /** The optimizer {@code config.optimizer()} names, with the config's settings, at {@code learningRate}. */
  public static Optimizer optimizerOf(TrainConfig c, ParameterSet params, Kernels kernels) {
    LrSchedule lr = new LrSchedule.Constant(c.learningRate());
    return switch (c.optimizer()) {
      case ADAM -> new Adam(params, kernels, lr, c.adamBeta1(), c.adamBeta2(), c.adamEps(), c.weightDecay(), false);
      case ADAMW -> new Adam(params, kernels, lr, c.adamBeta1(), c.adamBeta2(), c.adamEps(), c.weightDecay(), true);
      case RMSPROP -> new RmsProp(params, kernels, lr, c.rmsAlpha(), c.rmsEps(), c.weightDecay());
      case SGD -> new Sgd(params, kernels, lr, c.momentum(), c.weightDecay());
    };
  }

  private static Class<? extends Distribution> distributionClass(ActorCriticPolicy model) {
    Tape t = new Tape();
    try (var ng = t.noGrad()) {
      return model.distribution(t, t.input(Tensor.zeros(1, model.observationSize())), null).getClass();
    } catch (RuntimeException e) {
      return Distribution.class; // a model that cannot run on zeros: the loss gets the interface
    }
  }

  public PolicyTemplate template() { return template; }
  public ActorCriticPolicy model() { return model; }
  public TrainConfig config() { return config; }
  public Kernels kernels() { return kernels; }
  /** The tape the loss records on (cleared before each loss). */
  public Tape tape() { return tape; }
  public Optimizer optimizer() { return optimizer; }
  /** The built-in losses' statistics of the last step (mutable, reused). */
  public LossStats lossStats() { return lossStats; }
  /** The class of the model's action distribution (RLlib's {@code dist_class}). */
  public Class<? extends Distribution> distClass() { return distClass; }
  /** The current entropy coefficient ({@link Mixins.EntropyCoeffSchedule} changes it; starts at the config's {@code entCoef}). */
  public double entCoef() { return entCoef; }
  public void setEntCoef(double c) { entCoef = c; }
  /** The current KL penalty coefficient ({@link Mixins.KLCoeffMixin} adapts it; starts at the config's {@code klCoeff}). */
  public double klCoeff() { return klCoeff; }
  public void setKlCoeff(double c) { klCoeff = c; }
  /**
   * Env steps done so far (all envs), as the off-policy trainer last reported them (RLlib's {@code
   * global_timestep}; 0 in on-policy training, which does not report it). Exploration schedules read it.
   */
  public long globalTimestep() { return globalTimestep; }
  /** Sets {@link #globalTimestep()} without running the mixins' {@code onGlobalVarUpdate}. */
  public void setGlobalTimestep(long timestep) { globalTimestep = timestep; }

  /** Sets {@link #globalTimestep()} and runs every mixin's {@code onGlobalVarUpdate} (after each vector step of off-policy collection). */
  public void onGlobalVarUpdate(long timestep) {
    globalTimestep = timestep;
    for (var m : mixins) m.onGlobalVarUpdate(this, timestep);
  }

  /** The global gradient norm before clipping of the last step (NaN when no clipping ran). */
  public double gradNorm() { return gradNorm; }

  private Object cached;

  /** A value a template keeps for this policy between calls (one slot; e.g. a loss object), or null when the slot holds another type. */
  public <T> T cached(Class<T> type) {
    return type.isInstance(cached) ? type.cast(cached) : null;
  }

  /** Keeps {@code value} in the policy's cache slot (see {@link #cached}). */
  public void cache(Object value) {
    cached = value;
  }

  /** The first mixin of type {@code type}, or null. */
  public <T extends PolicyTemplate.Mixin> T mixin(Class<T> type) {
    for (var m : mixins) if (type.isInstance(m)) return type.cast(m);
    return null;
  }

  /** The mixins, in the template's order. */
  public List<PolicyTemplate.Mixin> mixins() { return List.copyOf(mixins); }

  /**
   * The mixins that keep state of their own (they override {@link PolicyTemplate.Mixin#restore}), in
   * the template's order: checkpoints store their {@code state()}. The built-in mixins keep none (the
   * coefficients live in the policy), so a built-in algorithm's checkpoints have no such part.
   */
  public List<PolicyTemplate.Mixin> mixinsWithState() {
    List<PolicyTemplate.Mixin> l = new ArrayList<>();
    for (PolicyTemplate.Mixin m : mixins) {
      try {
        if (m.getClass().getMethod("restore", double[].class).getDeclaringClass() != PolicyTemplate.Mixin.class) l.add(m);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException(e); // every Mixin has restore
      }
    }
    return l;
  }

  // ---- acting ----

  /**
   * One step of a batch of environments, as the trainer acts: the template's {@code actionSamplerFn},
   * or the model's {@link ActorCriticPolicy#actionAndValueBatch(Tensor, Tensor, Tensor, Rng, Tensor,
   * BatchOutput)}; {@code rng} null is the deterministic mode.
   */
  public BatchOutput act(Tensor obs, Tensor memory, Tensor episodeStarts, Rng rng, Tensor masks, BatchOutput out) {
    if (template.actionSamplerFn != null) template.actionSamplerFn.sample(this, model, obs, memory, episodeStarts, rng, masks, out);
    else model.actionAndValueBatch(obs, memory, episodeStarts, rng, masks, out);
    return out;
  }

  /** The template's extra action outputs for the step just taken (empty without an {@code extraActionOutFn}). */
  public Map<String, Tensor> extraActionOut(Tensor obs, BatchOutput out) {
    return template.extraActionOutFn == null ? Map.of() : template.extraActionOutFn.extra(this, obs, out);
  }

  /** Whether the template records extra action outputs. */
  public boolean hasExtraActionOut() {
    return template.extraActionOutFn != null;
  }

  @Override
  public ActionsResult computeActions(Tensor obsBatch, List<Tensor> stateBatches, Tensor prevActionBatch, Tensor prevRewardBatch,
      List<Map<String, Object>> infoBatch, boolean explore) {
    return computeActions(obsBatch, stateBatches, null, explore);
  }

  /**
   * {@link #computeActions(Tensor, List, Tensor, Tensor, List, boolean)} under action masks: {@code
   * actionMasks} [B, maskWidth] in the model's mask-row layout ({@link ActorCriticPolicy#maskWidth};
   * {@link vecrl.policy.ActionMasks#write} turns an env's mask into a row), or null for none. Sampling
   * and the deterministic mode both choose only allowed actions, as in training with {@code useMasks}.
   */
  public ActionsResult computeActions(Tensor obsBatch, List<Tensor> stateBatches, Tensor actionMasks, boolean explore) {
    int b = obsBatch.rows();
    if (actionMasks != null && (actionMasks.rank() != 2 || actionMasks.rows() != b || actionMasks.cols() != model.maskWidth())) {
      throw new IllegalArgumentException("computeActions: action masks " + actionMasks.shapeString() + ", expected [" + b + ", " + model.maskWidth()
          + "] (one mask row per observation, the policy's mask-row layout)");
    }
    Tensor memory = null;
    if (model.memorySize() > 0) {
      if (stateBatches == null || stateBatches.size() != 1 || stateBatches.get(0).rows() != b || stateBatches.get(0).cols() != model.memorySize()) {
        throw new IllegalArgumentException("computeActions: a recurrent model needs one state batch [" + b + ", " + model.memorySize() + "], got "
            + (stateBatches == null || stateBatches.isEmpty() ? "none" : stateBatches.size() != 1 ? stateBatches.size() + " batches"
                : stateBatches.get(0).shapeString()) + " (getInitialState() gives one row; stack a row per observation)");
      }
      memory = stateBatches.get(0).copy();
    }
    if (actOut == null || actOut.batchSize() != b) actOut = model.newBatchOutput(b, kernels);
    act(obsBatch, memory, null, explore ? actRng : null, actionMasks, actOut);
    Map<String, Tensor> extra = new LinkedHashMap<>();
    extra.put(SampleBatch.ACTION_LOGP, actOut.logProbs().copy());
    extra.put(SampleBatch.VF_PREDS, actOut.values().copy());
    extraActionOut(obsBatch, actOut).forEach((k, v) -> extra.put(k, v.copy()));
    return new ActionsResult(actOut.actions().copy(), memory == null ? List.of() : List.of(memory), extra);
  }

  @Override
  public ActionsResult computeSingleAction(Tensor obs, List<Tensor> state, boolean explore) {
    return computeActions(obs.reshape(1, model.observationSize()), state, null, null, null, explore);
  }

  @Override
  public List<Tensor> getInitialState() {
    return model.memorySize() > 0 ? List.of(Tensor.zeros(1, model.memorySize())) : List.of();
  }

  @Override
  public boolean isRecurrent() {
    return model.memorySize() > 0;
  }

  // ---- postprocessing ----

  @Override
  public SampleBatch postprocessTrajectory(SampleBatch batch, Map<String, SampleBatch> otherAgentBatches, Object episode) {
    if (template.postprocessFn != null) return template.postprocessFn.postprocess(this, batch, otherAgentBatches, episode);
    return postprocessGae(batch);
  }

  /** GAE with the config's gamma and lambda ({@code gae = false}: lambda 1), the default postprocessing. */
  public SampleBatch postprocessGae(SampleBatch batch) {
    return Gae.postprocess(batch, (float) config.gamma(), config.gae() ? (float) config.gaeLambda() : 1f);
  }

  // ---- learning ----

  /** Uses {@code s}'s tensors for its {@link MinibatchSampler#trainBatch()} (the trainer's minibatches, no copies). */
  public void useSampler(MinibatchSampler s) {
    this.sampler = s;
  }

  /**
   * The model's values, log-probabilities of the batch's actions and entropies, recorded on {@link
   * #tape()}: {@link ActorCriticPolicy#evaluateSequences} over the batch's rows, with its masks, the
   * recurrent start memories ({@code state_in_0}), sequence length ({@link SampleBatch#SEQ_LENS}) and
   * keep mask when it has them.
   */
  public Evaluation evaluate(SampleBatch trainBatch) {
    if (sampler != null && trainBatch == sampler.trainBatch()) {
      return model.evaluateSequences(tape, tape.input(sampler.observations()), sampler.seqLen(), sampler.actions(),
          trainBatch.has(SampleBatch.ACTION_MASK) ? sampler.masks() : null, sampler.memory(), sampler.keep());
    }
    int rows = trainBatch.rows();
    Tensor obs = tensor(trainBatch.floats(SampleBatch.OBS));
    Tensor actions = tensor(trainBatch.floats(SampleBatch.ACTIONS));
    Tensor masks = trainBatch.has(SampleBatch.ACTION_MASK) ? tensor(trainBatch.floats(SampleBatch.ACTION_MASK)) : null;
    int seqLen = trainBatch.sideNames().contains(SampleBatch.SEQ_LENS) ? (int) trainBatch.side(SampleBatch.SEQ_LENS)[0] : 1;
    Tensor memory = null, keep = null;
    if (model.memorySize() > 0) {
      int seqs = rows / seqLen;
      memory = trainBatch.sideNames().contains(SampleBatch.stateIn(0))
          ? Tensor.wrap(trainBatch.side(SampleBatch.stateIn(0)), new int[] {seqs, model.memorySize()}) : Tensor.zeros(seqs, model.memorySize());
      if (trainBatch.sideNames().contains(MinibatchSampler.KEEP)) keep = Tensor.wrap(trainBatch.side(MinibatchSampler.KEEP), new int[] {rows});
    }
    return model.evaluateSequences(tape, tape.input(obs), seqLen, actions, masks, memory, keep);
  }

  private static Tensor tensor(SampleBatch.Floats f) {
    return Tensor.wrap(f.data(), f.offset(), new int[] {f.rows(), f.width()});
  }

  /**
   * The batch's advantages, value targets, predicted values and log-probabilities as the built-in
   * losses read them (views of the trainer's minibatch arrays; a batch from elsewhere is copied).
   */
  public Minibatch minibatch(SampleBatch trainBatch) {
    if (sampler != null && trainBatch == sampler.trainBatch()) return sampler.batch();
    return Minibatch.of(copy(trainBatch, SampleBatch.ADVANTAGES), copy(trainBatch, SampleBatch.VALUE_TARGETS),
        copy(trainBatch, SampleBatch.VF_PREDS), copy(trainBatch, SampleBatch.ACTION_LOGP));
  }

  private static float[] copy(SampleBatch b, String name) {
    SampleBatch.Floats f = b.floats(name);
    float[] out = new float[f.rows()];
    for (int i = 0; i < f.rows(); i++) out[i] = f.get(i, 0);
    return out;
  }

  /** Called by the trainer before each update: the mixins' schedules (learning rate, entropy coefficient). */
  public void beforeUpdate(long iteration, long iterations) {
    for (var m : mixins) m.beforeUpdate(this, iteration, iterations);
  }

  /** Called by the trainer after each update with its last statistics (the adaptive KL coefficient). */
  public void afterUpdate(Map<String, Double> stats) {
    for (var m : mixins) m.afterUpdate(this, stats);
  }

  /** One gradient step on {@code trainBatch} without building the statistics map (the trainer's inner loop). */
  public void learn(SampleBatch trainBatch) {
    tape.clear();
    Var loss = template.lossFn.loss(this, model, distClass, trainBatch);
    params.zeroGrad();
    tape.backward(loss);
    processGradients();
    optimizer.step();
    for (var m : mixins) m.afterOptimizerStep(this, trainBatch);
    if (template.afterOptimizerStep != null) template.afterOptimizerStep.run(this, trainBatch);
  }

  private Map<String, Double> processGradients() {
    if (template.extraGradProcessFn != null) return template.extraGradProcessFn.process(this, optimizer);
    gradNorm = config.maxGradNorm() > 0 ? gradClip.clip(config.maxGradNorm()) : Double.NaN;
    return Map.of();
  }

  @Override
  public Map<String, Double> learnOnBatch(SampleBatch batch) {
    learn(batch);
    return stats(batch);
  }

  /** The statistics of the last step: the template's {@code statsFn}, or the built-in losses' {@link LossStats}. */
  public Map<String, Double> stats(SampleBatch batch) {
    if (template.statsFn != null) return template.statsFn.stats(this, batch);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", lossStats.loss);
    m.put("policy_loss", lossStats.policyLoss);
    m.put("value_loss", lossStats.valueLoss);
    m.put("entropy", lossStats.entropy);
    m.put("approx_kl", lossStats.approxKl);
    m.put("clip_fraction", lossStats.clipFraction);
    m.put("cur_lr", optimizer.learningRate());
    return m;
  }

  @Override
  public Gradients computeGradients(SampleBatch batch) {
    tape.clear();
    Var loss = template.lossFn.loss(this, model, distClass, batch);
    params.zeroGrad();
    tape.backward(loss);
    Map<String, Double> extra = processGradients();
    Map<String, Double> stats = new LinkedHashMap<>(stats(batch));
    stats.putAll(extra);
    return new Gradients(Weights.gradientsOf(params), stats);
  }

  @Override
  public void applyGradients(Gradients gradients) {
    Weights.setGradients(params, gradients.grads());
    optimizer.step();
  }

  @Override
  public Map<String, Tensor> getWeights() {
    return Weights.copyOf(params);
  }

  @Override
  public void setWeights(Map<String, Tensor> weights) {
    Weights.set(params, weights);
  }

  /** The optimizer state's file inside an exported checkpoint. */
  public static final String OPTIMIZER_FILE = "optimizer.bin";
  /** The model's file inside an exported checkpoint. */
  public static final String MODEL_FILE = "policy.bin";

  @Override
  public void exportCheckpoint(Path dir) throws IOException {
    TemplateCheckpoint.export(this, dir);
  }

  @Override
  public void importCheckpoint(Path dir) throws IOException {
    TemplateCheckpoint.importInto(this, dir);
  }

  @Override
  public String toString() {
    return "TemplatePolicy[" + template.name() + " on " + model.getClass().getSimpleName() + "]";
  }
}
