package vecrl.gpu;

import com.aparapi.Kernel;

/**
 * {@code c = op(a) . op(b) + beta c}, tiled: each work-group of tile x tile work items computes a
 * tile x tile block of {@code c}, staging a tile of each operand in local memory per step along
 * the inner dimension. The tile size is fixed when the kernel is built (the local arrays' size) and
 * chosen by {@link OpenClKernels} from the device's and the compiled kernel's work-group limits.
 * Dimension 0 runs along the columns of {@code c}, dimension 1 along its rows; out-of-range work
 * items load zeros and write nothing. {@code c} is the only array written.
 */
final class MatmulKernel extends Kernel {
  final int tile;
  @Local final float[] tileA;
  @Local final float[] tileB;

  float[] a, b, c;
  int ao, bo, co;
  int m, n, k, lda, ldb, ta, tb;
  float beta;

  MatmulKernel(int tile, float[] dummy) {
    this.tile = tile;
    this.tileA = new float[tile * tile];
    this.tileB = new float[tile * tile];
    a = b = c = dummy;
  }

  @Override
  public void run() {
    int t = tile;
    int lx = getLocalId(0);
    int ly = getLocalId(1);
    int j = getGlobalId(0);
    int i = getGlobalId(1);
    float acc = 0f;
    for (int p0 = 0; p0 < k; p0 += t) {
      int p = p0 + lx;
      float av = 0f;
      if (i < m && p < k) av = ta == 1 ? a[ao + p * lda + i] : a[ao + i * lda + p];
      tileA[ly * t + lx] = av;
      int q = p0 + ly;
      float bv = 0f;
      if (q < k && j < n) bv = tb == 1 ? b[bo + j * ldb + q] : b[bo + q * ldb + j];
      tileB[ly * t + lx] = bv;
      localBarrier();
      for (int s = 0; s < t; s++) acc += tileA[ly * t + s] * tileB[s * t + lx];
      localBarrier();
    }
    if (i < m && j < n) {
      int ci = co + i * n + j;
      c[ci] = beta == 0f ? acc : acc + beta * c[ci];
    }
  }
}
