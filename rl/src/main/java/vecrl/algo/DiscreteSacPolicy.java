package vecrl.algo;

import java.util.Arrays;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Var;
import vecrl.io.Savable;
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
 */
public final class DiscreteSacPolicy implements Savable {
  private final Space<?> observationSpace;
  private final Discrete actionSpace;
  private final int obsDim, nActions, nCritics;
  private final int[] actorHidden, criticHidden;
  private final Activation activation;
  private final MLP actor;
  private final MLP[] critics, targets;
  private final Parameter logAlpha;
  private final ParameterSet actorParams = new ParameterSet(), criticParams = new ParameterSet(),
      targetParams = new ParameterSet(), alphaParams = new ParameterSet(), all = new ParameterSet();

  public DiscreteSacPolicy(Space<?> observationSpace, Space<?> actionSpace, int[] actorHidden, int[] criticHidden,
      Activation activation, int nCritics, float initLogAlpha, Rng rng) {
    if (!(actionSpace instanceof Discrete d)) {
      throw new IllegalArgumentException("sac-discrete needs a Discrete action space, got "
          + (actionSpace == null ? "null" : actionSpace.toString()) + "; for a Box use sac, td3 or ddpg");
    }
    if (observationSpace == null) throw new IllegalArgumentException("sac-discrete: the observation space is null");
    if (nCritics < 1) throw new IllegalArgumentException("sac-discrete: nCritics " + nCritics + " must be at least 1");
    this.observationSpace = observationSpace;
    this.actionSpace = d;
    this.obsDim = observationSpace.flatSize();
    this.nActions = d.n();
    this.actorHidden = actorHidden.clone();
    this.criticHidden = criticHidden.clone();
    this.activation = activation;
    this.nCritics = nCritics;
    this.actor = SacPolicy.mlp("actor", obsDim, actorHidden, nActions, activation, rng);
    actor.addParameters(actorParams);
    this.critics = new MLP[nCritics];
    this.targets = new MLP[nCritics];
    for (int i = 0; i < nCritics; i++) {
      critics[i] = SacPolicy.mlp("qf" + i, obsDim, criticHidden, nActions, activation, rng);
      critics[i].addParameters(criticParams);
    }
    for (int i = 0; i < nCritics; i++) {
      targets[i] = SacPolicy.mlp("qf" + i + "_target", obsDim, criticHidden, nActions, activation, rng);
      targets[i].addParameters(targetParams);
    }
    OffPolicyNets.hardCopy(criticParams, targetParams);
    this.logAlpha = new Parameter("log_alpha", Tensor.full(initLogAlpha, 1));
    alphaParams.add(logAlpha);
    all.addAll(actorParams).addAll(criticParams).addAll(targetParams).addAll(alphaParams);
  }

  public Space<?> observationSpace() { return observationSpace; }
  public Discrete actionSpace() { return actionSpace; }
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
  public String structure() {
    return new Structure(DiscreteSacPolicy.class)
        .space("observationSpace", observationSpace)
        .space("actionSpace", actionSpace)
        .add("actorHidden", Arrays.toString(actorHidden))
        .add("criticHidden", Arrays.toString(criticHidden))
        .add("activation", activation.name())
        .add("nCritics", nCritics)
        .parameters(all)
        .toString();
  }

  @Override
  public ParameterSet parameters() {
    return all;
  }

  @Override
  public String toString() {
    return "DiscreteSacPolicy(" + actor.describe() + ", " + nCritics + " x " + critics[0].describe() + ")";
  }
}
