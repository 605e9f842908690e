package vecrl.policy;

import vecrl.nn.Activation;
import vecrl.nn.NetArch;

/**
 * Hyperparameters of {@link RecurrentActorCriticPolicy}.
 *
 * @param netArch a spec with a recurrent entry, e.g. {@code NetArch.parse("[8, lstm:64, {pi: [10], vf: [5, 10]}]")}
 * @param sharedCell true: one trunk (shared layers, then the cell) feeds both branches; false: the
 *     actor and the critic each have their own copy of the trunk and cell (SB3-contrib's default
 *     {@code shared_lstm=False, enable_critic_lstm=True}), and the memory holds both cells' states
 * @param activation of every feed-forward hidden layer
 * @param orthogonalInit orthogonal feed-forward weights (gain √2 hidden, 0.01 action head, 1 value
 *     head, zero biases), else uniform ±1/√fan_in; the cells always use PyTorch's uniform ±1/√hidden
 * @param logStdInit initial log-std of Gaussian actions
 * @param squash tanh-squash Box actions to their bounds
 * @param layerNorm layer-normalised LSTM cells ({@link vecrl.nn.LayerNormLSTMCell}, Stable-Baselines'
 *     {@code layer_norm=True}); LSTM only
 * @param layers recurrent layers stacked ({@link vecrl.nn.RecurrentStack}; SB3-contrib's {@code
 *     n_lstm_layers}, PyTorch's {@code num_layers}), each as wide as the net_arch entry; at least 1
 */
public record RecurrentPolicyConfig(NetArch netArch, boolean sharedCell, Activation activation, boolean orthogonalInit,
    float logStdInit, boolean squash, boolean layerNorm, int layers) {

  /** The most layers a config accepts. */
  public static final int MAX_LAYERS = 64;

  public RecurrentPolicyConfig {
    if (netArch == null || netArch.cell() == null) {
      throw new IllegalArgumentException("RecurrentPolicyConfig: net_arch " + netArch
          + " has no recurrent entry; expected one lstm or gru entry, e.g. [lstm:64, {pi: [64], vf: [64]}]");
    }
    if (activation == null) throw new IllegalArgumentException("RecurrentPolicyConfig: activation is null");
    if (layers < 1 || layers > MAX_LAYERS) {
      throw new IllegalArgumentException("RecurrentPolicyConfig: layers " + layers + ", expected 1 to " + MAX_LAYERS + " stacked "
          + netArch.cell().kind() + " layers");
    }
    if (layerNorm && !netArch.cell().kind().equals("lstm")) {
      throw new IllegalArgumentException("RecurrentPolicyConfig: layerNorm applies to LSTM cells (Stable-Baselines' layer_norm), and"
          + " net_arch " + netArch + " has a " + netArch.cell().kind() + " entry");
    }
  }

  /** One plain layer: no layer normalisation. */
  public RecurrentPolicyConfig(NetArch netArch, boolean sharedCell, Activation activation, boolean orthogonalInit, float logStdInit,
      boolean squash) {
    this(netArch, sharedCell, activation, orthogonalInit, logStdInit, squash, false, 1);
  }

  /** SB3-contrib style: the given spec, tanh, orthogonal feed-forward init, log-std 0, no squashing. */
  public static RecurrentPolicyConfig of(NetArch netArch, boolean sharedCell) {
    return new RecurrentPolicyConfig(netArch, sharedCell, Activation.TANH, true, 0f, false);
  }

  /** {@link #of(NetArch, boolean)} of a parsed spec. */
  public static RecurrentPolicyConfig of(String spec, boolean sharedCell) {
    return of(NetArch.parse(spec), sharedCell);
  }

  public RecurrentPolicyConfig withActivation(Activation a) {
    return new RecurrentPolicyConfig(netArch, sharedCell, a, orthogonalInit, logStdInit, squash, layerNorm, layers);
  }
  public RecurrentPolicyConfig withOrthogonalInit(boolean on) {
    return new RecurrentPolicyConfig(netArch, sharedCell, activation, on, logStdInit, squash, layerNorm, layers);
  }
  public RecurrentPolicyConfig withLogStdInit(float v) {
    return new RecurrentPolicyConfig(netArch, sharedCell, activation, orthogonalInit, v, squash, layerNorm, layers);
  }
  public RecurrentPolicyConfig withSquash(boolean on) {
    return new RecurrentPolicyConfig(netArch, sharedCell, activation, orthogonalInit, logStdInit, on, layerNorm, layers);
  }
  public RecurrentPolicyConfig withLayerNorm(boolean on) {
    return new RecurrentPolicyConfig(netArch, sharedCell, activation, orthogonalInit, logStdInit, squash, on, layers);
  }
  public RecurrentPolicyConfig withLayers(int n) {
    return new RecurrentPolicyConfig(netArch, sharedCell, activation, orthogonalInit, logStdInit, squash, layerNorm, n);
  }

  /**
   * The record's text, which is part of the policy's structural fingerprint: a one-layer plain
   * config prints exactly as before these options existed (so the fingerprints of saved policies
   * stay the same), any other adds {@code layerNorm} and {@code layers}.
   */
  @Override
  public String toString() {
    String base = "RecurrentPolicyConfig[netArch=" + netArch + ", sharedCell=" + sharedCell + ", activation=" + activation
        + ", orthogonalInit=" + orthogonalInit + ", logStdInit=" + logStdInit + ", squash=" + squash;
    return base + (layerNorm || layers != 1 ? ", layerNorm=" + layerNorm + ", layers=" + layers : "") + "]";
  }
}
