package vecrl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.autodiff.Adam;
import vecrl.autodiff.RmsProp;
import vecrl.autodiff.Sgd;
import vecrl.env.EnvRegistry;
import vecrl.nn.NetArch;
import vecrl.policy.MlpActorCriticPolicy;
import vecrl.policy.PolicyRegistry;
import vecrl.policy.examples.LeraxCustomPolicy;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;

/** Training opened up: policy instances, registry names with arguments, net_arch, optimizers, schedules, extending runs. */
final class OpenTrainingTest {
  @TempDir Path tmp;

  private static final EnvRegistry REG = EnvRegistry.standard();
  private static final Kernels SCALAR = Backends.byName("scalar");

  private static TrainConfig small(String env, long iterations) {
    TrainConfig c = TrainConfig.defaults(env).with(Map.of("numEnvs", "2", "numSteps", "32", "epochs", "2", "minibatches", "2",
        "evalEpisodes", "0", "hidden", "16,16", "seed", "5"));
    return c.with("totalSteps", String.valueOf(iterations * c.batchSize()));
  }

  /** metrics.csv without the wall-clock steps/s column. */
  private static List<String> metrics(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    for (String l : Files.readAllLines(dir.resolve(TrainingRun.METRICS), StandardCharsets.UTF_8)) out.add(l.substring(0, l.lastIndexOf(',')));
    return out;
  }

  private static Callback killAfter(long iteration) {
    return new Callback() {
      @Override
      public boolean onIteration(Trainer t, IterationStats s) {
        if (s.iteration() == iteration) throw new IllegalStateException("simulated kill");
        return true;
      }
    };
  }

  @Test
  void aUserSubclassTrainsIsRecordedAndResumesExactly() throws IOException {
    TrainConfig c = small("CartPole-v1", 4).with("checkpointEvery", "1");
    var env = REG.make("CartPole-v1");
    Path full = tmp.resolve("full"), cut = tmp.resolve("cut");
    TrainingRun.Result r = TrainingRun.train(c, REG, new LeraxCustomPolicy(env.observationSpace(), env.actionSpace(), new Rng(1)), full,
        List.of(), SCALAR);
    assertInstanceOf(LeraxCustomPolicy.class, r.trainer().network());
    assertEquals("class:vecrl.policy.examples.LeraxCustomPolicy", TrainConfig.load(full.resolve(TrainingRun.CONFIG)).policy());
    assertThrows(IllegalStateException.class, () -> TrainingRun.train(c, REG,
        new LeraxCustomPolicy(env.observationSpace(), env.actionSpace(), new Rng(1)), cut, List.of(killAfter(2)), SCALAR));
    // resume rebuilds the subclass from the recorded class name, then continues bit for bit
    TrainingRun.Result resumed = TrainingRun.resume(cut, REG, List.of(), SCALAR);
    assertInstanceOf(LeraxCustomPolicy.class, resumed.trainer().network());
    assertEquals(metrics(full), metrics(cut));
    assertArrayEquals(PolicyBytes.weights(full.resolve(TrainingRun.POLICY)), PolicyBytes.weights(cut.resolve(TrainingRun.POLICY)));
    // and the loader rebuilds it with no constructor arguments from the caller
    PolicyFile.Loaded l = PolicyFile.load(full.resolve(TrainingRun.POLICY), TrainConfig.load(full.resolve(TrainingRun.CONFIG)),
        REG.spec("CartPole-v1"));
    assertInstanceOf(LeraxCustomPolicy.class, l.policy());
    assertEquals(Trainer.evaluate(r.trainer().network(), SCALAR, REG.spec("CartPole-v1"), null, 10f, 2, 9, true).mean(),
        Trainer.evaluate(l.policy(), SCALAR, REG.spec("CartPole-v1"), null, 10f, 2, 9, true).mean());
  }

  @Test
  void aPolicyForOtherSpacesIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Trainer(small("CartPole-v1", 1), REG, PolicyRegistry.withDefaults(),
        SCALAR, new LeraxCustomPolicy(new Box(-1f, 1f, 3), new Discrete(2), new Rng(1))));
    assertTrue(e.getMessage().contains("are not those of CartPole-v1"), e.getMessage());
    // a config whose policy key would rebuild something else is refused before training, not at resume
    var env = REG.make("CartPole-v1");
    e = assertThrows(IllegalArgumentException.class, () -> new Trainer(small("CartPole-v1", 1).with("policy", "MlpPolicy"), REG,
        PolicyRegistry.withDefaults(), SCALAR, new LeraxCustomPolicy(env.observationSpace(), env.actionSpace(), new Rng(1))));
    assertTrue(e.getMessage().contains("policy = MlpPolicy rebuilds a vecrl.policy.MlpActorCriticPolicy"), e.getMessage());
    // an instance that its class's (Space, Space, Rng) constructor does not rebuild (another network config) is refused
    e = assertThrows(IllegalArgumentException.class, () -> new Trainer(small("CartPole-v1", 1), REG, PolicyRegistry.withDefaults(), SCALAR,
        new MlpActorCriticPolicy(env.observationSpace(), env.actionSpace(), vecrl.policy.MlpPolicyConfig.separate64(), new Rng(1))));
    assertTrue(e.getMessage().contains("policy = class:vecrl.policy.MlpActorCriticPolicy rebuilds") && e.getMessage().contains("structure differs"),
        e.getMessage());
  }

  @Test
  void aMissingPolicyClassOrNameIsNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Trainer(small("CartPole-v1", 1).with("policy", "class:com.example.Nope"),
        REG, SCALAR));
    assertTrue(e.getMessage().contains("com.example.Nope") && e.getMessage().contains("--classpath"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Trainer(small("CartPole-v1", 1).with("policy", "NoSuchPolicy"), REG, SCALAR));
    assertTrue(e.getMessage().contains("NoSuchPolicy") && e.getMessage().contains("MlpPolicy"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Trainer(small("CartPole-v1", 1).with("policy", "class:java.lang.String"),
        REG, SCALAR));
    assertTrue(e.getMessage().contains("java.lang.String is not an ActorCriticPolicy"), e.getMessage());
  }

  @Test
  void aRegistryPolicyWithArgumentsTrainsAndLoads() throws IOException {
    TrainConfig c = small("CartPole-v1", 2).with(Map.of("policy", "SeparateMlpPolicy", "policyArgs", "net_arch=[8, {pi: [16], vf: [12]}]"));
    TrainingRun.Result r = TrainingRun.train(c, REG, tmp.resolve("reg"), List.of(), SCALAR);
    MlpActorCriticPolicy p = assertInstanceOf(MlpActorCriticPolicy.class, r.trainer().network());
    assertEquals(NetArch.parse("[8, {pi: [16], vf: [12]}]"), p.config().netArch());
    PolicyFile.Loaded l = PolicyFile.load(r.dir().resolve(TrainingRun.POLICY), TrainConfig.load(r.dir().resolve(TrainingRun.CONFIG)),
        REG.spec("CartPole-v1"));
    assertEquals(p.structure(), l.policy().structure());
    var e = assertThrows(IllegalArgumentException.class, () -> new Trainer(c.with("policyArgs", "depth=3"), REG, SCALAR));
    assertTrue(e.getMessage().contains("depth"), e.getMessage());
  }

  @Test
  void netArchWithSharedLayersAndSquashAreBuilt() {
    TrainConfig c = small("Pendulum-v1", 1).with(Map.of("netArch", "[32, {pi: [16], vf: [8]}]", "squash", "true", "activation", "relu"));
    try (Trainer t = new Trainer(c, REG, SCALAR)) {
      MlpActorCriticPolicy p = assertInstanceOf(MlpActorCriticPolicy.class, t.network());
      assertEquals(NetArch.parse("[32, {pi: [16], vf: [8]}]"), p.config().netArch());
      assertTrue(p.config().squash());
      assertEquals(vecrl.nn.Activation.RELU, p.config().activation());
      t.iterate(System.nanoTime(), 0);
    }
    var e = assertThrows(IllegalArgumentException.class, () -> c.with("netArch", "[32, {pi: [16]"));
    assertTrue(e.getMessage().startsWith("config: netArch = [32, {pi: [16]"), e.getMessage());
  }

  @Test
  void everyOptimizerIsBuiltFromTheConfigAndTrains() {
    for (TrainConfig.OptimizerKind k : TrainConfig.OptimizerKind.values()) {
      TrainConfig c = small("CartPole-v1", 1).with(Map.of("optimizer", k.toString(), "weightDecay", "0.01", "momentum", "0.9"));
      try (Trainer t = new Trainer(c, REG, SCALAR)) {
        var before = t.network().parameters().get(0).value().toArray();
        IterationStats s = t.iterate(System.nanoTime(), 0);
        assertTrue(Double.isFinite(s.loss()), k + ": loss " + s.loss());
        assertNotEquals(before[0], t.network().parameters().get(0).value().get(0), k + " moved the weights");
        switch (k) {
          case ADAM, ADAMW -> assertInstanceOf(Adam.class, t.optimizer());
          case RMSPROP -> assertInstanceOf(RmsProp.class, t.optimizer());
          case SGD -> assertInstanceOf(Sgd.class, t.optimizer());
        }
      }
    }
    var e = assertThrows(IllegalArgumentException.class, () -> small("CartPole-v1", 1).with("optimizer", "adagrad"));
    assertEquals("config: optimizer = adagrad, expected one of [adam, adamw, rmsprop, sgd]", e.getMessage());
  }

  @Test
  void learningRateSchedulesFollowTheirFormulas() {
    TrainConfig c = small("CartPole-v1", 1).with(Map.of("learningRate", "0.01", "lrMin", "0.001", "lrStepEvery", "3", "lrStepGamma", "0.5"));
    long iters = 10;
    for (long i = 0; i < iters; i++) {
      assertEquals(0.01, c.with("lrSchedule", "constant").learningRateAt(i, iters));
      assertEquals(0.01 * (1.0 - i / 10.0), c.with("lrSchedule", "linear").learningRateAt(i, iters), 1e-15);
      assertEquals(0.001 + 0.009 * (1 + Math.cos(Math.PI * i / 10.0)) / 2, c.with("lrSchedule", "cosine").learningRateAt(i, iters), 1e-15);
      assertEquals(0.01 * Math.pow(0.5, i / 3), c.with("lrSchedule", "step").learningRateAt(i, iters), 1e-15);
    }
    // older config files said annealLr
    assertEquals(TrainConfig.Schedule.CONSTANT, TrainConfig.fromMap(c, Map.of("annealLr", "false")).lrSchedule());
    assertEquals(TrainConfig.Schedule.LINEAR, TrainConfig.fromMap(c, Map.of("annealLr", "true")).lrSchedule());
    var e = assertThrows(IllegalArgumentException.class, () -> c.with("lrSchedule", "exponential"));
    assertEquals("config: lrSchedule = exponential, expected one of [constant, linear, cosine, step]", e.getMessage());
  }

  /** A finished run extended to more steps is the straight run to that total, bit for bit (a schedule that does not depend on the total). */
  @Test
  void aFinishedRunExtendsToTheBitsOfAStraightRun() throws IOException {
    TrainConfig c = small("CartPole-v1", 3).with("lrSchedule", "constant");
    long longer = 6L * c.batchSize();
    Path straight = tmp.resolve("straight"), extended = tmp.resolve("extended");
    TrainingRun.train(c.with("totalSteps", String.valueOf(longer)), REG, straight, List.of(), SCALAR);
    TrainingRun.Result first = TrainingRun.train(c, REG, extended, List.of(), SCALAR);
    assertEquals(3 * c.batchSize(), first.steps());
    TrainingRun.Result more = TrainingRun.resume(extended, REG, PolicyRegistry.withDefaults(), longer, List.of(), SCALAR);
    assertEquals(3 * c.batchSize(), more.steps(), "this invocation's steps");
    assertEquals(longer, more.totalSteps(), "the run's steps");
    assertTrue(more.totalSeconds() >= more.seconds());
    assertEquals(metrics(straight), metrics(extended));
    assertArrayEquals(PolicyBytes.weights(straight.resolve(TrainingRun.POLICY)), PolicyBytes.weights(extended.resolve(TrainingRun.POLICY)));
    assertEquals(longer, TrainConfig.load(extended.resolve(TrainingRun.CONFIG)).totalSteps(), "the new total is recorded");
    // nothing left: says so, trains nothing
    TrainingRun.Result again = TrainingRun.resume(extended, REG, List.of(), SCALAR);
    assertTrue(again.nothingToDo());
    assertEquals(metrics(straight), metrics(extended));
  }

  /**
   * A task with a Dict observation (a position and a Discrete flag) and MultiBinary actions: trains,
   * and a killed run resumes to the bits of the straight run.
   */
  private record DictWalk() implements vecrl.env.Dynamics<Integer, Map<String, Object>, int[]> {
    private static final vecrl.space.Dict OBS = new vecrl.space.Dict(Map.of("pos", new Box(0f, 8f, 1), "even", new Discrete(2)));

    @SuppressWarnings({"unchecked", "rawtypes"})
    public vecrl.space.Space<Map<String, Object>> observationSpace() { return (vecrl.space.Space) OBS; }
    public vecrl.space.Space<int[]> actionSpace() { return new vecrl.space.MultiBinary(2); }
    public Integer initialState(Rng rng) { return 4; }

    public vecrl.env.Transition<Integer> step(Integer s, int[] a) {
      int n = Math.max(0, Math.min(8, s + a[0] - a[1]));
      return new vecrl.env.Transition<>(n, n == 8 ? 1.0 : 0.0, n == 8);
    }

    public Map<String, Object> observation(Integer s) { return Map.of("pos", new float[] {s}, "even", s % 2); }
  }

  @Test
  void dictObservationsAndMultiBinaryActionsTrainAndResume() throws IOException {
    EnvRegistry reg = EnvRegistry.standard().register("DictWalk-v0", () -> new vecrl.env.DynamicsEnv<>(new DictWalk()), 40);
    TrainConfig c = small("DictWalk-v0", 4).with("checkpointEvery", "1");
    Path full = tmp.resolve("dict-full"), cut = tmp.resolve("dict-cut");
    TrainingRun.Result r = TrainingRun.train(c, reg, full, List.of(), SCALAR);
    assertEquals(3, r.trainer().network().observationSize(), "pos + one-hot flag");
    assertEquals(2, r.trainer().network().actionWidth());
    assertThrows(IllegalStateException.class, () -> TrainingRun.train(c, reg, cut, List.of(killAfter(2)), SCALAR));
    TrainingRun.resume(cut, reg, List.of(), SCALAR);
    assertEquals(metrics(full), metrics(cut));
    assertArrayEquals(PolicyBytes.weights(full.resolve(TrainingRun.POLICY)), PolicyBytes.weights(cut.resolve(TrainingRun.POLICY)));
  }

  /** An env that implements Env directly (its state is hidden in fields): a run cannot snapshot it. */
  private static final class HiddenStateEnv implements vecrl.env.Env<float[], Integer> {
    private int t;

    @Override public vecrl.space.Space<float[]> observationSpace() { return new Box(0f, 100f, 1); }
    @Override public vecrl.space.Space<Integer> actionSpace() { return new Discrete(2); }

    @Override
    public vecrl.env.Reset<float[]> reset(Rng rng) {
      t = 0;
      return new vecrl.env.Reset<>(new float[] {0}, Map.of());
    }

    @Override
    public vecrl.env.StepResult<float[]> step(Integer action) {
      t++;
      return new vecrl.env.StepResult<>(new float[] {t}, action, t >= 10, false, Map.of());
    }
  }

  /** The first checkpoint is written before training: an environment whose state cannot be saved fails at once. */
  @Test
  void anUnsavableEnvironmentFailsBeforeTraining() {
    EnvRegistry reg = EnvRegistry.standard().register("Hidden-v0", HiddenStateEnv::new, 20);
    Path dir = tmp.resolve("hidden");
    List<Long> iterations = new ArrayList<>();
    Callback count = new Callback() {
      @Override
      public boolean onIteration(Trainer t, IterationStats s) {
        iterations.add(s.iteration());
        return true;
      }
    };
    var e = assertThrows(IllegalStateException.class, () -> TrainingRun.train(small("Hidden-v0", 3), reg, dir, List.of(count), SCALAR));
    assertTrue(e.getMessage().startsWith("cannot checkpoint Hidden-v0 (checked before training)"), e.getMessage());
    assertEquals(List.of(), iterations, "no iteration ran");
  }
}
