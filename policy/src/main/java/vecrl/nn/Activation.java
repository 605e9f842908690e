package vecrl.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
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
   * path. TANH and SIGMOID use the Vector API's lanewise functions, which agree with the scalar
   * definition to a few ulps, not bit for bit.
   */
  public void applyInPlace(float[] y, int off, int n) {
    switch (this) {
      case IDENTITY -> { }
      case TANH -> {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += S.length()) {
          FloatVector.fromArray(S, y, off + i).lanewise(VectorOperators.TANH).intoArray(y, off + i);
        }
        for (; i < n; i++) y[off + i] = (float) Math.tanh(y[off + i]);
      }
      case RELU -> {
        for (int i = 0; i < n; i++) y[off + i] = Math.max(y[off + i], 0f);
      }
      default -> {
        for (int i = 0; i < n; i++) y[off + i] = op.apply(y[off + i]);
      }
    }
  }

  /** Parses a name case-insensitively ({@code tanh}, {@code relu}, ...); unknown names list the valid ones. */
  public static Activation parse(String name) {
    for (Activation a : values()) if (a.name().equalsIgnoreCase(name.trim())) return a;
    throw new IllegalArgumentException("Activation: unknown '" + name + "'; expected one of "
        + java.util.Arrays.toString(values()).toLowerCase());
  }
}
