package vecrl.nn;

import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Var;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * The flat observation itself as the features (Stable-Baselines' {@code FlattenExtractor}); an
 * image's pixels are divided by 255 when {@code normalizeImages} is set.
 */
public final class FlattenExtractor implements FeaturesExtractor {
  private final int size;
  private final boolean scale;

  public FlattenExtractor(Space<?> observationSpace, boolean normalizeImages) {
    this.size = observationSpace.flatSize();
    this.scale = normalizeImages && ImageShape.isImage(observationSpace);
  }

  @Override public Var forward(Var observations) { return scale ? observations.div(255f) : observations; }
  @Override public int featuresDim() { return size; }
  @Override public void addParameters(ParameterSet set) {}
  @Override public String describe() { return "Flatten[" + size + (scale ? ", pixels / 255" : "") + "]"; }

  record Spec() implements FeaturesExtractor.Spec {
    @Override public FeaturesExtractor create(Space<?> space, boolean normalizeImages, Rng rng) {
      return new FlattenExtractor(space, normalizeImages);
    }
  }
}
