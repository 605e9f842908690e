package vecrl.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Var;
import vecrl.tensor.Rng;

/**
 * A multilayer perceptron: a chain of {@link Linear} layers, {@code activation} after every layer
 * but the last and {@code finalActivation} after the last.
 *
 * <p>Lerax's signature {@link #MLP(String, int, int, int, int, Activation, Activation, Init, Init, Rng)}:
 * {@code depth} counts hidden layers, so depth 0 is one Linear {@code in -> out} and depth d has d
 * hidden layers of {@code width}. {@code outSize == }{@link #SCALAR} means one output whose batched
 * result is a [batch] vector rather than [batch, 1]. {@link #ofSizes} builds any chain of widths
 * (Stable-Baselines' net_arch lists); an MLP with no layers is the identity.
 */
public final class MLP {
  /** Pass as {@code outSize} for one output returned as [batch] (Lerax's {@code "scalar"}). */
  public static final int SCALAR = -1;

  private final String name;
  private final int[] sizes;
  private final boolean scalar;
  private final Activation activation, finalActivation;
  private final List<Linear> layers;

  /**
   * Lerax's MLP. Hidden layers use {@code hiddenInit}, the output layer {@code outputInit}.
   *
   * @param outSize output size, or {@link #SCALAR}
   */
  public MLP(String name, int inSize, int outSize, int width, int depth, Activation activation,
      Activation finalActivation, Init hiddenInit, Init outputInit, Rng rng) {
    this(name, sizesOf(name, inSize, outSize == SCALAR ? 1 : outSize, width, depth), outSize == SCALAR,
        activation, finalActivation, hiddenInit, outputInit, rng);
  }

  /** Lerax's MLP with the default uniform initialisation. */
  public MLP(String name, int inSize, int outSize, int width, int depth, Activation activation,
      Activation finalActivation, Rng rng) {
    this(name, inSize, outSize, width, depth, activation, finalActivation, Init.UNIFORM, Init.UNIFORM, rng);
  }

  /** A chain through {@code sizes[0] -> sizes[1] -> ...}; one size gives the identity. */
  public static MLP ofSizes(String name, int[] sizes, Activation activation, Activation finalActivation,
      Init hiddenInit, Init outputInit, Rng rng) {
    return new MLP(name, sizes.clone(), false, activation, finalActivation, hiddenInit, outputInit, rng);
  }

  private MLP(String name, int[] sizes, boolean scalar, Activation activation, Activation finalActivation,
      Init hiddenInit, Init outputInit, Rng rng) {
    if (sizes.length == 0) throw new IllegalArgumentException("MLP '" + name + "': needs at least an input size");
    for (int s : sizes) {
      if (s <= 0) throw new IllegalArgumentException("MLP '" + name + "': sizes " + java.util.Arrays.toString(sizes) + " must be positive");
    }
    this.name = name;
    this.sizes = sizes;
    this.scalar = scalar;
    this.activation = activation;
    this.finalActivation = finalActivation;
    List<Linear> ls = new ArrayList<>();
    for (int i = 0; i + 1 < sizes.length; i++) {
      boolean last = i + 2 == sizes.length;
      ls.add(new Linear(name + ".layers." + i, sizes[i], sizes[i + 1], last ? outputInit : hiddenInit, rng));
    }
    this.layers = Collections.unmodifiableList(ls);
  }

  private static int[] sizesOf(String name, int in, int out, int width, int depth) {
    if (depth < 0) throw new IllegalArgumentException("MLP '" + name + "': depth " + depth + " must be >= 0");
    if (depth > 0 && width <= 0) throw new IllegalArgumentException("MLP '" + name + "': width " + width + " must be positive");
    int[] s = new int[depth + 2];
    s[0] = in;
    for (int i = 1; i <= depth; i++) s[i] = width;
    s[depth + 1] = out;
    return s;
  }

  public String name() { return name; }
  public int inSize() { return sizes[0]; }
  public int outSize() { return sizes[sizes.length - 1]; }
  public boolean isScalar() { return scalar; }
  public Activation activation() { return activation; }
  public Activation finalActivation() { return finalActivation; }
  public List<Linear> layers() { return layers; }
  /** The widths of the chain, input first. */
  public int[] sizes() { return sizes.clone(); }
  /** The largest width in the chain (for scratch buffers). */
  public int maxWidth() {
    int m = 0;
    for (int s : sizes) m = Math.max(m, s);
    return m;
  }

  /** Appends every layer's weight and bias, in layer order. */
  public void addParameters(ParameterSet set) {
    for (Linear l : layers) l.addParameters(set);
  }

  /** The output for x [batch, in]: [batch, out], or [batch] when scalar. */
  public Var forward(Var x) {
    Var h = x;
    for (int i = 0; i < layers.size(); i++) {
      h = layers.get(i).forward(h, i + 1 == layers.size() ? finalActivation : activation);
    }
    if (scalar) h = h.reshape(h.value().rows());
    return h;
  }

  /**
   * One row without a tape: reads {@code x[xo .. xo+in)} and returns the array (a or b) holding the
   * output at offset 0. {@code a} and {@code b} are scratch of at least {@link #maxWidth()}; x may be
   * neither; {@code red} is scratch of {@link Linear#REDUCTION_SCRATCH}. With no layers the input is
   * copied into a.
   */
  public float[] forwardRow(float[] x, int xo, float[] a, float[] b, float[] red) {
    if (layers.isEmpty()) {
      System.arraycopy(x, xo, a, 0, sizes[0]);
      return a;
    }
    float[] src = x, dst = a;
    int so = xo;
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).forwardRow(src, so, dst, 0, i + 1 == layers.size() ? finalActivation : activation, red);
      src = dst;
      so = 0;
      dst = dst == a ? b : a;
    }
    return src;
  }

  /** e.g. {@code MLP[4 -> 64 -> 64 -> 2, tanh, final identity]}. */
  public String describe() {
    StringBuilder sb = new StringBuilder("MLP[");
    for (int i = 0; i < sizes.length; i++) sb.append(i == 0 ? "" : " -> ").append(sizes[i]);
    if (scalar) sb.append(" (scalar)");
    sb.append(", ").append(activation.name().toLowerCase()).append(", final ").append(finalActivation.name().toLowerCase());
    if (!layers.isEmpty()) {
      sb.append(", init ").append(layers.get(0).init());
      if (layers.size() > 1) sb.append("/").append(layers.get(layers.size() - 1).init());
    }
    return sb.append(']').toString();
  }

  @Override
  public String toString() {
    return describe();
  }
}
