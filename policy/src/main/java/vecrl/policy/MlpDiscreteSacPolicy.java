package vecrl.policy;

import java.util.Arrays;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Var;
import vecrl.autodiff.Tape;
import vecrl.distribution.Categorical;
import vecrl.distribution.Distribution;
import vecrl.io.Structure;
import vecrl.nn.Activation;
import vecrl.nn.MLP;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Lerax's {@code MLPDiscreteSACPolicy}, the policy of discrete SAC (Christodoulou 2019): a
 * categorical actor (logits from an MLP), {@code nCritics} critics that give Q of every action at
 * once ({@code obs -> hidden -> n}), their target copies, and {@code log alpha}. Since the actor's
 * distribution is explicit, the losses take expectations over actions exactly instead of sampling.
 *
 * <p>As an {@link ActorCriticPolicy}: the distribution is the actor's {@link Categorical} (masked where
 * a mask forbids), so the deterministic mode is {@code argmax pi}; {@link #value(Tape, Var)} is {@code
 * sum_a pi(a|s) min_i Q_i(s, a)}, for reports. Parameter order: actor, critics, targets, {@code
 * log_alpha}.
 */
public final class MlpDiscreteSacPolicy extends StatelessActorCriticPolicy {
  private final Discrete actionSpace;
  private final int obsDim, nActions, nCritics;
  private final int[] actorHidden, criticHidden;
  private final Activation activation;
  private final MLP actor;
  private final MLP[] critics, targets;
  private final Parameter logAlpha;
  private final ParameterSet actorParams = new ParameterSet(), criticParams = new ParameterSet(),
      targetParams = new ParameterSet(), alphaParams = new ParameterSet(), all = new ParameterSet();

  public MlpDiscreteSacPolicy(Space<?> observationSpace, Space<?> actionSpace, int[] actorHidden, int[] criticHidden,
      Activation activation, int nCritics, float initLogAlpha, Rng rng) {
    super(observationSpace, requireDiscrete(actionSpace));
    Discrete d = (Discrete) actionSpace;
    if (nCritics < 1) throw new IllegalArgumentException("sac-discrete: nCritics " + nCritics + " must be at least 1");
    this.actionSpace = d;
    this.obsDim = observationSpace.flatSize();
    this.nActions = d.n();
    this.actorHidden = actorHidden.clone();
    this.criticHidden = criticHidden.clone();
    this.activation = activation;
    this.nCritics = nCritics;
    this.actor = MlpSacPolicy.mlp("actor", obsDim, actorHidden, nActions, activation, rng);
    actor.addParameters(actorParams);
    this.critics = new MLP[nCritics];
    this.targets = new MLP[nCritics];
    for (int i = 0; i < nCritics; i++) {
      critics[i] = MlpSacPolicy.mlp("qf" + i, obsDim, criticHidden, nActions, activation, rng);
      critics[i].addParameters(criticParams);
    }
    for (int i = 0; i < nCritics; i++) {
      targets[i] = MlpSacPolicy.mlp("qf" + i + "_target", obsDim, criticHidden, nActions, activation, rng);
      targets[i].addParameters(targetParams);
    }
    OffPolicyNets.hardCopy(criticParams, targetParams);
    this.logAlpha = new Parameter("log_alpha", Tensor.full(initLogAlpha, 1));
    alphaParams.add(logAlpha);
    all.addAll(actorParams).addAll(criticParams).addAll(targetParams).addAll(alphaParams);
  }

  private static Space<?> requireDiscrete(Space<?> actionSpace) {
    if (actionSpace instanceof Discrete) return actionSpace;
    throw new IllegalArgumentException("sac-discrete needs a Discrete action space, got "
        + (actionSpace == null ? "null" : actionSpace.toString()) + "; for a Box action space use sac, td3 or ddpg");
  }

  public int obsDim() { return obsDim; }
  public int nActions() { return nActions; }
  public int nCritics() { return nCritics; }
  public MLP actor() { return actor; }
  public MLP critic(int i) { return critics[i]; }
  public Parameter logAlpha() { return logAlpha; }
  public ParameterSet actorParameters() { return actorParams; }
  public ParameterSet criticParameters() { return criticParams; }
  public ParameterSet targetParameters() { return targetParams; }
  public ParameterSet alphaParameters() { return alphaParams; }

  /** The actor's logits [B, n]. */
  public Var logits(Var obs) {
    return actor.forward(obs);
  }

  /** Critic {@code i}: Q of every action, [B, n]. */
  public Var q(int i, Var obs) {
    return critics[i].forward(obs);
  }

  /** Target critic {@code i}: [B, n]. */
  public Var qTarget(int i, Var obs) {
    return targets[i].forward(obs);
  }

  public float alpha() {
    return (float) Math.exp(logAlpha.value().get(0));
  }

  @Override
  public Distribution distribution(Tape tape, Var observations, Tensor masks) {
    return new Categorical(logits(observations), masks);
  }

  /** {@code sum_a pi(a|s) min_i Q_i(s, a)}, [batch] (reports only). */
  @Override
  public Var value(Tape tape, Var observations) {
    Var q = q(0, observations);
    for (int i = 1; i < nCritics; i++) q = q.min(q(i, observations));
    Var v = logits(observations).softmaxRows().mul(q).sumRows();
    return v.reshape(v.value().rows());
  }

  /** Polyak averaging of the target critics: {@code target = target (1 - tau) + online tau}, element by element, in float. */
  public void updateTargets(float tau) {
    if (!(tau > 0 && tau <= 1)) throw new IllegalArgumentException("updateTargets: tau " + tau + ", expected in (0, 1]");
    OffPolicyNets.polyak(criticParams, targetParams, tau);
  }

  @Override
  protected void describeHyperparameters(Structure s) {
    s.add("actorHidden", Arrays.toString(actorHidden))
        .add("criticHidden", Arrays.toString(criticHidden))
        .add("activation", activation.name())
        .add("nCritics", nCritics);
  }

  /** A policy of the same structure, initialised from {@code rng} (a skeleton to load a file into). */
  public MlpDiscreteSacPolicy twin(Rng rng) {
    return new MlpDiscreteSacPolicy(observationSpace(), actionSpace, actorHidden, criticHidden, activation, nCritics, 0f, rng);
  }

  public int[] actorHidden() { return actorHidden.clone(); }
  public int[] criticHidden() { return criticHidden.clone(); }
  public Activation activation() { return activation; }

  @Override
  public ParameterSet parameters() {
    return all;
  }

  @Override
  public String toString() {
    return "MlpDiscreteSacPolicy(" + actor.describe() + ", " + nCritics + " x " + critics[0].describe() + ")";
  }
}
