package vecrl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.autodiff.Tape;
import vecrl.distribution.Categorical;
import vecrl.env.Dynamics;
import vecrl.env.DynamicsEnv;
import vecrl.env.Env;
import vecrl.env.EnvRegistry;
import vecrl.env.StepResult;
import vecrl.env.Transition;
import vecrl.env.Wrapper;
import vecrl.env.classic.CartPole;
import vecrl.env.grid.GridMaze;
import vecrl.policy.MlpActorCriticPolicy;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/** Action masks through training: rollout, buffer, minibatches, the loss and greedy evaluation. */
final class MaskedTrainingTest {
  @TempDir Path tmp;

  private static final Kernels SCALAR = Backends.byName("scalar");

  /** Counts the actions it receives that the inner env's current mask forbids, independently of the trainer's own count. */
  private static final class InvalidActionCounter extends Wrapper<float[], Integer, float[], Integer> {
    private final AtomicLong counter;

    InvalidActionCounter(Env<float[], Integer> env, AtomicLong counter) {
      super(env);
      this.counter = counter;
    }

    @Override public Space<float[]> observationSpace() { return env.observationSpace(); }
    @Override public Space<Integer> actionSpace() { return env.actionSpace(); }
    @Override public vecrl.env.Reset<float[]> reset(Rng rng) { return env.reset(rng); }

    @Override
    public StepResult<float[]> step(Integer action) {
      if (!((boolean[]) env.actionMask())[action]) counter.incrementAndGet();
      return env.step(action);
    }
  }

  /** CartPole whose mask allows both actions in every state. */
  private static final class AllowAll extends Wrapper<float[], Integer, float[], Integer> {
    AllowAll(Env<float[], Integer> env) { super(env); }
    @Override public Space<float[]> observationSpace() { return env.observationSpace(); }
    @Override public Space<Integer> actionSpace() { return env.actionSpace(); }
    @Override public vecrl.env.Reset<float[]> reset(Rng rng) { return env.reset(rng); }
    @Override public StepResult<float[]> step(Integer action) { return env.step(action); }
    @Override public Object actionMask() { return new boolean[] {true, true}; }
  }

  private static TrainConfig maze(long iterations, boolean useMasks) {
    TrainConfig c = TrainConfig.defaults("GridMaze-v0").with(Map.of("numEnvs", "4", "numSteps", "64", "epochs", "2",
        "minibatches", "4", "evalEpisodes", "0", "hidden", "32,32", "seed", "5", "useMasks", String.valueOf(useMasks)));
    return c.with("totalSteps", String.valueOf(iterations * c.batchSize()));
  }

  private static List<IterationStats> run(Trainer trainer) {
    List<IterationStats> out = new ArrayList<>();
    trainer.run(List.of(new Callback() {
      @Override
      public boolean onIteration(Trainer t, IterationStats s) {
        out.add(s);
        return true;
      }
    }));
    return out;
  }

  private static long invalid(List<IterationStats> stats) {
    long n = 0;
    for (IterationStats s : stats) n += s.invalidActions();
    return n;
  }

  /** The proof's measurement: actions the env's mask forbade, counted by a wrapper around every env the trainer makes. */
  @Test
  void maskedPpoNeverTakesAnInvalidActionUnmaskedPpoDoes() {
    for (boolean useMasks : new boolean[] {true, false}) {
      AtomicLong seenByEnvs = new AtomicLong();
      EnvRegistry reg = new EnvRegistry();
      reg.register("GridMaze-v0", () -> new InvalidActionCounter(new DynamicsEnv<>(new GridMaze()), seenByEnvs), 100);
      try (Trainer t = new Trainer(maze(12, useMasks), reg, SCALAR)) {
        List<IterationStats> stats = run(t);
        assertTrue(t.environmentGaveMasks());
        long training = seenByEnvs.get();
        assertEquals(training, invalid(stats), "the trainer's count matches the envs' count");
        Evaluation e = t.evaluate(20, 99);
        long evaluation = seenByEnvs.get() - training;
        assertEquals(evaluation, e.invalidActions(), "the evaluation's count matches the env's count");
        assertTrue(e.maskedSteps() >= 20, "every evaluation step is masked: " + e.maskedSteps());
        if (useMasks) {
          assertEquals(0, training, "masked PPO in training");
          assertEquals(0, evaluation, "masked PPO in greedy evaluation");
        } else {
          // a near-uniform policy moves into a wall in about 40% of the maze's steps: hundreds of invalid actions
          assertTrue(training > 100, "unmasked PPO in training: " + training);
          assertTrue(evaluation > 0, "unmasked PPO in greedy evaluation (this seed): " + evaluation);
        }
      }
    }
  }

  /** A mask that allows everything changes nothing: the same metrics, bit for bit, as the env without masks. */
  @Test
  void anAllowEverythingMaskTrainsExactlyLikeNoMask() {
    EnvRegistry reg = new EnvRegistry();
    reg.register("CartPole-v1", () -> new DynamicsEnv<>(new CartPole()), 500);
    reg.register("CartPoleAllowAll-v1", () -> new AllowAll(new DynamicsEnv<>(new CartPole())), 500);
    TrainConfig c = TrainConfig.defaults("CartPole-v1").with(Map.of("numEnvs", "2", "numSteps", "64", "epochs", "2", "minibatches", "2",
        "evalEpisodes", "0", "hidden", "16,16", "seed", "7", "totalSteps", "512"));
    List<String> plain, masked;
    try (Trainer t = new Trainer(c, reg, SCALAR)) {
      plain = deterministicColumns(run(t));
      assertTrue(!t.environmentGaveMasks());
    }
    try (Trainer t = new Trainer(c.with("env", "CartPoleAllowAll-v1"), reg, SCALAR)) {
      masked = deterministicColumns(run(t));
      assertTrue(t.environmentGaveMasks());
    }
    assertEquals(4, plain.size());
    assertEquals(plain, masked);
  }

  private static List<String> deterministicColumns(List<IterationStats> stats) {
    List<String> out = new ArrayList<>();
    for (IterationStats s : stats) out.add(s.csv().substring(0, s.csv().lastIndexOf(',')));
    return out;
  }

  /** Masks are read on the trainer's thread after the envs stepped: threaded env stepping gives the same run. */
  @Test
  void threadedEnvsGiveTheSameMaskedRun() {
    List<String> a, b;
    try (Trainer t = new Trainer(maze(3, true), EnvRegistry.standard(), SCALAR)) {
      a = deterministicColumns(run(t));
    }
    try (Trainer t = new Trainer(maze(3, true).with("envThreads", "2"), EnvRegistry.standard(), SCALAR)) {
      b = deterministicColumns(run(t));
    }
    assertEquals(a, b);
  }

  /** The minibatches carry each sample's own mask into the loss: PPO's first ratio is exactly 1 under masks. */
  @Test
  void firstMinibatchRatioIsExactlyOneUnderMasks() {
    try (Trainer t = new Trainer(maze(2, true), EnvRegistry.standard(), SCALAR)) {
      List<Double> devs = new ArrayList<>();
      t.run(List.of(new Callback() {
        @Override
        public boolean onIteration(Trainer tr, IterationStats s) {
          devs.add(tr.firstMinibatchRatioDeviation());
          return true;
        }
      }));
      assertEquals(List.of(0.0, 0.0), devs);
    }
  }

  /** On the trainer's path, masked actions get log-probability "minus infinity" and the entropy is that of the allowed actions. */
  @Test
  void evaluateUnderMasksMatchesTheRenormalisedClosedForm() {
    GridMaze maze = new GridMaze();
    MlpActorCriticPolicy p = new MlpActorCriticPolicy(maze.observationSpace(), maze.actionSpace(), Trainer.policyConfig(maze(1, true)), new Rng(3));
    int rows = 6;
    Tensor obs = Tensor.zeros(rows, 49);
    Tensor masks = Tensor.zeros(rows, 4);
    Tensor actions = Tensor.zeros(rows, 1);
    GridMaze.State[] cells = {new GridMaze.State(0, 0), new GridMaze.State(0, 2), new GridMaze.State(2, 3),
        new GridMaze.State(6, 6), new GridMaze.State(4, 4), new GridMaze.State(2, 2)};
    for (int r = 0; r < rows; r++) {
      float[] o = maze.observation(cells[r]);
      System.arraycopy(o, 0, obs.data(), r * 49, 49);
      vecrl.policy.ActionMasks.write(maze.actionSpace(), maze.actionMask(cells[r]), masks.data(), r * 4);
      for (int a = 0; a < 4; a++) if (masks.get(r, a) != 0) actions.set(r, 0, a);
    }
    Tape tape = new Tape(SCALAR);
    float[][] logits = new float[rows][4];
    Categorical free = (Categorical) p.distribution(tape, tape.input(obs), null);
    for (int r = 0; r < rows; r++) for (int a = 0; a < 4; a++) logits[r][a] = free.logits().value().get(r, a);
    vecrl.policy.Evaluation e = p.evaluateActions(tape, tape.input(obs), actions, masks);
    for (int r = 0; r < rows; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int a = 0; a < 4; a++) if (masks.get(r, a) != 0) max = Math.max(max, logits[r][a]);
      double z = 0;
      for (int a = 0; a < 4; a++) if (masks.get(r, a) != 0) z += Math.exp(logits[r][a] - max);
      double logZ = max + Math.log(z), h = 0;
      for (int a = 0; a < 4; a++) {
        if (masks.get(r, a) == 0) continue;
        double lp = logits[r][a] - logZ;
        h -= Math.exp(lp) * lp;
      }
      int a = (int) actions.get(r, 0);
      assertEquals(logits[r][a] - logZ, e.logProb().value().get(r), 1e-6, "log-prob, row " + r);
      assertEquals(h, e.entropy().value().get(r), 1e-6, "entropy over the allowed actions, row " + r);
    }
    // a masked action has probability 0
    Tensor wrong = Tensor.zeros(rows, 1);   // action 0 (up) is masked in row 0, the top-left corner
    assertTrue(p.evaluateActions(tape, tape.input(obs), wrong, masks).logProb().value().get(0) < -1e29f);
  }

  /** Observation t; action 0 allowed while t < 3, then the mask allows nothing. */
  private record DeadEnd() implements Dynamics<Integer, float[], Integer> {
    public Space<float[]> observationSpace() { return new Box(0f, 10f, 1); }
    public Space<Integer> actionSpace() { return new Discrete(2); }
    public Integer initialState(Rng rng) { return 0; }
    public Transition<Integer> step(Integer t, Integer action) { return new Transition<>(t + 1, 0, false); }
    public float[] observation(Integer t) { return new float[] {t}; }
    public Object actionMask(Integer t) { return new boolean[] {t < 3, false}; }
  }

  @Test
  void aMaskThatAllowsNothingStopsTrainingAndEvaluationNamingWhere() {
    EnvRegistry reg = new EnvRegistry();
    reg.register("DeadEnd-v0", () -> new DynamicsEnv<>(new DeadEnd()), 0);
    TrainConfig c = TrainConfig.defaults("DeadEnd-v0").with(Map.of("numEnvs", "2", "numSteps", "8", "minibatches", "2",
        "evalEpisodes", "0", "totalSteps", "16"));
    try (Trainer t = new Trainer(c, reg, SCALAR)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(t));
      assertEquals("env 0 at step 3: action mask allows no action (Discrete(2))", e.getMessage());
      IllegalArgumentException ev = assertThrows(IllegalArgumentException.class, () -> t.evaluate(1, 1));
      assertEquals("evaluation episode 0 at step 3: action mask allows no action (Discrete(2))", ev.getMessage());
    }
  }

  /** GridMaze's state is a record of numbers, so a masked run resumes exactly (its masks come from the restored states). */
  @Test
  void maskedRunResumesExactly() throws IOException {
    TrainConfig c = maze(4, true).with("checkpointEvery", "2");
    TrainingRun.train(c, EnvRegistry.standard(), tmp.resolve("full"), List.of(), SCALAR);
    Path cut = tmp.resolve("cut");
    Callback kill = new Callback() {
      @Override
      public boolean onIteration(Trainer t, IterationStats s) {
        if (s.iteration() == 3) throw new IllegalStateException("simulated kill");
        return true;
      }
    };
    assertThrows(IllegalStateException.class, () -> TrainingRun.train(c, EnvRegistry.standard(), cut, List.of(kill), SCALAR));
    TrainingRun.resume(cut, EnvRegistry.standard(), List.of(), SCALAR);
    assertEquals(metrics(tmp.resolve("full")), metrics(cut));
    assertArrayEquals(PolicyBytes.weights(tmp.resolve("full/policy.bin")), PolicyBytes.weights(cut.resolve("policy.bin")));
  }

  /** metrics.csv rows written before the invalid_actions column existed get NaN there when the run is resumed. */
  @Test
  void aRunFromBeforeTheInvalidActionsColumnResumesWithNaNThere() throws IOException {
    TrainConfig c = TrainConfig.defaults("CartPole-v1").with(Map.of("numEnvs", "2", "numSteps", "32", "minibatches", "2", "epochs", "1",
        "evalEpisodes", "0", "hidden", "8", "totalSteps", "192", "checkpointEvery", "1"));
    Path dir = tmp.resolve("old");
    Callback stop = new Callback() {
      @Override
      public boolean onIteration(Trainer t, IterationStats s) {
        return s.iteration() < 2;
      }
    };
    TrainingRun.train(c, EnvRegistry.standard(), dir, List.of(stop), SCALAR);
    // rewrite metrics.csv as the previous build wrote it: no invalid_actions column
    List<String> old = new ArrayList<>();
    for (String l : Files.readAllLines(dir.resolve(TrainingRun.METRICS))) {
      List<String> f = new ArrayList<>(List.of(l.split(",")));
      f.remove(f.size() - 2);
      old.add(String.join(",", f));
    }
    Files.write(dir.resolve(TrainingRun.METRICS), old);
    TrainingRun.resume(dir, EnvRegistry.standard(), List.of(), SCALAR);
    Metrics m = Metrics.read(dir.resolve(TrainingRun.METRICS));
    assertEquals(3, m.rows());
    double[] invalid = m.column("invalid_actions");
    assertTrue(Double.isNaN(invalid[0]) && Double.isNaN(invalid[1]), "rows of the old build");
    assertEquals(0.0, invalid[2], "the row written after the resume");
  }

  private static List<String> metrics(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    for (String l : Files.readAllLines(dir.resolve(TrainingRun.METRICS), StandardCharsets.UTF_8)) out.add(l.substring(0, l.lastIndexOf(',')));
    return out;
  }
}
