package vecrl.policy;

import java.util.List;
import java.util.Map;
import vecrl.nn.Activation;
import vecrl.nn.NetArch;

/**
 * Hyperparameters of {@link MlpActorCriticPolicy}. Two layouts:
 *
 * <ul>
 *   <li><b>Lerax</b> ({@code netArch == null}, {@link #lerax()}): an encoder MLP {@code obs ->
 *       featureWidth x featureDepth -> featureSize} (final activation identity, as Equinox's MLP),
 *       a value MLP {@code featureSize -> valueWidth x valueDepth -> scalar} and an ActionLayer
 *       {@code featureSize -> actionWidth x actionDepth -> distribution}.
 *   <li><b>Stable-Baselines net_arch</b> ({@code netArch != null}, {@link #sb3(NetArch)}): shared
 *       hidden layers, then pi and vf branches (every hidden layer followed by the activation),
 *       then a linear action head and a linear value head. The feature/value/action widths and
 *       depths are then unused.
 * </ul>
 *
 * With {@code orthogonalInit} all weights are orthogonal (gain √2 hidden, 0.01 action head, 1 value
 * head) with zero biases; otherwise uniform ±1/√fan_in. {@code squash} makes Box actions
 * tanh-squashed to the bounds.
 */
public record MlpPolicyConfig(int featureSize, int featureWidth, int featureDepth, int valueWidth, int valueDepth,
    int actionWidth, int actionDepth, Activation activation, float logStdInit, boolean orthogonalInit, boolean squash,
    NetArch netArch) {

  public MlpPolicyConfig {
    if (activation == null) throw new IllegalArgumentException("MlpPolicyConfig: activation is null");
    if (netArch != null && netArch.cell() != null) {
      throw new IllegalArgumentException("MlpPolicyConfig: net_arch " + netArch + " has a recurrent entry (" + netArch.cell().kind()
          + "); use RecurrentPolicyConfig with RecurrentActorCriticPolicy");
    }
    if (netArch == null) {
      if (featureSize <= 0 || featureWidth <= 0 || valueWidth <= 0 || actionWidth <= 0
          || featureDepth < 0 || valueDepth < 0 || actionDepth < 0) {
        throw new IllegalArgumentException("MlpPolicyConfig: sizes must be positive and depths >= 0, got " + this);
      }
    }
  }

  /** Lerax's defaults: featureSize 16, widths 64, depths 2, tanh, logStdInit 0, uniform init. */
  public static MlpPolicyConfig lerax() {
    return new MlpPolicyConfig(16, 64, 2, 64, 2, 64, 2, Activation.TANH, 0f, false, false, null);
  }

  /** Stable-Baselines/CleanRL style: the given net_arch, tanh, orthogonal init, logStdInit 0. */
  public static MlpPolicyConfig sb3(NetArch netArch) {
    return new MlpPolicyConfig(16, 64, 2, 64, 2, 64, 2, Activation.TANH, 0f, true, false, netArch);
  }

  /** PPO's CartPole configuration: separate 64-64 tanh actor and critic, orthogonal init. */
  public static MlpPolicyConfig separate64() {
    return sb3(NetArch.separate(64, 64));
  }

  /**
   * The keys {@link #withArgs} takes, after Stable-Baselines' {@code policy_kwargs}: {@code net_arch}
   * ({@link NetArch#parse} form, e.g. {@code [{pi: [64, 64], vf: [64, 64]}]}), {@code activation}
   * ({@link Activation#parse}: tanh, relu, ...), {@code ortho_init} and {@code squash_output}
   * ({@code true} or {@code false}), {@code log_std_init} (a float).
   */
  public static final List<String> ARG_KEYS = List.of("net_arch", "activation", "ortho_init", "log_std_init", "squash_output");

  /**
   * This config with the string arguments {@code args} applied (keys in {@link #ARG_KEYS}); an
   * empty map gives this config itself.
   *
   * @throws IllegalArgumentException naming the key and value, for an unknown key (listing the
   *     valid ones) or a value that does not parse
   */
  public MlpPolicyConfig withArgs(Map<String, String> args) {
    MlpPolicyConfig c = this;
    for (Map.Entry<String, String> e : args.entrySet()) {
      String key = e.getKey(), value = e.getValue();
      if (value == null) throw new IllegalArgumentException("MlpPolicyConfig: argument " + key + " has no value");
      try {
        c = switch (key) {
          case "net_arch" -> c.withNetArch(NetArch.parse(value));
          case "activation" -> c.withActivation(Activation.parse(value));
          case "ortho_init" -> c.withOrthogonalInit(bool(value));
          case "squash_output" -> c.withSquash(bool(value));
          case "log_std_init" -> c.withLogStdInit(finiteFloat(value));
          default -> throw new IllegalArgumentException("unknown key; valid keys are " + ARG_KEYS);
        };
      } catch (IllegalArgumentException x) {
        throw new IllegalArgumentException("MlpPolicyConfig: argument " + key + "=" + value + ": " + x.getMessage(), x);
      }
    }
    return c;
  }

  private static boolean bool(String v) {
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("expected true or false");
    };
  }

  private static float finiteFloat(String v) {
    float f;
    try {
      f = Float.parseFloat(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a number");
    }
    if (!Float.isFinite(f)) throw new IllegalArgumentException("expected a finite number");
    return f;
  }

  /** This config with activation {@code a}. */
  public MlpPolicyConfig withActivation(Activation a) {
    return new MlpPolicyConfig(featureSize, featureWidth, featureDepth, valueWidth, valueDepth, actionWidth, actionDepth, a, logStdInit, orthogonalInit, squash, netArch);
  }
  /** This config with the Lerax encoder's output size, hidden width and depth. */
  public MlpPolicyConfig withFeatures(int size, int width, int depth) {
    return new MlpPolicyConfig(size, width, depth, valueWidth, valueDepth, actionWidth, actionDepth, activation, logStdInit, orthogonalInit, squash, netArch);
  }
  /** This config with the Lerax value head's hidden width and depth. */
  public MlpPolicyConfig withValueHead(int width, int depth) {
    return new MlpPolicyConfig(featureSize, featureWidth, featureDepth, width, depth, actionWidth, actionDepth, activation, logStdInit, orthogonalInit, squash, netArch);
  }
  /** This config with the Lerax action head's hidden width and depth. */
  public MlpPolicyConfig withActionHead(int width, int depth) {
    return new MlpPolicyConfig(featureSize, featureWidth, featureDepth, valueWidth, valueDepth, width, depth, activation, logStdInit, orthogonalInit, squash, netArch);
  }
  /** This config with the initial log-std of Gaussian actions. */
  public MlpPolicyConfig withLogStdInit(float v) {
    return new MlpPolicyConfig(featureSize, featureWidth, featureDepth, valueWidth, valueDepth, actionWidth, actionDepth, activation, v, orthogonalInit, squash, netArch);
  }
  /** This config with orthogonal (true) or uniform (false) initialisation. */
  public MlpPolicyConfig withOrthogonalInit(boolean on) {
    return new MlpPolicyConfig(featureSize, featureWidth, featureDepth, valueWidth, valueDepth, actionWidth, actionDepth, activation, logStdInit, on, squash, netArch);
  }
  /** This config with Box actions tanh-squashed to the bounds (true) or not. */
  public MlpPolicyConfig withSquash(boolean on) {
    return new MlpPolicyConfig(featureSize, featureWidth, featureDepth, valueWidth, valueDepth, actionWidth, actionDepth, activation, logStdInit, orthogonalInit, on, netArch);
  }
  /** This config with the Stable-Baselines layout {@code arch}, or the Lerax layout for null. */
  public MlpPolicyConfig withNetArch(NetArch arch) {
    return new MlpPolicyConfig(featureSize, featureWidth, featureDepth, valueWidth, valueDepth, actionWidth, actionDepth, activation, logStdInit, orthogonalInit, squash, arch);
  }
}
