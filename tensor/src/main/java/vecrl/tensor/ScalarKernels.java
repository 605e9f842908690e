package vecrl.tensor;

import vecrl.tensor.KernelChecks.Broadcast;

/**
 * The plain reference implementation: one loop per kernel, single-threaded, sums accumulated in
 * double. Every other backend is tested against it. Select it with {@code -Dvecrl.backend=scalar}.
 */
public final class ScalarKernels implements Kernels {
  // The kernels' names in error messages, made once: building "unary " + op on every call allocated
  // a string per kernel call (about 7 KB per SAC gradient step on this backend).
  private static final String[] UNARY = names("unary ", UnaryOp.values()), UNARY_BACKWARD = names("unaryBackward ", UnaryOp.values()),
      BINARY = names("binary ", BinaryOp.values()), BINARY_SCALAR = names("binaryScalar ", BinaryOp.values()),
      BINARY_BACKWARD = names("binaryBackward ", BinaryOp.values()), REDUCE_ROWS = names("reduceRows ", ReduceOp.values()),
      REDUCE_COLS = names("reduceCols ", ReduceOp.values()), REDUCE_ALL = names("reduceAll ", ReduceOp.values());

  private static String[] names(String prefix, Enum<?>[] ops) {
    String[] n = new String[ops.length];
    for (int i = 0; i < ops.length; i++) n[i] = prefix + ops[i];
    return n;
  }


  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public void matmul(Tensor a, boolean ta, Tensor b, boolean tb, Tensor c, float beta) {
    KernelChecks.matmul(a, ta, b, tb, c);
    int m = c.rows(), n = c.cols(), k = ta ? a.rows() : a.cols();
    float[] ad = a.data(), bd = b.data(), cd = c.data();
    int ao = a.offset(), bo = b.offset(), co = c.offset();
    int lda = a.cols(), ldb = b.cols();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          float av = ta ? ad[ao + p * lda + i] : ad[ao + i * lda + p];
          float bv = tb ? bd[bo + j * ldb + p] : bd[bo + p * ldb + j];
          s += (double) av * bv;
        }
        int ci = co + i * n + j;
        cd[ci] = beta == 0f ? (float) s : (float) (s + (double) beta * cd[ci]);
      }
    }
  }

  @Override
  public void unary(UnaryOp op, Tensor x, Tensor out) {
    KernelChecks.sameShape(UNARY[op.ordinal()], x, out);
    float[] xd = x.data(), od = out.data();
    int xo = x.offset(), oo = out.offset();
    for (int i = 0, n = x.size(); i < n; i++) od[oo + i] = op.apply(xd[xo + i]);
  }

  @Override
  public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx) {
    KernelChecks.sameShape(UNARY_BACKWARD[op.ordinal()], x, y, gy);
    KernelChecks.sameShape(UNARY_BACKWARD[op.ordinal()], x, gx);
    for (int i = 0, n = x.size(); i < n; i++) {
      float d = op.derivative(x.data()[x.offset() + i], y.data()[y.offset() + i]);
      gx.data()[gx.offset() + i] += d * gy.data()[gy.offset() + i];
    }
  }

  @Override
  public void clamp(Tensor x, float lo, float hi, Tensor out) {
    KernelChecks.sameShape("clamp", x, out);
    if (!(lo <= hi)) throw new IllegalArgumentException("clamp: lower bound " + lo + " exceeds upper bound " + hi);
    for (int i = 0, n = x.size(); i < n; i++) {
      out.data()[out.offset() + i] = Math.min(Math.max(x.data()[x.offset() + i], lo), hi);
    }
  }

  @Override
  public void clampBackward(Tensor x, float lo, float hi, Tensor gy, Tensor gx) {
    KernelChecks.sameShape("clampBackward", x, gy, gx);
    for (int i = 0, n = x.size(); i < n; i++) {
      float v = x.data()[x.offset() + i];
      if (v > lo && v < hi) gx.data()[gx.offset() + i] += gy.data()[gy.offset() + i];
    }
  }

  /** Flat index into {@code x} for output element (r, c), given how x broadcasts. */
  static int at(Broadcast kind, Tensor x, int r, int c) {
    return switch (kind) {
      case FULL -> x.offset() + r * x.cols() + c;
      case ROW -> x.offset() + c;
      case COLUMN -> x.offset() + r;
      case SCALAR -> x.offset();
    };
  }

  @Override
  public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    Broadcast ka = KernelChecks.broadcast(BINARY[op.ordinal()], a, out, "left operand");
    Broadcast kb = KernelChecks.broadcast(BINARY[op.ordinal()], b, out, "right operand");
    int rows = out.rows(), cols = out.cols();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out.data()[out.offset() + r * cols + c] =
            op.apply(a.data()[at(ka, a, r, c)], b.data()[at(kb, b, r, c)]);
      }
    }
  }

  @Override
  public void binaryScalar(BinaryOp op, Tensor a, float s, Tensor out) {
    KernelChecks.sameShape(BINARY_SCALAR[op.ordinal()], a, out);
    for (int i = 0, n = a.size(); i < n; i++) out.data()[out.offset() + i] = op.apply(a.data()[a.offset() + i], s);
  }

  @Override
  public void binaryBackward(BinaryOp op, Tensor a, Tensor b, Tensor gy, Tensor ga, Tensor gb) {
    String name = BINARY_BACKWARD[op.ordinal()];
    Broadcast ka = KernelChecks.broadcast(name, a, gy, "left operand");
    Broadcast kb = KernelChecks.broadcast(name, b, gy, "right operand");
    if (ga != null && ga.size() != a.size()) {
      throw new IllegalArgumentException(name + ": gradient " + ga.shapeString() + " does not match operand " + a.shapeString());
    }
    if (gb != null && gb.size() != b.size()) {
      throw new IllegalArgumentException(name + ": gradient " + gb.shapeString() + " does not match operand " + b.shapeString());
    }
    int rows = gy.rows(), cols = gy.cols();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int ia = at(ka, a, r, c), ib = at(kb, b, r, c);
        float av = a.data()[ia], bv = b.data()[ib], g = gy.data()[gy.offset() + r * cols + c];
        if (ga != null) ga.data()[ga.offset() + ia - a.offset()] += g * op.da(av, bv);
        if (gb != null) gb.data()[gb.offset() + ib - b.offset()] += g * op.db(av, bv);
      }
    }
  }

  @Override
  public void where(Tensor mask, Tensor a, Tensor b, Tensor out) {
    Broadcast km = KernelChecks.broadcast("where", mask, out, "mask");
    Broadcast ka = KernelChecks.broadcast("where", a, out, "left operand");
    Broadcast kb = KernelChecks.broadcast("where", b, out, "right operand");
    int rows = out.rows(), cols = out.cols();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        boolean pick = mask.data()[at(km, mask, r, c)] != 0f;
        out.data()[out.offset() + r * cols + c] = pick ? a.data()[at(ka, a, r, c)] : b.data()[at(kb, b, r, c)];
      }
    }
  }

  private static double reduce(ReduceOp op, float[] d, int start, int count, int stride) {
    double acc = op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : 0.0;
    for (int i = 0; i < count; i++) {
      float v = d[start + i * stride];
      if (op == ReduceOp.MAX) {
        if (v > acc || Float.isNaN(v)) acc = v;
        if (Double.isNaN(acc)) break;
      } else {
        acc += v;
      }
    }
    return op == ReduceOp.MEAN ? acc / count : acc;
  }

  @Override
  public void reduceRows(ReduceOp op, Tensor x, Tensor out) {
    KernelChecks.reduce(REDUCE_ROWS[op.ordinal()], x, out, x.rows(), "rows");
    for (int r = 0; r < x.rows(); r++) {
      out.data()[out.offset() + r] = (float) reduce(op, x.data(), x.offset() + r * x.cols(), x.cols(), 1);
    }
  }

  @Override
  public void reduceCols(ReduceOp op, Tensor x, Tensor out) {
    KernelChecks.reduce(REDUCE_COLS[op.ordinal()], x, out, x.cols(), "columns");
    for (int c = 0; c < x.cols(); c++) {
      out.data()[out.offset() + c] = (float) reduce(op, x.data(), x.offset() + c, x.rows(), x.cols());
    }
  }

  @Override
  public void reduceAll(ReduceOp op, Tensor x, Tensor out) {
    KernelChecks.reduce(REDUCE_ALL[op.ordinal()], x, out, 1, "value");
    out.data()[out.offset()] = (float) reduce(op, x.data(), x.offset(), x.size(), 1);
  }

  @Override
  public void argmaxRows(Tensor x, int[] out) {
    if (out.length != x.rows()) {
      throw new IllegalArgumentException("argmaxRows: " + x.shapeString() + " has " + x.rows() + " rows but the output holds " + out.length);
    }
    int cols = x.cols();
    for (int r = 0; r < x.rows(); r++) {
      int base = x.offset() + r * cols;
      int best = cols == 0 ? -1 : 0;
      for (int c = 1; c < cols; c++) {
        if (x.data()[base + c] > x.data()[base + best]) best = c;
      }
      out[r] = best;
    }
  }

  private static double logSumExp(float[] d, int base, int cols) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < cols; c++) max = Math.max(max, d[base + c]);
    if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max) || Double.isInfinite(max)) return max;
    double s = 0;
    for (int c = 0; c < cols; c++) s += Math.exp(d[base + c] - max);
    return max + Math.log(s);
  }

  @Override
  public void logSumExpRows(Tensor x, Tensor out) {
    KernelChecks.reduce("logSumExpRows", x, out, x.rows(), "rows");
    for (int r = 0; r < x.rows(); r++) {
      out.data()[out.offset() + r] = (float) logSumExp(x.data(), x.offset() + r * x.cols(), x.cols());
    }
  }

  @Override
  public void softmaxRows(Tensor x, Tensor out) {
    KernelChecks.sameShape("softmaxRows", x, out);
    int cols = x.cols();
    for (int r = 0; r < x.rows(); r++) {
      int xb = x.offset() + r * cols, ob = out.offset() + r * cols;
      double lse = logSumExp(x.data(), xb, cols);
      for (int c = 0; c < cols; c++) out.data()[ob + c] = (float) Math.exp(x.data()[xb + c] - lse);
    }
  }

  @Override
  public void logSoftmaxRows(Tensor x, Tensor out) {
    KernelChecks.sameShape("logSoftmaxRows", x, out);
    int cols = x.cols();
    for (int r = 0; r < x.rows(); r++) {
      int xb = x.offset() + r * cols, ob = out.offset() + r * cols;
      double lse = logSumExp(x.data(), xb, cols);
      for (int c = 0; c < cols; c++) out.data()[ob + c] = (float) (x.data()[xb + c] - lse);
    }
  }

  @Override
  public void gatherRows(Tensor x, int[] idx, Tensor out) {
    KernelChecks.indices("gatherRows", x, idx);
    KernelChecks.reduce("gatherRows", x, out, x.rows(), "rows");
    for (int r = 0; r < x.rows(); r++) out.data()[out.offset() + r] = x.data()[x.offset() + r * x.cols() + idx[r]];
  }

  @Override
  public void scatterAddRows(Tensor src, int[] idx, Tensor out) {
    KernelChecks.indices("scatterAddRows", out, idx);
    KernelChecks.reduce("scatterAddRows", out, src, out.rows(), "rows");
    for (int r = 0; r < out.rows(); r++) out.data()[out.offset() + r * out.cols() + idx[r]] += src.data()[src.offset() + r];
  }

  /** Direct convolution, sums in double; {@code cols} is not used. */
  @Override
  public void conv2d(Tensor x, Tensor w, Tensor bias, UnaryOp act, Conv2dGeometry g, Tensor cols, Tensor out) {
    g.checkInput("conv2d", x);
    g.checkWeight("conv2d", w);
    g.checkBias("conv2d", bias);
    g.checkMatrix("conv2d", "output", out, g.outRows(), g.outChannels());
    int oh = g.outHeight(), ow = g.outWidth(), c = g.channels(), s = g.stride(), p = g.padding(), oc = g.outChannels();
    int h = g.height(), wd = g.width(), patch = g.patchSize();
    for (int n = 0, r = 0; n < g.batch(); n++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++, r++) {
          for (int f = 0; f < oc; f++) {
            double sum = bias == null ? 0.0 : bias.data()[bias.offset() + f];
            for (int kh = 0; kh < g.kernelH(); kh++) {
              int ih = i * s - p + kh;
              if (ih < 0 || ih >= h) continue;
              for (int kw = 0; kw < g.kernelW(); kw++) {
                int iw = j * s - p + kw;
                if (iw < 0 || iw >= wd) continue;
                int xi = x.offset() + ((n * h + ih) * wd + iw) * c;
                int wi = w.offset() + f * patch + (kh * g.kernelW() + kw) * c;
                for (int ch = 0; ch < c; ch++) sum += (double) x.data()[xi + ch] * w.data()[wi + ch];
              }
            }
            float v = (float) sum;
            out.data()[out.offset() + r * oc + f] = act == null ? v : act.apply(v);
          }
        }
      }
    }
  }

  /** Direct gradients, sums in double; {@code cols} is neither read nor written. */
  @Override
  public void conv2dBackward(Tensor x, Tensor w, Tensor gy, Conv2dGeometry g, Tensor cols, Tensor gx, Tensor gw, Tensor gb) {
    g.checkInput("conv2dBackward", x);
    g.checkWeight("conv2dBackward", w);
    g.checkMatrix("conv2dBackward", "output gradient", gy, g.outRows(), g.outChannels());
    g.checkBias("conv2dBackward", gb);
    int oh = g.outHeight(), ow = g.outWidth(), c = g.channels(), s = g.stride(), p = g.padding(), oc = g.outChannels();
    int h = g.height(), wd = g.width(), patch = g.patchSize(), kH = g.kernelH(), kW = g.kernelW();
    float[] gd = gy.data();
    int go = gy.offset();
    if (gb != null) {
      for (int f = 0; f < oc; f++) {
        double sum = 0;
        for (int r = 0; r < g.outRows(); r++) sum += gd[go + r * oc + f];
        gb.data()[gb.offset() + f] += (float) sum;
      }
    }
    if (gw != null) {
      g.checkWeight("conv2dBackward weight gradient", gw);
      for (int f = 0; f < oc; f++) {
        for (int kh = 0; kh < kH; kh++) {
          for (int kw = 0; kw < kW; kw++) {
            for (int ch = 0; ch < c; ch++) {
              double sum = 0;
              for (int n = 0; n < g.batch(); n++) {
                for (int i = 0; i < oh; i++) {
                  int ih = i * s - p + kh;
                  if (ih < 0 || ih >= h) continue;
                  for (int j = 0; j < ow; j++) {
                    int iw = j * s - p + kw;
                    if (iw < 0 || iw >= wd) continue;
                    int r = (n * oh + i) * ow + j;
                    sum += (double) gd[go + r * oc + f] * x.data()[x.offset() + ((n * h + ih) * wd + iw) * c + ch];
                  }
                }
              }
              gw.data()[gw.offset() + f * patch + (kh * kW + kw) * c + ch] += (float) sum;
            }
          }
        }
      }
    }
    if (gx != null) {
      g.checkInput("conv2dBackward input gradient", gx);
      for (int n = 0; n < g.batch(); n++) {
        for (int ih = 0; ih < h; ih++) {
          for (int iw = 0; iw < wd; iw++) {
            for (int ch = 0; ch < c; ch++) {
              double sum = 0;
              for (int kh = 0; kh < kH; kh++) {
                int t = ih + p - kh;
                if (t < 0 || t % s != 0 || t / s >= oh) continue;
                int i = t / s;
                for (int kw = 0; kw < kW; kw++) {
                  int u = iw + p - kw;
                  if (u < 0 || u % s != 0 || u / s >= ow) continue;
                  int r = (n * oh + i) * ow + u / s;
                  for (int f = 0; f < oc; f++) {
                    sum += (double) gd[go + r * oc + f] * w.data()[w.offset() + f * patch + (kh * kW + kw) * c + ch];
                  }
                }
              }
              gx.data()[gx.offset() + ((n * h + ih) * wd + iw) * c + ch] += (float) sum;
            }
          }
        }
      }
    }
  }

  @Override
  public void fill(Tensor out, float value) {
    out.fill(value);
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    dst.copyFrom(src);
  }

  @Override
  public void adamStep(Tensor p, Tensor g, Tensor m, Tensor v,
      float lr, float beta1, float beta2, float eps, float weightDecay, long t) {
    KernelChecks.sameShape("adamStep", p, g, m);
    KernelChecks.sameShape("adamStep", p, v);
    if (t < 1) throw new IllegalArgumentException("adamStep: step count " + t + " must be at least 1");
    double bc1 = 1.0 - Math.pow(beta1, t), bc2 = 1.0 - Math.pow(beta2, t);
    for (int i = 0, n = p.size(); i < n; i++) {
      float gi = g.data()[g.offset() + i];
      float mi = beta1 * m.data()[m.offset() + i] + (1f - beta1) * gi;
      float vi = beta2 * v.data()[v.offset() + i] + (1f - beta2) * gi * gi;
      m.data()[m.offset() + i] = mi;
      v.data()[v.offset() + i] = vi;
      float pi = p.data()[p.offset() + i];
      pi -= lr * weightDecay * pi;
      pi -= (float) (lr * (mi / bc1) / (Math.sqrt(vi / bc2) + eps));
      p.data()[p.offset() + i] = pi;
    }
  }
}
