package vecrl.nn;

import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Orthogonal matrices, computed from scratch: a matrix of standard normal draws is factored as
 * {@code Q R} with Householder reflections in double precision, and {@code Q} is multiplied by the
 * signs of R's diagonal so that the result is uniformly distributed (Saxe et al. 2014; the same
 * recipe as PyTorch's {@code orthogonal_}).
 */
public final class Orthogonal {
  private Orthogonal() {}

  /**
   * A [rows, cols] matrix with orthonormal rows (rows <= cols) or orthonormal columns (rows >= cols),
   * times {@code gain}.
   */
  public static Tensor matrix(int rows, int cols, double gain, Rng rng) {
    if (rows <= 0 || cols <= 0) throw new IllegalArgumentException("Orthogonal: shape [" + rows + ", " + cols + "] must be positive");
    // Factor a tall m x n matrix (m >= n); transpose at the end if rows < cols.
    int m = Math.max(rows, cols), n = Math.min(rows, cols);
    double[][] a = new double[m][n];
    for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) a[i][j] = rng.normal();
    double[][] q = householderQ(a, m, n);
    Tensor out = Tensor.zeros(rows, cols);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float v = (float) (gain * q[i][j]);
        if (rows >= cols) out.set(i, j, v); else out.set(j, i, v);
      }
    }
    return out;
  }

  /** The first n columns of Q for a = QR (m >= n), with columns sign-fixed so diag(R) > 0. a is destroyed. */
  static double[][] householderQ(double[][] a, int m, int n) {
    double[][] vs = new double[n][];
    double[] rdiag = new double[n];
    for (int k = 0; k < n; k++) {
      double norm = 0;
      for (int i = k; i < m; i++) norm += a[i][k] * a[i][k];
      norm = Math.sqrt(norm);
      double alpha = a[k][k] > 0 ? -norm : norm;
      double[] v = new double[m];
      for (int i = k; i < m; i++) v[i] = a[i][k];
      v[k] -= alpha;
      double vn = 0;
      for (int i = k; i < m; i++) vn += v[i] * v[i];
      if (vn > 0) {
        for (int j = k; j < n; j++) {
          double dot = 0;
          for (int i = k; i < m; i++) dot += v[i] * a[i][j];
          double f = 2 * dot / vn;
          for (int i = k; i < m; i++) a[i][j] -= f * v[i];
        }
      }
      vs[k] = v;
      rdiag[k] = a[k][k];
    }
    // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
    double[][] q = new double[m][n];
    for (int j = 0; j < n; j++) q[j][j] = 1;
    for (int k = n - 1; k >= 0; k--) {
      double[] v = vs[k];
      double vn = 0;
      for (int i = k; i < m; i++) vn += v[i] * v[i];
      if (vn == 0) continue;
      for (int j = 0; j < n; j++) {
        double dot = 0;
        for (int i = k; i < m; i++) dot += v[i] * q[i][j];
        double f = 2 * dot / vn;
        for (int i = k; i < m; i++) q[i][j] -= f * v[i];
      }
    }
    for (int j = 0; j < n; j++) {
      if (rdiag[j] < 0) for (int i = 0; i < m; i++) q[i][j] = -q[i][j];
    }
    return q;
  }
}
