package vecrl.nn;

import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import vecrl.tensor.Lanes;
import vecrl.tensor.VectorSupport;

/**
 * An immutable snapshot of an {@link MLP}'s weights, packed for fast single-row inference: each
 * layer's weight is copied transposed ([in, out]) so that a row is computed as a sum of scaled
 * weight rows (vector FMAs over the outputs, no horizontal reductions). Later changes to the MLP's
 * parameters (training) are not seen: take a new snapshot. Same definition as {@link
 * Linear#forwardRow}: {@code act(W x + b)} per layer, float32, in another summation order.
 */
public final class FrozenMLP {
  private final int[] ins, outs;
  private final float[][] wt, w, b;
  private final Activation[] acts;
  private final int inSize, maxWidth;

  public FrozenMLP(MLP mlp) {
    List<Linear> layers = mlp.layers();
    int n = layers.size();
    ins = new int[n];
    outs = new int[n];
    wt = new float[n][];
    w = new float[n][];
    b = new float[n][];
    acts = new Activation[n];
    for (int l = 0; l < n; l++) {
      Linear lin = layers.get(l);
      int in = lin.in(), out = lin.out();
      ins[l] = in;
      outs[l] = out;
      w[l] = lin.weight().value().toArray();
      b[l] = lin.bias().value().toArray();
      wt[l] = new float[in * out];
      for (int o = 0; o < out; o++) for (int i = 0; i < in; i++) wt[l][i * out + o] = w[l][o * in + i];
      acts[l] = l + 1 == n ? mlp.finalActivation() : mlp.activation();
    }
    inSize = mlp.inSize();
    maxWidth = mlp.maxWidth();
  }

  public int inSize() { return inSize; }
  public int maxWidth() { return maxWidth; }

  /** As {@link MLP#forwardRow}: returns a or bb holding the output at offset 0; red as there. */
  public float[] forwardRow(float[] x, int xo, float[] a, float[] bb, float[] red) {
    if (ins.length == 0) {
      System.arraycopy(x, xo, a, 0, inSize);
      return a;
    }
    float[] src = x, dst = a;
    int so = xo;
    for (int l = 0; l < ins.length; l++) {
      layer(l, src, so, dst, red);
      src = dst;
      so = 0;
      dst = dst == a ? bb : a;
    }
    return src;
  }

  private void layer(int l, float[] x, int xo, float[] y, float[] red) {
    int in = ins[l], out = outs[l];
    float[] wtl = wt[l], bl = b[l];
    if (VectorSupport.available()) {
      Vec.layer(in, out, wtl, bl, w[l], x, xo, y);
    } else {
      float[] wl = w[l];
      for (int o = 0; o < out; o++) {
        int r = o * in;
        float sum = 0f;
        for (int i = 0; i < in; i++) sum += wl[r + i] * x[xo + i];
        y[o] = sum + bl[o];
      }
    }
    acts[l].applyInPlace(y, 0, out);
  }

  /** The Vector API layer kernel, in a class of its own: loaded only when the module is there ({@link VectorSupport}). */
  private static final class Vec {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    static void layer(int in, int out, float[] wtl, float[] bl, float[] wl, float[] x, int xo, float[] y) {
      int o = 0;
      int len = S.length();
      for (; o + 4 * len <= out; o += 4 * len) {
        FloatVector a0 = FloatVector.fromArray(S, bl, o), a1 = FloatVector.fromArray(S, bl, o + len);
        FloatVector a2 = FloatVector.fromArray(S, bl, o + 2 * len), a3 = FloatVector.fromArray(S, bl, o + 3 * len);
        for (int i = 0; i < in; i++) {
          FloatVector xv = FloatVector.broadcast(S, x[xo + i]);
          int r = i * out + o;
          a0 = FloatVector.fromArray(S, wtl, r).fma(xv, a0);
          a1 = FloatVector.fromArray(S, wtl, r + len).fma(xv, a1);
          a2 = FloatVector.fromArray(S, wtl, r + 2 * len).fma(xv, a2);
          a3 = FloatVector.fromArray(S, wtl, r + 3 * len).fma(xv, a3);
        }
        a0.intoArray(y, o);
        a1.intoArray(y, o + len);
        a2.intoArray(y, o + 2 * len);
        a3.intoArray(y, o + 3 * len);
      }
      for (; o + len <= out; o += len) {
        FloatVector a0 = FloatVector.fromArray(S, bl, o), a1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 1 < in; i += 2) {
          a0 = FloatVector.fromArray(S, wtl, i * out + o).fma(FloatVector.broadcast(S, x[xo + i]), a0);
          a1 = FloatVector.fromArray(S, wtl, (i + 1) * out + o).fma(FloatVector.broadcast(S, x[xo + i + 1]), a1);
        }
        if (i < in) a0 = FloatVector.fromArray(S, wtl, i * out + o).fma(FloatVector.broadcast(S, x[xo + i]), a0);
        a0.add(a1).intoArray(y, o);
      }
      // Remaining outputs (fewer than a vector): dot products over the row-major copy.
      int bound = S.loopBound(in);
      for (; o < out; o++) {
        int r = o * in;
        float sum = 0f;
        int i = 0;
        if (bound > 0) {
          FloatVector acc = FloatVector.zero(S);
          for (; i < bound; i += len) acc = FloatVector.fromArray(S, wl, r + i).fma(FloatVector.fromArray(S, x, xo + i), acc);
          sum = Lanes.sum(acc);
        }
        for (; i < in; i++) sum += wl[r + i] * x[xo + i];
        y[o] = sum + bl[o];
      }
    }
  }
}
