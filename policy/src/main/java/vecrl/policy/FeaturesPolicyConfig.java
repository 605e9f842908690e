package vecrl.policy;

import java.util.List;
import java.util.Map;
import vecrl.nn.Activation;
import vecrl.nn.FeaturesExtractor;
import vecrl.nn.NetArch;

/**
 * Hyperparameters of {@link FeaturesActorCriticPolicy}, after Stable-Baselines' {@code
 * ActorCriticPolicy} keywords: the {@code features_extractor} (a {@link FeaturesExtractor.Spec}), the
 * {@code net_arch} that reads its features, the activation, orthogonal initialisation ({@code
 * ortho_init}: gain √2 hidden, {@code actionHeadGain} for the action head, 1 for the value head;
 * otherwise uniform ±1/√fan_in), {@code normalize_images} (pixels of image observations divided by
 * 255; the seed's {@code scale=True}) and the initial log-std of Gaussian actions.
 */
public record FeaturesPolicyConfig(FeaturesExtractor.Spec extractor, NetArch netArch, Activation activation,
    boolean orthogonalInit, double actionHeadGain, boolean normalizeImages, float logStdInit) {

  public FeaturesPolicyConfig {
    if (extractor == null) throw new IllegalArgumentException("FeaturesPolicyConfig: extractor is null");
    if (netArch == null) throw new IllegalArgumentException("FeaturesPolicyConfig: netArch is null; use NetArch.parse(\"[]\") for none");
    if (netArch.cell() != null) {
      throw new IllegalArgumentException("FeaturesPolicyConfig: net_arch " + netArch + " has a recurrent entry; use"
          + " RecurrentActorCriticPolicy");
    }
    if (activation == null) throw new IllegalArgumentException("FeaturesPolicyConfig: activation is null");
    if (!(actionHeadGain > 0) || Double.isInfinite(actionHeadGain)) {
      throw new IllegalArgumentException("FeaturesPolicyConfig: actionHeadGain " + actionHeadGain + " must be finite and > 0");
    }
  }

  /**
   * Stable-Baselines' {@code CnnPolicy}: NatureCNN (512 features), no further layers, tanh,
   * orthogonal init with 0.01 on the action head, images scaled to [0, 1].
   */
  public static FeaturesPolicyConfig cnn() {
    return new FeaturesPolicyConfig(FeaturesExtractor.natureCnn(512), NetArch.parse("[]"), Activation.TANH, true, 0.01, true, 0f);
  }

  /**
   * The Stable-Baselines custom-policy page's most complete example: images scaled ({@code
   * scale=True}), NatureCNN, an actor of three 128-unit ReLU layers and a critic of two 32-unit ReLU
   * layers, the action head initialised with scale 0.01.
   */
  public static FeaturesPolicyConfig seedCustom() {
    return new FeaturesPolicyConfig(FeaturesExtractor.natureCnn(512), NetArch.parse("[{pi: [128, 128, 128], vf: [32, 32]}]"),
        Activation.RELU, true, 0.01, true, 0f);
  }

  /** Stable-Baselines' {@code MultiInputPolicy}: {@link vecrl.nn.CombinedExtractor} (256 per image), pi and vf [64, 64], tanh. */
  public static FeaturesPolicyConfig multiInput() {
    return new FeaturesPolicyConfig(FeaturesExtractor.combined(256), NetArch.separate(64, 64), Activation.TANH, true, 0.01, true, 0f);
  }

  /** The keys {@link #withArgs} takes. */
  public static final List<String> ARG_KEYS = List.of("net_arch", "activation", "ortho_init", "normalize_images", "log_std_init");

  /** This config with string arguments applied ({@link #ARG_KEYS}); errors name the key and value. */
  public FeaturesPolicyConfig withArgs(Map<String, String> args) {
    FeaturesPolicyConfig c = this;
    for (Map.Entry<String, String> e : args.entrySet()) {
      String key = e.getKey(), v = e.getValue();
      if (v == null) throw new IllegalArgumentException("FeaturesPolicyConfig: argument " + key + " has no value");
      try {
        c = switch (key) {
          case "net_arch" -> new FeaturesPolicyConfig(c.extractor, NetArch.parse(v), c.activation, c.orthogonalInit, c.actionHeadGain, c.normalizeImages, c.logStdInit);
          case "activation" -> new FeaturesPolicyConfig(c.extractor, c.netArch, Activation.parse(v), c.orthogonalInit, c.actionHeadGain, c.normalizeImages, c.logStdInit);
          case "ortho_init" -> new FeaturesPolicyConfig(c.extractor, c.netArch, c.activation, bool(v), c.actionHeadGain, c.normalizeImages, c.logStdInit);
          case "normalize_images" -> new FeaturesPolicyConfig(c.extractor, c.netArch, c.activation, c.orthogonalInit, c.actionHeadGain, bool(v), c.logStdInit);
          case "log_std_init" -> new FeaturesPolicyConfig(c.extractor, c.netArch, c.activation, c.orthogonalInit, c.actionHeadGain, c.normalizeImages, Float.parseFloat(v));
          default -> throw new IllegalArgumentException("unknown key; valid keys are " + ARG_KEYS);
        };
      } catch (NumberFormatException x) {
        throw new IllegalArgumentException("FeaturesPolicyConfig: argument " + key + "=" + v + ": expected a number", x);
      } catch (IllegalArgumentException x) {
        throw new IllegalArgumentException("FeaturesPolicyConfig: argument " + key + "=" + v + ": " + x.getMessage(), x);
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
}
