package vecrl.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecrl.algo.SampleBatch;
import vecrl.algo.TemplatePolicy;
import vecrl.env.EnvRegistry;
import vecrl.policy.MlpQPolicy;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.train.Policies;
import vecrl.train.Presets;
import vecrl.train.TrainConfig;
import vecrl.train.Trainer;

/**
 * Example 7, {@link SimpleQPolicy}: its loss and TD errors on a fixed batch by hand, the target copy
 * every {@code targetUpdateInterval} optimizer steps, and a short run through the trainer's
 * off-policy loop.
 */
final class SimpleQPolicyTest {
  private static final Kernels SCALAR = Backends.byName("scalar");

  /**
   * Q linear without hidden layers: online {@code Q(s) = s}, target {@code [2 s0, s1]}, gamma 0.5 (the
   * batch of {@code vecrl.algo.DqnLossTest}): targets 1 + 0.5 max(2, 1.5) = 2, 0 (terminated), -1 +
   * 0.5 max(0.5, 1) = -0.5; Q(s, a) = 2, 0.5, 2; TD errors 0, 0.5, 2.5; Huber mean (0 + 0.125 + 2) / 3.
   */
  @Test
  void lossAndTdErrorByHand() {
    TrainConfig c = Presets.forEnv("dqn", "CartPole-v1").with(Map.of("gamma", "0.5", "hidden", ""));
    Box obs = new Box(-10f, 10f, 2);
    TemplatePolicy p = SimpleQPolicy.TEMPLATE.build(obs, new Discrete(2), c, SCALAR, new Rng(1));
    MlpQPolicy q = assertInstanceOf(MlpQPolicy.class, p.model());
    q.parameters().get(0).value().copyFrom(new float[] {1, 0, 0, 1});
    q.parameters().get(1).value().copyFrom(new float[] {0, 0});
    MlpQPolicy target = p.mixin(SimpleQPolicy.Models.class).target();
    target.parameters().get(0).value().copyFrom(new float[] {2, 0, 0, 1});
    target.parameters().get(1).value().copyFrom(new float[] {0, 0});
    SampleBatch b = new SampleBatch(3);
    b.put(SampleBatch.OBS, SampleBatch.Floats.of(new float[] {1, 2, 0.5f, -1, 2, 0}, 2));
    b.put(SampleBatch.ACTIONS, SampleBatch.Floats.of(new float[] {1, 0, 0}, 1));
    b.put(SampleBatch.REWARDS, SampleBatch.Floats.of(new float[] {1, 0, -1}, 1));
    b.put(SampleBatch.NEW_OBS, SampleBatch.Floats.of(new float[] {1, 1.5f, 1, 4, 0.25f, 1}, 2));
    b.put(SampleBatch.TERMINATEDS, SampleBatch.Floats.of(new float[] {0, 1, 0}, 1));
    b.put(SampleBatch.TRUNCATEDS, SampleBatch.Floats.of(new float[] {0, 0, 1}, 1));
    var stats = p.computeGradients(b).stats();
    assertEquals(2.125 / 3, stats.get("loss"), 1e-7);
    assertArrayEquals(new float[] {0, 0.5f, 2.5f}, SimpleQPolicy.tdError(p));
    assertEquals(1.0, stats.get("mean_abs_td_error"), 1e-7);
  }

  @Test
  void targetIsCopiedEveryIntervalOfOptimizerSteps() {
    TrainConfig c = Presets.forEnv("dqn", "CartPole-v1").with(Map.of("targetUpdateInterval", "3", "hidden", "8", "learningRate", "0.01"));
    TemplatePolicy p = SimpleQPolicy.TEMPLATE.build(new Box(-10f, 10f, 2), new Discrete(2), c, SCALAR, new Rng(2));
    SampleBatch b = new SampleBatch(2);
    b.put(SampleBatch.OBS, SampleBatch.Floats.of(new float[] {1, 2, 3, -1}, 2));
    b.put(SampleBatch.ACTIONS, SampleBatch.Floats.of(new float[] {1, 0}, 1));
    b.put(SampleBatch.REWARDS, SampleBatch.Floats.of(new float[] {1, 1}, 1));
    b.put(SampleBatch.NEW_OBS, SampleBatch.Floats.of(new float[] {1, 1, 0, 0}, 2));
    b.put(SampleBatch.TERMINATEDS, SampleBatch.Floats.of(new float[] {0, 0}, 1));
    b.put(SampleBatch.TRUNCATEDS, SampleBatch.Floats.of(new float[] {0, 0}, 1));
    MlpQPolicy target = p.mixin(SimpleQPolicy.Models.class).target();
    float[] initial = target.parameters().get(0).value().toArray();
    p.learnOnBatch(b);
    p.learnOnBatch(b);
    assertArrayEquals(initial, target.parameters().get(0).value().toArray(), "no copy before 3 optimizer steps");
    float[] afterTwo = p.model().parameters().get(0).value().toArray();
    assertTrue(!java.util.Arrays.equals(initial, afterTwo), "the Q network moved");
    p.learnOnBatch(b);
    assertArrayEquals(p.model().parameters().get(0).value().toArray(), target.parameters().get(0).value().toArray(), "copied at step 3");
  }

  /** The template through the trainer's off-policy loop: 1,000 steps of CartPole-v1, training after 200. */
  @Test
  void trainsInTheOffPolicyLoop() {
    TrainConfig c = Presets.forTemplate(SimpleQPolicy.TEMPLATE, "CartPole-v1").with(Presets.get("dqn")).with(Map.of("totalSteps", "1000",
        "learningStarts", "200", "hidden", "16", "evalEpisodes", "0"));
    try (Trainer t = new Trainer(c, EnvRegistry.standard(), Policies.defaultRegistry(), SCALAR, null, SimpleQPolicy.TEMPLATE)) {
      t.run(List.of());
      assertEquals(1000, t.globalStep());
      assertEquals(200, t.gradientSteps(), "one gradient step every 4 env steps after 200: (1000 - 200) / 4");
      assertInstanceOf(MlpQPolicy.class, t.network());
      assertTrue(t.lastStats().containsKey("mean_abs_td_error"), t.lastStats().toString());
      assertEquals(200, t.policy().mixin(SimpleQPolicy.Models.class).optimizerSteps, "afterOptimizerStep ran once per gradient step");
    }
  }
}
