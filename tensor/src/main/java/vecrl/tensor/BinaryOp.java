package vecrl.tensor;

/** Elementwise functions of two arguments, with their scalar definitions and partial derivatives. */
public enum BinaryOp {
  ADD {
    @Override public float apply(float a, float b) { return a + b; }
    @Override public float da(float a, float b) { return 1f; }
    @Override public float db(float a, float b) { return 1f; }
  },
  SUB {
    @Override public float apply(float a, float b) { return a - b; }
    @Override public float da(float a, float b) { return 1f; }
    @Override public float db(float a, float b) { return -1f; }
  },
  MUL {
    @Override public float apply(float a, float b) { return a * b; }
    @Override public float da(float a, float b) { return b; }
    @Override public float db(float a, float b) { return a; }
  },
  DIV {
    @Override public float apply(float a, float b) { return a / b; }
    @Override public float da(float a, float b) { return 1f / b; }
    @Override public float db(float a, float b) { return -a / (b * b); }
  },
  /** The larger value; on a tie the gradient goes to {@code a}. */
  MAX {
    @Override public float apply(float a, float b) { return Math.max(a, b); }
    @Override public float da(float a, float b) { return a >= b ? 1f : 0f; }
    @Override public float db(float a, float b) { return a >= b ? 0f : 1f; }
  },
  /** The smaller value; on a tie the gradient goes to {@code a}. */
  MIN {
    @Override public float apply(float a, float b) { return Math.min(a, b); }
    @Override public float da(float a, float b) { return a <= b ? 1f : 0f; }
    @Override public float db(float a, float b) { return a <= b ? 0f : 1f; }
  };

  public abstract float apply(float a, float b);

  /** d apply / da. */
  public abstract float da(float a, float b);

  /** d apply / db. */
  public abstract float db(float a, float b);
}
