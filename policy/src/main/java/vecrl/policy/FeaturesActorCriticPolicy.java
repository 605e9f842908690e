package vecrl.policy;

import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.distribution.Distribution;
import vecrl.io.Structure;
import vecrl.nn.ActionLayer;
import vecrl.nn.Activation;
import vecrl.nn.FeaturesExtractor;
import vecrl.nn.Init;
import vecrl.nn.MLP;
import vecrl.nn.NetArch;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * An actor-critic policy whose first stage is a {@link FeaturesExtractor} (Stable-Baselines'
 * {@code ActorCriticPolicy} with {@code features_extractor_class}): image observations through a
 * CNN, Dict observations through {@link vecrl.nn.CombinedExtractor}, or any extractor a user
 * supplies. One extractor is shared by actor and critic:
 *
 * <pre>
 *   features: obs -> extractor -> [batch, featuresDim]
 *   shared:   features -> net_arch shared layers
 *   pi:       shared -> pi layers -> ActionLayer -> distribution
 *   vf:       shared -> vf layers -> value head  -> [batch]
 * </pre>
 *
 * Parameter order: extractor, shared, pi, action, vf, value.
 */
public final class FeaturesActorCriticPolicy extends StatelessActorCriticPolicy {
  private final FeaturesPolicyConfig config;
  private final FeaturesExtractor extractor;
  private final MLP shared, pi, vf, valueHead;
  private final ActionLayer actionLayer;
  private final ParameterSet params = new ParameterSet();

  public FeaturesActorCriticPolicy(Space<?> observationSpace, Space<?> actionSpace, FeaturesPolicyConfig config, Rng rng) {
    super(observationSpace, actionSpace);
    this.config = config;
    this.extractor = config.extractor().create(observationSpace, config.normalizeImages(), rng);
    if (extractor == null) throw new IllegalArgumentException("FeaturesActorCriticPolicy: the extractor spec returned null");
    Activation act = config.activation();
    boolean ortho = config.orthogonalInit();
    Init hidden = ortho ? Init.orthogonal(Init.SQRT2) : Init.UNIFORM;
    Init policyOut = ortho ? Init.orthogonal(config.actionHeadGain()) : Init.UNIFORM;
    Init valueOut = ortho ? Init.orthogonal(1.0) : Init.UNIFORM;
    NetArch arch = config.netArch();
    shared = MLP.ofSizes("shared", prepend(extractor.featuresDim(), arch.shared()), act, act, hidden, hidden, rng);
    pi = MLP.ofSizes("pi", prepend(shared.outSize(), arch.pi()), act, act, hidden, hidden, rng);
    vf = MLP.ofSizes("vf", prepend(shared.outSize(), arch.vf()), act, act, hidden, hidden, rng);
    actionLayer = new ActionLayer("action", actionSpace, pi.outSize(), 1, 0, act, hidden, policyOut, false, rng, config.logStdInit());
    valueHead = new MLP("value", vf.outSize(), MLP.SCALAR, 1, 0, act, Activation.IDENTITY, hidden, valueOut, rng);
    extractor.addParameters(params);
    shared.addParameters(params);
    pi.addParameters(params);
    actionLayer.addParameters(params);
    vf.addParameters(params);
    valueHead.addParameters(params);
  }

  private static int[] prepend(int first, int[] rest) {
    int[] s = new int[rest.length + 1];
    s[0] = first;
    System.arraycopy(rest, 0, s, 1, rest.length);
    return s;
  }

  public FeaturesPolicyConfig config() { return config; }
  public FeaturesExtractor extractor() { return extractor; }
  public MLP policyBranch() { return pi; }
  public MLP valueBranch() { return vf; }
  public ActionLayer actionLayer() { return actionLayer; }

  @Override
  public ParameterSet parameters() {
    return params;
  }

  /** The shared latent: extractor, then the shared layers. */
  public Var features(Var observations) {
    return shared.forward(extractor.forward(observations));
  }

  @Override
  public Distribution distribution(Tape tape, Var observations, Tensor masks) {
    return actionLayer.forward(pi.forward(features(observations)), masks);
  }

  @Override
  public Var value(Tape tape, Var observations) {
    return valueHead.forward(vf.forward(features(observations)));
  }

  /** One extractor pass for both the distribution and the value. */
  @Override
  public Evaluation evaluateActions(Tape tape, Var observations, Tensor actions, Tensor masks) {
    if (observations.value().rank() != 2 || observations.value().cols() != observationSize()) {
      return super.evaluateActions(tape, observations, actions, masks); // reports the shape error
    }
    Var h = features(observations);
    Distribution d = actionLayer.forward(pi.forward(h), masks);
    return new Evaluation(valueHead.forward(vf.forward(h)), d.logProb(actions), d.entropy(), d);
  }

  /** One extractor pass for actions, log-probabilities and values. */
  @Override
  public BatchOutput actionAndValueBatch(Tensor observations, Rng rng, Tensor masks, BatchOutput out) {
    if (observations.rank() != 2 || observations.dim(1) != observationSize() || out.batchSize() != observations.dim(0)) {
      return super.actionAndValueBatch(observations, rng, masks, out); // reports the error
    }
    Tape t = out.tape;
    t.clear();
    try (var ng = t.noGrad()) {
      Var h = features(t.input(observations));
      Distribution d = actionLayer.forward(pi.forward(h), masks);
      if (rng == null) d.mode(out.actions()); else d.sample(rng, out.actions());
      out.logProbs().copyFrom(d.logProb(out.actions()).value());
      out.values().copyFrom(valueHead.forward(vf.forward(h)).value());
    }
    return out;
  }

  /** One stage per line: extractor, shared, pi, action, vf, value. */
  public String describe() {
    return "features: " + extractor.describe() + "\n"
        + "shared: " + shared.describe() + "\n"
        + "pi: " + pi.describe() + "\n"
        + "action: " + actionLayer.describe() + "\n"
        + "vf: " + vf.describe() + "\n"
        + "value: " + valueHead.describe() + "\n";
  }

  @Override
  protected void describeHyperparameters(Structure s) {
    s.add("netArch", config.netArch().toString());
    s.add("activation", config.activation().toString());
    s.add("orthogonalInit", Boolean.toString(config.orthogonalInit()));
    s.add("actionHeadGain", Double.toString(config.actionHeadGain()));
    s.add("normalizeImages", Boolean.toString(config.normalizeImages()));
    s.add("logStdInit", Float.toString(config.logStdInit()));
    for (String line : describe().split("\n")) s.add("stage", line);
  }
}
