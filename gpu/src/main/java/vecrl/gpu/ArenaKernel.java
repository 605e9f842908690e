package vecrl.gpu;

import com.aparapi.Kernel;

/**
 * Every op of the resident mode in one OpenCL program, over one device arena. All float operands
 * live in {@code mem} (the arena: a region per backing array, see {@link DeviceMemory}) and are
 * addressed by offsets, so the arena is bound once and never rebound: Aparapi keeps an
 * explicit-mode buffer per kernel field, and rebinding a field releases its buffer. Host data
 * enters and leaves through {@code stage} ({@link #STAGE_IN}, {@link #STAGE_OUT}), which is bound
 * to the one array being copied, so a copy moves exactly that array's bytes. Index arrays ({@code
 * idx}, argmax's {@code iout}) are host data, copied per call.
 *
 * <p>Operand roles per mode (offsets into {@code mem}):
 * <ul>
 *   <li>elementwise modes ({@link #UNARY} .. {@link #COPY}): inputs x, y, z at xo, yo, zo with
 *       broadcast kinds kx, ky, kz (0 full, 1 row, 2 column, 3 single value); output at oo;
 *   <li>{@link #BINARY_GRAD}: operands a, b at xo, yo (kinds kx, ky), gy at zo, gradient at oo (kind kt);
 *   <li>line modes ({@link #SUM} .. {@link #SCATTER_ADD}): x at xo, out at oo, as {@code LineKernel};
 *   <li>{@link #ADAM}: parameter at oo, gradient at xo, m at yo, v at zo;
 *   <li>{@link #MATMUL}: a at xo, b at yo, c at oo; 2-D range of tile x tile work-groups, as
 *       {@code MatmulKernel};
 *   <li>{@link #IM2COL}: input at xo, patch matrix at oo, one work item per patch-matrix element;
 *       {@link #COL2IM}: patch matrix at xo, input gradient at oo, one work item per input element;
 *       geometry in the {@code cv*} fields, as {@code Conv2dKernel}.
 * </ul>
 * Field values are set by {@link OpenClKernels} under the backend's lock.
 */
final class ArenaKernel extends Kernel {
  static final int UNARY = 0, UNARY_BACKWARD = 1, CLAMP = 2, CLAMP_BACKWARD = 3, BINARY = 4,
      BINARY_SCALAR = 5, WHERE = 6, FILL = 7, COPY = 8, BINARY_GRAD = 9,
      SUM = 10, MEAN = 11, MAX = 12, LOG_SUM_EXP = 13, SOFTMAX = 14, LOG_SOFTMAX = 15, ARGMAX = 16,
      GATHER = 17, SCATTER_ADD = 18, ADAM = 19, MATMUL = 20, STAGE_IN = 21, STAGE_OUT = 22, IM2COL = 23,
      COL2IM = 24;

  final int tile;
  @Local final float[] tileA;
  @Local final float[] tileB;

  float[] mem, stage;
  int[] idx, iout;
  int xo, yo, zo, oo;
  int kx, ky, kz, kt;
  int mode, op, wrtB, rows, cols, n;
  float s1, s2;
  int lines, count, lineStride, stride, outLineStride;
  float negInf;
  int mm, mn, mk, lda, ldb, ta, tb;
  float beta;
  float lr, beta1, beta2, eps, weightDecay, bc1, bc2;
  int cvH, cvW, cvC, cvKh, cvKw, cvS, cvP, cvOh, cvOw;

  ArenaKernel(int tile, float[] arena, float[] dummy, int[] intDummy) {
    this.tile = tile;
    this.tileA = new float[tile * tile];
    this.tileB = new float[tile * tile];
    mem = arena;
    stage = dummy;
    idx = iout = intDummy;
    negInf = Float.NEGATIVE_INFINITY;
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

  /** d op/da (wrtB 0) or d op/db (wrtB 1). */
  private float partial(float av, float bv) {
    float d = 1f;
    if (wrtB == 0) {
      if (op == 2) d = bv;
      if (op == 3) d = 1f / bv;
      if (op == 4) d = av >= bv ? 1f : 0f;
      if (op == 5) d = av <= bv ? 1f : 0f;
    } else {
      if (op == 1) d = -1f;
      if (op == 2) d = av;
      if (op == 3) d = -av / (bv * bv);
      if (op == 4) d = av >= bv ? 0f : 1f;
      if (op == 5) d = av <= bv ? 0f : 1f;
    }
    return d;
  }

  private void elementwise(int i) {
    int r = i / cols;
    int c = i - r * cols;
    int o = oo + i;
    if (mode == UNARY) mem[o] = unaryOf(op, mem[xo + i]);
    if (mode == UNARY_BACKWARD) mem[o] = mem[o] + unaryDerivative(op, mem[xo + i], mem[yo + i]) * mem[zo + i];
    if (mode == CLAMP) mem[o] = binaryOf(5, binaryOf(4, mem[xo + i], s1), s2);
    if (mode == CLAMP_BACKWARD) {
      float v = mem[xo + i];
      if (v > s1 && v < s2) mem[o] = mem[o] + mem[zo + i];
    }
    if (mode == BINARY) mem[o] = binaryOf(op, mem[at(kx, xo, r, c)], mem[at(ky, yo, r, c)]);
    if (mode == BINARY_SCALAR) mem[o] = binaryOf(op, mem[xo + i], s1);
    if (mode == WHERE) mem[o] = mem[at(kx, xo, r, c)] != 0f ? mem[at(ky, yo, r, c)] : mem[at(kz, zo, r, c)];
    if (mode == FILL) mem[o] = s1;
    if (mode == COPY) mem[o] = mem[xo + i];
  }

  private void binaryGrad(int j) {
    int r0 = 0, r1 = rows, c0 = 0, c1 = cols;
    if (kt == 0) {
      r0 = j / cols;
      r1 = r0 + 1;
      c0 = j - r0 * cols;
      c1 = c0 + 1;
    }
    if (kt == 1) {
      c0 = j;
      c1 = j + 1;
    }
    if (kt == 2) {
      r0 = j;
      r1 = j + 1;
    }
    float acc = 0f;
    for (int r = r0; r < r1; r++) {
      for (int c = c0; c < c1; c++) {
        acc += mem[zo + r * cols + c] * partial(mem[at(kx, xo, r, c)], mem[at(ky, yo, r, c)]);
      }
    }
    mem[oo + j] = mem[oo + j] + acc;
  }

  private float lineMax(int base) {
    float m = negInf;
    for (int t = 0; t < count; t++) {
      float v = mem[base + t * stride];
      if (v > m || v != v) m = v;
      if (m != m) t = count;
    }
    return m;
  }

  private float logSumExp(int base) {
    float m = lineMax(base);
    float r = m;
    if (m != m || m == negInf || m == -negInf) {
      r = m;
    } else {
      float s = 0f;
      for (int t = 0; t < count; t++) s += exp(mem[base + t * stride] - m);
      r = m + log(s);
    }
    return r;
  }

  private void line(int j) {
    int base = xo + j * lineStride;
    if (mode == SUM || mode == MEAN) {
      float s = 0f;
      for (int t = 0; t < count; t++) s += mem[base + t * stride];
      mem[oo + j] = mode == MEAN ? s / count : s;
    }
    if (mode == MAX) mem[oo + j] = lineMax(base);
    if (mode == LOG_SUM_EXP) mem[oo + j] = logSumExp(base);
    if (mode == SOFTMAX || mode == LOG_SOFTMAX) {
      float lse = logSumExp(base);
      int ob = oo + j * outLineStride;
      for (int t = 0; t < count; t++) {
        float d = mem[base + t] - lse;
        mem[ob + t] = mode == SOFTMAX ? exp(d) : d;
      }
    }
    if (mode == ARGMAX) {
      int best = count == 0 ? -1 : 0;
      for (int t = 1; t < count; t++) {
        if (mem[base + t] > mem[base + best]) best = t;
      }
      iout[j] = best;
    }
    if (mode == GATHER) mem[oo + j] = mem[base + idx[j]];
    if (mode == SCATTER_ADD) {
      int o = oo + j * outLineStride + idx[j];
      mem[o] = mem[o] + mem[xo + j];
    }
  }

  private float adamStep(float pi, float mi, float vi) {
    float q = pi - lr * weightDecay * pi;
    return q - lr * (mi / bc1) / (sqrt(vi / bc2) + eps);
  }

  private void adam(int i) {
    float gi = mem[xo + i];
    float mi = beta1 * mem[yo + i] + (1f - beta1) * gi;
    float vi = beta2 * mem[zo + i] + (1f - beta2) * gi * gi;
    mem[yo + i] = mi;
    mem[zo + i] = vi;
    mem[oo + i] = adamStep(mem[oo + i], mi, vi);
  }

  /** Patch-matrix element e of the im2col matrix, as {@code Conv2dKernel#im2col}. */
  private void im2col(int e) {
    int patch = cvKh * cvKw * cvC;
    int r = e / patch;
    int q = e - r * patch;
    int kh = q / (cvKw * cvC);
    int q2 = q - kh * cvKw * cvC;
    int kw = q2 / cvC;
    int c = q2 - kw * cvC;
    int per = cvOh * cvOw;
    int b = r / per;
    int rr = r - b * per;
    int i = rr / cvOw;
    int j = rr - i * cvOw;
    int ih = i * cvS - cvP + kh;
    int iw = j * cvS - cvP + kw;
    float v = 0f;
    if (ih >= 0 && ih < cvH && iw >= 0 && iw < cvW) v = mem[xo + ((b * cvH + ih) * cvW + iw) * cvC + c];
    mem[oo + e] = v;
  }

  /** Input element e gathers its patch entries in the host loop's order, as {@code Conv2dKernel#col2im}. */
  private void col2im(int e) {
    int c = e % cvC;
    int pix = e / cvC;
    int iw = pix % cvW;
    int bh = pix / cvW;
    int ih = bh % cvH;
    int b = bh / cvH;
    int patch = cvKh * cvKw * cvC;
    int ti = ih + cvP - cvKh + 1;
    int iLo = ti <= 0 ? 0 : (ti + cvS - 1) / cvS;
    int iHi = min(cvOh - 1, (ih + cvP) / cvS);
    int tj = iw + cvP - cvKw + 1;
    int jLo = tj <= 0 ? 0 : (tj + cvS - 1) / cvS;
    int jHi = min(cvOw - 1, (iw + cvP) / cvS);
    float acc = mem[oo + e];
    for (int i = iLo; i <= iHi; i++) {
      int kh = ih + cvP - i * cvS;
      for (int j = jLo; j <= jHi; j++) {
        int kw = iw + cvP - j * cvS;
        int r = (b * cvOh + i) * cvOw + j;
        acc += mem[xo + r * patch + (kh * cvKw + kw) * cvC + c];
      }
    }
    mem[oo + e] = acc;
  }

  @Override
  public void run() {
    if (mode == MATMUL) {
      // Tiled c = op(a) . op(b) + beta c, as MatmulKernel; the branch is uniform over the launch.
      int t = tile;
      int lx = getLocalId(0);
      int ly = getLocalId(1);
      int j = getGlobalId(0);
      int i = getGlobalId(1);
      float acc = 0f;
      for (int p0 = 0; p0 < mk; p0 += t) {
        int p = p0 + lx;
        float av = 0f;
        if (i < mm && p < mk) av = ta == 1 ? mem[xo + p * lda + i] : mem[xo + i * lda + p];
        tileA[ly * t + lx] = av;
        int q = p0 + ly;
        float bv = 0f;
        if (q < mk && j < mn) bv = tb == 1 ? mem[yo + j * ldb + q] : mem[yo + q * ldb + j];
        tileB[ly * t + lx] = bv;
        localBarrier();
        for (int s = 0; s < t; s++) acc += tileA[ly * t + s] * tileB[s * t + lx];
        localBarrier();
      }
      if (i < mm && j < mn) {
        int ci = oo + i * mn + j;
        mem[ci] = beta == 0f ? acc : acc + beta * mem[ci];
      }
    } else {
      int i = getGlobalId();
      if (i < n) {
        if (mode <= COPY) elementwise(i);
        if (mode == BINARY_GRAD) binaryGrad(i);
        if (mode >= SUM && mode <= SCATTER_ADD) line(i);
        if (mode == ADAM) adam(i);
        if (mode == STAGE_IN) mem[oo + i] = stage[i];
        if (mode == STAGE_OUT) stage[i] = mem[oo + i];
        if (mode == IM2COL) im2col(i);
        if (mode == COL2IM) col2im(i);
      }
    }
  }
}
