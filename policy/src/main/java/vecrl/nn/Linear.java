package vecrl.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Var;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.tensor.Lanes;
import vecrl.tensor.VectorSupport;

/**
 * An affine layer {@code y = x W^T + b}, with {@code W} stored [out, in] (as PyTorch and Equinox)
 * and {@code b} [out]. Parameters are named {@code <name>.weight} and {@code <name>.bias}.
 *
 * <p>Two forward paths read the same parameters: {@link #forward} records on a tape (training and
 * batched inference) and {@link #forwardRow} computes one row without a tape and without allocating
 * (the single-observation inference path).
 */
public final class Linear {
  /** The size of the scratch {@link #forwardRow} needs for its lane sums. */
  public static final int REDUCTION_SCRATCH = 4 * (VectorSupport.available() ? Vec.S.length() : 1);

  private final String name;
  private final int in, out;
  private final Parameter weight, bias;
  private final Init init;
  /** Gather offsets {0, in, 2 in, ...} for the small-input path (one column of a block of rows). */
  private final int[] columnIndex;

  /** A layer initialised by {@code init}, drawing from {@code rng}. */
  public Linear(String name, int in, int out, Init init, Rng rng) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException("Linear '" + name + "': sizes in=" + in + ", out=" + out + " must be positive");
    }
    this.name = name;
    this.in = in;
    this.out = out;
    this.init = init;
    Tensor w = Tensor.zeros(out, in);
    Tensor b = Tensor.zeros(out);
    switch (init) {
      case Init.Uniform u -> {
        float bound = (float) (1.0 / Math.sqrt(in));
        rng.fillUniform(w, -bound, bound);
        rng.fillUniform(b, -bound, bound);
      }
      case Init.UniformRange u -> {
        float bound = (float) u.bound();
        rng.fillUniform(w, -bound, bound);
        rng.fillUniform(b, -bound, bound);
      }
      case Init.Orthogonal o -> w.copyFrom(Orthogonal.matrix(out, in, o.gain(), rng));
    }
    this.weight = new Parameter(name + ".weight", w);
    this.bias = new Parameter(name + ".bias", b);
    this.columnIndex = new int[VectorSupport.available() ? Vec.S.length() : 0];
    for (int r = 0; r < columnIndex.length; r++) columnIndex[r] = r * in;
  }

  /** A layer with the default uniform initialisation. */
  public Linear(String name, int in, int out, Rng rng) {
    this(name, in, out, Init.UNIFORM, rng);
  }

  public String name() { return name; }
  public int in() { return in; }
  public int out() { return out; }
  public Init init() { return init; }
  public Parameter weight() { return weight; }
  public Parameter bias() { return bias; }

  /** Appends weight then bias to {@code set}. */
  public void addParameters(ParameterSet set) {
    set.add(weight);
    set.add(bias);
  }

  /** {@code act(x W^T + b)} on x's tape; x is [batch, in]. */
  public Var forward(Var x, Activation act) {
    if (x.value().rank() != 2 || x.value().cols() != in) {
      throw new IllegalArgumentException("Linear '" + name + "': input " + x.shapeString() + ", expected [batch, " + in + "]");
    }
    return x.tape().linear(x, weight, bias, act.op());
  }

  /**
   * One row without a tape: {@code y[yo .. yo+out) = act(W x[xo .. xo+in) + b)}. Allocates
   * nothing. {@code red} is scratch of at least {@link #REDUCTION_SCRATCH} floats. Sums are float32 in a different order than the tape's kernels, so results agree with
   * {@link #forward} to rounding, not bit for bit.
   */
  public void forwardRow(float[] x, int xo, float[] y, int yo, Activation act, float[] red) {
    float[] w = weight.value().data(), b = bias.value().data();
    int wo = weight.value().offset(), bo = bias.value().offset();
    if (VectorSupport.available()) {
      Vec.forwardRow(w, wo, b, bo, in, out, columnIndex, x, xo, y, yo);
    } else {
      for (int o = 0; o < out; o++) {
        int r = wo + o * in;
        float sum = 0f;
        for (int i = 0; i < in; i++) sum += w[r + i] * x[xo + i];
        y[yo + o] = sum + b[bo + o];
      }
    }
    act.applyInPlace(y, yo, out);
  }

  /** The Vector API row kernel, in a class of its own: loaded only when the module is there ({@link VectorSupport}). */
  private static final class Vec {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    static void forwardRow(float[] w, int wo, float[] b, int bo, int in, int out, int[] columnIndex, float[] x, int xo, float[] y, int yo) {
      int o = 0;
      if (in >= S.length()) {
        int bound = S.loopBound(in);
        for (; o + 4 <= out; o += 4) {
          int r0 = wo + o * in, r1 = r0 + in, r2 = r1 + in, r3 = r2 + in;
          FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
          int i = 0;
          for (; i < bound; i += S.length()) {
            FloatVector xv = FloatVector.fromArray(S, x, xo + i);
            a0 = FloatVector.fromArray(S, w, r0 + i).fma(xv, a0);
            a1 = FloatVector.fromArray(S, w, r1 + i).fma(xv, a1);
            a2 = FloatVector.fromArray(S, w, r2 + i).fma(xv, a2);
            a3 = FloatVector.fromArray(S, w, r3 + i).fma(xv, a3);
          }
          float s0 = Lanes.sum(a0), s1 = Lanes.sum(a1);
          float s2 = Lanes.sum(a2), s3 = Lanes.sum(a3);
          for (; i < in; i++) {
            float xi = x[xo + i];
            s0 += w[r0 + i] * xi; s1 += w[r1 + i] * xi; s2 += w[r2 + i] * xi; s3 += w[r3 + i] * xi;
          }
          y[yo + o] = s0 + b[bo + o];
          y[yo + o + 1] = s1 + b[bo + o + 1];
          y[yo + o + 2] = s2 + b[bo + o + 2];
          y[yo + o + 3] = s3 + b[bo + o + 3];
        }
        for (; o < out; o++) {
          int r = wo + o * in;
          FloatVector a = FloatVector.zero(S);
          int i = 0;
          for (; i < bound; i += S.length()) a = FloatVector.fromArray(S, w, r + i).fma(FloatVector.fromArray(S, x, xo + i), a);
          float sum = Lanes.sum(a);
          for (; i < in; i++) sum += w[r + i] * x[xo + i];
          y[yo + o] = sum + b[bo + o];
        }
      } else {
        // Few inputs: vectorise over a block of output rows, gathering one weight column at a time.
        for (; o + S.length() <= out; o += S.length()) {
          FloatVector acc = FloatVector.fromArray(S, b, bo + o);
          int base = wo + o * in;
          for (int i = 0; i < in; i++) {
            acc = FloatVector.fromArray(S, w, base + i, columnIndex, 0).fma(FloatVector.broadcast(S, x[xo + i]), acc);
          }
          acc.intoArray(y, yo + o);
        }
        for (; o < out; o++) {
          int r = wo + o * in;
          float sum = 0f;
          for (int i = 0; i < in; i++) sum += w[r + i] * x[xo + i];
          y[yo + o] = sum + b[bo + o];
        }
      }
    }
  }

  @Override
  public String toString() {
    return "Linear(" + in + "->" + out + ")";
  }
}
