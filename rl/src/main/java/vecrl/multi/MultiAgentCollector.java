package vecrl.multi;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import vecrl.algo.Policy;
import vecrl.algo.RolloutBuffer;
import vecrl.algo.SampleBatch;
import vecrl.algo.TemplatePolicy;
import vecrl.policy.BatchOutput;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Runs complete episodes on several {@link MultiAgentEnv}s in lockstep and groups the experience by
 * policy (RLlib's {@code batch_mode = complete_episodes}).
 *
 * <p>Each step, the agents of every env's last observation map are mapped to policies ({@link
 * PolicyMappingFn}, once per agent and episode); a {@link TemplatePolicy} acts for all its agents in
 * one batch ({@link TemplatePolicy#act}, sampling with the collector's generator), any other {@link
 * Policy} (a heuristic) acts per agent through {@link Policy#computeSingleAction} with explore on, its
 * state ({@link Policy#getInitialState}) kept per agent and episode. A reward counts towards the
 * agent's last action, also when it arrives while the agent waits. An agent's trajectory ends when
 * its own flag or {@link MultiAgentEnv#ALL} is set; a truncated (not terminated) one of a template
 * policy with {@code bootstrapTruncation} bootstraps from the value of its final observation.
 *
 * <p>Each agent's trajectory in an episode becomes one {@link SampleBatch} with RLlib's columns
 * {@code obs, actions, rewards, terminateds, truncateds, action_logp, vf_preds, eps_id, t,
 * agent_index} (a heuristic's log-probability and value are 0) and vecrl's {@code eps_start}, laid
 * out as a rollout of one env ({@code steps = T, envs = 1}) with the side arrays {@link
 * RolloutBuffer#NEXT_VF_PREDS} and {@link RolloutBuffer#NEXT_EPS_START}, so {@link
 * vecrl.algo.Gae#postprocess} applies as it is. When an episode ends, every trajectory of a trained
 * policy is postprocessed by its policy ({@link Policy#postprocessTrajectory}) with the other agents'
 * trajectories of the same episode, unprocessed, as {@code otherAgentBatches} (keyed by agent id),
 * and the episode. Each policy's trajectories are then concatenated, in the order the episodes ended
 * and the agents first acted, into that policy's batch.
 */
public final class MultiAgentCollector {
  /** RLlib's column of the agent's index in {@link MultiAgentEnv#possibleAgents()}. */
  public static final String AGENT_INDEX = "agent_index";

  /** What one {@link #collect} gives: each policy's batch, its statistics, and the episodes. */
  public record Result(Map<String, SampleBatch> batches, Map<String, PolicyStats> stats, List<MultiAgentEpisode> episodes) {}

  /**
   * Per-policy statistics of a collection: agent steps, agent-episodes, the sum of rewards, and the
   * mean reward per agent step and per agent-episode.
   */
  public record PolicyStats(long steps, long agentEpisodes, double rewardSum) {
    public double meanRewardPerStep() {
      return steps == 0 ? Double.NaN : rewardSum / steps;
    }

    public double meanEpisodeReturn() {
      return agentEpisodes == 0 ? Double.NaN : rewardSum / agentEpisodes;
    }
  }

  private final List<MultiAgentEnv> envs;
  private final Map<String, Policy> policies;
  private final PolicyMappingFn mapping;
  private final Set<String> trained;
  private final Map<String, BatchOutput> outputs = new HashMap<>();

  /**
   * @param policies the policies by name, in the order they act each step
   * @param trained the names of the policies whose trajectories are postprocessed
   */
  public MultiAgentCollector(List<? extends MultiAgentEnv> envs, Map<String, ? extends Policy> policies, PolicyMappingFn mapping,
      Set<String> trained) {
    if (envs.isEmpty()) throw new IllegalArgumentException("MultiAgentCollector: no environments");
    for (String t : trained) {
      if (!policies.containsKey(t)) throw new IllegalArgumentException("MultiAgentCollector: trained policy " + t + " is not among " + policies.keySet());
    }
    this.envs = List.copyOf(envs);
    this.policies = new LinkedHashMap<>(policies);
    this.mapping = mapping;
    this.trained = Set.copyOf(trained);
  }

  public int numEnvs() { return envs.size(); }

  /** One agent's open trajectory in one episode. */
  private static final class Trajectory {
    final String agent, policy;
    final int agentIndex;
    final Space<?> obsSpace, actSpace;
    final List<float[]> obs = new ArrayList<>(), actions = new ArrayList<>();
    final List<Double> rewards = new ArrayList<>();
    final List<Float> logp = new ArrayList<>(), vf = new ArrayList<>();
    List<Tensor> state;
    boolean closed, terminated, truncated;
    float nextValue;

    Trajectory(String agent, String policy, int agentIndex, Space<?> obsSpace, Space<?> actSpace) {
      this.agent = agent;
      this.policy = policy;
      this.agentIndex = agentIndex;
      this.obsSpace = obsSpace;
      this.actSpace = actSpace;
    }

    SampleBatch batch(long epsId) {
      int n = obs.size();
      int od = obsSpace.flatSize(), aw = actSpace.actionWidth();
      SampleBatch b = SampleBatch.rollout(n, 1);
      float[] o = new float[n * od], a = new float[n * aw], r = new float[n], term = new float[n], trunc = new float[n], lp = new float[n],
          v = new float[n], start = new float[n];
      int[] ids = new int[n], ts = new int[n], idx = new int[n];
      for (int t = 0; t < n; t++) {
        System.arraycopy(obs.get(t), 0, o, t * od, od);
        System.arraycopy(actions.get(t), 0, a, t * aw, aw);
        r[t] = (float) (double) rewards.get(t);
        lp[t] = logp.get(t);
        v[t] = vf.get(t);
        ids[t] = (int) epsId;
        ts[t] = t;
        idx[t] = agentIndex;
      }
      if (n > 0) {
        start[0] = 1f;
        term[n - 1] = terminated ? 1f : 0f;
        trunc[n - 1] = truncated && !terminated ? 1f : 0f;
      }
      b.put(SampleBatch.OBS, SampleBatch.Floats.of(o, od));
      b.put(SampleBatch.ACTIONS, SampleBatch.Floats.of(a, aw));
      b.put(SampleBatch.REWARDS, SampleBatch.Floats.of(r, 1));
      b.put(SampleBatch.TERMINATEDS, SampleBatch.Floats.of(term, 1));
      b.put(SampleBatch.TRUNCATEDS, SampleBatch.Floats.of(trunc, 1));
      b.put(SampleBatch.ACTION_LOGP, SampleBatch.Floats.of(lp, 1));
      b.put(SampleBatch.VF_PREDS, SampleBatch.Floats.of(v, 1));
      b.put(SampleBatch.EPS_START, SampleBatch.Floats.of(start, 1));
      b.put(SampleBatch.EPS_ID, new SampleBatch.Ints(ids, 0, n, 1));
      b.put(SampleBatch.T, new SampleBatch.Ints(ts, 0, n, 1));
      b.put(AGENT_INDEX, new SampleBatch.Ints(idx, 0, n, 1));
      boolean bootstrap = truncated && !terminated;
      b.putSide(RolloutBuffer.NEXT_VF_PREDS, new float[] {bootstrap ? nextValue : 0f});
      b.putSide(RolloutBuffer.NEXT_EPS_START, new float[] {bootstrap ? 0f : 1f});
      return b;
    }
  }

  /** One env's running episode. */
  private static final class Running {
    MultiAgentEpisode episode;
    Map<String, Object> obs;
    final Map<String, Trajectory> trajectories = new LinkedHashMap<>();
    int episodesDone;
    boolean active = true;
  }

  /**
   * Runs {@code episodesPerEnv} complete episodes on each env: env {@code i} is reset with {@code
   * envRngs[i]} (which it may keep for the episode), actions are sampled with {@code actRng}, and
   * episode ids count from {@code firstEpisodeId} in the order episodes start.
   */
  public Result collect(int episodesPerEnv, Rng[] envRngs, Rng actRng, long firstEpisodeId) {
    if (episodesPerEnv <= 0) throw new IllegalArgumentException("collect: episodesPerEnv " + episodesPerEnv + ", expected > 0");
    if (envRngs.length != envs.size()) throw new IllegalArgumentException("collect: " + envRngs.length + " env generators for " + envs.size() + " envs");
    long nextId = firstEpisodeId;
    Map<String, List<SampleBatch>> parts = new LinkedHashMap<>();
    Map<String, long[]> counts = new LinkedHashMap<>();
    Map<String, double[]> sums = new LinkedHashMap<>();
    for (String p : policies.keySet()) {
      parts.put(p, new ArrayList<>());
      counts.put(p, new long[2]);
      sums.put(p, new double[1]);
    }
    List<MultiAgentEpisode> finished = new ArrayList<>();
    Running[] run = new Running[envs.size()];
    for (int e = 0; e < run.length; e++) {
      run[e] = new Running();
      start(run[e], e, nextId++, envRngs[e]);
    }
    while (true) {
      boolean any = false;
      for (Running r : run) any |= r.active;
      if (!any) break;
      Map<Integer, Map<String, Object>> actions = act(run, actRng);
      for (int e = 0; e < run.length; e++) {
        Running r = run[e];
        if (!r.active) continue;
        MultiAgentEnv.Step s = envs.get(e).step(actions.getOrDefault(e, Map.of()));
        r.episode.countStep();
        s.rewards().forEach((agent, rew) -> {
          Trajectory tr = r.trajectories.get(agent);
          if (tr != null && !tr.closed && !tr.rewards.isEmpty()) {
            int last = tr.rewards.size() - 1;
            tr.rewards.set(last, tr.rewards.get(last) + rew);
            r.episode.addReward(agent, rew);
          }
        });
        boolean allTerm = s.terminateds().getOrDefault(MultiAgentEnv.ALL, false);
        boolean allTrunc = s.truncateds().getOrDefault(MultiAgentEnv.ALL, false);
        for (Trajectory tr : r.trajectories.values()) {
          if (tr.closed) continue;
          boolean term = allTerm || s.terminateds().getOrDefault(tr.agent, false);
          boolean trunc = allTrunc || s.truncateds().getOrDefault(tr.agent, false);
          if (term || trunc) close(tr, term, trunc, s.observations().get(tr.agent));
        }
        if (allTerm || allTrunc) {
          finish(r, parts, counts, sums);
          finished.add(r.episode);
          if (++r.episodesDone < episodesPerEnv) start(r, e, nextId++, envRngs[e]);
          else r.active = false;
        } else {
          r.obs = s.observations();
        }
      }
    }
    Map<String, SampleBatch> batches = new LinkedHashMap<>();
    Map<String, PolicyStats> stats = new LinkedHashMap<>();
    for (String p : policies.keySet()) {
      batches.put(p, SampleBatch.concat(parts.get(p)));
      stats.put(p, new PolicyStats(counts.get(p)[0], counts.get(p)[1], sums.get(p)[0]));
    }
    return new Result(batches, stats, finished);
  }

  private void start(Running r, int e, long id, Rng rng) {
    r.episode = new MultiAgentEpisode(id, e);
    r.trajectories.clear();
    r.obs = envs.get(e).reset(rng).observations();
  }

  /** Every acting agent's action, by env; records the steps on the trajectories. */
  private Map<Integer, Map<String, Object>> act(Running[] run, Rng rng) {
    Map<String, List<Trajectory>> group = new LinkedHashMap<>();
    Map<String, List<Integer>> groupEnv = new HashMap<>();
    for (String p : policies.keySet()) {
      group.put(p, new ArrayList<>());
      groupEnv.put(p, new ArrayList<>());
    }
    for (int e = 0; e < run.length; e++) {
      Running r = run[e];
      if (!r.active) continue;
      MultiAgentEnv env = envs.get(e);
      for (var entry : r.obs.entrySet()) {
        String agent = entry.getKey();
        Trajectory tr = r.trajectories.get(agent);
        if (tr != null && tr.closed) continue;
        if (tr == null) {
          String p = r.episode.map(agent, mapping);
          Policy policy = policies.get(p);
          if (policy == null) throw new IllegalArgumentException("policyMappingFn: agent " + agent + " mapped to unknown policy " + p + "; policies: " + policies.keySet());
          tr = new Trajectory(agent, p, env.possibleAgents().indexOf(agent), env.observationSpace(agent), env.actionSpace(agent));
          if (!(policy instanceof TemplatePolicy)) tr.state = policy.getInitialState();
          r.trajectories.put(agent, tr);
        }
        tr.obs.add(flatten(tr.obsSpace, entry.getValue()));
        group.get(tr.policy).add(tr);
        groupEnv.get(tr.policy).add(e);
      }
    }
    Map<Integer, Map<String, Object>> actions = new HashMap<>();
    for (var g : group.entrySet()) {
      List<Trajectory> trs = g.getValue();
      if (trs.isEmpty()) continue;
      Policy policy = policies.get(g.getKey());
      List<Integer> es = groupEnv.get(g.getKey());
      if (policy instanceof TemplatePolicy tp) {
        int b = trs.size(), od = tp.model().observationSize();
        Tensor obs = Tensor.zeros(b, od);
        for (int i = 0; i < b; i++) {
          float[] row = trs.get(i).obs.getLast();
          if (row.length != od) throw new IllegalArgumentException("policy " + g.getKey() + " reads " + od + " observation values, agent " + trs.get(i).agent + " has " + row.length);
          System.arraycopy(row, 0, obs.data(), i * od, od);
        }
        BatchOutput out = output(g.getKey(), tp, b);
        tp.act(obs, null, null, rng, null, out);
        Tensor a = out.actions();
        int aw = a.size() / b;
        for (int i = 0; i < b; i++) {
          float[] row = new float[aw];
          System.arraycopy(a.data(), a.offset() + i * aw, row, 0, aw);
          record(trs.get(i), row, out.logProbs().get(i), out.values().get(i), actions, es.get(i));
        }
      } else {
        for (int i = 0; i < trs.size(); i++) {
          Trajectory tr = trs.get(i);
          float[] o = tr.obs.getLast();
          Policy.ActionsResult res = policy.computeSingleAction(Tensor.of(o.clone(), o.length), tr.state, true);
          tr.state = res.stateOut();
          Tensor a = res.actions();
          float[] row = new float[a.size()];
          System.arraycopy(a.data(), a.offset(), row, 0, row.length);
          Tensor lp = res.extraFetches().get(SampleBatch.ACTION_LOGP), v = res.extraFetches().get(SampleBatch.VF_PREDS);
          record(tr, row, lp == null ? 0f : lp.get(0), v == null ? 0f : v.get(0), actions, es.get(i));
        }
      }
    }
    return actions;
  }

  private static void record(Trajectory tr, float[] row, float logp, float value, Map<Integer, Map<String, Object>> actions, int env) {
    if (row.length != tr.actSpace.actionWidth()) {
      throw new IllegalArgumentException("policy " + tr.policy + " gave " + row.length + " action values, agent " + tr.agent + "'s " + tr.actSpace + " takes "
          + tr.actSpace.actionWidth());
    }
    tr.actions.add(row);
    tr.rewards.add(0.0);
    tr.logp.add(logp);
    tr.vf.add(value);
    actions.computeIfAbsent(env, k -> new LinkedHashMap<>()).put(tr.agent, tr.actSpace.actionFromRow(row, 0));
  }

  private BatchOutput output(String name, TemplatePolicy tp, int b) {
    String key = name + "/" + b;
    return outputs.computeIfAbsent(key, k -> tp.model().newBatchOutput(b, tp.kernels()));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static float[] flatten(Space space, Object value) {
    float[] row = new float[space.flatSize()];
    space.flatten(space.cast(value), row, 0);
    return row;
  }

  /** Ends a trajectory; a truncated one of a template policy bootstraps from its final observation's value. */
  private void close(Trajectory tr, boolean term, boolean trunc, Object finalObs) {
    tr.closed = true;
    tr.terminated = term;
    tr.truncated = trunc && !term;
    if (tr.truncated && finalObs != null && policies.get(tr.policy) instanceof TemplatePolicy tp && tp.config().bootstrapTruncation()) {
      float[] o = flatten(tr.obsSpace, finalObs);
      BatchOutput out = output(tr.policy, tp, 1);
      tp.act(Tensor.of(o, 1, o.length), null, null, null, null, out);
      tr.nextValue = out.values().get(0);
    }
  }

  /** The episode's batches: postprocessed (trained policies) with the other agents' batches, added to each policy's parts. */
  private void finish(Running r, Map<String, List<SampleBatch>> parts, Map<String, long[]> counts, Map<String, double[]> sums) {
    Map<String, SampleBatch> raw = new LinkedHashMap<>();
    for (Trajectory tr : r.trajectories.values()) {
      if (tr.obs.isEmpty()) continue;
      raw.put(tr.agent, tr.batch(r.episode.id()));
    }
    Map<String, SampleBatch> views = new LinkedHashMap<>();
    raw.forEach((agent, b) -> views.put(agent, b.slice(0, b.rows()))); // unprocessed: columns added later do not show
    for (Trajectory tr : r.trajectories.values()) {
      SampleBatch b = raw.get(tr.agent);
      if (b == null) continue;
      long[] c = counts.get(tr.policy);
      c[0] += b.rows();
      c[1]++;
      double sum = 0;
      for (double x : tr.rewards) sum += x;
      sums.get(tr.policy)[0] += sum;
      if (trained.contains(tr.policy)) {
        Map<String, SampleBatch> others = new LinkedHashMap<>();
        views.forEach((agent, ob) -> {
          if (!agent.equals(tr.agent)) others.put(agent, ob);
        });
        b = policies.get(tr.policy).postprocessTrajectory(b, others, r.episode);
      }
      parts.get(tr.policy).add(b);
    }
  }
}
