package vecrl.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.distribution.Distribution;
import vecrl.io.Structure;
import vecrl.nn.ActionLayer;
import vecrl.nn.Activation;
import vecrl.nn.GRUCell;
import vecrl.nn.Init;
import vecrl.nn.LSTMCell;
import vecrl.nn.Linear;
import vecrl.nn.MLP;
import vecrl.nn.NetArch;
import vecrl.nn.RecurrentCell;
import vecrl.nn.RecurrentStack;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * An actor-critic policy with a recurrent cell ({@link LSTMCell} or {@link GRUCell}, or a
 * layer-normalised {@link vecrl.nn.LayerNormLSTMCell} with {@link RecurrentPolicyConfig#layerNorm()}),
 * or a stack of them ({@link RecurrentPolicyConfig#layers()}, a {@link RecurrentStack}); its {@link
 * PolicyState#memory()} is the cell state. The network, from a {@link NetArch} spec with a
 * recurrent entry ({@code [8, lstm:64, {pi: [10], vf: [5, 10]}]}):
 *
 * <pre>
 *   trunk:  obs -> shared layers -> cell        (one trunk, or one each for actor and critic)
 *   pi:     cell h -> pi layers -> ActionLayer -> distribution
 *   vf:     cell h (the critic's own, if separate) -> vf layers -> value head -> [batch]
 * </pre>
 *
 * Parameter order: {@code shared}, the cell, then (separate cells only) {@code critic.shared} and the
 * critic's cell, then {@code pi}, {@code action}, {@code vf}, {@code value}. With separate cells the
 * actor's trunk is named {@code actor.shared} and {@code actor.lstm} (or {@code .gru}).
 *
 * <p><b>Memory.</b> {@link #memorySize()} floats per row: the actor cell's packed state ({@code [h |
 * c]} for an LSTM, {@code [h]} for a GRU; layer by layer for a stack), then the critic cell's when separate. {@link #reset}
 * gives zeros; {@link #startEpisode} zeroes a state in place.
 *
 * <p><b>Calls.</b>
 *
 * <ul>
 *   <li>Single observations ({@link #act}, {@link #actionAndValue}) advance the state's memory by
 *       one step through a tape-free path that allocates nothing; {@link #value(PolicyState, Tensor)}
 *       and {@link #evaluateAction} evaluate the observation as the next step without advancing it.
 *   <li>{@link #forward} is the batched definition on a tape: B sequences of {@code steps} steps from
 *       their start memories, with an episode-start mask, as training runs it.
 *   <li>{@link #actionAndValueBatch(Tensor, Tensor, Tensor, Rng, Tensor, BatchOutput)} and {@link
 *       #valueBatch(Tensor, Tensor, Tensor, BatchOutput)} run one step for a batch of environments,
 *       each with its own memory row and episode-start flag.
 *   <li>RLlib's {@link #getInitialState()} and {@link #computeActions}.
 *   <li>The memoryless batched methods of the base class ({@link #distribution}, {@link
 *       #value(Tape, Var)}, {@link #evaluateActions}, and the base {@code actionAndValueBatch}) treat
 *       every row as the first step of an episode (zero memory).
 * </ul>
 *
 * Action masks work everywhere a mask is taken, as in {@link MlpActorCriticPolicy}.
 */
public final class RecurrentActorCriticPolicy extends ActorCriticPolicy {
  /**
   * One batched pass on a tape: the action distribution, its inputs (the action head's output,
   * RLlib's {@code action_dist_inputs}), the values (all [B·steps] rows, sequence-major) and the
   * packed memory after the last step, [B, memorySize].
   */
  public record Pass(Distribution distribution, Var distributionInputs, Var value, Var memory) {}

  /** What {@link #computeActions} returns, as RLlib's {@code compute_actions}: actions, state_out, extra fetches. */
  public record ComputeActionsResult(Tensor actions, List<Tensor> stateOut, Map<String, Tensor> extraFetches) {}

  private final RecurrentPolicyConfig config;
  private final MLP encoder, criticEncoder;
  private final RecurrentStack cell, criticCell;
  private final MLP pi, vf, valueHead;
  private final ActionLayer actionLayer;
  private final ParameterSet params = new ParameterSet();
  private final int actorStateSize, memorySize, scratchWidth;

  /** A policy for the given spaces, initialised from {@code rng}. */
  public RecurrentActorCriticPolicy(Space<?> observationSpace, Space<?> actionSpace, RecurrentPolicyConfig config, Rng rng) {
    super(observationSpace, actionSpace);
    this.config = config;
    Activation act = config.activation();
    boolean ortho = config.orthogonalInit();
    Init hidden = ortho ? Init.orthogonal(Init.SQRT2) : Init.UNIFORM;
    Init policyOut = ortho ? Init.orthogonal(0.01) : Init.UNIFORM;
    Init valueOut = ortho ? Init.orthogonal(1.0) : Init.UNIFORM;
    NetArch arch = config.netArch();
    NetArch.Cell spec = arch.cell();
    String actor = config.sharedCell() ? "" : "actor.";
    int[] trunk = prepend(observationSize(), arch.shared());
    encoder = MLP.ofSizes(actor + "shared", trunk, act, act, hidden, hidden, rng);
    cell = newCell(spec, actor + spec.kind(), encoder.outSize(), config, rng);
    if (config.sharedCell()) {
      criticEncoder = null;
      criticCell = null;
    } else {
      criticEncoder = MLP.ofSizes("critic.shared", trunk, act, act, hidden, hidden, rng);
      criticCell = newCell(spec, "critic." + spec.kind(), criticEncoder.outSize(), config, rng);
    }
    pi = MLP.ofSizes("pi", prepend(spec.size(), arch.pi()), act, act, hidden, hidden, rng);
    vf = MLP.ofSizes("vf", prepend(spec.size(), arch.vf()), act, act, hidden, hidden, rng);
    actionLayer = new ActionLayer("action", actionSpace, pi.outSize(), 1, 0, act, hidden, policyOut, config.squash(), rng,
        config.logStdInit());
    valueHead = new MLP("value", vf.outSize(), MLP.SCALAR, 1, 0, act, Activation.IDENTITY, hidden, valueOut, rng);
    encoder.addParameters(params);
    cell.addParameters(params);
    if (criticCell != null) {
      criticEncoder.addParameters(params);
      criticCell.addParameters(params);
    }
    pi.addParameters(params);
    actionLayer.addParameters(params);
    vf.addParameters(params);
    valueHead.addParameters(params);
    actorStateSize = cell.stateSize();
    memorySize = actorStateSize + (criticCell == null ? 0 : criticCell.stateSize());
    int w = 1;
    for (MLP m : new MLP[] {encoder, pi, vf, valueHead, actionLayer.mlp()}) w = Math.max(w, m.maxWidth());
    scratchWidth = w;
  }

  private static RecurrentStack newCell(NetArch.Cell spec, String name, int in, RecurrentPolicyConfig config, Rng rng) {
    return new RecurrentStack(spec.kind(), name, in, spec.size(), config.layers(), config.layerNorm(), rng);
  }

  private static int[] prepend(int first, int[] rest) {
    int[] s = new int[rest.length + 1];
    s[0] = first;
    System.arraycopy(rest, 0, s, 1, rest.length);
    return s;
  }

  /**
   * Loads a policy saved by {@link #serialize}: rebuilds the skeleton from the constructor
   * arguments, checks the fingerprint (which covers cell type, hidden size and sharing), reads the
   * parameters.
   */
  public static RecurrentActorCriticPolicy deserialize(java.nio.file.Path path, Space<?> observationSpace, Space<?> actionSpace,
      RecurrentPolicyConfig config) throws java.io.IOException {
    return vecrl.io.PolicyIO.deserialize(path, new RecurrentActorCriticPolicy(observationSpace, actionSpace, config, new Rng(0)));
  }

  public RecurrentPolicyConfig config() { return config; }
  /** The actor's cell (the only one when shared); with stacked layers, the first layer ({@link #stack()} has them all). */
  public RecurrentCell cell() { return cell.layer(0); }
  /** The critic's own cell, or null when the cell is shared; with stacked layers, the first layer. */
  public RecurrentCell criticCell() { return criticCell == null ? null : criticCell.layer(0); }
  /** The actor's recurrent layers (the only ones when shared). */
  public RecurrentStack stack() { return cell; }
  /** The critic's own recurrent layers, or null when shared. */
  public RecurrentStack criticStack() { return criticCell; }
  public MLP policyBranch() { return pi; }
  public MLP valueBranch() { return vf; }
  public ActionLayer actionLayer() { return actionLayer; }
  /** Floats of memory per environment (one row of a memory batch). */
  @Override
  public int memorySize() { return memorySize; }

  @Override
  public ParameterSet parameters() {
    return params;
  }

  @Override
  protected Tensor initialMemory(Rng rng) {
    return Tensor.zeros(memorySize);
  }

  /** Zeroes the memory of {@code state} in place: its next call is the first step of an episode. */
  public PolicyState startEpisode(PolicyState state) {
    memoryOf(state, "startEpisode");
    state.memory().fill(0f);
    return state;
  }

  // ---- the batched definition ----

  /**
   * The batched pass on {@code tape}: B sequences of {@code steps} steps. {@code observations} is
   * [B·steps, obsDim] with sequence-major rows (row {@code j·steps + t} is step t of sequence j),
   * {@code memory} [B, memorySize] the memory before step 0, {@code keep} (null: no resets) a
   * [steps·B] step-major mask, 0 where an episode starts (the memory is zeroed before that step, and
   * no gradient crosses the reset), {@code masks} [B·steps, maskWidth] or null.
   */
  public Pass forward(Tape tape, Var observations, int steps, Tensor memory, Tensor keep, Tensor masks) {
    Tensor o = observations.value();
    if (steps <= 0 || o.rank() != 2 || o.cols() != observationSize() || o.rows() % steps != 0) {
      throw new IllegalArgumentException("RecurrentActorCriticPolicy.forward: observations " + o.shapeString() + " for " + steps
          + " steps, expected [sequences * " + steps + ", " + observationSize() + "] (flat form of " + observationSpace() + ")");
    }
    int b = o.rows() / steps;
    if (memory.rank() != 2 || memory.rows() != b || memory.cols() != memorySize) {
      throw new IllegalArgumentException("RecurrentActorCriticPolicy.forward: memory " + memory.shapeString() + ", expected [" + b
          + ", " + memorySize + "] (" + memoryLayout() + ")");
    }
    Var m = tape.input(memory);
    Var actorH, criticH, last;
    if (criticCell == null) {
      RecurrentStack.Unrolled u = cell.unroll(encoder.forward(observations), steps, m, keep);
      actorH = criticH = u.outputs();
      last = u.last();
    } else {
      RecurrentStack.Unrolled ua = cell.unroll(encoder.forward(observations), steps, m.sliceCols(0, actorStateSize), keep);
      RecurrentStack.Unrolled uc = criticCell.unroll(criticEncoder.forward(observations), steps, m.sliceCols(actorStateSize, memorySize),
          keep);
      actorH = ua.outputs();
      criticH = uc.outputs();
      last = tape.concatCols(ua.last(), uc.last());
    }
    Var out = actionLayer.mlp().forward(pi.forward(actorH));
    Distribution d = actionLayer.distribution(out, masks);
    return new Pass(d, out, valueHead.forward(vf.forward(criticH)), last);
  }

  /** e.g. {@code [h | c] of the lstm, hidden 64}. */
  private String memoryLayout() {
    String one = cell.kind().equals("lstm") ? "[h | c]" : "[h]";
    if (cell.layerCount() > 1) one = one + " per layer, " + cell.layerCount() + " layers";
    return (criticCell == null ? one + " of the " + cell.kind() : "actor " + one + " then critic " + one) + ", hidden "
        + cell.hiddenSize();
  }

  /** The keep mask {@code 1 - episodeStarts} into {@code keep} (both [B], reused); null starts give null. */
  private static Tensor keep(Tensor episodeStarts, int rows, Tensor keep) {
    if (episodeStarts == null) return null;
    if (episodeStarts.size() != rows) {
      throw new IllegalArgumentException("RecurrentActorCriticPolicy: episodeStarts " + episodeStarts.shapeString() + ", expected ["
          + rows + "]");
    }
    for (int i = 0; i < rows; i++) keep.set(i, episodeStarts.get(i) != 0f ? 0f : 1f);
    return keep;
  }

  private Tensor zeroMemory(Var observations) {
    return Tensor.zeros(observations.value().rank() == 2 ? observations.value().rows() : 1, memorySize);
  }

  /** The first step of an episode for every row (zero memory). */
  @Override
  public Distribution distribution(Tape tape, Var observations, Tensor masks) {
    return forward(tape, observations, 1, zeroMemory(observations), null, masks).distribution();
  }

  /** The first step of an episode for every row (zero memory). */
  @Override
  public Var value(Tape tape, Var observations) {
    return forward(tape, observations, 1, zeroMemory(observations), null, null).value();
  }

  /** The first step of an episode for every row (zero memory), in one pass. */
  @Override
  public Evaluation evaluateActions(Tape tape, Var observations, Tensor actions, Tensor masks) {
    Pass p = forward(tape, observations, 1, zeroMemory(observations), null, masks);
    return new Evaluation(p.value(), p.distribution().logProb(actions), p.distribution().entropy(), p.distribution());
  }

  /** The training pass over whole sequences ({@link #forward}), as the base class documents. */
  @Override
  public Evaluation evaluateSequences(Tape tape, Var observations, int steps, Tensor actions, Tensor masks, Tensor startMemory,
      Tensor keep) {
    Pass p = forward(tape, observations, steps, startMemory, keep, masks);
    Var logProb = p.distribution().logProb(actions);
    return new Evaluation(p.value(), logProb, p.distribution().entropy(), p.distribution());
  }

  /**
   * One step for a batch of environments: samples actions ({@code rng} null: the mode) for
   * observations [B, obsDim] with memory rows {@code memory} [B, memorySize] (zeroed first where
   * {@code episodeStarts} [B] is nonzero; null: none), writes actions, values and log-probs into
   * {@code out} and the next memory into {@code memory} (modified).
   */
  @Override
  public BatchOutput actionAndValueBatch(Tensor observations, Tensor memory, Tensor episodeStarts, Rng rng, Tensor masks,
      BatchOutput out) {
    checkOut(observations, out);
    Tape t = out.tape;
    t.clear();
    try (var ng = t.noGrad()) {
      Pass p = forward(t, t.input(observations), 1, memory, keep(episodeStarts, observations.rows(), out.keep), masks);
      if (rng == null) p.distribution().mode(out.actions()); else p.distribution().sample(rng, out.actions());
      out.logProbs().copyFrom(p.distribution().logProb(out.actions()).value());
      out.values().copyFrom(p.value().value());
      memory.copyFrom(p.memory().value());
    }
    return out;
  }

  /** The values of observations [B, obsDim] as the next step after {@code memory} (not modified), into {@code out.values()}. */
  @Override
  public BatchOutput valueBatch(Tensor observations, Tensor memory, Tensor episodeStarts, BatchOutput out) {
    checkOut(observations, out);
    Tape t = out.tape;
    t.clear();
    try (var ng = t.noGrad()) {
      out.values().copyFrom(forward(t, t.input(observations), 1, memory, keep(episodeStarts, observations.rows(), out.keep), null).value().value());
    }
    return out;
  }

  private static void checkOut(Tensor obs, BatchOutput out) {
    if (obs.rank() != 2 || out.batchSize() != obs.dim(0)) {
      throw new IllegalArgumentException("BatchOutput of " + out.batchSize() + " rows for observations " + obs.shapeString());
    }
  }

  // ---- RLlib ----

  /**
   * Floats of each state component, in RLlib's state-list order (h, c per LSTM layer; h per GRU
   * layer; layer by layer; the actor's first), which is also the order of a packed memory row.
   */
  public int[] stateSizes() {
    int h = cell.hiddenSize();
    int per = cell.kind().equals("lstm") ? 2 : 1;
    int[] s = new int[per * cell.layerCount() * (criticCell == null ? 1 : 2)];
    java.util.Arrays.fill(s, h);
    return s;
  }

  private String stateName(int i) {
    boolean lstm = cell.kind().equals("lstm");
    int per = lstm ? 2 : 1, perOwner = per * cell.layerCount();
    String part = lstm ? (i % 2 == 0 ? "h" : "c") : "h";
    String owner = criticCell == null ? "" : (i < perOwner ? "actor " : "critic ");
    String layer = cell.layerCount() == 1 ? "" : " layer " + (i % perOwner) / per;
    return owner + part + " of the " + cell.kind() + layer;
  }

  /** RLlib's {@code get_initial_state}: one zero tensor [size] per state component ({@link #stateSizes()}). */
  public List<Tensor> getInitialState() {
    List<Tensor> l = new ArrayList<>();
    for (int s : stateSizes()) l.add(Tensor.zeros(s));
    return l;
  }

  /**
   * RLlib's {@code compute_actions}: for observations [B, obsDim] and one state batch [B, size] per
   * component of {@link #getInitialState()}, the actions [B, actionWidth] (sampled when {@code
   * explore}, else the mode), the new state batches and the extra fetches {@code vf_preds} [B],
   * {@code action_dist_inputs} [B, k] and {@code action_logp} [B]. Pass the initial state for rows
   * that start an episode. {@code masks} [B, maskWidth] or null. Allocates its results.
   */
  public ComputeActionsResult computeActions(Tensor obsBatch, List<Tensor> stateBatches, boolean explore, Rng rng, Tensor masks) {
    if (obsBatch.rank() != 2 || obsBatch.cols() != observationSize()) {
      throw new IllegalArgumentException("computeActions: observations " + obsBatch.shapeString() + ", expected [batch, "
          + observationSize() + "] (flat form of " + observationSpace() + ")");
    }
    int b = obsBatch.rows();
    int[] sizes = stateSizes();
    if (stateBatches == null || stateBatches.size() != sizes.length) {
      throw new IllegalArgumentException("computeActions: " + (stateBatches == null ? "no" : String.valueOf(stateBatches.size()))
          + " state batches, expected " + sizes.length + " (" + stateNames() + ")");
    }
    Tensor memory = Tensor.zeros(b, memorySize);
    int col = 0;
    for (int i = 0; i < sizes.length; i++) {
      Tensor s = stateBatches.get(i);
      if (s == null || s.rank() != 2 || s.rows() != b || s.cols() != sizes[i]) {
        throw new IllegalArgumentException("computeActions: state batch " + i + " (" + stateName(i) + ") is "
            + (s == null ? "null" : s.shapeString()) + ", expected [" + b + ", " + sizes[i] + "]");
      }
      for (int r = 0; r < b; r++) for (int k = 0; k < sizes[i]; k++) memory.set(r, col + k, s.get(r, k));
      col += sizes[i];
    }
    if (explore && rng == null) throw new IllegalArgumentException("computeActions: explore needs an rng");
    Tape t = new Tape();
    Tensor actions = Tensor.zeros(b, actionWidth());
    Map<String, Tensor> extra = new LinkedHashMap<>();
    List<Tensor> stateOut = new ArrayList<>();
    try (var ng = t.noGrad()) {
      Pass p = forward(t, t.input(obsBatch), 1, memory, null, masks);
      if (explore) p.distribution().sample(rng, actions); else p.distribution().mode(actions);
      extra.put("vf_preds", p.value().value().copy());
      extra.put("action_dist_inputs", p.distributionInputs().value().copy());
      extra.put("action_logp", p.distribution().logProb(actions).value().copy());
      Tensor next = p.memory().value();
      col = 0;
      for (int size : sizes) {
        Tensor s = Tensor.zeros(b, size);
        for (int r = 0; r < b; r++) for (int k = 0; k < size; k++) s.set(r, k, next.get(r, col + k));
        stateOut.add(s);
        col += size;
      }
    }
    return new ComputeActionsResult(actions, stateOut, extra);
  }

  private String stateNames() {
    List<String> n = new ArrayList<>();
    for (int i = 0; i < stateSizes().length; i++) n.add(stateName(i));
    return String.join(", ", n);
  }

  // ---- structure ----

  /** One stage per line: shared, cell(s), pi, action, vf, value. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append(criticCell == null ? "shared: " : "actor shared: ").append(encoder.describe()).append('\n');
    sb.append(criticCell == null ? "cell (shared): " : "actor cell: ").append(cell.describe()).append('\n');
    if (criticCell != null) {
      sb.append("critic shared: ").append(criticEncoder.describe()).append('\n');
      sb.append("critic cell: ").append(criticCell.describe()).append('\n');
    }
    sb.append("pi: ").append(pi.describe()).append('\n');
    sb.append("action: ").append(actionLayer.describe()).append('\n');
    sb.append("vf: ").append(vf.describe()).append('\n');
    sb.append("value: ").append(valueHead.describe()).append('\n');
    return sb.toString();
  }

  @Override
  protected void describeHyperparameters(Structure s) {
    s.add("config", config);
    s.add("recurrent", cell.kind() + " hidden " + cell.hiddenSize() + (criticCell == null ? " shared" : " separate")
        + ", memory " + memorySize + (cell.layerCount() > 1 || cell.layerNorm() ? ", layers " + cell.layerCount()
        + (cell.layerNorm() ? ", layer norm" : "") : ""));
    for (String line : describe().split("\n")) s.add("stage", line);
  }

  // ---- tape-free single-observation path ----

  @Override
  protected float[][] newScratch() {
    // 0,1: trunk; 2,3: branch; 4,5: head; 6: action; 7: lane sums; 8: cell; 9: memory copy
    float[][] s = new float[10][];
    for (int i = 0; i < 6; i++) s[i] = new float[scratchWidth];
    s[6] = new float[actionWidth()];
    s[7] = new float[Linear.REDUCTION_SCRATCH];
    s[8] = new float[Math.max(cell.rowScratchSize(), criticCell == null ? 0 : criticCell.rowScratchSize())];
    s[9] = new float[memorySize];
    return s;
  }

  private Tensor memoryOf(PolicyState state, String who) {
    checkState(state);
    Tensor m = state.memory();
    if (m == null || m.size() != memorySize || scratch(state) == null || scratch(state).length != 10) {
      throw new IllegalArgumentException("RecurrentActorCriticPolicy." + who + ": the state's memory is "
          + (m == null ? "null" : m.shapeString()) + ", expected [" + memorySize + "] (" + memoryLayout()
          + "); make states with this policy's reset()");
    }
    return m;
  }

  private void checkMask(Tensor mask) {
    if (mask != null && mask.size() != maskWidth()) {
      throw new IllegalArgumentException("RecurrentActorCriticPolicy: mask " + mask.shapeString() + ", expected [" + maskWidth()
          + "] for " + actionSpace());
    }
  }

  /** Advances the packed memory {@code mem[mo ..]} by one step on {@code observation}. */
  private void advanceRow(Tensor observation, float[] mem, int mo, float[][] s) {
    float[] e = encoder.forwardRow(observation.data(), observation.offset(), s[0], s[1], s[7]);
    cell.stepRow(e, 0, mem, mo, s[8], s[7]);
    if (criticCell != null) {
      e = criticEncoder.forwardRow(observation.data(), observation.offset(), s[0], s[1], s[7]);
      criticCell.stepRow(e, 0, mem, mo + actorStateSize, s[8], s[7]);
    }
  }

  private float actionRow(PolicyState state, float[] mem, int mo, Rng rng, Tensor mask, float[][] s) {
    float[] p = actionLayer.mlp().forwardRow(pi.forwardRow(mem, mo + cell.outputOffset(), s[2], s[3], s[7]), 0, s[4], s[5], s[7]);
    float[] a = s[6];
    float lp = actionLayer.actRow(p, mask == null ? null : mask.data(), mask == null ? 0 : mask.offset(), rng, a);
    Tensor out = state.action();
    for (int i = 0; i < a.length; i++) out.set(i, a[i]);
    return lp;
  }

  private float valueRow(float[] mem, int mo, float[][] s) {
    int at = mo + (criticCell == null ? cell.outputOffset() : actorStateSize + criticCell.outputOffset());
    return valueHead.forwardRow(vf.forwardRow(mem, at, s[2], s[3], s[7]), 0, s[4], s[5], s[7])[0];
  }

  /** Advances the state's memory by one step and chooses the action (tape-free, allocates nothing). */
  @Override
  public PolicyState act(PolicyState state, Tensor observation, Rng rng, Tensor mask) {
    Tensor m = memoryOf(state, "act");
    checkObservation(java.util.Objects.requireNonNull(observation, "observation"));
    checkMask(mask);
    float[][] s = scratch(state);
    advanceRow(observation, m.data(), m.offset(), s);
    setOutputs(state, state.value(), actionRow(state, m.data(), m.offset(), rng, mask, s), state.entropy());
    return state;
  }

  /** As {@link #act}, and also the value of the observation. */
  @Override
  public PolicyState actionAndValue(PolicyState state, Tensor observation, Rng rng, Tensor mask) {
    Tensor m = memoryOf(state, "actionAndValue");
    checkObservation(java.util.Objects.requireNonNull(observation, "observation"));
    checkMask(mask);
    float[][] s = scratch(state);
    advanceRow(observation, m.data(), m.offset(), s);
    float lp = actionRow(state, m.data(), m.offset(), rng, mask, s);
    setOutputs(state, valueRow(m.data(), m.offset(), s), lp, state.entropy());
    return state;
  }

  /** The value of {@code observation} as the next step; the memory is not advanced. */
  @Override
  public PolicyState value(PolicyState state, Tensor observation) {
    checkObservation(observation);
    Tensor m = memoryOf(state, "value");
    float[][] s = scratch(state);
    System.arraycopy(m.data(), m.offset(), s[9], 0, memorySize);
    advanceRow(observation, s[9], 0, s);
    setOutputs(state, valueRow(s[9], 0, s), state.logProb(), state.entropy());
    return state;
  }

  /** Value, log-prob of {@code action} and entropy of {@code observation} as the next step (on the state's tape); the memory is not advanced. */
  @Override
  public PolicyState evaluateAction(PolicyState state, Tensor observation, Tensor action, Tensor mask) {
    checkObservation(observation);
    checkMask(mask);
    Tensor m = memoryOf(state, "evaluateAction");
    Tape t = state.tape();
    t.clear();
    try (var ng = t.noGrad()) {
      Pass p = forward(t, t.input(observation.reshape(1, observationSize())), 1, m.reshape(1, memorySize), null,
          mask == null ? null : mask.reshape(1, maskWidth()));
      setOutputs(state, p.value().value().get(0), p.distribution().logProb(action.reshape(1, actionWidth())).value().get(0),
          p.distribution().entropy().value().get(0));
    }
    return state;
  }
}
