package vecrl.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.ScalarKernels;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

/**
 * The 4-64-64-2 tanh MLP against PyTorch 1.13 float64 (src/test/resources/mlp_grad.json, from
 * shared/fixtures): the loss mean(y^2) and every weight and bias gradient.
 *
 * <p>Tolerance: the fixture's inputs are rounded to float32 (relative 6e-8) and the tape computes
 * in float32. Each gradient element is a sum of at most 64 x 8 products through three layers, so
 * the standard rounding bound is about (64 + 8) x 3 x 6e-8 ~ 1.3e-5 relative to the size of the
 * terms; we allow 2e-5 of the largest element of each tensor (absolute) plus 1e-4 relative.
 */
class MlpFixtureTest {

  @SuppressWarnings("unchecked")
  static Map<String, Object> fixture() throws IOException {
    try (InputStream in = MlpFixtureTest.class.getResourceAsStream("/mlp_grad.json")) {
      if (in == null) throw new IllegalStateException("mlp_grad.json is missing from the test resources");
      return (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @SuppressWarnings("unchecked")
  static double[][] matrix(Object o) {
    List<Object> rows = (List<Object>) o;
    double[][] m = new double[rows.size()][];
    for (int i = 0; i < m.length; i++) {
      List<Object> r = (List<Object>) rows.get(i);
      m[i] = new double[r.size()];
      for (int j = 0; j < m[i].length; j++) m[i][j] = ((Number) r.get(j)).doubleValue();
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  static double[] vector(Object o) {
    List<Object> r = (List<Object>) o;
    double[] v = new double[r.size()];
    for (int j = 0; j < v.length; j++) v[j] = ((Number) r.get(j)).doubleValue();
    return v;
  }

  static Tensor tensor(double[][] m) {
    float[][] f = new float[m.length][];
    for (int i = 0; i < m.length; i++) {
      f[i] = new float[m[i].length];
      for (int j = 0; j < f[i].length; j++) f[i][j] = (float) m[i][j];
    }
    return Tensor.matrix(f);
  }

  static Tensor tensor(double[] v) {
    float[] f = new float[v.length];
    for (int j = 0; j < f.length; j++) f[j] = (float) v[j];
    return Tensor.vector(f);
  }

  @Test
  void defaultBackendMatchesPyTorch() throws IOException {
    compare(Backends.kernels());
  }

  @Test
  void scalarBackendMatchesPyTorch() throws IOException {
    compare(new ScalarKernels());
  }

  @SuppressWarnings("unchecked")
  void compare(Kernels k) throws IOException {
    Map<String, Object> f = fixture();
    List<Object> ws = (List<Object>) f.get("W"), bs = (List<Object>) f.get("b");
    List<Object> dws = (List<Object>) f.get("dW"), dbs = (List<Object>) f.get("db");
    assertEquals(3, ws.size(), "fixture layers");
    ParameterSet params = new ParameterSet();
    Parameter[] w = new Parameter[3], b = new Parameter[3];
    for (int l = 0; l < 3; l++) {
      w[l] = params.add(new Parameter("W" + l, tensor(matrix(ws.get(l)))));
      b[l] = params.add(new Parameter("b" + l, tensor(vector(bs.get(l)))));
    }
    Tape tape = new Tape(k);
    for (int pass = 0; pass < 2; pass++) { // the second pass runs on reused buffers
      tape.clear();
      params.zeroGrad();
      Var x = tape.input(tensor(matrix(f.get("x"))));
      Var y = x.linear(w[0], b[0], UnaryOp.TANH).linear(w[1], b[1], UnaryOp.TANH).linear(w[2], b[2]);
      Var loss = y.square().mean();
      tape.backward(loss);

      double want = ((Number) f.get("loss")).doubleValue();
      assertEquals(want, loss.item(), 1e-4 * Math.abs(want), "loss");
      double[][] wantY = matrix(f.get("y"));
      close("y", flatten(wantY), y.value());
      for (int l = 0; l < 3; l++) {
        close("dW" + l, flatten(matrix(dws.get(l))), w[l].grad());
        close("db" + l, vector(dbs.get(l)), b[l].grad());
      }
    }
  }

  static double[] flatten(double[][] m) {
    int n = 0;
    for (double[] r : m) n += r.length;
    double[] out = new double[n];
    int o = 0;
    for (double[] r : m) { System.arraycopy(r, 0, out, o, r.length); o += r.length; }
    return out;
  }

  static void close(String what, double[] want, Tensor got) {
    assertEquals(want.length, got.size(), what + " size");
    double scale = 0;
    for (double v : want) scale = Math.max(scale, Math.abs(v));
    assertTrue(scale > 0, what + " is all zeros in the fixture");
    for (int i = 0; i < want.length; i++) {
      double tol = 2e-5 * scale + 1e-4 * Math.abs(want[i]);
      double err = Math.abs(got.get(i) - want[i]);
      if (!(err <= tol)) {
        throw new AssertionError(what + "[" + i + "]: PyTorch " + want[i] + ", tape " + got.get(i) + " (error " + err
            + ", allowed " + tol + ")");
      }
    }
  }
}
