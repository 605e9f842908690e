package vecrl.tensor;

/**
 * Elementwise functions of one argument. Each constant carries its scalar definition ({@link
 * #apply}) and its derivative ({@link #derivative}), which the scalar reference kernels use and
 * every other backend is tested against.
 */
public enum UnaryOp {
  EXP {
    @Override public float apply(float x) { return (float) Math.exp(x); }
    @Override public float derivative(float x, float y) { return y; }
  },
  LOG {
    @Override public float apply(float x) { return (float) Math.log(x); }
    @Override public float derivative(float x, float y) { return 1f / x; }
  },
  TANH {
    @Override public float apply(float x) { return (float) Math.tanh(x); }
    @Override public float derivative(float x, float y) { return 1f - y * y; }
  },
  SIGMOID {
    @Override public float apply(float x) {
      // Written so that neither branch overflows: exp of a non-positive number only.
      if (x >= 0) return (float) (1.0 / (1.0 + Math.exp(-x)));
      double e = Math.exp(x);
      return (float) (e / (1.0 + e));
    }
    @Override public float derivative(float x, float y) { return y * (1f - y); }
  },
  RELU {
    @Override public float apply(float x) { return x > 0f ? x : 0f; }
    @Override public float derivative(float x, float y) { return x > 0f ? 1f : 0f; }
  },
  /** log(1 + exp(x)), computed as max(x, 0) + log1p(exp(-|x|)) so it never overflows. */
  SOFTPLUS {
    @Override public float apply(float x) { return (float) (Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)))); }
    @Override public float derivative(float x, float y) { return SIGMOID.apply(x); }
  },
  SQUARE {
    @Override public float apply(float x) { return x * x; }
    @Override public float derivative(float x, float y) { return 2f * x; }
  },
  SQRT {
    @Override public float apply(float x) { return (float) Math.sqrt(x); }
    @Override public float derivative(float x, float y) { return 0.5f / y; }
  },
  ABS {
    @Override public float apply(float x) { return Math.abs(x); }
    @Override public float derivative(float x, float y) { return x > 0f ? 1f : (x < 0f ? -1f : 0f); }
  },
  NEG {
    @Override public float apply(float x) { return -x; }
    @Override public float derivative(float x, float y) { return -1f; }
  };

  /** The function's value at {@code x}. */
  public abstract float apply(float x);

  /** d apply / dx at {@code x}, given {@code y = apply(x)} (some derivatives are cheaper from y). */
  public abstract float derivative(float x, float y);

  /**
   * Whether the derivative can be had from the output alone: {@code derivative(y, y) ==
   * derivative(x, y)} for every x. Then a layer need not keep its pre-activation for backward and
   * can apply the op in place. True for exp, tanh, sigmoid, sqrt and neg, and for relu (y > 0
   * exactly where x > 0).
   */
  public boolean derivativeFromOutput() {
    return switch (this) {
      case EXP, TANH, SIGMOID, RELU, SQRT, NEG -> true;
      default -> false;
    };
  }
}
