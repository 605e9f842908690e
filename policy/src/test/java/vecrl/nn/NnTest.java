package vecrl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.distribution.Bernoulli;
import vecrl.distribution.Categorical;
import vecrl.distribution.DiagNormal;
import vecrl.distribution.Distribution;
import vecrl.distribution.MultiCategorical;
import vecrl.distribution.Normal;
import vecrl.distribution.SquashedDiagNormal;
import vecrl.space.Box;
import vecrl.space.Dict;
import vecrl.space.Discrete;
import vecrl.space.MultiBinary;
import vecrl.space.MultiDiscrete;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

class NnTest {

  @Test
  void linearComputesXWTransposedPlusB() {
    Linear l = new Linear("l", 3, 2, new Rng(1));
    l.weight().value().copyFrom(new float[] {1, 2, 3, -1, 0, 4}); // [out=2, in=3]
    l.bias().value().copyFrom(new float[] {0.5f, -1f});
    Tape t = new Tape();
    Var y = l.forward(t.input(Tensor.matrix(new float[][] {{1, 1, 1}, {2, 0, -1}})), Activation.IDENTITY);
    assertArrayEquals(new float[] {6.5f, 2f, -0.5f, -7f}, y.value().toArray(), 1e-6f);
    float[] row = new float[2];
    l.forwardRow(new float[] {2, 0, -1}, 0, row, 0, Activation.IDENTITY, new float[Linear.REDUCTION_SCRATCH]);
    assertArrayEquals(new float[] {-0.5f, -7f}, row, 1e-6f);
    assertThrows(IllegalArgumentException.class, () -> l.forward(t.input(Tensor.zeros(1, 4)), Activation.IDENTITY));
  }

  @Test
  void uniformInitStaysWithinOneOverSqrtFanIn() {
    Linear l = new Linear("l", 25, 40, new Rng(2));
    float bound = 0.2f;
    float max = 0;
    for (float w : l.weight().value().toArray()) { assertTrue(Math.abs(w) <= bound); max = Math.max(max, Math.abs(w)); }
    for (float b : l.bias().value().toArray()) assertTrue(Math.abs(b) <= bound);
    assertTrue(max > 0.9f * bound, "draws should fill the range, max " + max);
  }

  @Test
  void orthogonalInitGivesOrthonormalRowsOrColumnsTimesGain() {
    for (int[] shape : new int[][] {{64, 4}, {2, 64}, {16, 16}, {1, 5}}) {
      double gain = 1.7;
      Linear l = new Linear("l", shape[1], shape[0], Init.orthogonal(gain), new Rng(3));
      Tensor w = l.weight().value();
      int rows = shape[0], cols = shape[1];
      boolean rowsOrtho = rows <= cols;
      int n = rowsOrtho ? rows : cols;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          double dot = 0;
          int len = rowsOrtho ? cols : rows;
          for (int p = 0; p < len; p++) {
            dot += rowsOrtho ? (double) w.get(i, p) * w.get(j, p) : (double) w.get(p, i) * w.get(p, j);
          }
          assertEquals(i == j ? gain * gain : 0.0, dot, 1e-5, "shape " + rows + "x" + cols + " (" + i + "," + j + ")");
        }
      }
      for (float b : l.bias().value().toArray()) assertEquals(0f, b);
    }
  }

  @Test
  void mlpDepthCountsHiddenLayers() {
    Rng rng = new Rng(4);
    MLP d0 = new MLP("a", 4, 3, 64, 0, Activation.TANH, Activation.IDENTITY, rng);
    assertEquals(1, d0.layers().size());
    assertArrayEquals(new int[] {4, 3}, d0.sizes());
    MLP d2 = new MLP("b", 4, MLP.SCALAR, 32, 2, Activation.RELU, Activation.IDENTITY, rng);
    assertArrayEquals(new int[] {4, 32, 32, 1}, d2.sizes());
    ParameterSet ps = new ParameterSet();
    d2.addParameters(ps);
    assertEquals(java.util.List.of("b.layers.0.weight", "b.layers.0.bias", "b.layers.1.weight", "b.layers.1.bias",
        "b.layers.2.weight", "b.layers.2.bias"), ps.names());
    Tape t = new Tape();
    Var y = d2.forward(t.input(Tensor.zeros(5, 4)));
    assertArrayEquals(new int[] {5}, y.value().shape());
  }

  @Test
  void mlpTapeAndRowPathsAgree() {
    Rng rng = new Rng(5);
    for (Activation a : Activation.values()) {
      MLP mlp = new MLP("m", 13, 7, 37, 2, a, Activation.TANH, rng);
      Tensor x = Tensor.zeros(3, 13);
      rng.fillUniform(x, -2, 2);
      Tape t = new Tape();
      Tensor y = mlp.forward(t.input(x)).value();
      float[] s1 = new float[mlp.maxWidth()], s2 = new float[mlp.maxWidth()];
      for (int r = 0; r < 3; r++) {
        float[] out = mlp.forwardRow(x.data(), r * 13, s1, s2, new float[Linear.REDUCTION_SCRATCH]);
        for (int c = 0; c < 7; c++) assertEquals(y.get(r, c), out[c], 2e-5f, a + " row " + r + " col " + c);
      }
    }
  }

  @Test
  void actionLayerPicksTheDistributionOfEachSpace() {
    Rng rng = new Rng(6);
    Tape t = new Tape();
    Var latent = t.input(Tensor.zeros(2, 8));
    assertEquals(Normal.class, new ActionLayer(new Box(-1f, 1f), 8, 16, 1, rng, 0f).forward(latent, null).getClass());
    assertEquals(DiagNormal.class, new ActionLayer(new Box(-1f, 1f, 3), 8, 16, 1, rng, 0f).forward(latent, null).getClass());
    assertEquals(Categorical.class, new ActionLayer(new Discrete(4), 8, 16, 1, rng, 0f).forward(latent, null).getClass());
    assertEquals(Bernoulli.class, new ActionLayer(new MultiBinary(3), 8, 16, 1, rng, 0f).forward(latent, null).getClass());
    assertEquals(MultiCategorical.class, new ActionLayer(new MultiDiscrete(2, 3), 8, 16, 1, rng, 0f).forward(latent, null).getClass());
    ActionLayer sq = new ActionLayer("a", new Box(-1f, 1f, 2), 8, 16, 1, Activation.TANH, Init.UNIFORM, Init.UNIFORM, true, rng, -0.5f);
    Distribution d = sq.forward(latent, null);
    assertEquals(SquashedDiagNormal.class, d.getClass());
    assertArrayEquals(new float[] {-0.5f, -0.5f}, sq.logStd().value().toArray());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ActionLayer(Dict.of("a", new Discrete(2)), 8, 16, 1, rng, 0f));
    assertTrue(e.getMessage().contains("unsupported action space"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new ActionLayer("a", new Box(Float.NEGATIVE_INFINITY, 1f, 2), 8, 16, 1, Activation.TANH, Init.UNIFORM, Init.UNIFORM, true, rng, 0f));
  }

  @Test
  void netArchParsesStableBaselinesSpecs() {
    NetArch a = NetArch.parse("[128, {vf: [256, 256]}]");
    assertArrayEquals(new int[] {128}, a.shared());
    assertArrayEquals(new int[0], a.pi());
    assertArrayEquals(new int[] {256, 256}, a.vf());
    NetArch b = NetArch.parse("[128, {\"vf\": [256], 'pi': [16]}]");
    assertArrayEquals(new int[] {16}, b.pi());
    assertArrayEquals(new int[] {256}, b.vf());
    assertEquals(NetArch.separate(64, 64), NetArch.parse("[{pi: [64, 64], vf: [64, 64]}]"));
    assertEquals(new NetArch(new int[] {64, 64}, new int[0], new int[0]), NetArch.parse(" [64,64] "));
    assertEquals(b, NetArch.parse(b.toString()));
    for (String bad : new String[] {"[128, {vf: [256]}, 64]", "[{qf: [1]}]", "[128", "128", "[-3]", "[{pi: [1]}, {vf: [2]}]"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetArch.parse(bad), bad);
      assertTrue(e.getMessage().contains("NetArch"), e.getMessage());
    }
  }

  @Test
  void deterministicTanhIsCloseToMathTanhAndVectorLanesMatchTheScalarTwin() {
    float[] xs = new float[4096 + 3];
    Rng rng = new Rng(9);
    for (int i = 0; i < xs.length; i++) xs[i] = i < 64 ? (i - 32) * 0.5f : rng.uniform(-12f, 12f) * (i % 3 == 0 ? 1e-3f : 1f);
    xs[0] = 0f; xs[1] = -0f; xs[2] = 100f; xs[3] = -100f; xs[4] = 1e-30f;
    float[] v = xs.clone();
    Activation.TANH.applyInPlace(v, 0, v.length);
    for (int i = 0; i < xs.length; i++) {
      assertEquals(Math.tanh(xs[i]), v[i], 2e-7, "x = " + xs[i]);
      assertEquals(Float.floatToIntBits(Activation.tanh(xs[i])) , Float.floatToIntBits(v[i]) | (xs[i] == 0f ? 0 : 0), "x = " + xs[i]);
    }
  }
}
