package vecrl.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/** Issue 15's numerics: +inf logits sample inside the space, logits at the float range keep a finite entropy, log-std is clamped. */
final class ExtremeValuesTest {
  static final float BIG = 3.4e38f;

  @Test
  void infiniteLogitsAreSampledInsideTheSpace() {
    Rng rng = new Rng(3);
    float inf = Float.POSITIVE_INFINITY;
    for (int k = 0; k < 200; k++) assertEquals(1, rng.categoricalFromLogits(new float[] {0f, inf, 5f}, 0, 3));
    int[] seen = new int[4];
    for (int k = 0; k < 400; k++) seen[rng.categoricalFromLogits(new float[] {inf, 0f, -inf, inf}, 0, 4)]++;
    assertEquals(0, seen[1] + seen[2]);
    assertTrue(seen[0] > 150 && seen[3] > 150, java.util.Arrays.toString(seen));
    Tensor out = Tensor.zeros(1, 1);
    new Categorical(new Tape().input(Tensor.matrix(new float[][] {{-1f, inf}}))).sample(rng, out);
    assertEquals(1f, out.get(0, 0));
  }

  @Test
  void entropyStaysFiniteAtTheFloatRange() {
    Tape t = new Tape();
    Var l = t.variable(Tensor.matrix(new float[][] {{BIG, -BIG}, {-BIG, BIG}, {BIG, BIG}, {-BIG, -BIG}}));
    Categorical c = new Categorical(l);
    float[] h = c.entropy().value().toArray();
    assertEquals(0f, h[0], 1e-6);
    assertEquals(0f, h[1], 1e-6);
    assertEquals(Math.log(2), h[2], 1e-6);
    assertEquals(Math.log(2), h[3], 1e-6);
    t.backward(c.entropy().sum());
    for (float g : l.grad().toArray()) assertTrue(Float.isFinite(g), java.util.Arrays.toString(l.grad().toArray()));
  }

  @Test
  void logStdIsClampedToItsDocumentedRange() {
    for (float ls : new float[] {-50f, -1e30f, 50f, 1e30f}) {
      Tape t = new Tape();
      Parameter p = new Parameter("logStd", Tensor.full(ls, 1));
      Var mean = t.variable(Tensor.matrix(new float[][] {{0.5f}}));
      DiagNormal d = new DiagNormal(mean, p);
      float clamped = Math.max(DiagNormal.LOG_STD_MIN, Math.min(DiagNormal.LOG_STD_MAX, ls));
      assertEquals(clamped, d.logStd().value().get(0, 0));
      Var lp = d.logProb(Tensor.matrix(new float[][] {{0.5f + 1e-9f}}));
      assertTrue(Float.isFinite(lp.value().get(0)), "log-prob " + lp.value().get(0) + " at logStd " + ls);
      assertEquals(clamped + 0.5 + 0.5 * Math.log(2 * Math.PI), d.entropy().value().get(0), 1e-5);
      t.backward(lp.add(d.entropy()).sum());
      assertEquals(0f, p.grad().get(0), "no gradient outside the range");
      assertTrue(Float.isFinite(mean.grad().get(0, 0)));
    }
    // inside the range: the identity
    Tape t = new Tape();
    Parameter p = new Parameter("logStd", Tensor.full(-19.5f, 1));
    DiagNormal d = new DiagNormal(t.variable(Tensor.matrix(new float[][] {{0f}})), p);
    assertEquals(-19.5f, d.logStd().value().get(0, 0));
    t.backward(d.entropy().sum());
    assertEquals(1f, p.grad().get(0));
  }
}
