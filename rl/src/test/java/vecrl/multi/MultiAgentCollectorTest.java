package vecrl.multi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vecrl.algo.Algorithms;
import vecrl.algo.RolloutBuffer;
import vecrl.algo.SampleBatch;
import vecrl.algo.TemplatePolicy;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Backends;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.train.Policies;
import vecrl.train.TrainConfig;

/**
 * Collection on a scripted environment where every column's value is known: agent {@code a} acts
 * every step and is truncated at the end; {@code b} acts at steps 0 and 2, gets a reward while it
 * waits at step 1, and leaves (terminated) after step 2; {@code c} joins at step 3 and terminates
 * with the episode. {@code a} is mapped to a learned, trained policy, {@code b} and {@code c} to a
 * frozen heuristic.
 */
class MultiAgentCollectorTest {
  /** Observations are {@code 100 * agentIndex + step} (one float); rewards {@code 10 * agentIndex + step + 1}. */
  static final class Scripted implements MultiAgentEnv {
    static final List<String> AGENTS = List.of("a", "b", "c");
    static final Box OBS = new Box(-1000f, 1000f, 1);
    static final Discrete ACT = new Discrete(2);
    int t;
    final List<Map<String, Object>> actionsSeen = new ArrayList<>();

    @Override public List<String> possibleAgents() { return AGENTS; }
    @Override public Space<?> observationSpace(String id) { return OBS; }
    @Override public Space<?> actionSpace(String id) { return ACT; }

    static Map<String, Object> obs(int t, String... agents) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (String a : agents) m.put(a, new float[] {100 * AGENTS.indexOf(a) + t});
      return m;
    }

    static Map<String, Double> rewards(int t, String... agents) {
      Map<String, Double> m = new LinkedHashMap<>();
      for (String a : agents) m.put(a, 10.0 * AGENTS.indexOf(a) + t + 1);
      return m;
    }

    @Override
    public Reset reset(Rng rng) {
      t = 0;
      return new Reset(obs(0, "a", "b"), Map.of());
    }

    @Override
    public Step step(Map<String, Object> actions) {
      actionsSeen.add(actions);
      int s = t++;
      return switch (s) {
        case 0 -> new Step(obs(1, "a"), rewards(0, "a", "b"), Map.of(ALL, false), Map.of(ALL, false), Map.of());
        case 1 -> new Step(obs(2, "a", "b"), rewards(1, "a", "b"), Map.of(ALL, false), Map.of(ALL, false), Map.of());
        case 2 -> new Step(obs(3, "a", "c"), rewards(2, "a", "b"), Map.of("b", true, ALL, false), Map.of(ALL, false), Map.of());
        case 3 -> new Step(obs(4, "a", "c"), rewards(3, "a", "c"), Map.of("c", true, ALL, false), Map.of(ALL, true), Map.of());
        default -> throw new IllegalStateException("step after the end");
      };
    }
  }


  @Test
  void groupsExperiencePerPolicyWithKnownColumns() {
    TrainConfig cfg = TrainConfig.defaults("Scripted").with(Map.of("hidden", "8", "gamma", "0.5", "gaeLambda", "1"));
    List<Map<String, SampleBatch>> others = new ArrayList<>();
    List<SampleBatch> processed = new ArrayList<>();
    List<Long> episodes = new ArrayList<>();
    var template = Algorithms.ppo().withUpdates(b -> b.postprocessFn((policy, batch, other, episode) -> {
      others.add(other);
      episodes.add(((MultiAgentEpisode) episode).id());
      processed.add(batch);
      return policy.postprocessGae(batch);
    }));
    var model = Policies.build(cfg, Scripted.OBS, Scripted.ACT, new Rng(3), Policies.defaultRegistry());
    TemplatePolicy learnedPolicy = template.build(model, cfg, Backends.kernels());
    int[] mappingCalls = {0};
    PolicyMappingFn mapping = (agent, episode) -> {
      mappingCalls[0]++;
      return agent.equals("a") ? "learned" : "fixed";
    };
    List<Scripted> envs = List.of(new Scripted(), new Scripted());
    Map<String, vecrl.algo.Policy> policies = new LinkedHashMap<>();
    policies.put("learned", learnedPolicy);
    policies.put("fixed", HeuristicPolicy.alwaysRock());
    var collector = new MultiAgentCollector(envs, policies, mapping, Set.of("learned"));
    var result = collector.collect(2, new Rng[] {new Rng(1), new Rng(2)}, new Rng(9), 5);

    assertEquals(4 * 3, mappingCalls[0], "one mapping call per agent and episode");
    assertEquals(List.of(5L, 6L, 7L, 8L), result.episodes().stream().map(MultiAgentEpisode::id).toList());
    assertEquals(Map.of("a", "learned", "b", "fixed", "c", "fixed"), result.episodes().get(0).policies());
    assertEquals(Map.of("a", 1.0 + 2 + 3 + 4, "b", 11.0 + 12 + 13, "c", 24.0), result.episodes().get(0).agentRewards());
    assertEquals(List.of(Map.of("a", 0, "b", 0), Map.of("a", 0), Map.of("a", 0, "b", 0), Map.of("a", 0, "c", 0)),
        envs.get(0).actionsSeen.subList(0, 4).stream().map(m -> {
          Map<String, Object> x = new LinkedHashMap<>(m);
          x.replaceAll((k, v) -> k.equals("a") ? 0 : v); // a's actions are sampled; only their keys are known
          return x;
        }).toList());

    // the learned policy: agent a, 4 steps per episode, episodes in the order they ended (5, 6, 7, 8)
    SampleBatch l = result.batches().get("learned");
    assertEquals(16, l.rows());
    for (int e = 0; e < 4; e++) {
      for (int t = 0; t < 4; t++) {
        int k = e * 4 + t;
        assertEquals(t, l.floats(SampleBatch.OBS).get(k, 0));
        assertEquals(t + 1, l.floats(SampleBatch.REWARDS).get(k, 0));
        assertEquals(0f, l.floats(SampleBatch.TERMINATEDS).get(k, 0));
        assertEquals(t == 3 ? 1f : 0f, l.floats(SampleBatch.TRUNCATEDS).get(k, 0));
        assertEquals(t == 0 ? 1f : 0f, l.floats(SampleBatch.EPS_START).get(k, 0));
        assertEquals(5 + e, l.ints(SampleBatch.EPS_ID).get(k, 0));
        assertEquals(t, l.ints(SampleBatch.T).get(k, 0));
        assertEquals(0, l.ints(MultiAgentCollector.AGENT_INDEX).get(k, 0));
        float a = l.floats(SampleBatch.ACTIONS).get(k, 0);
        assertTrue(a == 0f || a == 1f);
        assertEquals(l.floats(SampleBatch.ADVANTAGES).get(k, 0) + l.floats(SampleBatch.VF_PREDS).get(k, 0),
            l.floats(SampleBatch.VALUE_TARGETS).get(k, 0), 1e-5f);
      }
    }
    // the log-probabilities and values are the model's
    Tensor obs = Tensor.of(new float[] {0, 1, 2, 3}, 4, 1);
    var out = model.newBatchOutput(4, Backends.kernels());
    learnedPolicy.act(obs, null, null, null, null, out);
    for (int t = 0; t < 4; t++) assertEquals(out.values().get(t), l.floats(SampleBatch.VF_PREDS).get(t, 0));

    // the frozen heuristic: b's two steps (the waiting reward added to its first), then c's one; not postprocessed
    SampleBatch f = result.batches().get("fixed");
    assertEquals(12, f.rows());
    assertFalse(f.has(SampleBatch.ADVANTAGES));
    float[][] expected = { // obs, reward, terminated, truncated, t, agent_index
        {100, 11 + 12, 0, 0, 0, 1}, {102, 13, 1, 0, 1, 1}, {203, 24, 1, 0, 0, 2}};
    for (int e = 0; e < 4; e++) {
      for (int i = 0; i < 3; i++) {
        int k = e * 3 + i;
        float[] x = expected[i];
        assertArrayEquals(x, new float[] {f.floats(SampleBatch.OBS).get(k, 0), f.floats(SampleBatch.REWARDS).get(k, 0),
            f.floats(SampleBatch.TERMINATEDS).get(k, 0), f.floats(SampleBatch.TRUNCATEDS).get(k, 0), f.ints(SampleBatch.T).get(k, 0),
            f.ints(MultiAgentCollector.AGENT_INDEX).get(k, 0)}, "row " + k);
        assertEquals(0f, f.floats(SampleBatch.ACTIONS).get(k, 0));
        assertEquals(0f, f.floats(SampleBatch.ACTION_LOGP).get(k, 0));
      }
    }
    assertEquals(new MultiAgentCollector.PolicyStats(16, 4, 4 * 10.0), result.stats().get("learned"));
    assertEquals(new MultiAgentCollector.PolicyStats(12, 8, 4 * (36.0 + 24)), result.stats().get("fixed"));

    // postprocessing: once per trajectory of the trained policy, with the other agents' unprocessed batches
    assertEquals(List.of(5L, 6L, 7L, 8L), episodes);
    for (int e = 0; e < 4; e++) {
      var o = others.get(e);
      assertEquals(List.of("b", "c"), List.copyOf(o.keySet()));
      assertEquals(2, o.get("b").rows());
      assertEquals(1, o.get("c").rows());
      assertEquals(102f, o.get("b").floats(SampleBatch.OBS).get(1, 0));
      assertFalse(o.get("b").has(SampleBatch.ADVANTAGES));
      SampleBatch p = processed.get(e);
      assertEquals(4, p.steps());
      assertEquals(1, p.envs());
      // a was truncated with final observation 4: GAE bootstraps from its value
      var one = model.newBatchOutput(1, Backends.kernels());
      learnedPolicy.act(Tensor.of(new float[] {4}, 1, 1), null, null, null, null, one);
      assertEquals(one.values().get(0), p.side(RolloutBuffer.NEXT_VF_PREDS)[0]);
      assertEquals(0f, p.side(RolloutBuffer.NEXT_EPS_START)[0]);
    }
  }

  @Test
  void mappingToAnUnknownPolicyIsAnError() {
    Map<String, vecrl.algo.Policy> policies = Map.of("fixed", HeuristicPolicy.alwaysRock());
    var c = new MultiAgentCollector(List.of(new Scripted()), policies, (a, ep) -> a.equals("a") ? "nope" : "fixed", Set.of());
    var e = assertThrows(IllegalArgumentException.class, () -> c.collect(1, new Rng[] {new Rng(1)}, new Rng(2), 0));
    assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("fixed"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MultiAgentCollector(List.of(new Scripted()), policies, (a, ep) -> "fixed", Set.of("other")));
  }
}
