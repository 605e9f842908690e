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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.algo.Minibatch;
import vecrl.algo.RolloutBuffer;
import vecrl.algo.MinibatchSampler;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.env.EnvRegistry;
import vecrl.policy.RecurrentActorCriticPolicy;
import vecrl.policy.RecurrentPolicyConfig;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/** Recurrent PPO in the shared trainer: sequences, exact resume, the first ratio, saved policies. */
final class RecurrentTrainerTest {
  @TempDir Path tmp;

  private static final EnvRegistry REG = EnvRegistry.standard();
  private static final Kernels SCALAR = Backends.byName("scalar");

  private static TrainConfig small(String policy, long iterations) {
    TrainConfig c = TrainConfig.defaults("CartPoleNoVel-v1").with(Map.of("policy", policy, "numEnvs", "2", "numSteps", "32",
        "seqLen", "8", "epochs", "2", "minibatches", "2", "evalEpisodes", "0", "hidden", "8", "cellSize", "8", "seed", "7"));
    return c.with("totalSteps", String.valueOf(iterations * c.batchSize()));
  }

  private static List<String> metrics(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    for (String l : Files.readAllLines(dir.resolve(TrainingRun.METRICS), StandardCharsets.UTF_8)) out.add(l.substring(0, l.lastIndexOf(',')));
    return out;
  }

  /** A recurrent run killed after iteration 3 (checkpoint at 2) and resumed ends exactly as the uninterrupted run. */
  @Test
  void recurrentRunResumesExactly() throws IOException {
    for (TrainConfig c : List.of(small("lstm", 6).with("checkpointEvery", "2"),
        small("gru", 6).with(Map.of("checkpointEvery", "2", "sharedCell", "false")))) {
      Path full = tmp.resolve(c.policy() + "-full"), cut = tmp.resolve(c.policy() + "-cut");
      TrainingRun.train(c, REG, full, List.of(), SCALAR);
      Callback kill = new Callback() {
        @Override
        public boolean onIteration(Trainer t, IterationStats s) {
          if (s.iteration() == 3) throw new IllegalStateException("simulated kill");
          return true;
        }
      };
      assertThrows(IllegalStateException.class, () -> TrainingRun.train(c, REG, cut, List.of(kill), SCALAR));
      TrainingRun.Result r = TrainingRun.resume(cut, REG, List.of(), SCALAR);
      assertEquals(6, r.last().iteration());
      assertEquals(metrics(full), metrics(cut), c.policy());
      assertArrayEquals(PolicyBytes.weights(full.resolve("policy.bin")), PolicyBytes.weights(cut.resolve("policy.bin")));
      assertArrayEquals(Files.readAllBytes(full.resolve("checkpoint.bin")), Files.readAllBytes(cut.resolve("checkpoint.bin")));
      // the run's policy.bin loads as a recurrent policy whose greedy evaluation equals the trainer's
      PolicyFile.Loaded l = PolicyFile.load(full.resolve(TrainingRun.POLICY), c, REG.spec(c.env()));
      assertTrue(l.policy() instanceof RecurrentActorCriticPolicy);
      assertArrayEquals(r.trainer().evaluate(3, 5).returns(),
          Trainer.evaluate(l.policy(), SCALAR, REG.spec(c.env()), null, 10f, 3, 5, true).returns());
      // the README's loading snippet: deserialize with Trainer.recurrentConfig, then act step by step (tape-free, memory
      // carried) gives the trainer's greedy actions
      vecrl.env.Env<Object, Object> env = REG.make(c.env());
      RecurrentActorCriticPolicy policy = RecurrentActorCriticPolicy.deserialize(full.resolve("policy.bin"), env.observationSpace(),
          env.actionSpace(), Trainer.recurrentConfig(c));
      vecrl.policy.PolicyState state = policy.reset(null);
      Tensor mem = Tensor.zeros(1, policy.memorySize());
      float[] o = new float[2], greedy = new float[1];
      Object obs = env.reset(new Rng(42)).observation();
      for (int step = 0; step < 60; step++) {
        env.observationSpace().flatten(obs, o, 0);
        int action = policy.act(state, Tensor.vector(o), null, null).discreteAction();
        var out = r.trainer().network().newBatchOutput(1, r.trainer().kernels());
        r.trainer().network().actionAndValueBatch(Tensor.wrap(o, new int[] {1, 2}), mem, Tensor.vector(new float[] {step == 0 ? 1f : 0f}), null,
            null, out);
        greedy[0] = out.actions().get(0, 0);
        assertEquals((int) greedy[0], action, "step " + step);
        var res = env.step(action);
        if (res.done()) break;
        obs = res.observation();
      }
    }
  }

  /** Action masks flow through the recurrent path: sampling, the sequence loss and greedy evaluation never take a forbidden action. */
  @Test
  void masksReachTheRecurrentPolicy() {
    for (String useMasks : new String[] {"true", "false"}) {
      TrainConfig c = TrainConfig.defaults("GridMaze-v0").with(Map.of("policy", "lstm", "numEnvs", "2", "numSteps", "32", "seqLen", "8",
          "epochs", "2", "minibatches", "2", "evalEpisodes", "0", "hidden", "8", "cellSize", "8", "seed", "7"))
          .with(Map.of("totalSteps", "192", "useMasks", useMasks));
      long[] invalid = {0};
      try (Trainer t = new Trainer(c, REG, SCALAR)) {
        t.run(List.of(new Callback() {
          @Override
          public boolean onIteration(Trainer tr, IterationStats s) {
            invalid[0] += s.invalidActions();
            return true;
          }
        }));
        assertEquals(0.0, t.firstMinibatchRatioDeviation(), "first ratio with masks in the sequence loss");
        Evaluation e = t.evaluate(3, 1);
        if (useMasks.equals("true")) {
          assertEquals(0, invalid[0], "masked sampling");
          assertEquals(0, e.invalidActions(), "masked greedy evaluation");
        } else {
          assertTrue(invalid[0] > 0, "an untrained unmasked policy walks into walls");
        }
      }
    }
  }

  /** The rollout's log-probs come from the same sequence computation as the loss: PPO's first ratio is exactly 1. */
  @Test
  void firstMinibatchRatioIsExactlyOne() {
    try (Trainer t = new Trainer(small("lstm", 2), REG, SCALAR)) {
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

  /** Every transition of the rollout is in exactly one sequence minibatch per epoch, at its place: no padding, no repeats. */
  @Test
  void sequenceMinibatchesCoverEveryTransitionOnceWithoutPadding() {
    int steps = 8, envs = 3, seqLen = 4, per = 2, mem = 5;
    RolloutBuffer buf = new RolloutBuffer(steps, envs, 1, 1);
    Rng rng = new Rng(3);
    for (int k = 0; k < buf.size(); k++) {
      buf.obs[k] = k;
      buf.actions[k] = -k;
      buf.advantages[k] = 1000 + k;
      buf.dones[k] = rng.nextInt(3) == 0 ? 1f : 0f;
    }
    MinibatchSampler sm = new MinibatchSampler(steps, envs, seqLen, mem, per, 1, 1, 0);
    assertEquals(6, sm.sequences());
    for (int t = 0; t < steps; t += seqLen) {
      Tensor m = Tensor.zeros(envs, mem);
      for (int e = 0; e < envs; e++) m.set(e, 0, 100 * t + e);
      sm.putStartMemory(t, m);
    }
    sm.resetOrder();
    sm.shuffle(new Rng(5));
    int[] order = new int[sm.sequences()];
    boolean[] seenSeq = new boolean[order.length];
    boolean[] seen = new boolean[buf.size()];
    Minibatch mb = sm.batch();
    Tensor obs = sm.observations(), act = sm.actions();
    for (int from = 0; from < order.length; from += per) {
      sm.gather(buf, from / per, false);
      for (int q = 0; q < per; q++) {
        // which sequence landed at q: its first row's observation is its first sample
        int k0 = (int) obs.get(q * seqLen, 0), e0 = k0 % envs, c0 = k0 / envs / seqLen;
        order[from + q] = c0 * envs + e0;
        assertTrue(!seenSeq[order[from + q]], "sequence " + order[from + q] + " twice");
        seenSeq[order[from + q]] = true;
      }
      for (int q = 0; q < per; q++) {
        int j = order[from + q], e = j % envs, s = (j / envs) * seqLen;
        assertEquals(100 * s + e, sm.memory().get(q, 0), "start memory of sequence " + j);
        for (int t = 0; t < seqLen; t++) {
          int k = (int) obs.get(q * seqLen + t, 0);
          assertEquals((s + t) * envs + e, k, "row " + (q * seqLen + t));
          assertEquals(-k, act.get(q * seqLen + t, 0));
          assertEquals(1000 + k, mb.advantages[q * seqLen + t]);
          assertEquals(1f - buf.dones[k], sm.keep().get(t * per + q));
          assertTrue(!seen[k], "transition " + k + " twice");
          seen[k] = true;
        }
      }
    }
    for (boolean b : seen) assertTrue(b);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MinibatchSampler(8, 3, 3, 5, 2, 1, 1, 0));
    assertTrue(e.getMessage().contains("must be > 0 and divide the rollout length 8"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> small("lstm", 1).with("seqLen", "5"));
    assertTrue(e.getMessage().contains("seqLen = 5, expected dividing numSteps = 32"), e.getMessage());
  }

  /**
   * An episode start inside a sequence is the same as cutting the sequence there: the outputs and the
   * parameter gradients of one pass over the whole sequence equal those of two passes over its
   * pieces (the second from zero memory), so nothing of one episode reaches the other's loss.
   */
  @Test
  void anEpisodeStartInsideASequenceEqualsSplittingTheSequence() {
    for (String spec : List.of("[4, lstm:6, {pi: [5], vf: [5]}]", "[gru:7, {pi: [], vf: [3]}]")) {
      for (boolean shared : new boolean[] {true, false}) {
        RecurrentActorCriticPolicy p = new RecurrentActorCriticPolicy(new Box(-3f, 3f, 2), new Discrete(3),
            RecurrentPolicyConfig.of(spec, shared), new Rng(9));
        int len = 6, cut = 4;
        Tensor obs = Tensor.zeros(len, 2), actions = Tensor.zeros(len, 1), startMem = Tensor.zeros(1, p.memorySize());
        Rng rng = new Rng(10);
        rng.fillUniform(obs, -2f, 2f);
        rng.fillUniform(startMem, -0.7f, 0.7f);
        for (int t = 0; t < len; t++) actions.set(t, 0, rng.nextInt(3));
        Tensor keep = Tensor.full(1f, len);
        keep.set(cut, 0f);
        Tensor weights = Tensor.zeros(len);
        rng.fillUniform(weights, 0.5f, 1.5f);
        // one pass over the whole sequence
        Tape t = new Tape(SCALAR);
        p.parameters().zeroGrad();
        vecrl.policy.Evaluation whole = p.evaluateSequences(t, t.input(obs), len, actions, null, startMem, keep);
        t.backward(lossOf(t, whole, weights));
        float[][] g1 = grads(p);
        // two passes over the pieces
        Tape a = new Tape(SCALAR), b = new Tape(SCALAR);
        p.parameters().zeroGrad();
        vecrl.policy.Evaluation head = p.evaluateSequences(a, a.input(obs.rows(0, cut)), cut, actions.rows(0, cut), null, startMem, null);
        a.backward(lossOf(a, head, Tensor.wrap(weights.data(), 0, new int[] {cut})));
        vecrl.policy.Evaluation tail = p.evaluateSequences(b, b.input(obs.rows(cut, len)), len - cut, actions.rows(cut, len), null,
            Tensor.zeros(1, p.memorySize()), null);
        b.backward(lossOf(b, tail, Tensor.wrap(weights.data(), cut, new int[] {len - cut})));
        float[][] g2 = grads(p);
        for (int r = 0; r < len; r++) {
          vecrl.policy.Evaluation piece = r < cut ? head : tail;
          int i = r < cut ? r : r - cut;
          assertEquals(piece.logProb().value().get(i), whole.logProb().value().get(r), 1e-6f, spec + " row " + r);
          assertEquals(piece.value().value().get(i), whole.value().value().get(r), 1e-6f, spec + " row " + r);
          assertEquals(piece.entropy().value().get(i), whole.entropy().value().get(r), 1e-6f, spec + " row " + r);
        }
        for (int i = 0; i < g1.length; i++) assertArrayEquals(g2[i], g1[i], 1e-5f, spec + " " + p.parameters().get(i).name());
      }
    }
  }

  private static Var lossOf(Tape t, vecrl.policy.Evaluation e, Tensor w) {
    Var wv = t.input(w);
    return e.logProb().mul(wv).sum().add(e.value().square().mul(wv).sum()).add(e.entropy().sum());
  }

  private static float[][] grads(RecurrentActorCriticPolicy p) {
    float[][] g = new float[p.parameters().size()][];
    int i = 0;
    for (Parameter prm : p.parameters()) g[i++] = prm.grad().toArray();
    return g;
  }
}
