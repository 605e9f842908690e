package vecrl.gpu;

import com.aparapi.Kernel;

/**
 * Kernels that walk one line of a matrix per work item: a line is a row (stride 1), a column
 * (stride cols) or the whole tensor. Covers reductions, log-sum-exp, softmax, log-softmax, argmax,
 * gather and scatter-add. Policy batches have many short rows (actions, features), so one work item
 * per row keeps every lane busy without work-group reductions. {@code out} (float) and {@code iout}
 * (int, argmax only) are the only arrays written.
 */
final class LineKernel extends Kernel {
  static final int SUM = 0, MEAN = 1, MAX = 2, LOG_SUM_EXP = 3, SOFTMAX = 4, LOG_SOFTMAX = 5, ARGMAX = 6,
      GATHER = 7, SCATTER_ADD = 8;

  float[] x, out;
  int[] idx, iout;
  int xo, oo;
  int mode, lines, count, lineStride, stride, outLineStride;
  float negInf;

  LineKernel(float[] dummy, int[] intDummy) {
    x = out = dummy;
    idx = iout = intDummy;
    negInf = Float.NEGATIVE_INFINITY;
  }

  /** The largest value of line j; NaN if any value is NaN, -infinity over no values. */
  private float lineMax(int base) {
    float m = negInf;
    for (int t = 0; t < count; t++) {
      float v = x[base + t * stride];
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
      for (int t = 0; t < count; t++) s += exp(x[base + t * stride] - m);
      r = m + log(s);
    }
    return r;
  }

  @Override
  public void run() {
    int j = getGlobalId();
    if (j < lines) {
      int base = xo + j * lineStride;
      if (mode == SUM || mode == MEAN) {
        float s = 0f;
        for (int t = 0; t < count; t++) s += x[base + t * stride];
        out[oo + j] = mode == MEAN ? s / count : s;
      }
      if (mode == MAX) out[oo + j] = lineMax(base);
      if (mode == LOG_SUM_EXP) out[oo + j] = logSumExp(base);
      if (mode == SOFTMAX || mode == LOG_SOFTMAX) {
        float lse = logSumExp(base);
        int ob = oo + j * outLineStride;
        for (int t = 0; t < count; t++) {
          float d = x[base + t] - lse;
          out[ob + t] = mode == SOFTMAX ? exp(d) : d;
        }
      }
      if (mode == ARGMAX) {
        int best = count == 0 ? -1 : 0;
        for (int t = 1; t < count; t++) {
          if (x[base + t] > x[base + best]) best = t;
        }
        iout[j] = best;
      }
      if (mode == GATHER) out[oo + j] = x[base + idx[j]];
      if (mode == SCATTER_ADD) {
        int o = oo + j * outLineStride + idx[j];
        out[o] = out[o] + x[xo + j];
      }
    }
  }
}
