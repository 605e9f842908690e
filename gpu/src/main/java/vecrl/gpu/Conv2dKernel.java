package vecrl.gpu;

import com.aparapi.Kernel;

/**
 * The patch copies of a channels-last convolution (see {@link vecrl.tensor.Conv2dGeometry}), for
 * the implicit mode; {@link ArenaKernel} holds the same two modes for the resident one.
 * <ul>
 *   <li>{@link #IM2COL}: one work item per element of the patch matrix {@code cols} ({@code
 *       [outRows, kernelH * kernelW * channels]}), copied from the input {@code x} or 0 in the
 *       padding; {@code cols} is the only array written.
 *   <li>{@link #COL2IM}: one work item per element of the input gradient {@code x}, which adds the
 *       patch-matrix entries read from it, output row after output row (the order of the host
 *       loop in {@link vecrl.tensor.Kernels#col2imAdd}, so the float sums are the same); no two
 *       work items write one element, so no atomics are needed; {@code x} is the only array
 *       written.
 * </ul>
 */
final class Conv2dKernel extends Kernel {
  static final int IM2COL = 0, COL2IM = 1;

  float[] x, cols;
  int xo, co, mode, n;
  int cvH, cvW, cvC, cvKh, cvKw, cvS, cvP, cvOh, cvOw;

  Conv2dKernel(float[] dummy) {
    x = cols = dummy;
  }

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
    if (ih >= 0 && ih < cvH && iw >= 0 && iw < cvW) v = x[xo + ((b * cvH + ih) * cvW + iw) * cvC + c];
    cols[co + e] = v;
  }

  private void col2im(int e) {
    int c = e % cvC;
    int pix = e / cvC;
    int iw = pix % cvW;
    int bh = pix / cvW;
    int ih = bh % cvH;
    int b = bh / cvH;
    int patch = cvKh * cvKw * cvC;
    // Output rows i whose window covers row ih: kh = ih + padding - i * stride within [0, kernelH).
    int ti = ih + cvP - cvKh + 1;
    int iLo = ti <= 0 ? 0 : (ti + cvS - 1) / cvS;
    int iHi = min(cvOh - 1, (ih + cvP) / cvS);
    int tj = iw + cvP - cvKw + 1;
    int jLo = tj <= 0 ? 0 : (tj + cvS - 1) / cvS;
    int jHi = min(cvOw - 1, (iw + cvP) / cvS);
    float acc = x[xo + e];
    for (int i = iLo; i <= iHi; i++) {
      int kh = ih + cvP - i * cvS;
      for (int j = jLo; j <= jHi; j++) {
        int kw = iw + cvP - j * cvS;
        int r = (b * cvOh + i) * cvOw + j;
        acc += cols[co + r * patch + (kh * cvKw + kw) * cvC + c];
      }
    }
    x[xo + e] = acc;
  }

  @Override
  public void run() {
    int i = getGlobalId();
    if (i < n) {
      if (mode == IM2COL) im2col(i);
      if (mode == COL2IM) col2im(i);
    }
  }
}
