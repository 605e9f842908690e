package vecrl.policy.examples;

import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.distribution.Categorical;
import vecrl.distribution.Distribution;
import vecrl.io.Structure;
import vecrl.nn.Activation;
import vecrl.nn.MLP;
import vecrl.policy.StatelessActorCriticPolicy;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Port of Lerax's custom actor-critic example: an action-head MLP and a value-head MLP, both over the
 * flattened observation, with Categorical actions. Subclassing takes: fields for the spaces (passed
 * to super) and heads, a features method, an action-distribution method, the value method, the
 * parameters, and the hyperparameters for the fingerprint. Everything else (act, actionAndValue,
 * evaluateAction, value, the batched forms, serialization) is inherited.
 */
public final class LeraxCustomPolicy extends StatelessActorCriticPolicy {
  private final MLP actionHead;
  private final MLP valueHead;
  private final ParameterSet params = new ParameterSet();

  public LeraxCustomPolicy(Space<?> observationSpace, Space<?> actionSpace, Rng rng) {
    super(observationSpace, actionSpace);
    if (!(actionSpace instanceof Discrete d)) {
      throw new IllegalArgumentException("LeraxCustomPolicy: needs a Discrete action space, got " + actionSpace);
    }
    int in = observationSize();
    actionHead = new MLP("actionHead", in, d.n(), 64, 2, Activation.TANH, Activation.IDENTITY, rng);
    valueHead = new MLP("valueHead", in, MLP.SCALAR, 64, 2, Activation.TANH, Activation.IDENTITY, rng);
    actionHead.addParameters(params);
    valueHead.addParameters(params);
  }

  /** The features: the flattened observation itself. */
  public Var features(Var observations) {
    return observations;
  }

  /** Categorical over the action head's logits. */
  public Distribution actionDistribution(Var features, Tensor masks) {
    return new Categorical(actionHead.forward(features), masks);
  }

  @Override
  public Distribution distribution(Tape tape, Var observations, Tensor masks) {
    return actionDistribution(features(observations), masks);
  }

  @Override
  public Var value(Tape tape, Var observations) {
    return valueHead.forward(features(observations));
  }

  @Override
  public ParameterSet parameters() {
    return params;
  }

  @Override
  protected void describeHyperparameters(Structure s) {
    s.add("actionHead", actionHead.describe());
    s.add("valueHead", valueHead.describe());
  }
}
