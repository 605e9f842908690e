package vecrl.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.ScalarKernels;
import vecrl.tensor.Tensor;

/**
 * Layer norm against double-precision central differences of a double-precision definition
 * written here, for the input, gain and shift, on rows of 1 (the output is then exactly beta), 7,
 * 9 and 17 features; and its forward values against what PyTorch 1.13 (Debian's python3-torch)
 * printed for {@code torch.nn.functional.layer_norm} (the call is in the test's comment).
 */
class LayerNormTest {
  static final double H = 1e-6, ABS = 1e-4, REL = 1e-3;

  static double[] reference(double[] x, double[] g, double[] b, int rows, int cols, double eps) {
    double[] y = new double[x.length];
    for (int r = 0; r < rows; r++) {
      double mean = 0, var = 0;
      for (int c = 0; c < cols; c++) mean += x[r * cols + c];
      mean /= cols;
      for (int c = 0; c < cols; c++) var += (x[r * cols + c] - mean) * (x[r * cols + c] - mean);
      var /= cols;
      for (int c = 0; c < cols; c++) y[r * cols + c] = (x[r * cols + c] - mean) / Math.sqrt(var + eps) * g[c] + b[c];
    }
    return y;
  }

  @Test
  void gradientsMatchCentralDifferences() {
    Rng rng = new Rng(3);
    for (Kernels k : new Kernels[] {Backends.kernels(), new ScalarKernels()}) {
      for (int cols : new int[] {1, 7, 9, 17}) {
        int rows = 5;
        Tensor x = Tensor.zeros(rows, cols), g = Tensor.zeros(cols), b = Tensor.zeros(cols), r = Tensor.zeros(rows, cols);
        rng.fillUniform(x, -2f, 2f);
        rng.fillUniform(g, 0.5f, 1.5f);
        rng.fillUniform(b, -1f, 1f);
        rng.fillUniform(r, -1f, 1f);
        double[] rd = new double[r.size()];
        for (int i = 0; i < rd.length; i++) rd[i] = r.get(i);
        GradCheck.Result res = GradCheck.againstReference(k,
            (t, v) -> t.sum(t.mul(Composites.layerNorm(v[0], v[1], v[2], 1e-5f), t.input(r))),
            v -> {
              double[] y = reference(v[0], v[1], v[2], rows, cols, 1e-5);
              double s = 0;
              for (int i = 0; i < y.length; i++) s += y[i] * rd[i];
              return s;
            },
            new Tensor[] {x, g, b}, H, ABS, REL);
        assertTrue(res.passed(), k.name() + " cols " + cols + ": " + res.description());
      }
    }
  }

  /**
   * torch.nn.functional.layer_norm(torch.tensor([[1., 2., 4.], [-3., 0., 0.5]]), (3,),
   * torch.tensor([1., 0.5, 2.]), torch.tensor([0., 1., -1.]), 1e-5) in PyTorch 1.13 gives, to 6
   * decimals, [-1.069041, 0.86637, 1.672604, -1.401823, 1.269581, 0.725321].
   */
  @Test
  void valuesMatchPyTorch() {
    Tape t = new Tape();
    Var y = Composites.layerNorm(t.input(Tensor.matrix(new float[][] {{1, 2, 4}, {-3, 0, 0.5f}})),
        t.input(Tensor.vector(1, 0.5f, 2)), t.input(Tensor.vector(0, 1, -1)), 1e-5f);
    float[] expected = {-1.069041f, 0.86637f, 1.672604f, -1.401823f, 1.269581f, 0.725321f};
    for (int i = 0; i < 6; i++) assertEquals(expected[i], y.value().get(i), 2e-6, "element " + i);
  }
}
