package vecrl.policy;

import java.util.Arrays;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.distribution.Categorical;
import vecrl.distribution.Distribution;
import vecrl.io.Structure;
import vecrl.nn.Activation;
import vecrl.nn.Init;
import vecrl.nn.MLP;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * A Q-network policy for a Discrete action space (Lerax's {@code MLPQPolicy}, Stable-Baselines3's DQN
 * {@code QNetwork}): an MLP from the flat observation to one value per action, {@link #qValues}.
 * With {@code dueling} the last hidden layer feeds two heads, a state value {@code V} and advantages
 * {@code A}, and {@code Q = V + A - mean(A)} (Wang et al., 2016).
 *
 * <p>As an {@link ActorCriticPolicy}: the action distribution is a {@link Categorical} whose logits
 * are the Q-values (masked where a mask forbids), so the deterministic mode is the greedy action
 * {@code argmax Q} and everything that runs a policy (evaluation, {@code policy.bin}, {@link
 * SavedPolicy}, the single-observation {@link #act}) runs this one greedily. Exploration
 * (epsilon-greedy) belongs to the algorithm, not to the distribution: sampling the distribution is a
 * Boltzmann policy over Q, which DQN does not use. {@link #value(Tape, Var)} is {@code max_a Q}, for
 * reports; it carries no gradient.
 *
 * <p>Layers use PyTorch's default initialisation (uniform in ±1/√fan_in, {@link Init#UNIFORM}), as
 * Stable-Baselines3's networks. Parameter order: {@code q} (or {@code features}, {@code value},
 * {@code advantage} when dueling). The fingerprint covers the spaces, hidden sizes, activation and
 * the dueling flag.
 */
public final class MlpQPolicy extends StatelessActorCriticPolicy {
  private final int[] hidden;
  private final Activation activation;
  private final boolean dueling;
  private final int actions;
  private final MLP q, features, valueHead, advantageHead;
  private final ParameterSet params = new ParameterSet();

  /**
   * A Q-network for {@code actionSpace} (Discrete) with hidden layers {@code hidden} of {@code
   * activation}, optionally dueling, initialised from {@code rng}.
   *
   * @throws IllegalArgumentException for a non-Discrete action space or a non-positive width
   */
  public MlpQPolicy(Space<?> observationSpace, Space<?> actionSpace, int[] hidden, Activation activation, boolean dueling, Rng rng) {
    super(observationSpace, actionSpace);
    if (!(actionSpace instanceof Discrete d)) {
      throw new IllegalArgumentException("MlpQPolicy: action space " + actionSpace + " is not Discrete; a Q-network has one output per action"
          + " (for a Box action space use an actor-critic algorithm such as sac, td3 or ddpg)");
    }
    for (int h : hidden) if (h <= 0) throw new IllegalArgumentException("MlpQPolicy: hidden sizes " + Arrays.toString(hidden) + " must be positive");
    if (dueling && hidden.length == 0) throw new IllegalArgumentException("MlpQPolicy: a dueling head needs at least one hidden layer");
    this.hidden = hidden.clone();
    this.activation = activation;
    this.dueling = dueling;
    this.actions = d.n();
    int obs = observationSize();
    if (!dueling) {
      q = MLP.ofSizes("q", concat(obs, hidden, actions), activation, Activation.IDENTITY, Init.UNIFORM, Init.UNIFORM, rng);
      features = valueHead = advantageHead = null;
      q.addParameters(params);
    } else {
      q = null;
      features = MLP.ofSizes("features", concat(obs, hidden), activation, activation, Init.UNIFORM, Init.UNIFORM, rng);
      int h = hidden[hidden.length - 1];
      valueHead = MLP.ofSizes("value", new int[] {h, 1}, activation, Activation.IDENTITY, Init.UNIFORM, Init.UNIFORM, rng);
      advantageHead = MLP.ofSizes("advantage", new int[] {h, actions}, activation, Activation.IDENTITY, Init.UNIFORM, Init.UNIFORM, rng);
      features.addParameters(params);
      valueHead.addParameters(params);
      advantageHead.addParameters(params);
    }
  }

  /** A policy of the same structure (its initial values from {@code rng}): the target network of this one. */
  public MlpQPolicy twin(Rng rng) {
    return new MlpQPolicy(observationSpace(), actionSpace(), hidden, activation, dueling, rng);
  }

  private static int[] concat(int first, int[] mid, int... last) {
    int[] s = new int[1 + mid.length + last.length];
    s[0] = first;
    System.arraycopy(mid, 0, s, 1, mid.length);
    System.arraycopy(last, 0, s, 1 + mid.length, last.length);
    return s;
  }

  public int[] hidden() { return hidden.clone(); }
  public Activation activation() { return activation; }
  public boolean dueling() { return dueling; }
  /** The number of actions (Q outputs). */
  public int actions() { return actions; }

  /** Q-values [batch, actions] of observations [batch, obsDim], on the observations' tape. */
  public Var qValues(Var observations) {
    if (!dueling) return q.forward(observations);
    Var h = features.forward(observations);
    Var a = advantageHead.forward(h);
    return valueHead.forward(h).add(a.sub(a.meanRows()));
  }

  @Override
  public Distribution distribution(Tape tape, Var observations, Tensor masks) {
    return new Categorical(qValues(observations), masks);
  }

  /** {@code max_a Q(s, a)} of each row, [batch], without a gradient. */
  @Override
  public Var value(Tape tape, Var observations) {
    Tensor qv = qValues(observations).value();
    int b = qv.dim(0);
    Tensor v = Tensor.zeros(b);
    for (int r = 0; r < b; r++) {
      float m = Float.NEGATIVE_INFINITY;
      for (int k = 0; k < actions; k++) m = Math.max(m, qv.get(r, k));
      v.set(r, m);
    }
    return tape.input(v);
  }

  @Override
  public ParameterSet parameters() {
    return params;
  }

  @Override
  protected void describeHyperparameters(Structure s) {
    s.add("hidden", Arrays.toString(hidden));
    s.add("activation", activation);
    s.add("dueling", dueling);
  }

  /**
   * Loads a policy saved by {@link #serialize}: rebuilds the skeleton from the constructor arguments,
   * checks the fingerprint, reads the parameters.
   */
  public static MlpQPolicy deserialize(java.nio.file.Path path, Space<?> observationSpace, Space<?> actionSpace, int[] hidden,
      Activation activation, boolean dueling) throws java.io.IOException {
    return vecrl.io.PolicyIO.deserialize(path, new MlpQPolicy(observationSpace, actionSpace, hidden, activation, dueling, new Rng(0)));
  }
}
