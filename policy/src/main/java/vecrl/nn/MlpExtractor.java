package vecrl.nn;

import java.util.Arrays;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Var;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * An MLP over the flat observation: hidden layers of the given widths, each followed by the
 * activation, orthogonally initialised with gain √2 (zero biases). Images are scaled by 1/255 first
 * when {@code normalizeImages} is set.
 */
public final class MlpExtractor implements FeaturesExtractor {
  private final MLP mlp;
  private final boolean scale;

  public MlpExtractor(String name, Space<?> observationSpace, boolean normalizeImages, Activation activation, int[] widths,
      Rng rng) {
    if (widths.length == 0) throw new IllegalArgumentException("MlpExtractor: no layer widths; use FlattenExtractor for none");
    int[] sizes = new int[widths.length + 1];
    sizes[0] = observationSpace.flatSize();
    System.arraycopy(widths, 0, sizes, 1, widths.length);
    Init init = Init.orthogonal(Init.SQRT2);
    this.mlp = MLP.ofSizes(name, sizes, activation, activation, init, init, rng);
    this.scale = normalizeImages && ImageShape.isImage(observationSpace);
  }

  @Override public Var forward(Var observations) { return mlp.forward(scale ? observations.div(255f) : observations); }
  @Override public int featuresDim() { return mlp.outSize(); }
  @Override public void addParameters(ParameterSet set) { mlp.addParameters(set); }
  @Override public String describe() { return "MlpExtractor[" + mlp.describe() + (scale ? ", pixels / 255" : "") + "]"; }

  record Spec(Activation activation, int[] widths) implements FeaturesExtractor.Spec {
    @Override public FeaturesExtractor create(Space<?> space, boolean normalizeImages, Rng rng) {
      return new MlpExtractor("features", space, normalizeImages, activation, widths, rng);
    }
    @Override public String toString() { return "mlp(" + activation + ", " + Arrays.toString(widths) + ")"; }
  }
}
