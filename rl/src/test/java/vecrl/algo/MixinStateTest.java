package vecrl.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.env.EnvRegistry;
import vecrl.policy.PolicyRegistry;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.train.TrainConfig;
import vecrl.train.Trainer;

/** A mixin's {@link PolicyTemplate.Mixin#state()} travels with the trainer's checkpoint, so a resumed run continues it. */
final class MixinStateTest {
  @TempDir Path tmp;

  private static final EnvRegistry REG = EnvRegistry.standard();
  private static final Kernels SCALAR = Backends.byName("scalar");

  /** Counts updates; its count scales the loss, so a lost count changes the training. */
  static final class UpdateCounter implements PolicyTemplate.Mixin {
    double updates;

    @Override
    public void afterUpdate(TemplatePolicy policy, Map<String, Double> stats) {
      updates++;
    }

    @Override
    public double[] state() {
      return new double[] {updates};
    }

    @Override
    public void restore(double[] state) {
      updates = state[0];
    }
  }

  private static final PolicyTemplate COUNTING = Algorithms.ppo().withUpdates(b -> b.mixin(UpdateCounter::new)
      .lossFn((p, model, dist, batch) -> Algorithms.ppo().lossFn.loss(p, model, dist, batch).mul((float) (1 + p.mixin(UpdateCounter.class).updates))));

  private static TrainConfig config() {
    TrainConfig c = TrainConfig.defaults("CartPole-v1").with(Map.of("numEnvs", "2", "numSteps", "16", "epochs", "1", "minibatches", "2",
        "evalEpisodes", "0", "hidden", "8", "seed", "4"));
    return c.with("totalSteps", String.valueOf(3 * c.batchSize()));
  }

  private static Trainer trainer() {
    return new Trainer(config(), REG, PolicyRegistry.withDefaults(), SCALAR, null, COUNTING);
  }

  @Test
  void resumedRunContinuesTheMixinsState() throws Exception {
    Map<String, vecrl.tensor.Tensor> straight;
    try (Trainer a = trainer()) {
      a.run(java.util.List.of());
      assertEquals(3, a.policy().mixin(UpdateCounter.class).updates);
      straight = a.policy().getWeights();
    }
    Path ck = tmp.resolve("ck.bin");
    try (Trainer b = trainer()) {
      b.iterate(System.nanoTime(), 0);
      b.saveCheckpoint(ck);
    }
    try (Trainer c = trainer()) {
      c.restoreCheckpoint(ck);
      assertEquals(1, c.policy().mixin(UpdateCounter.class).updates, "restored from the checkpoint");
      c.run(java.util.List.of());
      assertEquals(3, c.policy().mixin(UpdateCounter.class).updates);
      for (var e : straight.entrySet()) assertArrayEquals(e.getValue().toArray(), c.policy().getWeights().get(e.getKey()).toArray(), e.getKey());
    }
  }

  /** The built-in templates' mixins keep no state of their own: their checkpoints are unchanged (no mixin section). */
  @Test
  void builtInCheckpointsHaveNoMixinSection() throws Exception {
    Path with = tmp.resolve("ppo.bin"), without = tmp.resolve("plain.bin");
    try (Trainer a = new Trainer(config(), REG, PolicyRegistry.withDefaults(), SCALAR, null, Algorithms.ppo());
        Trainer b = new Trainer(config(), REG, PolicyRegistry.withDefaults(), SCALAR, null, Algorithms.ppo().withUpdates(PolicyTemplate.Builder::clearMixins))) {
      a.saveCheckpoint(with);
      b.saveCheckpoint(without);
    }
    assertEquals(Files.size(without), Files.size(with));
    try (Trainer c = trainer()) {
      c.saveCheckpoint(tmp.resolve("counting.bin"));
    }
    assertTrue(Files.size(tmp.resolve("counting.bin")) > Files.size(with), "the counting mixin's state is stored");
  }

  /** exportCheckpoint carries the mixins' state; importing into a policy of another optimizer or structure changes nothing and says why. */
  @Test
  void exportedCheckpointsCarryMixinStateAndRefuseAnotherOptimizer() throws Exception {
    Path dir = tmp.resolve("export");
    try (Trainer a = trainer()) {
      a.iterate(System.nanoTime(), 0);
      a.iterate(System.nanoTime(), 0);
      a.policy().exportCheckpoint(dir);
    }
    try (Trainer b = trainer()) {
      b.policy().importCheckpoint(dir);
      assertEquals(2, b.policy().mixin(UpdateCounter.class).updates);
    }
    try (Trainer sgd = new Trainer(config().with("optimizer", "sgd"), REG, PolicyRegistry.withDefaults(), SCALAR, null, COUNTING)) {
      Map<String, vecrl.tensor.Tensor> before = sgd.policy().getWeights();
      var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> sgd.policy().importCheckpoint(dir));
      assertTrue(e.getMessage().contains("'adam' optimizer") && e.getMessage().contains("'sgd' optimizer"), e.getMessage());
      for (var w : before.entrySet()) assertArrayEquals(w.getValue().toArray(), sgd.policy().getWeights().get(w.getKey()).toArray(), "unchanged");
    }
    try (Trainer wide = new Trainer(config().with("hidden", "12"), REG, PolicyRegistry.withDefaults(), SCALAR, null, COUNTING)) {
      var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> wide.policy().importCheckpoint(dir));
      assertTrue(e.getMessage().contains("policy.bin") && e.getMessage().contains("structur"), e.getMessage());
    }
  }

  /** A recurrent policy's computeActions with a state of the wrong shape says which shape it got. */
  @Test
  void recurrentComputeActionsNamesTheStateShape() {
    TrainConfig c = vecrl.train.Presets.forEnv("ppo", "CartPoleNoVel-v1", "lstm").with(Map.of("totalSteps", "256", "cellSize", "8", "hidden", "8",
        "evalEpisodes", "0"));
    try (Trainer tr = new Trainer(c, REG, PolicyRegistry.withDefaults(), SCALAR, null, null)) {
      var init = tr.policy().getInitialState();
      var r = tr.policy().computeActions(vecrl.tensor.Tensor.zeros(1, 2), init, null, null, null, false);
      assertEquals(0f, init.get(0).toArray()[0], "the caller's state is not modified");
      assertEquals(1, r.stateOut().size());
      var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> tr.policy().computeActions(vecrl.tensor.Tensor.zeros(3, 2), init, null, null, null, false));
      assertTrue(e.getMessage().contains("[3, 16]") && e.getMessage().contains("[1, 16]"), e.getMessage());
    }
  }
}
