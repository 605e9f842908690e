package vecrl.tensor;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, log, tanh, sigmoid and softplus in float, built only from operations that are exactly
 * rounded in every JIT tier: +, -, *, /, {@code fma}, min/max, compares and blends, and integer
 * bit manipulation. Each function has a vector form and a scalar twin that performs the same
 * operations in the same order, so a vector lane and a scalar tail give the same bits, and neither
 * depends on whether the code is interpreted or compiled (the lanewise {@code EXP}, {@code LOG} and
 * {@code TANH} operators of the Vector API do: SVML intrinsics when compiled, a Java fallback when
 * interpreted).
 *
 * <p>Accuracy against the correctly rounded result: exp and log within about 1 ulp (the kernel
 * tests allow 2 against the double-precision reference), sigmoid and softplus within a few, tanh
 * within 6 (a rational function, chosen for speed: it is the activation of most policy networks;
 * 6 ulps is 4e-7 relative).
 * Special values follow {@link Math}: exp(-inf) = 0, exp(+inf) = +inf, log(0) = -inf, log(x < 0)
 * = NaN, log(+inf) = +inf, tanh(+-inf) = +-1, NaN gives NaN; results underflow gradually to
 * subnormals and zero.
 */
final class VMath {
  private VMath() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  // ---- exp: x = k ln2 + r, |r| <= ln2/2 (Cody-Waite two-part ln2), exp(r) by its degree-7 Taylor
  // polynomial (truncation below 6e-9 relative), then times 2^k as two exact powers of two so that
  // 2^k itself need not be representable (k in [-159, 128]).
  private static final float EXP_LO = -110f, EXP_HI = 89f; // exp(-110) = 0 and exp(89) = +inf in float
  private static final float LOG2E = 1.44269504f;
  private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f; // LN2_HI has 9 significant bits
  /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer, kept in the low mantissa bits. */
  private static final float SHIFTER = 12582912f;
  private static final int SHIFTER_BITS = 0x4B400000;
  private static final float E2 = 1f / 2, E3 = 1f / 6, E4 = 1f / 24, E5 = 1f / 120, E6 = 1f / 720, E7 = 1f / 5040;

  /** e^x in float. */
  static float exp(float x) {
    float a = Math.min(Math.max(x, EXP_LO), EXP_HI);
    float t = Math.fma(a, LOG2E, SHIFTER);
    float k = t - SHIFTER;
    int ki = Float.floatToRawIntBits(t) - SHIFTER_BITS;
    float r = Math.fma(k, -LN2_HI, a);
    r = Math.fma(k, -LN2_LO, r);
    float p = Math.fma(r, E7, E6);
    p = Math.fma(p, r, E5);
    p = Math.fma(p, r, E4);
    p = Math.fma(p, r, E3);
    p = Math.fma(p, r, E2);
    p = Math.fma(p, r, 1f);
    p = Math.fma(p, r, 1f);
    int k2 = ki >> 1, k1 = ki - k2;
    return p * Float.intBitsToFloat((k1 + 127) << 23) * Float.intBitsToFloat((k2 + 127) << 23);
  }

  /** The vector form of {@link #exp(float)}. */
  static FloatVector exp(FloatVector x) {
    FloatVector a = x.max(EXP_LO).min(EXP_HI);
    FloatVector t = a.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, SHIFTER));
    FloatVector k = t.sub(SHIFTER);
    IntVector ki = t.reinterpretAsInts().sub(SHIFTER_BITS);
    FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), a);
    r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
    FloatVector p = r.fma(FloatVector.broadcast(S, E7), FloatVector.broadcast(S, E6));
    p = p.fma(r, FloatVector.broadcast(S, E5));
    p = p.fma(r, FloatVector.broadcast(S, E4));
    p = p.fma(r, FloatVector.broadcast(S, E3));
    p = p.fma(r, FloatVector.broadcast(S, E2));
    p = p.fma(r, FloatVector.broadcast(S, 1f));
    p = p.fma(r, FloatVector.broadcast(S, 1f));
    IntVector k2 = ki.lanewise(ASHR, 1), k1 = ki.sub(k2);
    FloatVector s1 = k1.add(127).lanewise(LSHL, 23).reinterpretAsFloats();
    FloatVector s2 = k2.add(127).lanewise(LSHL, 23).reinterpretAsFloats();
    return p.mul(s1).mul(s2);
  }

  // ---- log: x = 2^k m, m in [sqrt(1/2), sqrt(2)), f = m - 1, s = f / (2 + f);
  // log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)) with the minimax R of the classic fdlibm/FreeBSD
  // logf (|error| < 2^-25), and k ln2 in two parts.
  private static final float LN2_HI_LOG = 6.9313812256e-01f, LN2_LO_LOG = 9.0580006145e-06f;
  private static final float LG1 = 0.66666662693f, LG2 = 0.40000972152f, LG3 = 0.28498786688f, LG4 = 0.24279078841f;
  private static final int SQRT_HALF_BITS = 0x3f3504f3;
  private static final float TWO25 = 33554432f; // 2^25: scales a subnormal into the normal range

  /** log(x) in float. */
  static float log(float x) {
    boolean sub = x < Float.MIN_NORMAL;
    float xs = sub ? x * TWO25 : x;
    float y = logCore(xs, sub ? -25f : 0f, 0f);
    if (x == Float.POSITIVE_INFINITY) return x;
    if (x == 0f) return Float.NEGATIVE_INFINITY;
    if (!(x >= 0f)) return Float.NaN;
    return y;
  }

  /** log(x) + c for a positive normal finite x, with {@code bias} added to the binary exponent. */
  private static float logCore(float x, float bias, float c) {
    int ix = Float.floatToRawIntBits(x) + (0x3f800000 - SQRT_HALF_BITS);
    float dk = (float) ((ix >> 23) - 0x7f) + bias;
    float m = Float.intBitsToFloat((ix & 0x007fffff) + SQRT_HALF_BITS);
    float f = m - 1f;
    float s = f / (f + 2f);
    float z = s * s;
    float q = Math.fma(z, LG4, LG3);
    q = Math.fma(q, z, LG2);
    q = Math.fma(q, z, LG1);
    float hfsq = 0.5f * f * f;
    float t = Math.fma(s, Math.fma(q, z, hfsq), Math.fma(dk, LN2_LO_LOG, c));
    t = t - hfsq;
    t = t + f;
    return Math.fma(dk, LN2_HI_LOG, t);
  }

  /** The vector form of {@link #log(float)}. */
  static FloatVector log(FloatVector x) {
    VectorMask<Float> sub = x.compare(LT, Float.MIN_NORMAL);
    FloatVector xs = x.blend(x.mul(TWO25), sub);
    FloatVector bias = FloatVector.zero(S).blend(-25f, sub);
    FloatVector y = logCore(xs, bias, FloatVector.zero(S));
    y = y.blend(Float.POSITIVE_INFINITY, x.compare(jdk.incubator.vector.VectorOperators.EQ, Float.POSITIVE_INFINITY));
    y = y.blend(Float.NEGATIVE_INFINITY, x.compare(jdk.incubator.vector.VectorOperators.EQ, 0f));
    return y.blend(Float.NaN, x.compare(GE, 0f).not());
  }

  private static FloatVector logCore(FloatVector x, FloatVector bias, FloatVector c) {
    IntVector ix = x.reinterpretAsInts().add(0x3f800000 - SQRT_HALF_BITS);
    FloatVector dk = ((FloatVector) ix.lanewise(ASHR, 23).sub(0x7f).convert(jdk.incubator.vector.VectorOperators.I2F, 0)).add(bias);
    FloatVector m = ix.and(0x007fffff).add(SQRT_HALF_BITS).reinterpretAsFloats();
    FloatVector f = m.sub(1f);
    FloatVector s = f.div(f.add(2f));
    FloatVector z = s.mul(s);
    FloatVector q = z.fma(FloatVector.broadcast(S, LG4), FloatVector.broadcast(S, LG3));
    q = q.fma(z, FloatVector.broadcast(S, LG2));
    q = q.fma(z, FloatVector.broadcast(S, LG1));
    FloatVector hfsq = f.mul(0.5f).mul(f);
    FloatVector t = s.fma(q.fma(z, hfsq), dk.fma(FloatVector.broadcast(S, LN2_LO_LOG), c));
    t = t.sub(hfsq);
    t = t.add(f);
    return dk.fma(FloatVector.broadcast(S, LN2_HI_LOG), t);
  }

  /**
   * log(1 + e) for e in [0, 1]: u = 1 + e rounded, and the rounding error e - (u - 1) (exact, Fast2Sum)
   * divided by u corrects log(u) to first order.
   */
  private static float log1pUnit(float e) {
    float u = 1f + e;
    float c = (e - (u - 1f)) / u;
    return logCore(u, 0f, c);
  }

  private static FloatVector log1pUnit(FloatVector e) {
    FloatVector u = e.add(1f);
    FloatVector c = e.sub(u.sub(1f)).div(u);
    return logCore(u, FloatVector.zero(S), c);
  }

  // ---- tanh: one rational function, |x| P(x^2) / Q(x^2) with P and Q of degree 4 (Q(0) = 1),
  // fitted for relative error on [0, 9.1] (a linearised minimax fit in double; the fit is within
  // 0.6 ulp once the coefficients are rounded to float). No exp and no branch: about 16 vector
  // operations, a third of exp-based forms. The float roundings of the two Horner chains add up to
  // about 5 ulps at worst (largest where the result is just below 1; under 2 for |x| < 0.001 and
  // under 4 up to |x| = 1). |x| is capped at 9.1 so that x^8 cannot overflow; from 9.011 on,
  // where tanh rounds to 1 in float, the result is exactly 1. The sign bit of x is copied onto
  // the result (tanh(-0) = -0), and NaN stays NaN.
  private static final float TANH_CAP = 9.1f, TANH_ONE = 9.011f;
  private static final int SIGN = 0x80000000;
  private static final float TP1 = 0.1337447464466095f, TP2 = 0.0034878102596849203f, TP3 = 2.048117676167749e-05f,
      TP4 = 1.317751241458609e-08f;
  private static final float TQ1 = 0.4670778810977936f, TQ2 = 0.025847386568784714f, TQ3 = 0.00032729189842939377f,
      TQ4 = 7.704041422584851e-07f;

  /** tanh(x) in float. */
  static float tanh(float x) {
    float a = Math.min(Math.abs(x), TANH_CAP);
    float t = a * a;
    float p = Math.fma(t, TP4, TP3);
    p = Math.fma(p, t, TP2);
    p = Math.fma(p, t, TP1);
    p = Math.fma(p, t, 1f);
    float q = Math.fma(t, TQ4, TQ3);
    q = Math.fma(q, t, TQ2);
    q = Math.fma(q, t, TQ1);
    q = Math.fma(q, t, 1f);
    float r = a * p / q;
    r = a >= TANH_ONE ? 1f : r;
    return Float.intBitsToFloat(Float.floatToRawIntBits(r) | (Float.floatToRawIntBits(x) & SIGN));
  }

  /** The vector form of {@link #tanh(float)}. */
  static FloatVector tanh(FloatVector x) {
    FloatVector a = x.abs().min(TANH_CAP);
    FloatVector t = a.mul(a);
    FloatVector p = t.fma(FloatVector.broadcast(S, TP4), FloatVector.broadcast(S, TP3));
    p = p.fma(t, FloatVector.broadcast(S, TP2));
    p = p.fma(t, FloatVector.broadcast(S, TP1));
    p = p.fma(t, FloatVector.broadcast(S, 1f));
    FloatVector q = t.fma(FloatVector.broadcast(S, TQ4), FloatVector.broadcast(S, TQ3));
    q = q.fma(t, FloatVector.broadcast(S, TQ2));
    q = q.fma(t, FloatVector.broadcast(S, TQ1));
    q = q.fma(t, FloatVector.broadcast(S, 1f));
    FloatVector r = a.mul(p).div(q);
    r = r.blend(1f, a.compare(GE, TANH_ONE));
    return r.reinterpretAsInts().or(x.reinterpretAsInts().and(SIGN)).reinterpretAsFloats();
  }

  // ---- sigmoid and softplus on e = exp(-|x|), which never overflows.

  /** 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below, as {@link UnaryOp#SIGMOID}. */
  static float sigmoid(float x) {
    float e = exp(-Math.abs(x));
    float d = e + 1f;
    return x >= 0f ? 1f / d : e / d;
  }

  /** The vector form of {@link #sigmoid(float)}. */
  static FloatVector sigmoid(FloatVector x) {
    FloatVector e = exp(x.abs().neg());
    FloatVector d = e.add(1f);
    return e.div(d).blend(FloatVector.broadcast(S, 1f).div(d), x.compare(GE, 0f));
  }

  /** max(x, 0) + log(1 + e^-|x|), as {@link UnaryOp#SOFTPLUS}. */
  static float softplus(float x) {
    return Math.max(x, 0f) + log1pUnit(exp(-Math.abs(x)));
  }

  /** The vector form of {@link #softplus(float)}. */
  static FloatVector softplus(FloatVector x) {
    return x.max(0f).add(log1pUnit(exp(x.abs().neg())));
  }
}
