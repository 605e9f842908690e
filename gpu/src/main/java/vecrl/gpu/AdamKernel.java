package vecrl.gpu;

import com.aparapi.Kernel;

/**
 * One Adam/AdamW step per element. Phase 0 updates m, v and the parameter in one pass. When the
 * parameter, m and v share a backing array (views of one flat buffer) the update runs as three
 * passes (1: m, 2: v, 3: parameter, reading m and v through the read-only {@code mIn}/{@code vIn}),
 * with every other written field pointed at a dummy, so that each pass writes one real array and
 * a device copy of one view never overwrites another's result.
 */
final class AdamKernel extends Kernel {
  float[] p, g, m, v, mIn, vIn;
  int po, go, mo, vo, n, phase;
  float lr, beta1, beta2, eps, weightDecay, bc1, bc2;

  AdamKernel(float[] dummy) {
    p = g = m = v = mIn = vIn = dummy;
  }

  private float step(float pi, float mi, float vi) {
    float q = pi - lr * weightDecay * pi;
    return q - lr * (mi / bc1) / (sqrt(vi / bc2) + eps);
  }

  @Override
  public void run() {
    int i = getGlobalId();
    if (i < n) {
      float gi = g[go + i];
      if (phase == 0) {
        float mi = beta1 * m[mo + i] + (1f - beta1) * gi;
        float vi = beta2 * v[vo + i] + (1f - beta2) * gi * gi;
        m[mo + i] = mi;
        v[vo + i] = vi;
        p[po + i] = step(p[po + i], mi, vi);
      }
      if (phase == 1) m[mo + i] = beta1 * m[mo + i] + (1f - beta1) * gi;
      if (phase == 2) v[vo + i] = beta2 * v[vo + i] + (1f - beta2) * gi * gi;
      if (phase == 3) p[po + i] = step(p[po + i], mIn[mo + i], vIn[vo + i]);
    }
  }
}
