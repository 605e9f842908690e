package vecrl.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Var;
import vecrl.space.Dict;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Features of a {@link Dict} observation (Stable-Baselines' {@code CombinedExtractor}): NatureCNN
 * of {@code cnnFeaturesDim} for every image key ({@link ImageShape#isImage}), the flat form for
 * every other key, concatenated in the Dict's key order.
 */
public final class CombinedExtractor implements FeaturesExtractor {
  private final List<String> keys = new ArrayList<>();
  private final List<FeaturesExtractor> parts = new ArrayList<>();
  private final int[] offsets, sizes;
  private final int featuresDim;

  public CombinedExtractor(Space<?> space, boolean normalizeImages, int cnnFeaturesDim, Rng rng) {
    if (!(space instanceof Dict d)) {
      throw new IllegalArgumentException("CombinedExtractor: observation space " + space + " is not a Dict; use Flatten, Mlp or"
          + " NatureCnn for a single observation");
    }
    Map<String, ? extends Space<?>> spaces = d.spaces();
    offsets = new int[spaces.size()];
    sizes = new int[spaces.size()];
    int offset = 0, i = 0, dim = 0;
    for (Map.Entry<String, ? extends Space<?>> e : spaces.entrySet()) {
      Space<?> s = e.getValue();
      FeaturesExtractor part = ImageShape.isImage(s)
          ? Cnn.natureCnn("features." + e.getKey(), s, normalizeImages, cnnFeaturesDim, rng)
          : new FlattenExtractor(s, normalizeImages);
      keys.add(e.getKey());
      parts.add(part);
      offsets[i] = offset;
      sizes[i] = s.flatSize();
      offset += s.flatSize();
      dim += part.featuresDim();
      i++;
    }
    this.featuresDim = dim;
  }

  @Override
  public Var forward(Var observations) {
    Var[] out = new Var[parts.size()];
    for (int i = 0; i < out.length; i++) {
      Var part = parts.size() == 1 ? observations : observations.sliceCols(offsets[i], offsets[i] + sizes[i]);
      out[i] = parts.get(i).forward(part);
    }
    return out.length == 1 ? out[0] : observations.tape().concatCols(out);
  }

  @Override public int featuresDim() { return featuresDim; }

  @Override
  public void addParameters(ParameterSet set) {
    for (FeaturesExtractor p : parts) p.addParameters(set);
  }

  @Override
  public String describe() {
    StringBuilder sb = new StringBuilder("CombinedExtractor[");
    for (int i = 0; i < parts.size(); i++) sb.append(i == 0 ? "" : ", ").append(keys.get(i)).append(": ").append(parts.get(i).describe());
    return sb.append(']').toString();
  }

  record Spec(int cnnFeaturesDim) implements FeaturesExtractor.Spec {
    @Override public FeaturesExtractor create(Space<?> space, boolean normalizeImages, Rng rng) {
      return new CombinedExtractor(space, normalizeImages, cnnFeaturesDim, rng);
    }
  }
}
