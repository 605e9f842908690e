package vecrl.policy;

import java.util.Arrays;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Var;
import vecrl.autodiff.Tape;
import vecrl.distribution.Distribution;
import vecrl.distribution.SquashedDiagNormal;
import vecrl.io.Structure;
import vecrl.nn.Activation;
import vecrl.nn.MLP;
import vecrl.space.Box;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Lerax's {@code MLPMlpDeterministicPolicy}, the policy of TD3 and DDPG: a deterministic actor {@code
 * mu(s) = tanh(MLP(s))} in [-1, 1]^d and {@code nCritics} Q critics on [obs, action] (two for TD3,
 * one for DDPG), each with a target copy. Exploration adds Gaussian noise of standard deviation
 * {@code noiseStd} (in the [-1, 1] action space) to the actor's action and clips it to [-1, 1];
 * {@link #toEnv} rescales to the Box.
 *
 * <p>As an {@link ActorCriticPolicy}: the distribution is a {@link SquashedDiagNormal} whose mean is the
 * actor's pre-tanh output and whose log-std is 0, used for its mode {@code c + s tanh(.)}, the
 * deterministic action that evaluation, {@code policy.bin} and {@link SavedPolicy} run (its samples
 * and log-probabilities are not TD3's exploration, which the algorithm adds). {@link #value(Tape,
 * Var)} is {@code Q_0(s, mu(s))}, for reports. {@link #parameters()} holds the actor, the critics, the
 * target actor and the target critics, in that order.
 */
public final class MlpDeterministicPolicy extends StatelessActorCriticPolicy {
  private final Box actionSpace;
  private final String algo;
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
  public MlpDeterministicPolicy(String algo, Space<?> observationSpace, Space<?> actionSpace, int[] actorHidden, int[] criticHidden,
      Activation activation, int nCritics, Rng rng) {
    super(observationSpace, MlpSacPolicy.requireBox(algo, actionSpace));
    this.actionSpace = (Box) actionSpace;
    this.algo = algo;
    if (nCritics < 1) throw new IllegalArgumentException(algo + ": nCritics " + nCritics + " must be at least 1");
    this.obsDim = observationSpace.flatSize();
    this.actDim = this.actionSpace.size();
    this.actorHidden = actorHidden.clone();
    this.criticHidden = criticHidden.clone();
    this.activation = activation;
    this.nCritics = nCritics;
    this.actor = MlpSacPolicy.mlp("actor", obsDim, actorHidden, actDim, activation, rng);
    actor.addParameters(actorParams);
    this.critics = new MLP[nCritics];
    this.targets = new MLP[nCritics];
    for (int i = 0; i < nCritics; i++) {
      critics[i] = MlpSacPolicy.mlp("qf" + i, obsDim + actDim, criticHidden, 1, activation, rng);
      critics[i].addParameters(criticParams);
    }
    this.actorTarget = MlpSacPolicy.mlp("actor_target", obsDim, actorHidden, actDim, activation, rng);
    actorTarget.addParameters(actorTargetParams);
    for (int i = 0; i < nCritics; i++) {
      targets[i] = MlpSacPolicy.mlp("qf" + i + "_target", obsDim + actDim, criticHidden, 1, activation, rng);
      targets[i].addParameters(targetParams);
    }
    OffPolicyNets.hardCopy(actorParams, actorTargetParams);
    OffPolicyNets.hardCopy(criticParams, targetParams);
    all.addAll(actorParams).addAll(criticParams).addAll(actorTargetParams).addAll(targetParams);
  }

  public Box boxActionSpace() { return actionSpace; }
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
    OffPolicyNets.toBox(actionSpace, a, out);
  }

  /** The inverse of {@link #toEnv}: Box actions (as the replay buffer stores them) to [-1, 1], into {@code out}. */
  public void fromEnv(Tensor x, Tensor out) {
    OffPolicyNets.fromBox(actionSpace, x, out);
  }

  private Tensor zeroLogStd;

  /** The squashed distribution whose mode is the deterministic action (see the class comment). */
  @Override
  public Distribution distribution(Tape tape, Var observations, Tensor masks) {
    if (zeroLogStd == null) zeroLogStd = Tensor.zeros(actDim);
    return new SquashedDiagNormal(actor.forward(observations), tape.input(zeroLogStd), actionSpace.low(), actionSpace.high());
  }

  /** {@code Q_0(s, mu(s))}, [batch] (reports only). */
  @Override
  public Var value(Tape tape, Var observations) {
    Var q = q(0, observations, action(observations));
    return q.reshape(q.value().rows());
  }

  /** Polyak averaging of the target critics and the target actor: {@code target = target (1 - tau) + online tau}, element by element, in float. */
  public void updateTargets(float tau) {
    if (!(tau > 0 && tau <= 1)) throw new IllegalArgumentException("updateTargets: tau " + tau + ", expected in (0, 1]");
    OffPolicyNets.polyak(criticParams, targetParams, tau);
    OffPolicyNets.polyak(actorParams, actorTargetParams, tau);
  }

  @Override
  protected void describeHyperparameters(Structure s) {
    s.add("actorHidden", Arrays.toString(actorHidden))
        .add("criticHidden", Arrays.toString(criticHidden))
        .add("activation", activation.name())
        .add("nCritics", nCritics);
  }

  /** A policy of the same structure, initialised from {@code rng} (a skeleton to load a file into). */
  public MlpDeterministicPolicy twin(Rng rng) {
    return new MlpDeterministicPolicy(algo, observationSpace(), actionSpace, actorHidden, criticHidden, activation, nCritics, rng);
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
    return "MlpDeterministicPolicy(" + actor.describe() + ", " + nCritics + " x " + critics[0].describe() + ")";
  }
}
