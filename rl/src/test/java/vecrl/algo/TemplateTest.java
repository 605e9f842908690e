package vecrl.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.autodiff.Parameter;
import vecrl.env.EnvRegistry;
import vecrl.policy.PolicyRegistry;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.train.IterationStats;
import vecrl.train.Presets;
import vecrl.train.TrainConfig;
import vecrl.train.Trainer;

/** The policy template: hooks, withUpdates, the Policy interface, PPO's options, REINFORCE. */
final class TemplateTest {
  @TempDir Path tmp;

  private static final EnvRegistry REG = EnvRegistry.standard();
  private static final Kernels SCALAR = Backends.byName("scalar");

  private static TrainConfig small(String env, long iterations) {
    TrainConfig c = TrainConfig.defaults(env).with(Map.of("numEnvs", "2", "numSteps", "32", "epochs", "2", "minibatches", "2",
        "evalEpisodes", "0", "hidden", "16,16", "seed", "5"));
    return c.with("totalSteps", String.valueOf(iterations * c.batchSize()));
  }

  private static Trainer trainer(TrainConfig c, PolicyTemplate t) {
    return new Trainer(c, REG, PolicyRegistry.withDefaults(), SCALAR, null, t);
  }

  /** A template with only a loss is complete; the hooks are called in order, and the loss sees the recorded extra column. */
  @Test
  void hooksRunAndExtraActionOutputsReachTheLoss() {
    List<String> calls = new ArrayList<>();
    float[][] seen = new float[1][];
    PolicyTemplate t = PolicyTemplate.builder("traced")
        .beforeInit(p -> calls.add("beforeInit"))
        .beforeLossInit(p -> calls.add("beforeLossInit"))
        .afterInit(p -> calls.add("afterInit"))
        .extraActionOutFn((p, obs, out) -> {
          Tensor twice = Tensor.zeros(obs.rows(), 1);
          for (int i = 0; i < obs.rows(); i++) twice.set(i, 0, 2 * out.values().get(i));
          return Map.of("twice_vf", twice);
        })
        .lossFn((p, model, dist, batch) -> {
          SampleBatch.Floats twice = batch.floats("twice_vf");
          SampleBatch.Floats vf = batch.floats(SampleBatch.VF_PREDS);
          float[] ratio = new float[batch.rows()];
          for (int r = 0; r < batch.rows(); r++) ratio[r] = twice.get(r, 0) - 2 * vf.get(r, 0);
          seen[0] = ratio;
          var ev = p.evaluate(batch);
          return ev.logProb().mul(p.tape().input(p.minibatch(batch).advantagesAs(ev.logProb().value()))).mean().neg();
        })
        .afterOptimizerStep((p, batch) -> calls.add("afterOptimizerStep"))
        .build();
    try (Trainer tr = trainer(small("CartPole-v1", 1), t)) {
      assertEquals(List.of("beforeInit", "beforeLossInit", "afterInit"), calls);
      tr.iterate(System.nanoTime(), 0);
      assertEquals(3 + 4, calls.size(), "one afterOptimizerStep per minibatch (2 epochs x 2)");
      for (float d : seen[0]) assertEquals(0f, d, "the extra column holds what was recorded with the step's value");
      assertTrue(tr.lastBatch().has("twice_vf"));
    }
  }

  /** The context columns: eps_id constant within an episode, t counting its steps, prev_actions/prev_rewards the previous row's. */
  @Test
  void contextColumnsFollowTheEpisodes() {
    try (Trainer tr = trainer(small("CartPole-v1", 2), Algorithms.ppo())) {
      tr.iterate(System.nanoTime(), 0);
      tr.iterate(System.nanoTime(), 0);
      SampleBatch b = tr.lastBatch();
      int envs = b.envs(), checked = 0;
      for (int t = 1; t < b.steps(); t++) {
        for (int i = 0; i < envs; i++) {
          int k = t * envs + i, prev = k - envs;
          boolean starts = b.floats(SampleBatch.EPS_START).get(k, 0) != 0;
          if (starts) {
            assertEquals(0, b.ints(SampleBatch.T).get(k, 0));
            assertEquals(0f, b.floats(SampleBatch.PREV_ACTIONS).get(k, 0));
            assertNotEquals(b.ints(SampleBatch.EPS_ID).get(prev, 0), b.ints(SampleBatch.EPS_ID).get(k, 0));
          } else {
            assertEquals(b.ints(SampleBatch.T).get(prev, 0) + 1, b.ints(SampleBatch.T).get(k, 0));
            assertEquals(b.ints(SampleBatch.EPS_ID).get(prev, 0), b.ints(SampleBatch.EPS_ID).get(k, 0));
            assertEquals(b.floats(SampleBatch.ACTIONS).get(prev, 0), b.floats(SampleBatch.PREV_ACTIONS).get(k, 0));
            assertEquals(b.floats(SampleBatch.REWARDS).get(prev, 0), b.floats(SampleBatch.PREV_REWARDS).get(k, 0));
            checked++;
          }
        }
      }
      assertTrue(checked > 50, "rows checked: " + checked);
    }
  }

  /** withUpdates replaces the loss and keeps the rest (the postprocessing, the mixins). */
  @Test
  void withUpdatesReplacesOneHook() {
    int[] calls = new int[1];
    PolicyTemplate ppo = Algorithms.ppo();
    PolicyTemplate custom = ppo.withUpdates(b -> b.lossFn((p, model, dist, batch) -> {
      calls[0]++;
      var ev = p.evaluate(batch);
      return ev.value().sub(p.tape().input(p.minibatch(batch).returnsAs(ev.value().value()))).square().mean();
    }));
    try (Trainer tr = trainer(small("CartPole-v1", 1), custom)) {
      tr.iterate(System.nanoTime(), 0);
      assertEquals(4, calls[0]);
      assertEquals(3, tr.policy().mixins().size(), "PPO's mixins kept");
      assertTrue(tr.lastBatch().has(SampleBatch.ADVANTAGES), "PPO's postprocessing kept");
    }
    assertEquals("ppo", custom.name());
    assertThrows(IllegalArgumentException.class, () -> PolicyTemplate.builder("empty").build());
  }

  /** computeGradients then applyGradients is learnOnBatch, bit for bit; weights round-trip and are checked. */
  @Test
  void policyInterfaceGradientsAndWeights() throws Exception {
    TrainConfig c = small("CartPole-v1", 1);
    try (Trainer a = trainer(c, Algorithms.ppo()); Trainer b = trainer(c, Algorithms.ppo())) {
      a.iterate(System.nanoTime(), 0);
      b.iterate(System.nanoTime(), 0);
      SampleBatch batch = a.lastBatch().slice(0, 16);
      Map<String, Double> stats = a.policy().learnOnBatch(batch);
      Policy.Gradients g = b.policy().computeGradients(b.lastBatch().slice(0, 16));
      b.policy().applyGradients(g);
      for (var e : a.policy().getWeights().entrySet()) {
        assertArrayEquals(e.getValue().toArray(), b.policy().getWeights().get(e.getKey()).toArray(), e.getKey());
      }
      assertTrue(stats.containsKey("policy_loss") && stats.containsKey("cur_lr"), stats.toString());
      // setWeights copies by name and checks names and shapes
      Map<String, Tensor> w = a.policy().getWeights();
      b.policy().setWeights(w);
      Map<String, Tensor> bad = new LinkedHashMap<>(w);
      String first = w.keySet().iterator().next();
      bad.put(first, Tensor.zeros(1));
      var e = assertThrows(IllegalArgumentException.class, () -> b.policy().setWeights(bad));
      assertTrue(e.getMessage().startsWith("setWeights: " + first + " is [1], expected"), e.getMessage());
      bad.remove(first);
      e = assertThrows(IllegalArgumentException.class, () -> b.policy().setWeights(bad));
      assertEquals("setWeights: missing parameter " + first, e.getMessage());
      // export and import: another policy takes the weights and the optimizer's state
      a.policy().exportCheckpoint(tmp.resolve("ck"));
      try (Trainer d = trainer(c.with("seed", "9"), Algorithms.ppo())) {
        d.policy().importCheckpoint(tmp.resolve("ck"));
        for (Parameter p : d.network().parameters()) {
          assertArrayEquals(a.policy().getWeights().get(p.name()).toArray(), p.value().toArray(), p.name());
        }
        assertEquals(a.policy().optimizer().stepCount(), d.policy().optimizer().stepCount());
      }
      // computeActions: greedy actions equal the model's mode; a single observation too
      Tensor obs = Tensor.zeros(3, 4);
      var r = a.policy().computeActions(obs, List.of(), null, null, null, false);
      assertEquals(3, r.actions().rows());
      assertTrue(r.extraFetches().containsKey(SampleBatch.VF_PREDS));
      assertEquals(r.actions().get(0, 0), a.policy().computeSingleAction(Tensor.zeros(4), List.of(), false).actions().get(0, 0));
      assertEquals(List.of(), a.policy().getInitialState());
    }
  }

  /** A recurrent model: computeActions carries the state, and the minibatch gives the loss its start memories. */
  @Test
  void recurrentStateFlows() {
    TrainConfig c = Presets.forEnv("ppo", "CartPoleNoVel-v1", "lstm").with(Map.of("totalSteps", "256", "cellSize", "8", "hidden", "8",
        "evalEpisodes", "0"));
    int[] stateRows = new int[1];
    PolicyTemplate t = Algorithms.ppo().withUpdates(b -> b.lossFn((p, model, dist, batch) -> {
      stateRows[0] = batch.side(SampleBatch.stateIn(0)).length / model.memorySize();
      return Algorithms.ppo().lossFn.loss(p, model, dist, batch);
    }));
    try (Trainer tr = new Trainer(c, REG, PolicyRegistry.withDefaults(), SCALAR, null, t)) {
      assertTrue(tr.policy().isRecurrent());
      var init = tr.policy().getInitialState();
      assertEquals(1, init.size());
      var r = tr.policy().computeActions(Tensor.zeros(1, 2), init, null, null, null, true);
      assertNotEquals(0f, r.stateOut().get(0).toArray()[0] + r.stateOut().get(0).toArray()[1], "the state moved");
      tr.iterate(System.nanoTime(), 0);
      assertEquals(c.numEnvs() * (c.numSteps() / c.seqLen()) / c.minibatches(), stateRows[0], "one start memory per sequence");
    }
  }

  /** PPO's adaptive KL penalty: the coefficient grows when the update's KL passes twice the target. */
  @Test
  void adaptiveKlCoefficientGrowsOnLargeKl() {
    TrainConfig c = small("CartPole-v1", 2).with(Map.of("klCoeff", "0.2", "klTarget", "1e-9", "learningRate", "0.01"));
    try (Trainer tr = trainer(c, Algorithms.ppo())) {
      tr.iterate(System.nanoTime(), 0);
      assertEquals(0.2 * 1.5, tr.policy().klCoeff(), 1e-12);
    }
    try (Trainer tr = trainer(c.with("klTarget", "1e9"), Algorithms.ppo())) {
      tr.iterate(System.nanoTime(), 0);
      assertEquals(0.2 * 0.5, tr.policy().klCoeff(), 1e-12);
    }
  }

  /** normAdvBatch standardises the whole rollout's advantages; targetKl stops the epochs early. */
  @Test
  void batchWideAdvantagesAndTargetKlStop() {
    try (Trainer tr = trainer(small("CartPole-v1", 1).with("normAdvBatch", "true"), Algorithms.ppo())) {
      tr.iterate(System.nanoTime(), 0);
      float[] a = tr.lastBatch().floats(SampleBatch.ADVANTAGES).data();
      double m = 0, s = 0;
      for (float v : a) m += v;
      m /= a.length;
      for (float v : a) s += (v - m) * (v - m);
      assertEquals(0, m, 1e-5);
      assertEquals(1, Math.sqrt(s / (a.length - 1)), 1e-4);
    }
    TrainConfig c = small("CartPole-v1", 1).with(Map.of("epochs", "10", "targetKl", "1e-12", "learningRate", "0.01"));
    try (Trainer tr = trainer(c, Algorithms.ppo())) {
      IterationStats s = tr.iterate(System.nanoTime(), 0);
      assertEquals(1, s.epochs(), "stopped after the first epoch");
    }
  }

  /** computeActions with action masks [B, maskWidth]: a forbidden action is never chosen, sampled or greedy. */
  @Test
  void computeActionsTakesMasks() {
    try (Trainer tr = trainer(small("CartPole-v1", 1), Algorithms.ppo())) {
      TemplatePolicy p = tr.policy();
      assertEquals(2, p.model().maskWidth());
      int b = 64;
      Tensor obs = Tensor.zeros(b, 4), masks = Tensor.zeros(b, 2);
      for (int i = 0; i < b; i++) {
        obs.set(i, i % 4, (i % 7) * 0.3f - 1f);
        masks.set(i, i % 2, 1f); // even rows allow only action 0, odd rows only action 1
      }
      for (int round = 0; round < 20; round++) {
        Tensor a = p.computeActions(obs, List.of(), masks, round % 5 != 0).actions();
        for (int i = 0; i < b; i++) assertEquals(i % 2, (int) a.get(i, 0), "row " + i + " round " + round);
      }
      var e = assertThrows(IllegalArgumentException.class, () -> p.computeActions(obs, List.of(), Tensor.zeros(b, 3), true));
      assertTrue(e.getMessage().contains("[" + b + ", 2]"), e.getMessage());
    }
  }

  /** Presets.forTemplate: TrainConfig's defaults, then the template's default config. */
  @Test
  void presetsForTemplateAppliesItsDefaultConfig() {
    PolicyTemplate t = PolicyTemplate.builder("mine").lossFn((p, m, d, b) -> null)
        .getDefaultConfig(() -> Map.of("epochs", "1", "numSteps", "64", "entCoef", "0")).build();
    TrainConfig c = Presets.forTemplate(t, "CartPole-v1");
    assertEquals(TrainConfig.defaults("CartPole-v1").with(Map.of("epochs", "1", "numSteps", "64", "entCoef", "0")), c);
    assertEquals(1, c.epochs());
    assertEquals(64, c.numSteps());
    PolicyTemplate none = PolicyTemplate.builder("plain").lossFn((p, m, d, b) -> null).build();
    assertEquals(TrainConfig.defaults("Pendulum-v1"), Presets.forTemplate(none, "Pendulum-v1"));
    assertEquals("1", Presets.forTemplate(Algorithms.reinforce(), "CartPole-v1").toMap().get("minibatches"));
  }

  /**
   * A template's statsFn values: Trainer.lastStats() holds the last update's map, and TrainingRun
   * writes one JSON line per iteration into stats.jsonl (only when a statsFn is set).
   */
  @Test
  void statsFnValuesReachStatsJsonl() throws Exception {
    int[] calls = {0};
    PolicyTemplate t = Algorithms.ppo().withUpdates(b -> b.statsFn((p, batch) -> {
      calls[0]++;
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("my_metric", (double) calls[0]);
      m.put("rows", (double) batch.rows());
      m.put("odd", Double.NaN);
      return m;
    }));
    TrainConfig c = small("CartPole-v1", 3);
    try (Trainer tr = trainer(c, t)) {
      assertEquals(Map.of(), tr.lastStats());
      tr.iterate(System.nanoTime(), 0);
      assertEquals(1.0, tr.lastStats().get("my_metric"));
    }
    Path dir = tmp.resolve("run");
    vecrl.train.TrainingRun.train(c, REG, PolicyRegistry.withDefaults(), null, t, dir, List.of(), SCALAR);
    List<String> lines = java.nio.file.Files.readAllLines(dir.resolve(vecrl.train.TrainingRun.STATS_JSONL));
    assertEquals(3, lines.size(), lines.toString());
    for (int i = 0; i < 3; i++) {
      assertEquals("{\"step\":" + (i + 1) * c.batchSize() + ",\"iteration\":" + (i + 1) + ",\"my_metric\":" + (double) (calls[0] - 2 + i)
          + ",\"rows\":" + c.batchSize() / c.minibatches() + ".0,\"odd\":null}", lines.get(i));
    }
    // resumed with the same template: lines past the checkpoint are dropped, the new iterations appended
    java.nio.file.Files.writeString(dir.resolve(vecrl.train.TrainingRun.STATS_JSONL), "{\"step\":9999,\"iteration\":99}\n{\"step\":1",
        java.nio.file.StandardOpenOption.APPEND);
    vecrl.train.TrainingRun.resume(dir, REG, PolicyRegistry.withDefaults(), t, 5 * c.batchSize(), List.of(), SCALAR);
    lines = java.nio.file.Files.readAllLines(dir.resolve(vecrl.train.TrainingRun.STATS_JSONL));
    assertEquals(5, lines.size(), lines.toString());
    for (int i = 0; i < 5; i++) assertTrue(lines.get(i).startsWith("{\"step\":" + (i + 1) * c.batchSize() + ",\"iteration\":" + (i + 1) + ",\"my_metric\":"), lines.get(i));
    // the built-in templates have no statsFn: no stats.jsonl
    Path plain = tmp.resolve("plain");
    vecrl.train.TrainingRun.train(small("CartPole-v1", 1), REG, PolicyRegistry.withDefaults(), null, null, plain, List.of(), SCALAR);
    assertTrue(!java.nio.file.Files.exists(plain.resolve(vecrl.train.TrainingRun.STATS_JSONL)));
  }

  /** REINFORCE with normAdvBatch standardises the whole batch's advantages after postprocessing, as PPO and A2C do. */
  @Test
  void reinforceBatchWideAdvantages() {
    TrainConfig c = small("CartPole-v1", 1).with(Map.of("algo", "reinforce", "normAdvBatch", "true", "minibatches", "2"));
    try (Trainer tr = trainer(c, Algorithms.reinforce())) {
      tr.iterate(System.nanoTime(), 0);
      float[] a = tr.lastBatch().floats(SampleBatch.ADVANTAGES).data();
      double m = 0, s = 0;
      for (float v : a) m += v;
      m /= a.length;
      for (float v : a) s += (v - m) * (v - m);
      assertEquals(0, m, 1e-5);
      assertEquals(1, Math.sqrt(s / (a.length - 1)), 1e-4);
    }
  }

  /** REINFORCE with a value baseline learns CartPole: its preset, 300,000 steps, greedy >= 475 on at least 4 of 5 seeds (measured: 500 on all 5). */
  @Test
  void reinforceLearnsCartPole() {
    int good = 0;
    List<Double> means = new ArrayList<>();
    for (int seed = 1; seed <= 5; seed++) {
      TrainConfig c = Presets.forEnv("reinforce", "CartPole-v1").with("seed", String.valueOf(seed));
      try (Trainer tr = new Trainer(c, REG, Backends.kernels())) {
        tr.run(List.of());
        double mean = tr.evaluate(10, seed * 7919L).mean();
        means.add(mean);
        if (mean >= 475) good++;
      }
    }
    assertTrue(good >= 4, "greedy means " + means);
  }
}
