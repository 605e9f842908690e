package vecrl.policy;

import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.distribution.Distribution;
import vecrl.io.Structure;
import vecrl.nn.ActionLayer;
import vecrl.nn.Activation;
import vecrl.nn.Init;
import vecrl.nn.MLP;
import vecrl.nn.NetArch;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * The default actor-critic policy: MLPs over flat observations (see {@link MlpPolicyConfig} for the
 * Lerax and Stable-Baselines layouts). Internally always five stages, some possibly empty:
 *
 * <pre>
 *   shared: obs -> ... (encoder / shared layers)
 *   pi:     shared -> ... (policy branch)      -> ActionLayer -> distribution
 *   vf:     shared -> ... (value branch)       -> value MLP   -> [batch]
 * </pre>
 *
 * Parameter order: shared, pi, action, vf, value. Single-observation calls ({@link #act}, {@link
 * #actionAndValue}, {@link #value(PolicyState, Tensor)}) take a tape-free path through the same
 * {@link vecrl.nn.Linear} objects that allocates nothing once the state exists.
 */
public final class MlpActorCriticPolicy extends StatelessActorCriticPolicy {
  private final MlpPolicyConfig config;
  private final MLP shared, pi, vf, valueHead;
  private final ActionLayer actionLayer;
  private final ParameterSet params = new ParameterSet();
  private final int scratchWidth;

  /** A policy for the given spaces, initialised from {@code rng}. */
  public MlpActorCriticPolicy(Space<?> observationSpace, Space<?> actionSpace, MlpPolicyConfig config, Rng rng) {
    super(observationSpace, actionSpace);
    this.config = config;
    Activation act = config.activation();
    boolean ortho = config.orthogonalInit();
    Init hidden = ortho ? Init.orthogonal(Init.SQRT2) : Init.UNIFORM;
    Init policyOut = ortho ? Init.orthogonal(0.01) : Init.UNIFORM;
    Init valueOut = ortho ? Init.orthogonal(1.0) : Init.UNIFORM;
    int obs = observationSize();
    NetArch arch = config.netArch();
    if (arch == null) {
      shared = new MLP("features", obs, config.featureSize(), config.featureWidth(), config.featureDepth(), act,
          Activation.IDENTITY, hidden, hidden, rng);
      pi = MLP.ofSizes("pi", new int[] {config.featureSize()}, act, act, hidden, hidden, rng);
      vf = MLP.ofSizes("vf", new int[] {config.featureSize()}, act, act, hidden, hidden, rng);
      actionLayer = new ActionLayer("action", actionSpace, config.featureSize(), config.actionWidth(), config.actionDepth(),
          act, hidden, policyOut, config.squash(), rng, config.logStdInit());
      valueHead = new MLP("value", config.featureSize(), MLP.SCALAR, config.valueWidth(), config.valueDepth(), act,
          Activation.IDENTITY, hidden, valueOut, rng);
    } else {
      shared = MLP.ofSizes("shared", prepend(obs, arch.shared()), act, act, hidden, hidden, rng);
      pi = MLP.ofSizes("pi", prepend(shared.outSize(), arch.pi()), act, act, hidden, hidden, rng);
      vf = MLP.ofSizes("vf", prepend(shared.outSize(), arch.vf()), act, act, hidden, hidden, rng);
      actionLayer = new ActionLayer("action", actionSpace, pi.outSize(), 1, 0, act, hidden, policyOut, config.squash(), rng,
          config.logStdInit());
      valueHead = new MLP("value", vf.outSize(), MLP.SCALAR, 1, 0, act, Activation.IDENTITY, hidden, valueOut, rng);
    }
    shared.addParameters(params);
    pi.addParameters(params);
    actionLayer.addParameters(params);
    vf.addParameters(params);
    valueHead.addParameters(params);
    int w = 1;
    for (MLP m : new MLP[] {shared, pi, vf, valueHead, actionLayer.mlp()}) w = Math.max(w, m.maxWidth());
    this.scratchWidth = w;
  }

  /** Lerax's defaults ({@link MlpPolicyConfig#lerax()}). */
  public MlpActorCriticPolicy(Space<?> observationSpace, Space<?> actionSpace, Rng rng) {
    this(observationSpace, actionSpace, MlpPolicyConfig.lerax(), rng);
  }

  /**
   * Loads a policy saved by {@link #serialize}: rebuilds the skeleton from the constructor
   * arguments (its random initial values are overwritten), checks the fingerprint, reads the
   * parameters.
   */
  public static MlpActorCriticPolicy deserialize(java.nio.file.Path path, Space<?> observationSpace, Space<?> actionSpace,
      MlpPolicyConfig config) throws java.io.IOException {
    return vecrl.io.PolicyIO.deserialize(path, new MlpActorCriticPolicy(observationSpace, actionSpace, config, new Rng(0)));
  }

  private static int[] prepend(int first, int[] rest) {
    int[] s = new int[rest.length + 1];
    s[0] = first;
    System.arraycopy(rest, 0, s, 1, rest.length);
    return s;
  }

  public MlpPolicyConfig config() { return config; }
  public MLP shared() { return shared; }
  public MLP policyBranch() { return pi; }
  public MLP valueBranch() { return vf; }
  public MLP valueHead() { return valueHead; }
  public ActionLayer actionLayer() { return actionLayer; }

  @Override
  public ParameterSet parameters() {
    return params;
  }

  /** Latent features of the shared stage. */
  public Var features(Var observations) {
    return shared.forward(observations);
  }

  @Override
  public Distribution distribution(Tape tape, Var observations, Tensor masks) {
    return actionLayer.forward(pi.forward(shared.forward(observations)), masks);
  }

  @Override
  public Var value(Tape tape, Var observations) {
    return valueHead.forward(vf.forward(shared.forward(observations)));
  }

  /** Shares the encoder pass between the distribution and the value. */
  @Override
  public Evaluation evaluateActions(Tape tape, Var observations, Tensor actions, Tensor masks) {
    if (observations.value().rank() != 2 || observations.value().cols() != observationSize()) {
      return super.evaluateActions(tape, observations, actions, masks); // reports the shape error
    }
    Var h = shared.forward(observations);
    Distribution d = actionLayer.forward(pi.forward(h), masks);
    Var logProb = d.logProb(actions);
    Var entropy = d.entropy();
    Var value = valueHead.forward(vf.forward(h));
    return new Evaluation(value, logProb, entropy, d);
  }

  /**
   * A readable structure, one stage per line, e.g.
   * {@code shared: MLP[4 -> 128, tanh, final tanh, ...]}. Used to check net_arch specs.
   */
  public String describe() {
    return "shared: " + shared.describe() + "\n"
        + "pi: " + pi.describe() + "\n"
        + "action: " + actionLayer.describe() + "\n"
        + "vf: " + vf.describe() + "\n"
        + "value: " + valueHead.describe() + "\n";
  }

  @Override
  protected void describeHyperparameters(Structure s) {
    s.add("config", config);
    s.add("layout", config.netArch() == null ? "lerax" : "netArch " + config.netArch());
    for (String line : describe().split("\n")) s.add("stage", line);
  }

  /**
   * An immutable inference snapshot of the current weights (transposed for speed): the fastest
   * single-observation path, for applications that run a trained policy. It does not see later
   * training.
   */
  public FrozenMlpPolicy freeze() {
    return new FrozenMlpPolicy(this);
  }

  // ---- tape-free single-observation path ----

  @Override
  protected float[][] newScratch() {
    // 0,1: shared; 2,3: branch; 4,5: head; 6: action as floats; 7: lane sums
    float[][] s = new float[8][];
    for (int i = 0; i < 6; i++) s[i] = new float[scratchWidth];
    s[6] = new float[actionWidth()];
    s[7] = new float[vecrl.nn.Linear.REDUCTION_SCRATCH];
    return s;
  }

  @Override
  public PolicyState act(PolicyState state, Tensor observation, Rng rng, Tensor mask) {
    actRow(state, observation, rng, mask);
    return state;
  }

  @Override
  public PolicyState actionAndValue(PolicyState state, Tensor observation, Rng rng, Tensor mask) {
    float[] h = actRow(state, observation, rng, mask);
    float[][] s = scratch(state);
    float[] v = valueHead.forwardRow(vf.forwardRow(h, 0, s[2], s[3], s[7]), 0, s[4], s[5], s[7]);
    setOutputs(state, v[0], state.logProb(), state.entropy());
    return state;
  }

  @Override
  public PolicyState value(PolicyState state, Tensor observation) {
    checkState(state);
    checkObservation(java.util.Objects.requireNonNull(observation, "observation"));
    float[][] s = scratch(state);
    float[] h = shared.forwardRow(observation.data(), observation.offset(), s[0], s[1], s[7]);
    float[] v = valueHead.forwardRow(vf.forwardRow(h, 0, s[2], s[3], s[7]), 0, s[4], s[5], s[7]);
    setOutputs(state, v[0], state.logProb(), state.entropy());
    return state;
  }

  /** Runs shared, pi and the action layer; returns the shared features' array (still valid). */
  private float[] actRow(PolicyState state, Tensor observation, Rng rng, Tensor mask) {
    checkState(state);
    checkObservation(java.util.Objects.requireNonNull(observation, "observation"));
    if (mask != null && mask.size() != maskWidth()) {
      throw new IllegalArgumentException("MlpActorCriticPolicy: mask " + mask.shapeString() + ", expected [" + maskWidth()
          + "] for " + actionSpace());
    }
    float[][] s = scratch(state);
    float[] h = shared.forwardRow(observation.data(), observation.offset(), s[0], s[1], s[7]);
    float[] p = actionLayer.mlp().forwardRow(pi.forwardRow(h, 0, s[2], s[3], s[7]), 0, s[4], s[5], s[7]);
    float[] a = s[6];
    float lp = actionLayer.actRow(p, mask == null ? null : mask.data(), mask == null ? 0 : mask.offset(), rng, a);
    Tensor out = state.action();
    for (int i = 0; i < a.length; i++) out.set(i, a[i]);
    setOutputs(state, state.value(), lp, state.entropy());
    return h;
  }
}
