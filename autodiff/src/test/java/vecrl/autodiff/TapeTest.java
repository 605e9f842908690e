package vecrl.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

class TapeTest {
  final Kernels k = Backends.kernels();
  final Rng rng = new Rng(7L);

  Parameter param(String name, int... shape) {
    Tensor t = Tensor.zeros(shape);
    rng.fillUniform(t, -0.5f, 0.5f);
    return new Parameter(name, t);
  }

  /** A small policy-like graph touching many ops; returns the loss. */
  static Var graph(Tape t, Tensor obs, Parameter w1, Parameter b1, Parameter w2, int[] actions) {
    Var x = t.input(obs);
    Var h = x.linear(w1, b1, UnaryOp.TANH);
    Var logits = h.matmulTransposed(w2);
    Var logp = logits.logSoftmaxRows().gatherRows(actions);
    Var ent = Composites.entropyRows(logits);
    return logp.add(ent.mul(0.01f)).mean().neg().add(h.square().mean().mul(0.1f));
  }

  @Test
  void secondPassReusesBuffersAndMatchesAFreshTape() {
    Parameter w1 = param("w1", 16, 5), b1 = param("b1", 16), w2 = param("w2", 3, 16);
    ParameterSet ps = ParameterSet.of(w1, b1, w2);
    Tensor obs1 = Tensor.zeros(9, 5), obs2 = Tensor.zeros(9, 5);
    rng.fillUniform(obs1, -1, 1);
    rng.fillUniform(obs2, -1, 1);
    int[] act = {0, 1, 2, 0, 1, 2, 0, 1, 2};

    Tape tape = new Tape(k);
    Var loss1 = graph(tape, obs1, w1, b1, w2, act);
    tape.backward(loss1);
    Tensor out1 = loss1.value();
    int size1 = tape.size();

    tape.clear();
    ps.zeroGrad();
    Var loss2 = graph(tape, obs2, w1, b1, w2, act);
    tape.backward(loss2);
    assertEquals(size1, tape.size());
    assertSame(loss1, loss2, "the loss Var is recycled");
    assertSame(out1, loss2.value(), "the loss tensor is recycled");
    float reusedLoss = loss2.item();
    float[][] reusedGrads = {w1.grad().toArray(), b1.grad().toArray(), w2.grad().toArray()};

    Tape fresh = new Tape(k);
    ps.zeroGrad();
    Var loss3 = graph(fresh, obs2, w1, b1, w2, act);
    fresh.backward(loss3);
    assertNotSame(loss2, loss3);
    assertEquals(loss3.item(), reusedLoss, 0f);
    assertArrayEquals(w1.grad().toArray(), reusedGrads[0], 0f);
    assertArrayEquals(b1.grad().toArray(), reusedGrads[1], 0f);
    assertArrayEquals(w2.grad().toArray(), reusedGrads[2], 0f);
  }

  @Test
  void intermediateTensorsKeepTheirIdentityAcrossPasses() {
    Parameter w = param("w", 8, 4), b = param("b", 8);
    Tensor obs = Tensor.zeros(6, 4);
    Tape tape = new Tape(k);
    Var h = tape.input(obs).linear(w, b, UnaryOp.TANH);
    Var loss = h.square().mean();
    tape.backward(loss);
    Tensor hv = h.value(), hg = h.grad(), wg = w.grad();
    tape.clear();
    Var h2 = tape.input(obs).linear(w, b, UnaryOp.TANH);
    tape.backward(h2.square().mean());
    assertSame(hv, h2.value());
    assertSame(hg, h2.grad());
    assertSame(wg, w.grad());
  }

  @Test
  void changedShapeAllocatesAfresh() {
    Parameter w = param("w", 8, 4);
    Tape tape = new Tape(k);
    Var a = tape.input(Tensor.zeros(6, 4)).matmulTransposed(w);
    tape.clear();
    Var c = tape.input(Tensor.zeros(3, 4)).matmulTransposed(w);
    assertNotSame(a, c);
    assertArrayEquals(new int[] {3, 8}, c.value().shape());
  }

  @Test
  void parameterGradientsAccumulateUntilCleared() {
    Parameter w = new Parameter("w", Tensor.vector(2f, 3f));
    Tape tape = new Tape(k);
    for (int i = 0; i < 2; i++) {
      tape.clear();
      Var x = tape.input(Tensor.vector(1f, 10f));
      tape.backward(x.mul(w).sum()); // d/dw = x
    }
    assertArrayEquals(new float[] {2f, 20f}, w.grad().toArray(), 0f);
    w.zeroGrad();
    assertArrayEquals(new float[] {0f, 0f}, w.grad().toArray(), 0f);
  }

  @Test
  void noGradModeRecordsNothing() {
    Parameter w = param("w", 8, 4), b = param("b", 8);
    Tape tape = new Tape(k);
    Var y;
    try (var ng = tape.noGrad()) {
      assertFalse(tape.isGradEnabled());
      y = tape.input(Tensor.zeros(5, 4)).linear(w, b, UnaryOp.TANH).sum();
    }
    assertTrue(tape.isGradEnabled());
    assertEquals(0, tape.recordedCount());
    assertFalse(y.requiresGrad());
    Var fy = y;
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> tape.backward(fy));
    assertTrue(e.getMessage().contains("no-grad"), e.getMessage());
    // the same code with gradients on records every op
    tape.clear();
    Var y2 = tape.input(Tensor.zeros(5, 4)).linear(w, b, UnaryOp.TANH).sum();
    assertEquals(2, tape.recordedCount());
    assertTrue(y2.requiresGrad());
  }

  @Test
  void finiteGuardNamesTheOpAndShapes() {
    Tape tape = new Tape(k).setFiniteGuard(true);
    Var x = tape.variable(Tensor.matrix(new float[][] {{1f, 0f, 2f}, {3f, -1f, 4f}}));
    Var ok = x.square();
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> ok.log().sum());
    String m = e.getMessage();
    assertTrue(m.contains("'log'") && m.contains("[2, 3]") && m.contains("-Infinity"), m);
    // off by default: the same computation goes through
    Tape loose = new Tape(k);
    Var y = loose.variable(Tensor.vector(0f, 1f)).log();
    assertEquals(Float.NEGATIVE_INFINITY, y.value().get(0));
  }

  @Test
  void finiteGuardAlsoChecksBackward() {
    Tape tape = new Tape(k).setFiniteGuard(true);
    Var x = tape.variable(Tensor.vector(0f, 4f));
    Var loss = x.sqrt().sum(); // forward finite (0, 2), gradient 0.5/sqrt(0) = inf
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> tape.backward(loss));
    assertTrue(e.getMessage().contains("backward") && e.getMessage().contains("'sqrt'"), e.getMessage());
  }

  @Test
  void errorsNameOpAndShapes() {
    Tape tape = new Tape(k);
    Var a = tape.input(Tensor.zeros(4, 3));
    Var b = tape.input(Tensor.zeros(4, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.matmul(b));
    assertTrue(e.getMessage().contains("[4, 3]") && e.getMessage().contains("[4, 2]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> a.add(tape.input(Tensor.zeros(5))));
    assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[5]"), e.getMessage());
    Var v = tape.variable(Tensor.zeros(2, 2));
    e = assertThrows(IllegalArgumentException.class, () -> tape.backward(v.square()));
    assertTrue(e.getMessage().contains("one element"), e.getMessage());
    Tape other = new Tape(k);
    e = assertThrows(IllegalArgumentException.class, () -> other.input(Tensor.zeros(2, 2)).add(v));
    assertTrue(e.getMessage().contains("another tape"), e.getMessage());
  }

  @Test
  void listingAndDotShowOpsShapesAndInputs() {
    Parameter w = new Parameter("policy.w", Tensor.zeros(3, 4)), b = new Parameter("policy.b", Tensor.zeros(3));
    Tape tape = new Tape(k);
    Var loss = tape.input(Tensor.zeros(2, 4)).linear(w, b, UnaryOp.TANH).mean();
    tape.backward(loss);
    String listing = tape.listing();
    String[] lines = listing.split("\n");
    assertEquals(3, lines.length, listing);
    assertTrue(lines[0].contains("input") && lines[0].contains("[2, 4]"), listing);
    assertTrue(lines[1].contains("linear+tanh") && lines[1].contains("v0 [2, 4]") && lines[1].contains("policy.w [3, 4]")
        && lines[1].contains("policy.b [3]") && lines[1].contains("-> v1 [2, 3]"), listing);
    assertTrue(lines[2].contains("mean") && lines[2].contains("-> v2 []"), listing);
    String dot = tape.toDot();
    assertTrue(dot.startsWith("digraph tape {") && dot.contains("\"policy.w\\n[3, 4]\"") && dot.contains("v1 -> v2;"), dot);
  }

  @Test
  void variableLeavesGetFreshGradientsEachBackward() {
    Tape tape = new Tape(k);
    Tensor xt = Tensor.vector(1f, 2f, 3f);
    Var x = tape.variable(xt);
    tape.backward(x.square().sum());
    assertArrayEquals(new float[] {2f, 4f, 6f}, x.grad().toArray(), 0f);
    tape.clear();
    Var x2 = tape.variable(xt);
    tape.backward(x2.mul(3f).sum());
    assertArrayEquals(new float[] {3f, 3f, 3f}, x2.grad().toArray(), 0f);
  }

  @Test
  void profileCountsEveryRunOfEveryOpAndResets() {
    Parameter w = new Parameter("w", Tensor.zeros(3, 4)), b = new Parameter("b", Tensor.zeros(3));
    Tape tape = new Tape(k).setProfiling(true);
    for (int pass = 0; pass < 3; pass++) {
      tape.clear();
      Var loss = tape.input(Tensor.zeros(2, 4)).linear(w, b, UnaryOp.TANH).mean();
      if (pass < 2) tape.backward(loss); // the third pass runs forward only
    }
    String[] lines = tape.profile().split("\n");
    assertEquals(5, lines.length, tape.profile()); // header, three ops, total
    assertTrue(lines[2].contains("linear+tanh") && lines[2].contains("[2, 3]"), lines[2]);
    Nodes.Linear linear = (Nodes.Linear) tape.slot(1);
    assertEquals(3, linear.forwardRuns);
    assertEquals(2, linear.backwardRuns);
    assertTrue(lines[4].startsWith("total per pass:"), lines[4]);
    tape.resetProfile();
    assertEquals(0, linear.forwardRuns + linear.backwardRuns);
    assertEquals(0L, linear.forwardNanos + linear.backwardNanos);
    tape.setProfiling(false).clear();
    tape.input(Tensor.zeros(2, 4)).linear(w, b, UnaryOp.TANH);
    assertEquals(0, linear.forwardRuns, "not counted while profiling is off");
  }
}
