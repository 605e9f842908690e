package vecrl.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Tensor;

class OptimizerTest {
  final Kernels k = Backends.kernels();

  static Parameter withGrad(String name, float[] value, float[] grad) {
    Parameter p = new Parameter(name, Tensor.vector(value));
    p.grad().copyFrom(grad);
    return p;
  }

  @Test
  void adamFirstStepMovesByLrTimesSign() {
    // Step 1: m^ = g, v^ = g^2, so the update is lr g / (|g| + eps).
    Parameter p = withGrad("p", new float[] {1f, -2f, 0.5f}, new float[] {0.3f, -4f, 0f});
    Adam adam = new Adam(ParameterSet.of(p), k, LrSchedule.constant(0.1), 0.9, 0.999, 1e-8, 0, false);
    adam.step();
    assertArrayEquals(new float[] {0.9f, -1.9f, 0.5f}, p.value().toArray(), 1e-6f);
    assertEquals(1, adam.stepCount());
  }

  @Test
  void adamTwoStepsByHand() {
    // g1 = 0.5, g2 = -1, lr 0.01, betas 0.9 / 0.999, eps 1e-8, p0 = 2.
    // t=1: m=0.05, v=0.00025, m^=0.5, v^=0.25, p1 = 2 - 0.01*0.5/0.5 = 1.99
    // t=2: m=0.045-0.1=-0.055, v=0.00024975+0.001=0.00124975,
    //      m^=-0.055/0.19=-0.289473684, v^=0.00124975/0.001999=0.625187594, sqrt=0.790688
    //      p2 = 1.99 + 0.01*0.289473684/0.790688 = 1.99366101
    Parameter p = withGrad("p", new float[] {2f}, new float[] {0.5f});
    Adam adam = new Adam(ParameterSet.of(p), k, LrSchedule.constant(0.01), 0.9, 0.999, 1e-8, 0, false);
    adam.step();
    assertEquals(1.99f, p.value().get(0), 1e-6f);
    p.grad().set(0, -1f);
    adam.step();
    assertEquals(1.99366101f, p.value().get(0), 2e-6f);
  }

  @Test
  void adamWDecaysDecoupledAndAdamAddsL2() {
    // AdamW, step 1, g = 0: p = p - lr wd p, then the Adam term is 0.
    Parameter p = withGrad("p", new float[] {2f}, new float[] {0f});
    Adam w = new Adam(ParameterSet.of(p), k, LrSchedule.constant(0.1), 0.9, 0.999, 1e-8, 0.5, true);
    w.step();
    assertEquals(2f - 0.1f * 0.5f * 2f, p.value().get(0), 1e-6f);
    // Adam with L2, step 1, g = 0: g' = wd p = 1, so the step is lr * sign(g') = 0.1.
    Parameter q = withGrad("q", new float[] {2f}, new float[] {0f});
    Adam a = new Adam(ParameterSet.of(q), k, LrSchedule.constant(0.1), 0.9, 0.999, 1e-8, 0.5, false);
    a.step();
    assertEquals(1.9f, q.value().get(0), 1e-6f);
  }

  @Test
  void sgdMomentumByHand() {
    // lr 0.1, momentum 0.9, g = 1 each step: buf = 1, 1.9, 2.71; p = 0 - 0.1, -0.29, -0.561.
    Parameter p = withGrad("p", new float[] {0f}, new float[] {1f});
    Sgd sgd = new Sgd(ParameterSet.of(p), k, LrSchedule.constant(0.1), 0.9, 0);
    float[] want = {-0.1f, -0.29f, -0.561f};
    for (float w : want) {
      sgd.step();
      assertEquals(w, p.value().get(0), 1e-6f);
    }
  }

  @Test
  void rmspropLikeStableBaselines() {
    // alpha 0.99, eps 1e-5, lr 0.01, g = 2: v = 0.01*4 = 0.04, p -= 0.01*2/(0.2+1e-5).
    Parameter p = withGrad("p", new float[] {1f}, new float[] {2f});
    RmsProp r = new RmsProp(ParameterSet.of(p), k, LrSchedule.constant(0.01), 0.99, 1e-5, 0);
    r.step();
    assertEquals(1f - 0.01f * 2f / (0.2f + 1e-5f), p.value().get(0), 1e-6f);
    // second step, g = 2: v = 0.99*0.04 + 0.04 = 0.0796
    r.step();
    double p2 = 1 - 0.01 * 2 / (0.2 + 1e-5) - 0.01 * 2 / (Math.sqrt(0.0796) + 1e-5);
    assertEquals(p2, p.value().get(0), 2e-6);
  }

  @Test
  void clipByGlobalNorm() {
    Parameter a = withGrad("a", new float[] {0f}, new float[] {3f});
    Parameter b = withGrad("b", new float[] {0f, 0f}, new float[] {0f, 4f});
    GradClip clip = new GradClip(ParameterSet.of(a, b), k);
    assertEquals(5.0, clip.clip(10.0), 1e-6); // under the limit: unchanged
    assertArrayEquals(new float[] {0f, 4f}, b.grad().toArray(), 0f);
    assertEquals(5.0, clip.clip(1.0), 1e-6);  // returns the norm before clipping
    double coef = 1.0 / (5.0 + 1e-6);
    assertEquals(3 * coef, a.grad().get(0), 1e-6);
    assertEquals(4 * coef, b.grad().get(1), 1e-6);
    assertEquals(1.0, clip.norm(), 1e-6);
    a.zeroGrad();
    b.zeroGrad();
    assertEquals(0.0, clip.clip(1.0), 0.0);
  }

  @Test
  void schedulesAtTheirEndPoints() {
    LrSchedule lin = LrSchedule.linear(3e-4, 0, 100);
    assertEquals(3e-4, lin.at(0), 0);
    assertEquals(1.5e-4, lin.at(50), 1e-15);
    assertEquals(0, lin.at(100), 0);
    assertEquals(0, lin.at(1000), 0);
    LrSchedule cos = LrSchedule.cosine(1.0, 0.1, 10);
    assertEquals(1.0, cos.at(0), 1e-15);
    assertEquals(0.55, cos.at(5), 1e-12);
    assertEquals(0.1, cos.at(10), 1e-15);
    assertEquals(0.1, cos.at(11), 1e-15);
    LrSchedule st = LrSchedule.step(1.0, 0.5, 3);
    assertEquals(1.0, st.at(0), 0);
    assertEquals(1.0, st.at(2), 0);
    assertEquals(0.5, st.at(3), 0);
    assertEquals(0.25, st.at(6), 0);
    assertEquals(0.7, LrSchedule.constant(0.7).at(123456), 0);
  }

  @Test
  void optimizerUsesTheScheduleByStep() {
    Parameter p = withGrad("p", new float[] {0f}, new float[] {1f});
    Sgd sgd = new Sgd(ParameterSet.of(p), k, LrSchedule.linear(1.0, 0.0, 2), 0, 0);
    sgd.step(); // lr 1
    sgd.step(); // lr 0.5
    sgd.step(); // lr 0
    assertEquals(-1.5f, p.value().get(0), 0f);
  }

  @Test
  void stateRestoresExactly() {
    for (String kind : new String[] {"adam", "adamw", "sgd", "rmsprop"}) {
      Parameter p1 = withGrad("p", new float[] {1f, -1f, 0.25f}, new float[] {0.1f, -0.7f, 0.3f});
      Parameter p2 = withGrad("p", new float[] {0f, 0f, 0f}, new float[] {0.1f, -0.7f, 0.3f});
      Optimizer a = make(kind, p1), b = make(kind, p2);
      for (int i = 0; i < 3; i++) a.step();
      OptimizerState s = a.state();
      assertEquals(3, s.step());
      b.restore(s);
      p2.value().copyFrom(p1.value());
      for (int i = 0; i < 4; i++) {
        p1.grad().set(0, 0.05f * i);
        p2.grad().set(0, 0.05f * i);
        a.step();
        b.step();
      }
      assertArrayEquals(p1.value().toArray(), p2.value().toArray(), 0f, kind);
      assertEquals(a.state(), b.state(), kind);
    }
    Parameter p = withGrad("p", new float[] {1f}, new float[] {1f});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> make("sgd", p).restore(make("adam", p).state()));
    assertTrue(e.getMessage().contains("'adam'") && e.getMessage().contains("'sgd'"), e.getMessage());
  }

  Optimizer make(String kind, Parameter p) {
    ParameterSet ps = ParameterSet.of(p);
    return switch (kind) {
      case "adam" -> new Adam(ps, k, LrSchedule.constant(0.01), 0.9, 0.999, 1e-5, 0.01, false);
      case "adamw" -> new Adam(ps, k, LrSchedule.constant(0.01), 0.9, 0.999, 1e-8, 0.01, true);
      case "sgd" -> new Sgd(ps, k, LrSchedule.constant(0.1), 0.9, 0.001);
      default -> new RmsProp(ps, k, LrSchedule.constant(0.01), 0.99, 1e-5, 0);
    };
  }
}
