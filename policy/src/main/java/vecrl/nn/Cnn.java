package vecrl.nn;

import java.util.ArrayList;
import java.util.List;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Var;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.UnaryOp;

/**
 * A convolutional features extractor for image observations: convolutions with ReLU, flattened,
 * then a linear layer with ReLU. {@link #natureCnn} is the DQN paper's network (Mnih et al. 2015,
 * Stable-Baselines' {@code NatureCNN}): 32 filters 8x8 stride 4, 64 filters 4x4 stride 2, 64
 * filters 3x3 stride 1, then 512 units. Every layer is orthogonally initialised with gain √2 and
 * zero biases, as in Stable-Baselines.
 *
 * <p>Input: a flat image row ({@link ImageShape}); channels-first images are transposed to
 * channels-last on the tape first, and pixels are divided by 255 when {@code normalizeImages} is
 * set (Stable-Baselines' {@code normalize_images}, its {@code scale=True}).
 */
public final class Cnn implements FeaturesExtractor {
  /** One convolution: filters, square kernel size, stride, padding. */
  public record Layer(int filters, int kernel, int stride, int padding) {}

  /** NatureCNN's three convolutions. */
  public static final List<Layer> NATURE = List.of(new Layer(32, 8, 4, 0), new Layer(64, 4, 2, 0), new Layer(64, 3, 1, 0));

  private final String name;
  private final ImageShape image;
  private final boolean scale;
  private final List<Conv2d> convs;
  private final Linear linear;

  /** A CNN of {@code layers} then a linear layer of {@code featuresDim}, for the image space {@code space}. */
  public Cnn(String name, Space<?> space, boolean normalizeImages, List<Layer> layers, int featuresDim, Rng rng) {
    this.name = name;
    this.image = ImageShape.of("Cnn '" + name + "'", space);
    this.scale = normalizeImages;
    if (featuresDim <= 0) throw new IllegalArgumentException("Cnn '" + name + "': featuresDim " + featuresDim + " must be positive");
    Init init = Init.orthogonal(Init.SQRT2);
    List<Conv2d> cs = new ArrayList<>();
    int h = image.height(), w = image.width(), c = image.channels();
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      if (h + 2 * l.padding() < l.kernel() || w + 2 * l.padding() < l.kernel()) {
        throw new IllegalArgumentException("Cnn '" + name + "': layer " + i + " (" + l.kernel() + "x" + l.kernel() + " stride "
            + l.stride() + ") does not fit its " + h + "x" + w + " input; the image " + image + " is too small for " + layers);
      }
      Conv2d conv = new Conv2d(name + ".conv" + i, h, w, c, l.filters(), l.kernel(), l.stride(), l.padding(), init, rng);
      cs.add(conv);
      h = conv.outHeight();
      w = conv.outWidth();
      c = conv.outChannels();
    }
    this.convs = List.copyOf(cs);
    this.linear = new Linear(name + ".linear", h * w * c, featuresDim, init, rng);
  }

  /** NatureCNN with a linear layer of {@code featuresDim} units (512 in the paper). */
  public static Cnn natureCnn(String name, Space<?> space, boolean normalizeImages, int featuresDim, Rng rng) {
    return new Cnn(name, space, normalizeImages, NATURE, featuresDim, rng);
  }

  public ImageShape image() { return image; }
  public List<Conv2d> convs() { return convs; }
  public Linear linear() { return linear; }

  @Override
  public Var forward(Var observations) {
    Var x = scale ? observations.div(255f) : observations;
    if (image.channelsFirst()) x = x.tape().channelsLast(x, image.channels(), image.height(), image.width());
    for (Conv2d conv : convs) x = conv.forward(x, UnaryOp.RELU);
    return linear.forward(x.flatten(), Activation.RELU);
  }

  @Override public int featuresDim() { return linear.out(); }

  @Override
  public void addParameters(ParameterSet set) {
    for (Conv2d c : convs) c.addParameters(set);
    linear.addParameters(set);
  }

  @Override
  public String describe() {
    StringBuilder sb = new StringBuilder("Cnn[").append(image).append(scale ? ", pixels / 255" : "");
    for (Conv2d c : convs) sb.append(", ").append(c.describe()).append(" relu");
    return sb.append(", Linear[").append(linear.in()).append(" -> ").append(linear.out()).append(", ").append(linear.init())
        .append("] relu]").toString();
  }

  record Spec(List<Layer> layers, int featuresDim) implements FeaturesExtractor.Spec {
    @Override public FeaturesExtractor create(Space<?> space, boolean normalizeImages, Rng rng) {
      return new Cnn("features", space, normalizeImages, layers, featuresDim, rng);
    }
  }
}
