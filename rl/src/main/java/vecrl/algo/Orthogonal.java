package vecrl.algo;

import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Orthogonal initialisation (Saxe et al. 2014) as {@code torch.nn.init.orthogonal_}: a normal
 * matrix, its QR decomposition by modified Gram-Schmidt in double, Q (rows or columns orthonormal,
 * whichever is fewer) times {@code gain}.
 */
final class Orthogonal {
  private Orthogonal() {}

  /** Fills the [rows, cols] matrix {@code w} (modified). */
  static void fill(Tensor w, double gain, Rng rng) {
    int rows = w.dim(0);
    int cols = w.dim(1);
    boolean transpose = rows < cols;
    int m = transpose ? cols : rows; // long side
    int n = transpose ? rows : cols; // short side: n orthonormal columns of length m
    double[][] q = new double[n][m];
    for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) q[j][i] = rng.normal();
    for (int j = 0; j < n; j++) {
      for (int k = 0; k < j; k++) {
        double dot = 0;
        for (int i = 0; i < m; i++) dot += q[j][i] * q[k][i];
        for (int i = 0; i < m; i++) q[j][i] -= dot * q[k][i];
      }
      double norm = 0;
      for (int i = 0; i < m; i++) norm += q[j][i] * q[j][i];
      norm = Math.sqrt(norm);
      for (int i = 0; i < m; i++) q[j][i] /= norm;
    }
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        double v = transpose ? q[r][c] : q[c][r];
        w.set(r, c, (float) (gain * v));
      }
    }
  }
}
