package vecrl.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vecrl.tensor.Backends;
import vecrl.tensor.Conv2dGeometry;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.ScalarKernels;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

/**
 * The conv2d node against double-precision central differences of a direct double-precision
 * convolution written here (GradCheck.againstReference), for the input, weight and bias, with no
 * activation, with tanh (derivative from the output, applied in place) and with softplus (the
 * pre-activation kept), on the default backend and the scalar reference; and two stacked
 * convolutions then flatten and a linear layer, NatureCNN's pattern in small.
 *
 * <p>Tolerance as in OpGradTest: sums of at most a few hundred float32 terms of order one, so
 * 1e-4 absolute plus 1e-3 relative.
 */
class Conv2dGradTest {
  static final double H = 1e-6, ABS = 1e-4, REL = 1e-3;
  final Rng rng = new Rng(77);

  Tensor rand(int... shape) {
    Tensor t = Tensor.zeros(shape);
    rng.fillUniform(t, -1f, 1f);
    return t;
  }

  /** Direct convolution in double: x NHWC, w [oc, kh*kw*c], b [oc] or null. */
  static double[] conv(double[] x, double[] w, double[] b, Conv2dGeometry g) {
    int oh = g.outHeight(), ow = g.outWidth(), oc = g.outChannels(), c = g.channels();
    double[] y = new double[g.outRows() * oc];
    for (int n = 0; n < g.batch(); n++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          for (int f = 0; f < oc; f++) {
            double s = b == null ? 0 : b[f];
            for (int kh = 0; kh < g.kernelH(); kh++) {
              for (int kw = 0; kw < g.kernelW(); kw++) {
                int ih = i * g.stride() - g.padding() + kh, iw = j * g.stride() - g.padding() + kw;
                if (ih < 0 || iw < 0 || ih >= g.height() || iw >= g.width()) continue;
                for (int ch = 0; ch < c; ch++) {
                  s += x[((n * g.height() + ih) * g.width() + iw) * c + ch] * w[f * g.patchSize() + (kh * g.kernelW() + kw) * c + ch];
                }
              }
            }
            y[((n * oh + i) * ow + j) * oc + f] = s;
          }
        }
      }
    }
    return y;
  }

  static double apply(UnaryOp act, double v) {
    if (act == null) return v;
    return switch (act) {
      case TANH -> Math.tanh(v);
      case SOFTPLUS -> Math.log1p(Math.exp(v));
      default -> throw new IllegalArgumentException(act.toString());
    };
  }

  @Test
  void inputWeightAndBiasGradientsMatchCentralDifferences() {
    int[][] geometries = {{2, 5, 6, 3, 4, 3, 3, 1, 1}, {1, 7, 7, 2, 3, 3, 2, 2, 0}, {2, 9, 9, 1, 5, 4, 4, 3, 2}};
    for (Kernels k : new Kernels[] {Backends.kernels(), new ScalarKernels()}) {
      for (int[] s : geometries) {
        Conv2dGeometry g = new Conv2dGeometry(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]);
        for (UnaryOp act : new UnaryOp[] {null, UnaryOp.TANH, UnaryOp.SOFTPLUS}) {
          Tensor x = rand(g.batch(), g.height(), g.width(), g.channels());
          Tensor w = rand(g.outChannels(), g.patchSize()), b = rand(g.outChannels());
          Tensor r = rand(g.outputShape());
          double[] rd = new double[r.size()];
          for (int i = 0; i < rd.length; i++) rd[i] = r.get(i);
          GradCheck.Result res = GradCheck.againstReference(k,
              (t, v) -> t.sum(t.mul(t.conv2d(v[0], v[1], v[2], act, g), t.input(r))),
              v -> {
                double[] y = conv(v[0], v[1], v[2], g);
                double sum = 0;
                for (int i = 0; i < y.length; i++) sum += apply(act, y[i]) * rd[i];
                return sum;
              },
              new Tensor[] {x, w, b}, H, ABS, REL);
          assertTrue(res.passed(), k.name() + " " + g + " act " + act + ": " + res.description());
        }
      }
    }
  }

  @Test
  void stackedConvolutionsThenFlattenAndLinear() {
    Conv2dGeometry g1 = new Conv2dGeometry(2, 10, 10, 2, 3, 4, 4, 2, 0);   // -> 4x4x3
    Conv2dGeometry g2 = new Conv2dGeometry(2, 4, 4, 3, 4, 3, 3, 1, 0);     // -> 2x2x4
    Tensor x = rand(2, 10 * 10 * 2);                                         // the flat form of the images
    Tensor w1 = rand(3, g1.patchSize()), b1 = rand(3), w2 = rand(4, g2.patchSize()), b2 = rand(4), wl = rand(2, 16);
    GradCheck.Result res = GradCheck.againstReference(Backends.kernels(),
        (t, v) -> {
          Var h = t.conv2d(v[0], v[1], v[2], UnaryOp.TANH, g1).conv2d(v[3], v[4], UnaryOp.TANH, g2).flatten();
          assertArrayEquals(new int[] {2, 16}, h.value().shape());
          return h.matmulTransposed(v[5]).square().sum();
        },
        v -> {
          double[] h1 = conv(v[0], v[1], v[2], g1);
          for (int i = 0; i < h1.length; i++) h1[i] = Math.tanh(h1[i]);
          double[] h2 = conv(h1, v[3], v[4], g2);
          double sum = 0;
          for (int n = 0; n < 2; n++) {
            for (int o = 0; o < 2; o++) {
              double y = 0;
              for (int i = 0; i < 16; i++) y += Math.tanh(h2[n * 16 + i]) * v[5][o * 16 + i];
              sum += y * y;
            }
          }
          return sum;
        },
        new Tensor[] {x, w1, b1, w2, b2, wl}, H, ABS, REL);
    assertTrue(res.passed(), res.description());
  }

  @Test
  void aRepeatedPassReusesTheNodeAndItsBuffers() {
    Conv2dGeometry g = new Conv2dGeometry(3, 8, 8, 2, 4, 3, 3, 1, 1);
    Parameter w = new Parameter("w", rand(4, g.patchSize())), b = new Parameter("b", rand(4));
    Tape t = new Tape();
    Tensor x = rand(3, 8, 8, 2);
    Var y1 = t.conv2d(t.input(x), w, b, UnaryOp.RELU, g);
    Tensor first = y1.value();
    t.backward(t.sum(y1));
    float[] gw1 = w.grad().toArray();
    t.clear();
    w.zeroGrad();
    Var y2 = t.conv2d(t.input(x), w, b, UnaryOp.RELU, g);
    assertSame(first, y2.value());
    t.backward(t.sum(y2));
    assertArrayEquals(gw1, w.grad().toArray());
    assertTrue(t.listing().contains("conv2d+relu"), t.listing());
  }

  @Test
  void aMismatchedInputNamesTheExpectedShape() {
    Conv2dGeometry g = new Conv2dGeometry(2, 8, 8, 3, 4, 3, 3, 1, 0);
    Tape t = new Tape();
    var e = assertThrows(IllegalArgumentException.class,
        () -> t.conv2d(t.input(Tensor.zeros(2, 8, 8, 1)), t.input(Tensor.zeros(4, 27)), null, null, g));
    assertEquals("conv2d: input [2, 8, 8, 1], expected [2, 8, 8, 3] (channels-last) or its flat form [2, 192]", e.getMessage());
  }
}
