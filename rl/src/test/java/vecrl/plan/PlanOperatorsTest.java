package vecrl.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecrl.algo.Policy;
import vecrl.algo.SampleBatch;
import vecrl.env.EnvRegistry;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Tensor;
import vecrl.train.IterationStats;
import vecrl.train.TrainConfig;
import vecrl.train.Trainer;

/** The execution-plan operators, each against a value worked out independently of it. */
final class PlanOperatorsTest {
  private static final EnvRegistry REG = EnvRegistry.standard();
  private static final Kernels SCALAR = Backends.byName("scalar");

  private static TrainConfig small(long iterations) {
    TrainConfig c = TrainConfig.defaults("CartPole-v1").with(Map.of("numEnvs", "4", "numSteps", "16", "epochs", "2", "minibatches", "2",
        "evalEpisodes", "0", "hidden", "16,16", "seed", "5"));
    return c.with("totalSteps", String.valueOf(iterations * c.batchSize()));
  }

  private static SampleBatch column(String name, float... v) {
    SampleBatch b = new SampleBatch(v.length);
    b.put(name, SampleBatch.Floats.of(v, 1));
    return b;
  }

  /** mean 2.5, sample std sqrt(5/3) = 1.2909944: (x - 2.5) / 1.2909944, worked out by hand. */
  @Test
  void standardizeFieldsAgainstAHandComputation() {
    SampleBatch b = column(SampleBatch.ADVANTAGES, 1, 2, 3, 4);
    b.put(SampleBatch.REWARDS, SampleBatch.Floats.of(new float[] {1, 2, 3, 4}, 1));
    assertSame(b, new StandardizeFields(List.of(SampleBatch.ADVANTAGES)).apply(b));
    float[] expected = {-1.1618950f, -0.3872983f, 0.3872983f, 1.1618950f};
    assertArrayEquals(expected, b.floats(SampleBatch.ADVANTAGES).data(), 1e-6f);
    assertArrayEquals(new float[] {1, 2, 3, 4}, b.floats(SampleBatch.REWARDS).data(), "a field not named is left alone");
    // a view: only its own rows change
    SampleBatch whole = column(SampleBatch.ADVANTAGES, 100, 1, 2, 3, 4, -100);
    new StandardizeFields(List.of(SampleBatch.ADVANTAGES)).apply(whole.slice(1, 5));
    float[] d = whole.floats(SampleBatch.ADVANTAGES).data();
    assertEquals(100f, d[0]);
    assertEquals(-100f, d[5]);
    assertArrayEquals(expected, java.util.Arrays.copyOfRange(d, 1, 5), 1e-6f);
    var e = assertThrows(IllegalArgumentException.class, () -> new StandardizeFields(List.of("nope")).apply(column("x", 1, 2)));
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
  }

  /** Batches of 3, 4, 5, 2 rows with a minimum of 7: out come 7 rows (the first two) and 7 (the last two), rows in order. */
  @Test
  void concatBatchesSizesAndOrder() {
    ConcatBatches c = new ConcatBatches(7);
    assertEquals(List.of(), c.apply(column("x", 0, 1, 2)));
    List<SampleBatch> out = c.apply(column("x", 3, 4, 5, 6));
    assertEquals(1, out.size());
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6}, out.get(0).floats("x").data());
    assertEquals(List.of(), c.apply(column("x", 7, 8, 9, 10, 11)));
    out = c.apply(column("x", 12, 13));
    assertArrayEquals(new float[] {7, 8, 9, 10, 11, 12, 13}, out.get(0).floats("x").data());
    SampleBatch big = column("x", 1, 2, 3, 4, 5, 6, 7, 8);
    assertSame(big, c.apply(big).get(0), "a batch that has enough rows passes as it is");
    // through a LocalIterator: combine pulls until a batch is ready
    int[] sizes = {3, 4, 5, 2};
    int[] at = {0};
    float[] next = {0};
    LocalIterator<SampleBatch> src = new LocalIterator<>(new PlanContext(), () -> {
      if (at[0] == sizes.length) return null;
      float[] v = new float[sizes[at[0]++]];
      for (int i = 0; i < v.length; i++) v[i] = next[0]++;
      return column("x", v);
    });
    List<SampleBatch> all = src.combine(new ConcatBatches(7)).take(5);
    assertEquals(2, all.size(), "14 rows give two batches of 7, then the stream ends");
    assertEquals(7, all.get(1).rows());
    assertEquals(13f, all.get(1).floats("x").get(6, 0));
  }

  /**
   * With the adaptive KL penalty and batch-wide advantages, the plan's StandardizeFields and
   * UpdateKL steps take the places of the trainer's: three iterations give the trainer's
   * statistics, weights and KL coefficient. Without UpdateKL the coefficient stays where it was.
   */
  @Test
  void klAndBatchWideAdvantagesAsTheTrainersLoop() {
    TrainConfig c = small(3).with(Map.of("klCoeff", "0.2", "klTarget", "0.0001", "normAdvBatch", "true"));
    List<IterationStats> plain = new ArrayList<>(), planned = new ArrayList<>();
    Map<String, Tensor> wPlain, wPlan;
    double klPlain, klPlan;
    try (Trainer t = new Trainer(c, REG, SCALAR)) {
      for (int i = 0; i < 3; i++) plain.add(t.iterate(0, 0));
      wPlain = t.policy().getWeights();
      klPlain = t.policy().klCoeff();
    }
    try (Trainer t = new Trainer(c, REG, SCALAR); LocalWorkerSet w = new LocalWorkerSet(t)) {
      LocalIterator<IterationStats> plan = Plans.bulkSync(w, c);
      for (int i = 0; i < 3; i++) planned.add(plan.next());
      wPlan = t.policy().getWeights();
      klPlan = t.policy().klCoeff();
    }
    assertNotEquals(0.2, klPlain, "the coefficient moved (else this test shows nothing)");
    assertEquals(klPlain, klPlan);
    for (int i = 0; i < 3; i++) assertEquals(withoutTimes(plain.get(i)), withoutTimes(planned.get(i)), "iteration " + (i + 1));
    for (String k : wPlain.keySet()) assertArrayEquals(wPlain.get(k).toArray(), wPlan.get(k).toArray(), k);
    try (Trainer t = new Trainer(c, REG, SCALAR); LocalWorkerSet w = new LocalWorkerSet(t)) {
      PlanContext ctx = new PlanContext();
      LocalIterator<TrainResult> noKl = ParallelRollouts.of(ctx, w, ParallelRollouts.Mode.BULK_SYNC).combine(new ConcatBatches(c.batchSize()))
          .forEach(new StandardizeFields(List.of(SampleBatch.ADVANTAGES))).forEach(new TrainOneStep(ctx, w));
      noKl.take(3);
      assertEquals(0.2, t.policy().klCoeff());
      assertEquals(3 * c.batchSize(), ctx.counter(PlanContext.STEPS_SAMPLED));
      assertEquals(3 * c.batchSize(), ctx.counter(PlanContext.STEPS_TRAINED));
    }
  }

  private static List<Object> withoutTimes(IterationStats s) {
    return List.of(s.step(), s.iteration(), s.episodes(), s.meanReturn(), s.meanLength(), s.loss(), s.policyLoss(), s.valueLoss(), s.entropy(),
        s.approxKl(), s.clipFraction(), s.explainedVariance(), s.learningRate(), s.epochs(), s.invalidActions());
  }

  /**
   * ApplyGradients(updateAll = false) sends the new weights to the worker whose gradients it
   * applied, and to no other; that worker's next task acts with them (version 1), the other's with
   * the weights it had (version 0). With updateAll = true every worker gets them.
   */
  @Test
  void applyGradientsSendsWeightsOnlyToTheWorkerThatProducedThem() {
    TrainConfig c = small(4);
    for (boolean all : new boolean[] {false, true}) {
      try (Trainer t = new Trainer(c, REG, SCALAR); LocalWorkerSet w = new LocalWorkerSet(t, REG, 2)) {
        assertEquals(List.of(0L), w.versionsSent(0));
        assertEquals(List.of(0L), w.versionsSent(1));
        PlanContext ctx = new PlanContext();
        LocalIterator<WorkerSet.WorkerResult<Policy.Gradients>> grads = AsyncGradients.of(ctx, w);
        WorkerSet.WorkerResult<Policy.Gradients> g = grads.next();
        assertEquals(0, g.weightsVersion());
        int producer = g.worker(), other = 1 - producer;
        float[] before = t.policy().getWeights().values().iterator().next().toArray();
        TrainResult r = new ApplyGradients(ctx, w, all).apply(g);
        assertEquals(producer, r.worker());
        assertTrue(!java.util.Arrays.equals(before, t.policy().getWeights().values().iterator().next().toArray()), "the learner stepped");
        assertEquals(List.of(0L, 1L), w.versionsSent(producer));
        assertEquals(all ? List.of(0L, 1L) : List.of(0L), w.versionsSent(other));
        // the producer's next task takes up version 1; without updateAll the other acts with version 0 (it was sent nothing)
        WorkerSet.WorkerResult<Policy.Gradients> n = grads.next();
        if (n.worker() == producer) assertEquals(1, n.weightsVersion(), "the producer acts with the weights it was sent");
        else if (!all) assertEquals(0, n.weightsVersion(), "the other worker was sent nothing");
        new ApplyGradients(ctx, w, all).apply(n);
        assertEquals(n.worker() == producer || all ? List.of(0L, 1L, 2L) : List.of(0L, 2L), w.versionsSent(n.worker()));
        new ApplyGradients(ctx, w, all).apply(grads.next());
        assertEquals(3, ctx.counter(PlanContext.GRAD_UPDATES));
        assertEquals(3L * c.numSteps() * 2, ctx.counter(PlanContext.STEPS_SAMPLED), "each gradient covers a worker's 2 envs x numSteps");
      }
    }
  }
}
