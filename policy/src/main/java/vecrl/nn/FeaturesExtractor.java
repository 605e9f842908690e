package vecrl.nn;

import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Var;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Turns observations into features, the first stage of a policy (Stable-Baselines'
 * {@code features_extractor_class}): flat observations [batch, obsDim] in, [batch, {@link
 * #featuresDim()}] out, on the observations' tape. The policy's {@code net_arch} layers read the
 * features.
 *
 * <p>Built in: {@link FlattenExtractor} (the observation as it is), {@link MlpExtractor}, {@link
 * Cnn} with {@link Cnn#natureCnn} (the DQN paper's network) and {@link CombinedExtractor} (Dict
 * observations: a CNN per image key, the flat form for the rest). To supply your own, implement
 * this interface and a {@link Spec} that builds it for an observation space.
 */
public interface FeaturesExtractor {

  /** Features [batch, featuresDim] of flat observations [batch, obsDim]. */
  Var forward(Var observations);

  /** Features per observation. */
  int featuresDim();

  /** Appends the parameters, in a stable order. */
  void addParameters(ParameterSet set);

  /** A readable, complete description (sizes, layers, init, options): part of the policy's fingerprint. */
  String describe();

  /**
   * Builds an extractor for an observation space: a policy config holds one (next to its {@code
   * net_arch}), and the policy calls it with its observation space, whether images are scaled to
   * [0, 1] ({@code normalizeImages}) and its generator.
   */
  @FunctionalInterface
  interface Spec {
    FeaturesExtractor create(Space<?> observationSpace, boolean normalizeImages, Rng rng);
  }

  /** {@link FlattenExtractor}. */
  static Spec flatten() {
    return new FlattenExtractor.Spec();
  }

  /** {@link MlpExtractor}: hidden layers of the given widths, each followed by {@code activation}. */
  static Spec mlp(Activation activation, int... widths) {
    return new MlpExtractor.Spec(activation, widths.clone());
  }

  /** {@link Cnn#natureCnn}: NatureCNN with a linear layer of {@code featuresDim} (512 in the paper). */
  static Spec natureCnn(int featuresDim) {
    return new Cnn.Spec(Cnn.NATURE, featuresDim);
  }

  /** {@link CombinedExtractor}: NatureCNN of {@code cnnFeaturesDim} (Stable-Baselines: 256) per image key. */
  static Spec combined(int cnnFeaturesDim) {
    return new CombinedExtractor.Spec(cnnFeaturesDim);
  }
}
