package vecrl.gpu;

import com.aparapi.Kernel;

/**
 * Every elementwise kernel in one OpenCL program: one work item per output element, an op code
 * chooses what it computes. Inputs x, y, z are read with broadcasting (kind: 0 full, 1 row, 2
 * column, 3 single value); {@code out} is the only array the kernel writes, so Aparapi copies back
 * exactly one array. Field values are set by {@link OpenClKernels} under this object's lock.
 */
final class ElementwiseKernel extends Kernel {
  static final int UNARY = 0, UNARY_BACKWARD = 1, CLAMP = 2, CLAMP_BACKWARD = 3, BINARY = 4,
      BINARY_SCALAR = 5, WHERE = 6, FILL = 7, COPY = 8;

  float[] x, y, z, out;
  int xo, yo, zo, oo;
  int kx, ky, kz;
  int mode, op, rows, cols, n;
  float s1, s2;

  ElementwiseKernel(float[] dummy) {
    x = y = z = out = dummy;
  }

  private int at(int kind, int offset, int r, int c) {
    int i = offset;
    if (kind == 0) i = offset + r * cols + c;
    if (kind == 1) i = offset + c;
    if (kind == 2) i = offset + r;
    return i;
  }

  /** UnaryOp codes in declaration order: EXP LOG TANH SIGMOID RELU SOFTPLUS SQUARE SQRT ABS NEG. */
  private float unaryOf(int code, float v) {
    float r = -v;
    if (code == 0) r = exp(v);
    if (code == 1) r = log(v);
    if (code == 2) r = tanh(v);
    if (code == 3) r = sigmoid(v);
    if (code == 4) r = v > 0f ? v : 0f;
    if (code == 5) r = (v > 0f ? v : 0f) + log1p(exp(-abs(v)));
    if (code == 6) r = v * v;
    if (code == 7) r = sqrt(v);
    if (code == 8) r = abs(v);
    return r;
  }

  private float sigmoid(float v) {
    // Aparapi drops a local declared without a value: every local starts initialised.
    float r = 0f;
    float e = exp(-abs(v));
    if (v >= 0f) {
      r = 1f / (1f + e);
    } else {
      r = e / (1f + e);
    }
    return r;
  }

  private float unaryDerivative(int code, float v, float w) {
    float d = -1f;
    if (code == 0) d = w;
    if (code == 1) d = 1f / v;
    if (code == 2) d = 1f - w * w;
    if (code == 3) d = w * (1f - w);
    if (code == 4) d = v > 0f ? 1f : 0f;
    if (code == 5) d = sigmoid(v);
    if (code == 6) d = 2f * v;
    if (code == 7) d = 0.5f / w;
    if (code == 8) d = v > 0f ? 1f : (v < 0f ? -1f : 0f);
    return d;
  }

  /** BinaryOp codes: ADD SUB MUL DIV MAX MIN; MAX and MIN propagate NaN as Math.max/min do. */
  private float binaryOf(int code, float a, float b) {
    float r = a + b;
    if (code == 1) r = a - b;
    if (code == 2) r = a * b;
    if (code == 3) r = a / b;
    if (code == 4) r = a != a ? a : (b != b ? b : (a >= b ? a : b));
    if (code == 5) r = a != a ? a : (b != b ? b : (a <= b ? a : b));
    return r;
  }

  @Override
  public void run() {
    int i = getGlobalId();
    if (i < n) {
      int r = i / cols;
      int c = i - r * cols;
      int o = oo + i;
      if (mode == UNARY) out[o] = unaryOf(op, x[xo + i]);
      if (mode == UNARY_BACKWARD) out[o] = out[o] + unaryDerivative(op, x[xo + i], y[yo + i]) * z[zo + i];
      if (mode == CLAMP) out[o] = binaryOf(5, binaryOf(4, x[xo + i], s1), s2);
      if (mode == CLAMP_BACKWARD) {
        float v = x[xo + i];
        if (v > s1 && v < s2) out[o] = out[o] + z[zo + i];
      }
      if (mode == BINARY) out[o] = binaryOf(op, x[at(kx, xo, r, c)], y[at(ky, yo, r, c)]);
      if (mode == BINARY_SCALAR) out[o] = binaryOf(op, x[xo + i], s1);
      if (mode == WHERE) out[o] = x[at(kx, xo, r, c)] != 0f ? y[at(ky, yo, r, c)] : z[at(kz, zo, r, c)];
      if (mode == FILL) out[o] = s1;
      if (mode == COPY) out[o] = x[xo + i];
    }
  }
}
