package vecrl.policy;

import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.distribution.Distribution;
import vecrl.io.Savable;
import vecrl.io.Structure;
import vecrl.space.Space;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * The stateful actor-critic policy, in Lerax's terms. A subclass defines the network by implementing
 * three batched methods on a tape:
 *
 * <ul>
 *   <li>{@link #distribution(Tape, Var, Tensor)}: the action distribution for [batch, obsDim]
 *       observations (with optional masks);
 *   <li>{@link #value(Tape, Var)}: the value estimates, [batch];
 *   <li>{@link #describeHyperparameters(Structure)}: what the fingerprint must cover beyond class,
 *       spaces and parameter shapes (sizes, activations, options);
 * </ul>
 *
 * plus {@link #parameters()} in a stable order. Everything else derives from those: the batched
 * training API ({@link #evaluateActions}), tape-free batched rollouts ({@link #actionAndValueBatch},
 * {@link #valueBatch}) and the single-observation methods ({@link #act}, {@link #actionAndValue},
 * {@link #evaluateAction}, {@link #value(PolicyState, Tensor)}), which run the same definition on
 * the state's own no-grad tape. A subclass may override the single-observation methods with a
 * faster tape-free path built from the same layer objects (as {@link MlpActorCriticPolicy} does).
 *
 * <p><b>Data layout.</b> Observations are flat: [obsDim] for one, [batch, obsDim] for a batch,
 * obsDim = {@code observationSpace().flatSize()} (see {@link Space#flatten}). Actions are floats:
 * [actionWidth] / [batch, actionWidth] as described in {@link Distribution}. Masks are [maskWidth] /
 * [batch, maskWidth] (Discrete: n, nonzero = allowed; MultiDiscrete: sum(nvec); MultiBinary: n with
 * codes 0/1/2) or null.
 *
 * <p><b>Threads.</b> After construction the policy is read-only during inference; all per-call
 * buffers live in the {@link PolicyState} or {@link BatchOutput} a caller owns, so one policy
 * serves many threads with results identical to single-threaded calls. Training (an optimizer
 * writing the parameters) must not overlap inference.
 *
 * <p><b>State.</b> The base class is stateful: {@link #initialMemory(Rng)} gives a recurrent memory,
 * null for none. The batched methods carry no memory: recurrent subclasses override them.
 */
public abstract class ActorCriticPolicy implements Savable {
  private final Space<?> observationSpace;
  private final Space<?> actionSpace;
  private final int obsDim, actionWidth, maskWidth;

  protected ActorCriticPolicy(Space<?> observationSpace, Space<?> actionSpace) {
    if (observationSpace == null || actionSpace == null) throw new IllegalArgumentException("ActorCriticPolicy: spaces must not be null");
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    this.obsDim = observationSpace.flatSize();
    this.actionWidth = actionWidth(actionSpace);
    this.maskWidth = maskWidth(actionSpace);
  }

  public final Space<?> observationSpace() { return observationSpace; }
  public final Space<?> actionSpace() { return actionSpace; }
  /** The flat observation size. */
  public final int observationSize() { return obsDim; }
  /** Columns of an action row. */
  public final int actionWidth() { return actionWidth; }
  /** Columns of a mask row (0 for a Box, which takes no mask). */
  public final int maskWidth() { return maskWidth; }

  /**
   * Columns of an action row for {@code space}: {@link Space#actionWidth()}.
   *
   * @throws IllegalArgumentException for a Dict or Tuple space
   */
  public static int actionWidth(Space<?> space) {
    return space.actionWidth();
  }

  /** Columns of a mask row for {@code space}: {@link Space#maskWidth()} (0 for a space without masks). */
  public static int maskWidth(Space<?> space) {
    return space.maskWidth();
  }

  // ---- what a subclass defines ----

  /** The action distributions for observations [batch, obsDim] on {@code tape}; masks [batch, maskWidth] or null. */
  public abstract Distribution distribution(Tape tape, Var observations, Tensor masks);

  /** The value estimates for observations [batch, obsDim], [batch]. */
  public abstract Var value(Tape tape, Var observations);

  /** Parameters in a stable order (optimizer state and files rely on it). */
  @Override
  public abstract ParameterSet parameters();

  /** Adds every hyperparameter (sizes, activations, init, options) to the structure. */
  protected abstract void describeHyperparameters(Structure s);

  /** The recurrent memory a fresh state starts with; null (the default) for none. */
  protected Tensor initialMemory(Rng rng) {
    return null;
  }

  /** Scratch arrays for a subclass's tape-free path, made once per state; none by default. */
  protected float[][] newScratch() {
    return null;
  }

  /** The scratch arrays of {@code state} (made by {@link #newScratch()}). */
  protected static float[][] scratch(PolicyState state) {
    return state.scratch;
  }

  /** Sets the outputs of a single-observation call (for subclasses' tape-free paths). */
  protected static void setOutputs(PolicyState state, float value, float logProb, float entropy) {
    state.value = value;
    state.logProb = logProb;
    state.entropy = entropy;
  }

  /** Replaces the memory of {@code state} (for recurrent subclasses). */
  protected static void setMemory(PolicyState state, Tensor memory) {
    state.memory = memory;
  }

  // ---- structure ----

  /** Class, spaces, hyperparameters, then every parameter's name and shape. */
  @Override
  public final String structure() {
    Structure s = new Structure(getClass());
    s.space("observationSpace", observationSpace);
    s.space("actionSpace", actionSpace);
    describeHyperparameters(s);
    s.parameters(parameters());
    return s.toString();
  }

  /** Saves the parameters with the structural fingerprint (see {@link vecrl.io.PolicyIO}); atomic. */
  public final void serialize(java.nio.file.Path path) throws java.io.IOException {
    vecrl.io.PolicyIO.serialize(this, path);
  }

  // ---- batched API (training and vectorised rollouts) ----

  /**
   * Values, log-probabilities of {@code actions} [batch, actionWidth] and entropies, each [batch],
   * recorded on {@code tape} for a loss. {@code masks} may be null.
   */
  public Evaluation evaluateActions(Tape tape, Var observations, Tensor actions, Tensor masks) {
    checkBatch("evaluateActions", observations.value());
    Distribution d = distribution(tape, observations, masks);
    Var logProb = d.logProb(actions);
    Var entropy = d.entropy();
    Var value = value(tape, observations);
    return new Evaluation(value, logProb, entropy, d);
  }

  /**
   * The floats of recurrent memory one environment carries from step to step (0, the default, for a
   * feed-forward policy). The batched methods that take a memory expect it as [batch, memorySize].
   */
  public int memorySize() {
    return 0;
  }

  /**
   * Values, log-probabilities and entropies of B sequences of {@code steps} steps, recorded on {@code
   * tape} for a loss: {@code observations} [B·steps, obsDim] and {@code actions} [B·steps,
   * actionWidth] with sequence-major rows (row {@code j·steps + t} is step t of sequence j), {@code
   * masks} in the same rows or null, {@code startMemory} [B, memorySize] the memory before each
   * sequence, {@code keep} a [steps·B] step-major mask that is 0 where an episode starts (null: none).
   *
   * <p>A feed-forward policy carries no memory: this is {@link #evaluateActions} over the rows, and
   * {@code steps}, {@code startMemory} and {@code keep} are ignored (a feed-forward minibatch is the
   * case of sequences of length 1). A recurrent policy overrides it.
   */
  public Evaluation evaluateSequences(Tape tape, Var observations, int steps, Tensor actions, Tensor masks, Tensor startMemory,
      Tensor keep) {
    return evaluateActions(tape, observations, actions, masks);
  }

  /** A buffer set for tape-free batched calls of {@code batch} rows, on the default kernels. */
  public BatchOutput newBatchOutput(int batch) {
    return newBatchOutput(batch, Backends.kernels());
  }

  /** A buffer set for tape-free batched calls of {@code batch} rows whose tape runs on {@code kernels}. */
  public BatchOutput newBatchOutput(int batch, Kernels kernels) {
    return new BatchOutput(batch, actionWidth, kernels);
  }

  /**
   * Samples actions ({@code rng} null: the deterministic mode) for observations [batch, obsDim]
   * without recording gradients, and writes actions, values and log-probabilities into {@code out}.
   * Reuses {@code out}'s tape: steady-state calls on one batch size allocate little.
   */
  public BatchOutput actionAndValueBatch(Tensor observations, Rng rng, Tensor masks, BatchOutput out) {
    checkBatch("actionAndValueBatch", observations);
    checkOut(observations, out);
    Tape t = out.tape;
    t.clear();
    try (var ng = t.noGrad()) {
      Var x = t.input(observations);
      Distribution d = distribution(t, x, masks);
      if (rng == null) d.mode(out.actions()); else d.sample(rng, out.actions());
      out.logProbs().copyFrom(d.logProb(out.actions()).value());
      out.values().copyFrom(value(t, x).value());
    }
    return out;
  }

  /**
   * One step of a batch of environments with their memory: as {@link #actionAndValueBatch(Tensor,
   * Rng, Tensor, BatchOutput)}, with {@code memory} [batch, memorySize] the memory before the step
   * (replaced by the memory after it) and {@code episodeStarts} [batch] nonzero where an episode
   * starts (null: none). A feed-forward policy ignores both (its memory has 0 columns); a recurrent
   * policy overrides this. The one batched acting call a trainer needs for any policy.
   */
  public BatchOutput actionAndValueBatch(Tensor observations, Tensor memory, Tensor episodeStarts, Rng rng, Tensor masks,
      BatchOutput out) {
    return actionAndValueBatch(observations, rng, masks, out);
  }

  /** The value estimates for observations [batch, obsDim] into {@code out.values()}, without gradients. */
  public BatchOutput valueBatch(Tensor observations, BatchOutput out) {
    checkBatch("valueBatch", observations);
    checkOut(observations, out);
    Tape t = out.tape;
    t.clear();
    try (var ng = t.noGrad()) {
      out.values().copyFrom(value(t, t.input(observations)).value());
    }
    return out;
  }

  /**
   * The values of observations [batch, obsDim] as the step after {@code memory} (not modified), into
   * {@code out.values()}; {@code episodeStarts} as in {@link #actionAndValueBatch(Tensor, Tensor,
   * Tensor, Rng, Tensor, BatchOutput)}. A feed-forward policy ignores memory and starts.
   */
  public BatchOutput valueBatch(Tensor observations, Tensor memory, Tensor episodeStarts, BatchOutput out) {
    return valueBatch(observations, out);
  }

  // ---- the Stable-Baselines seed's policy API: step, probaStep, value ----

  /**
   * What {@link #step} returns, as the seed's {@code step}: actions [batch, actionWidth], values
   * [batch], the memory after the step ([batch, memorySize], or null for a feed-forward policy) and
   * the negative log-probabilities of the actions [batch].
   */
  public record Step(Tensor actions, Tensor values, Tensor state, Tensor neglogp) {}

  /**
   * The seed's {@code step(obs, state, mask, deterministic)} on a batch: {@code observations}
   * [batch, obsDim], {@code state} the memory before the step ([batch, memorySize]; null: zeros,
   * and ignored by a feed-forward policy), {@code mask} the seed's episode-start mask ([batch],
   * nonzero where an episode starts; null: none). With {@code deterministic} the distribution's mode
   * is taken, otherwise a sample drawn from {@code rng}. A convenience over {@link
   * #actionAndValueBatch(Tensor, Tensor, Tensor, Rng, Tensor, BatchOutput)}: it allocates its results.
   */
  public Step step(Tensor observations, Tensor state, Tensor mask, boolean deterministic, Rng rng) {
    if (!deterministic && rng == null) {
      throw new IllegalArgumentException(getClass().getSimpleName() + ".step: sampling (deterministic false) needs an Rng");
    }
    checkBatch("step", observations);
    int batch = observations.dim(0);
    BatchOutput out = newBatchOutput(batch);
    Tensor memory = memoryFor("step", state, batch);
    actionAndValueBatch(observations, memory, mask, deterministic ? null : rng, null, out);
    Tensor neglogp = out.logProbs().copy();
    for (int i = 0; i < batch; i++) neglogp.set(i, -neglogp.get(i));
    return new Step(out.actions().copy(), out.values().copy(), memorySize() == 0 ? null : memory, neglogp);
  }

  /**
   * The seed's {@code proba_step}: the probability of every action, [batch, n], for a policy whose
   * actions are Discrete(n) (a {@link vecrl.distribution.Categorical}). {@code state} and {@code mask}
   * are as in {@link #step}; a recurrent policy is an error (its probabilities depend on the memory,
   * use {@link #evaluateSequences}).
   */
  public Tensor probaStep(Tensor observations, Tensor state, Tensor mask) {
    checkBatch("probaStep", observations);
    if (memorySize() > 0) {
      throw new IllegalStateException(getClass().getSimpleName() + ".probaStep: a recurrent policy's probabilities depend on"
          + " its memory; use evaluateSequences");
    }
    Tape t = new Tape();
    try (var ng = t.noGrad()) {
      Distribution d = distribution(t, t.input(observations), null);
      if (!(d instanceof vecrl.distribution.Categorical c)) {
        throw new IllegalArgumentException(getClass().getSimpleName() + ".probaStep: action probabilities are defined for"
            + " Discrete actions (a Categorical distribution); " + actionSpace + " gives " + d.getClass().getSimpleName());
      }
      return c.logits().softmaxRows().value().copy();
    }
  }

  /** The seed's {@code value(obs, state, mask)}: values [batch] of {@code observations}; arguments as in {@link #step}. */
  public Tensor value(Tensor observations, Tensor state, Tensor mask) {
    checkBatch("value", observations);
    int batch = observations.dim(0);
    BatchOutput out = newBatchOutput(batch);
    valueBatch(observations, memoryFor("value", state, batch), mask, out);
    return out.values().copy();
  }

  private Tensor memoryFor(String who, Tensor state, int batch) {
    int m = memorySize();
    if (m == 0) return null;
    if (state == null) return Tensor.zeros(batch, m);
    if (state.size() != batch * m) {
      throw new IllegalArgumentException(getClass().getSimpleName() + "." + who + ": state " + state.shapeString()
          + ", expected [" + batch + ", " + m + "] (batch, memorySize)");
    }
    return state.copy().reshape(batch, m);
  }

  private void checkBatch(String who, Tensor obs) {
    if (obs.rank() != 2 || obs.dim(1) != obsDim) {
      throw new IllegalArgumentException(getClass().getSimpleName() + "." + who + ": observations " + obs.shapeString()
          + ", expected [batch, " + obsDim + "] (flat form of " + observationSpace + ")");
    }
  }

  private static void checkOut(Tensor obs, BatchOutput out) {
    if (out.batchSize() != obs.dim(0)) {
      throw new IllegalArgumentException("BatchOutput of " + out.batchSize() + " rows for " + obs.dim(0) + " observations");
    }
  }

  // ---- single observations (Lerax's API) ----

  /** A fresh state for one caller: initial memory, output buffers and scratch. */
  public PolicyState reset(Rng rng) {
    return new PolicyState(this, actionWidth, initialMemory(rng), newScratch());
  }

  /** Checks that {@code state} was made by this policy's {@link #reset}. */
  protected final void checkState(PolicyState state) {
    java.util.Objects.requireNonNull(state, "state");
    if (state.owner != this) {
      throw new IllegalArgumentException(getClass().getSimpleName() + ": the PolicyState was made by another policy ("
          + (state.owner == null ? "none" : state.owner.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(state.owner)))
          + "); make states with this policy's reset()");
    }
  }

  /**
   * The action for one flat observation [obsDim]: sampled with {@code rng}, or the deterministic
   * mode when {@code rng} is null. {@code mask} is [maskWidth] or null. Returns {@code state}, whose
   * {@link PolicyState#action()} holds the action and {@link PolicyState#logProb()} its log-prob.
   */
  public PolicyState act(PolicyState state, Tensor observation, Rng rng, Tensor mask) {
    Tape t = begin(state, observation);
    try (var ng = t.noGrad()) {
      Distribution d = distribution(t, t.input(observation.reshape(1, obsDim)), mask2d(mask));
      if (rng == null) d.mode(state.action2d()); else d.sample(rng, state.action2d());
      state.logProb = d.logProb(state.action2d()).value().get(0);
    }
    return state;
  }

  /** As {@link #act}, and also the value: {@link PolicyState#value()}, {@link PolicyState#logProb()}. */
  public PolicyState actionAndValue(PolicyState state, Tensor observation, Rng rng, Tensor mask) {
    Tape t = begin(state, observation);
    try (var ng = t.noGrad()) {
      Var x = t.input(observation.reshape(1, obsDim));
      Distribution d = distribution(t, x, mask2d(mask));
      if (rng == null) d.mode(state.action2d()); else d.sample(rng, state.action2d());
      state.logProb = d.logProb(state.action2d()).value().get(0);
      state.value = value(t, x).value().get(0);
    }
    return state;
  }

  /**
   * Value, log-prob of {@code action} [actionWidth] and entropy for one observation, into {@link
   * PolicyState#value()}, {@link PolicyState#logProb()}, {@link PolicyState#entropy()}.
   */
  public PolicyState evaluateAction(PolicyState state, Tensor observation, Tensor action, Tensor mask) {
    Tape t = begin(state, observation);
    try (var ng = t.noGrad()) {
      Var x = t.input(observation.reshape(1, obsDim));
      Distribution d = distribution(t, x, mask2d(mask));
      state.logProb = d.logProb(action.reshape(1, actionWidth)).value().get(0);
      state.entropy = d.entropy().value().get(0);
      state.value = value(t, x).value().get(0);
    }
    return state;
  }

  /** The value of one observation into {@link PolicyState#value()}. */
  public PolicyState value(PolicyState state, Tensor observation) {
    Tape t = begin(state, observation);
    try (var ng = t.noGrad()) {
      state.value = value(t, t.input(observation.reshape(1, obsDim))).value().get(0);
    }
    return state;
  }

  private Tape begin(PolicyState state, Tensor observation) {
    checkState(state);
    java.util.Objects.requireNonNull(observation, "observation");
    checkObservation(observation);
    Tape t = state.tape();
    t.clear();
    return t;
  }

  /** Checks a single observation's size. */
  protected final void checkObservation(Tensor observation) {
    java.util.Objects.requireNonNull(observation, "observation");
    if (observation.size() != obsDim) {
      throw new IllegalArgumentException(getClass().getSimpleName() + ": observation " + observation.shapeString()
          + ", expected [" + obsDim + "] (flat form of " + observationSpace + ")");
    }
  }

  private Tensor mask2d(Tensor mask) {
    if (mask == null) return null;
    if (mask.size() != maskWidth) {
      throw new IllegalArgumentException(getClass().getSimpleName() + ": mask " + mask.shapeString() + ", expected ["
          + maskWidth + "] for " + actionSpace);
    }
    return mask.reshape(1, maskWidth);
  }
}
