package vecrl.multi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.algo.SampleBatch;
import vecrl.algo.TemplatePolicy;
import vecrl.io.PolicyIO;
import vecrl.tensor.Rng;
import vecrl.train.Policies;
import vecrl.train.TrainConfig;

/** Determinism, exact resume, policy files and checkpoint validation of {@link MultiAgentTrainer}. */
class MultiAgentTrainerTest {
  static TrainConfig config(long seed) {
    return TrainConfig.defaults("Signaling-v0").with(Map.of("hidden", "16", "learningRate", "0.003", "lrSchedule", "linear", "epochs", "2",
        "minibatches", "3", "numEnvs", "1", "numSteps", "3", "entCoef", "0.05", "seed", "" + seed));
  }

  /** An off-policy algorithm cannot learn from the multi-agent trainer's rollouts: refused up front, naming the valid ones. */
  @Test
  void offPolicyAlgorithmIsRefusedWithTheValidOnes() {
    var env = new SignalingGame(3);
    for (String algo : List.of("dqn", "sac-discrete")) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> MultiAgentTrainer.learnedPolicy(env, SignalingGame.SPEAKER, config(1).with("algo", algo), new Rng(1)));
      assertTrue(e.getMessage().contains(algo + " is off-policy") && e.getMessage().contains("[ppo, a2c, reinforce]"), e.getMessage());
    }
  }

  /** Two trained learned policies (speaker, listener) of Signaling-v0 plus a frozen learned copy nobody is mapped to. */
  static MultiAgentTrainer signaling(long seed) {
    var env = new SignalingGame(3);
    Rng rng = new Rng(seed);
    return MultiAgentTrainer.builder().env(() -> new SignalingGame(3))
        .policy("speaker", MultiAgentTrainer.learnedPolicy(env, SignalingGame.SPEAKER, config(seed), rng.split()))
        .policy("listener", MultiAgentTrainer.learnedPolicy(env, SignalingGame.LISTENER, config(seed), rng.split()))
        .policyMappingFn((agent, episode) -> agent).policiesToTrain("speaker", "listener")
        .seed(seed).numEnvs(3).episodesPerEnv(5).iterations(6).build();
  }

  /** RockPaperScissors-v0: a learned player against the frozen "alternate" heuristic (stateful). */
  static MultiAgentTrainer rps(long seed) {
    var env = new RockPaperScissors(4);
    return MultiAgentTrainer.builder().env(() -> new RockPaperScissors(4))
        .policy("learned", MultiAgentTrainer.learnedPolicy(env, RockPaperScissors.P0, config(seed), new Rng(seed)))
        .policy("alternate", HeuristicPolicy.alternateRockPaper())
        .policyMappingFn((agent, episode) -> agent.equals(RockPaperScissors.P0) ? "learned" : "alternate").policiesToTrain("learned")
        .seed(seed).numEnvs(2).episodesPerEnv(3).iterations(6).build();
  }

  static Map<String, int[]> bits(MultiAgentTrainer t) {
    Map<String, int[]> m = new java.util.TreeMap<>();
    for (String p : t.trained()) {
      t.policies().get(p).getWeights().forEach((k, v) -> {
        float[] d = v.toArray();
        int[] b = new int[d.length];
        for (int i = 0; i < d.length; i++) b[i] = Float.floatToRawIntBits(d[i]);
        m.put(p + "/" + k, b);
      });
    }
    return m;
  }

  static void assertSameBits(Map<String, int[]> a, Map<String, int[]> b) {
    assertEquals(a.keySet(), b.keySet());
    a.forEach((k, v) -> assertArrayEquals(v, b.get(k), k));
  }

  static float[] column(SampleBatch b, String name) {
    SampleBatch.Floats f = b.floats(name);
    return java.util.Arrays.copyOfRange(f.data(), f.offset(), f.offset() + f.rows() * f.width());
  }

  @Test
  void sameSeedSameBits() {
    for (var make : List.<java.util.function.LongFunction<MultiAgentTrainer>>of(MultiAgentTrainerTest::signaling, MultiAgentTrainerTest::rps)) {
      var a = make.apply(4);
      var b = make.apply(4);
      var ra = a.train(3);
      var rb = b.train(3);
      assertSameBits(bits(a), bits(b));
      for (int i = 0; i < 3; i++) {
        for (String p : ra.get(i).batches().keySet()) {
          assertArrayEquals(column(ra.get(i).batches().get(p), SampleBatch.ACTIONS), column(rb.get(i).batches().get(p), SampleBatch.ACTIONS));
        }
        assertEquals(ra.get(i).learner(), rb.get(i).learner());
      }
      var c = make.apply(5);
      c.train(3);
      assertNotEquals(bits(a).get(bits(a).keySet().iterator().next())[0], bits(c).get(bits(c).keySet().iterator().next())[0]);
    }
  }

  @Test
  void resumedRunEqualsStraightRun(@TempDir Path dir) throws IOException {
    for (var make : List.<java.util.function.LongFunction<MultiAgentTrainer>>of(MultiAgentTrainerTest::signaling, MultiAgentTrainerTest::rps)) {
      var straight = make.apply(7);
      var straightResults = straight.train(5);

      var killed = make.apply(7);
      killed.train(2);
      Path ckpt = dir.resolve("ckpt-" + straight.policies().keySet().iterator().next());
      killed.saveCheckpoint(ckpt);
      killed.train(1); // work after the checkpoint is lost with the process

      var resumed = make.apply(7);
      resumed.restoreCheckpoint(ckpt);
      assertEquals(2, resumed.iteration());
      var resumedResults = resumed.train(3);
      assertEquals(5, resumed.iteration());
      assertSameBits(bits(straight), bits(resumed));
      for (int i = 0; i < 3; i++) {
        var s = straightResults.get(2 + i);
        var r = resumedResults.get(i);
        assertEquals(s.iteration(), r.iteration());
        assertEquals(s.stats(), r.stats());
        assertEquals(s.learner(), r.learner());
        for (String p : s.batches().keySet()) {
          assertArrayEquals(column(s.batches().get(p), SampleBatch.OBS), column(r.batches().get(p), SampleBatch.OBS));
          assertArrayEquals(column(s.batches().get(p), SampleBatch.ACTIONS), column(r.batches().get(p), SampleBatch.ACTIONS));
          assertArrayEquals(s.batches().get(p).ints(SampleBatch.EPS_ID).data(), r.batches().get(p).ints(SampleBatch.EPS_ID).data());
        }
      }
    }
  }

  @Test
  void savesOnePolicyFilePerTrainedPolicy(@TempDir Path dir) throws IOException {
    var t = rps(3);
    t.train(2);
    var files = t.savePolicies(dir);
    assertEquals(List.of("learned"), List.copyOf(files.keySet()));
    assertEquals(List.of(dir.resolve("learned.bin")), Files.list(dir).sorted().toList());
    TemplatePolicy learned = (TemplatePolicy) t.policies().get("learned");
    var env = new RockPaperScissors(4);
    var skeleton = Policies.build(learned.config(), env.observationSpace(RockPaperScissors.P0), env.actionSpace(RockPaperScissors.P0), new Rng(99),
        Policies.defaultRegistry());
    PolicyIO.deserialize(files.get("learned"), skeleton);
    learned.model().parameters().forEach(p -> assertArrayEquals(p.value().toArray(), skeleton.parameters().get(p.name()).value().toArray(), p.name()));

    var s = signaling(3);
    s.train(1);
    assertEquals(List.of("speaker", "listener"), List.copyOf(s.savePolicies(dir.resolve("sig")).keySet()));
  }

  @Test
  void damagedOrForeignCheckpointsAreRefused(@TempDir Path dir) throws IOException {
    var t = signaling(2);
    t.train(1);
    t.saveCheckpoint(dir);
    Path f = dir.resolve(MultiAgentTrainer.STATE_FILE);
    byte[] good = Files.readAllBytes(f);

    byte[] bad = good.clone();
    bad[30] ^= 1;
    Files.write(f, bad);
    var fresh = signaling(2);
    var e = assertThrows(IOException.class, () -> fresh.restoreCheckpoint(dir));
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    assertEquals(0, fresh.iteration());

    Files.write(f, java.util.Arrays.copyOf(good, 20));
    assertTrue(assertThrows(IOException.class, () -> fresh.restoreCheckpoint(dir)).getMessage().contains("too short"));

    Files.write(f, good);
    var otherSeed = signaling(3);
    assertTrue(assertThrows(IOException.class, () -> otherSeed.restoreCheckpoint(dir)).getMessage().contains("seed"));
    fresh.restoreCheckpoint(dir);
    assertEquals(1, fresh.iteration());
  }

  @Test
  void onlyTemplatePoliciesTrain() {
    var e = assertThrows(IllegalArgumentException.class, () -> MultiAgentTrainer.builder().env(() -> new RockPaperScissors(2))
        .policy("rock", HeuristicPolicy.alwaysRock()).policyMappingFn((a, ep) -> "rock").policiesToTrain("rock").build());
    assertTrue(e.getMessage().contains("rock"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MultiAgentTrainer.builder().env(() -> new RockPaperScissors(2))
        .policy("rock", HeuristicPolicy.alwaysRock()).policyMappingFn((a, ep) -> "rock").policiesToTrain("other").build());
  }
}
