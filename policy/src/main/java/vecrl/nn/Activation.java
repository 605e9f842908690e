package vecrl.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import vecrl.tensor.VectorSupport;
import vecrl.tensor.UnaryOp;

/**
 * Elementwise activations of {@link MLP} layers. The name ({@link #name()}) is part of a policy's
 * structural fingerprint.
 */
public enum Activation {
  IDENTITY(null),
  TANH(UnaryOp.TANH),
  RELU(UnaryOp.RELU),
  SIGMOID(UnaryOp.SIGMOID),
  SOFTPLUS(UnaryOp.SOFTPLUS);

  private final UnaryOp op;

  Activation(UnaryOp op) {
    this.op = op;
  }

  /** The tape op, or null for {@link #IDENTITY}. */
  public UnaryOp op() {
    return op;
  }

  /** The scalar definition (the tape's reference definition). */
  public float apply(float x) {
    return op == null ? x : op.apply(x);
  }

  /**
   * Applies the activation in place to {@code y[off .. off+n)} for the allocation-free inference
   * path. TANH uses a deterministic vectorised approximation (below; within 2e-7 of Math.tanh);
   * the others use the scalar definitions. Results do not depend on JIT state.
   */
  public void applyInPlace(float[] y, int off, int n) {
    switch (this) {
      case IDENTITY -> { }
      case TANH -> {
        int i = VectorSupport.available() ? Vec.tanh(y, off, n) : 0;
        for (; i < n; i++) y[off + i] = tanh(y[off + i]);
      }
      case RELU -> {
        for (int i = 0; i < n; i++) y[off + i] = Math.max(y[off + i], 0f);
      }
      default -> {
        for (int i = 0; i < n; i++) y[off + i] = op.apply(y[off + i]);
      }
    }
  }

  // ---- a deterministic tanh for the tape-free path ----
  //
  // The Vector API's lanewise TANH/EXP and reduceLanes give different last bits when compiled
  // (intrinsics) and when interpreted (Java fallback), so results would depend on JIT state. This
  // tanh uses only +, *, fma, conversions and bit operations, which are exactly rounded in every
  // tier, and the scalar form below performs the same operations in the same order, so vector lanes
  // and scalar tails agree bit for bit. tanh(x) = sign(x) (1 - e) / (1 + e), e = exp(-2|x|), with exp
  // by range reduction e = 2^k exp(r), |r| <= ln2/2, and a degree-7 Taylor polynomial (truncation
  // < 1e-8 relative). Absolute error against Math.tanh is below 2e-7 on the whole line.
  private static final float LOG2E = 1.44269504f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
  private static final float C2 = 1f / 2, C3 = 1f / 6, C4 = 1f / 24, C5 = 1f / 120, C6 = 1f / 720, C7 = 1f / 5040;

  /** The scalar twin of the vector loop in {@link #applyInPlace}: the same operations in the same order. */
  static float tanh(float x) {
    float y = Math.max(Math.abs(x) * -2f, -87f);
    int ki = (int) (y * LOG2E - 0.5f);
    float k = (float) ki;
    float r = Math.fma(k, -LN2_HI, y);
    r = Math.fma(k, -LN2_LO, r);
    float p = Math.fma(r, C7, C6);
    p = Math.fma(p, r, C5);
    p = Math.fma(p, r, C4);
    p = Math.fma(p, r, C3);
    p = Math.fma(p, r, C2);
    p = Math.fma(p, r, 1f);
    p = Math.fma(p, r, 1f);
    float scale = Float.intBitsToFloat((ki + 127) << 23);
    float e = p * scale;
    float t = (1f - e) / (e + 1f);
    return x < 0f ? -t : t;
  }

  /** The Vector API loop, in a class of its own: loaded only when the module is there ({@link VectorSupport}). */
  private static final class Vec {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Vector tanh over the whole vectors of {@code y[off .. off+n)}; returns how many were done. */
    static int tanh(float[] y, int off, int n) {
      int i = 0;
      // The vector form of tanh(float) below, written inline: a helper taking a FloatVector that
      // C2 does not inline would box the vector on every call.
      for (int up = S.loopBound(n); i < up; i += S.length()) {
        FloatVector x = FloatVector.fromArray(S, y, off + i);
        FloatVector a = x.abs().mul(-2f).max(-87f);
        IntVector ki = (IntVector) a.mul(LOG2E).sub(0.5f).convert(VectorOperators.F2I, 0);
        FloatVector k = (FloatVector) ki.convert(VectorOperators.I2F, 0);
        FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), a);
        r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.fma(FloatVector.broadcast(S, C7), FloatVector.broadcast(S, C6));
        p = p.fma(r, FloatVector.broadcast(S, C5));
        p = p.fma(r, FloatVector.broadcast(S, C4));
        p = p.fma(r, FloatVector.broadcast(S, C3));
        p = p.fma(r, FloatVector.broadcast(S, C2));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        FloatVector e = p.mul(ki.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
        FloatVector t = FloatVector.broadcast(S, 1f).sub(e).div(e.add(1f));
        t.blend(t.neg(), x.compare(VectorOperators.LT, 0f)).intoArray(y, off + i);
      }
      return i;
    }
  }

  /** Parses a name case-insensitively ({@code tanh}, {@code relu}, ...); unknown names list the valid ones. */
  public static Activation parse(String name) {
    for (Activation a : values()) if (a.name().equalsIgnoreCase(name.trim())) return a;
    throw new IllegalArgumentException("Activation: unknown '" + name + "'; expected one of "
        + java.util.Arrays.toString(values()).toLowerCase());
  }
}
