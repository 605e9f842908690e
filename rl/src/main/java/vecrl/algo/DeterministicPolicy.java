package vecrl.algo;

import java.util.Arrays;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Var;
import vecrl.io.Savable;
import vecrl.io.Structure;
import vecrl.nn.Activation;
import vecrl.nn.MLP;
import vecrl.space.Box;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Lerax's {@code MLPDeterministicPolicy}, the policy of TD3 and DDPG: a deterministic actor {@code
 * mu(s) = tanh(MLP(s))} in [-1, 1]^d and {@code nCritics} Q critics on [obs, action] (two for TD3,
 * one for DDPG), each with a target copy. Exploration adds Gaussian noise of standard deviation
 * {@code noiseStd} (in the [-1, 1] action space) to the actor's action and clips it to [-1, 1];
 * {@link #toEnv} rescales to the Box.
 *
 * <p>{@link #parameters()} holds the actor, the critics and both targets, in that order.
 */
public final class DeterministicPolicy implements Savable {
  private final Space<?> observationSpace;
  private final Box actionSpace;
  private final int obsDim, actDim, nCritics;
  private final int[] actorHidden, criticHidden;
  private final Activation activation;
  private final MLP actor, actorTarget;
  private final MLP[] critics, targets;
  private final ParameterSet actorParams = new ParameterSet(), actorTargetParams = new ParameterSet(),
      criticParams = new ParameterSet(), targetParams = new ParameterSet(), all = new ParameterSet();

  /**
   * @param algo the algorithm's name for error messages ("TD3", "DDPG")
   * @param actorHidden hidden widths of the actor (the zoo's TD3 and DDPG on Pendulum: [400, 300])
   */
  public DeterministicPolicy(String algo, Space<?> observationSpace, Space<?> actionSpace, int[] actorHidden, int[] criticHidden,
      Activation activation, int nCritics, Rng rng) {
    this.actionSpace = SacPolicy.requireBox(algo, actionSpace);
    if (observationSpace == null) throw new IllegalArgumentException(algo + ": the observation space is null");
    if (nCritics < 1) throw new IllegalArgumentException(algo + ": nCritics " + nCritics + " must be at least 1");
    this.observationSpace = observationSpace;
    this.obsDim = observationSpace.flatSize();
    this.actDim = this.actionSpace.size();
    this.actorHidden = actorHidden.clone();
    this.criticHidden = criticHidden.clone();
    this.activation = activation;
    this.nCritics = nCritics;
    this.actor = SacPolicy.mlp("actor", obsDim, actorHidden, actDim, activation, rng);
    actor.addParameters(actorParams);
    this.critics = new MLP[nCritics];
    this.targets = new MLP[nCritics];
    for (int i = 0; i < nCritics; i++) {
      critics[i] = SacPolicy.mlp("qf" + i, obsDim + actDim, criticHidden, 1, activation, rng);
      critics[i].addParameters(criticParams);
    }
    this.actorTarget = SacPolicy.mlp("actor_target", obsDim, actorHidden, actDim, activation, rng);
    actorTarget.addParameters(actorTargetParams);
    for (int i = 0; i < nCritics; i++) {
      targets[i] = SacPolicy.mlp("qf" + i + "_target", obsDim + actDim, criticHidden, 1, activation, rng);
      targets[i].addParameters(targetParams);
    }
    OffPolicyNets.hardCopy(actorParams, actorTargetParams);
    OffPolicyNets.hardCopy(criticParams, targetParams);
    all.addAll(actorParams).addAll(criticParams).addAll(actorTargetParams).addAll(targetParams);
  }

  public Space<?> observationSpace() { return observationSpace; }
  public Box actionSpace() { return actionSpace; }
  public int obsDim() { return obsDim; }
  public int actDim() { return actDim; }
  public int nCritics() { return nCritics; }
  public MLP actor() { return actor; }
  public MLP critic(int i) { return critics[i]; }
  public ParameterSet actorParameters() { return actorParams; }
  public ParameterSet actorTargetParameters() { return actorTargetParams; }
  public ParameterSet criticParameters() { return criticParams; }
  public ParameterSet targetParameters() { return targetParams; }

  /** {@code mu(s) = tanh(actor(s))}: [B, d]. */
  public Var action(Var obs) {
    return actor.forward(obs).tanh();
  }

  /** The target actor's {@code mu'(s)}: [B, d]. */
  public Var targetAction(Var obs) {
    return actorTarget.forward(obs).tanh();
  }

  /** Critic {@code i} on [obs, action]: [B, 1]. */
  public Var q(int i, Var obs, Var action) {
    return critics[i].forward(obs.tape().concatCols(obs, action));
  }

  /** Target critic {@code i} on [obs, action]: [B, 1]. */
  public Var qTarget(int i, Var obs, Var action) {
    return targets[i].forward(obs.tape().concatCols(obs, action));
  }

  /** Adds {@code N(0, std^2)} noise to every action in {@code a} and clips to [-1, 1], in place. */
  public static void addNoise(Tensor a, float std, Rng rng) {
    if (std == 0f) return;
    for (int i = 0; i < a.size(); i++) a.set(i, Math.max(-1f, Math.min(1f, a.get(i) + std * rng.normal())));
  }

  /** Rescales actions in [-1, 1] to the action Box, into {@code out}. */
  public void toEnv(Tensor a, Tensor out) {
    OffPolicyNets.unscale(actionSpace, a, out);
  }

  @Override
  public String structure() {
    return new Structure(DeterministicPolicy.class)
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
    return "DeterministicPolicy(" + actor.describe() + ", " + nCritics + " x " + critics[0].describe() + ")";
  }
}
