package vecrl.nn;

import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Var;
import vecrl.tensor.Conv2dGeometry;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

/**
 * A 2-D convolution layer over channels-last images, PyTorch's {@code nn.Conv2d} with the weight
 * stored as {@code [outChannels, kernel * kernel * inChannels]} (each row one filter laid out
 * {@code [kernelH][kernelW][channels]}) and a bias {@code [outChannels]}. Parameters are named
 * {@code <name>.weight} and {@code <name>.bias}. Uniform initialisation is PyTorch's ±1/√fan_in;
 * orthogonal initialisation treats the weight as that matrix (Stable-Baselines' convention).
 */
public final class Conv2d {
  private final String name;
  private final int height, width, inChannels, outChannels, kernel, stride, padding;
  private final Parameter weight, bias;
  private final Init init;
  private final Conv2dGeometry one;

  /** A layer for [height, width, inChannels] inputs. */
  public Conv2d(String name, int height, int width, int inChannels, int outChannels, int kernel, int stride, int padding,
      Init init, Rng rng) {
    this.one = new Conv2dGeometry(1, height, width, inChannels, outChannels, kernel, kernel, stride, padding);
    this.name = name;
    this.height = height;
    this.width = width;
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
    this.init = init;
    int fanIn = one.patchSize();
    Tensor w = Tensor.zeros(outChannels, fanIn), b = Tensor.zeros(outChannels);
    switch (init) {
      case Init.Uniform u -> {
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        rng.fillUniform(w, -bound, bound);
        rng.fillUniform(b, -bound, bound);
      }
      case Init.UniformRange u -> {
        rng.fillUniform(w, (float) -u.bound(), (float) u.bound());
        rng.fillUniform(b, (float) -u.bound(), (float) u.bound());
      }
      case Init.Orthogonal o -> w.copyFrom(Orthogonal.matrix(outChannels, fanIn, o.gain(), rng));
    }
    this.weight = new Parameter(name + ".weight", w);
    this.bias = new Parameter(name + ".bias", b);
  }

  public String name() { return name; }
  public Parameter weight() { return weight; }
  public Parameter bias() { return bias; }
  public int outHeight() { return one.outHeight(); }
  public int outWidth() { return one.outWidth(); }
  public int outChannels() { return outChannels; }
  /** Features of one output image: outHeight * outWidth * outChannels. */
  public int outSize() { return one.outHeight() * one.outWidth() * outChannels; }

  /** The geometry for a batch of {@code batch} images. */
  public Conv2dGeometry geometry(int batch) {
    return one.withBatch(batch);
  }

  /** Appends weight then bias. */
  public void addParameters(ParameterSet set) {
    set.add(weight);
    set.add(bias);
  }

  /** {@code act(conv(x) + b)} for x [batch, height, width, inChannels] (or its flat form); act may be null. */
  public Var forward(Var x, UnaryOp act) {
    return x.conv2d(weight, bias, act, geometry(x.value().dim(0)));
  }

  public String describe() {
    return "Conv2d[" + height + "x" + width + "x" + inChannels + " -> " + outHeight() + "x" + outWidth() + "x" + outChannels
        + ", kernel " + kernel + ", stride " + stride + ", padding " + padding + ", " + init + "]";
  }
}
