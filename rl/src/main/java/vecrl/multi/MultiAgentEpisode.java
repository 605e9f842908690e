package vecrl.multi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One episode of a {@link MultiAgentEnv} as the collector runs it (RLlib's {@code episode}
 * argument): its id (unique within a run, counted from 0), the env it runs in, the policy each agent
 * was mapped to, each agent's total reward and the number of env steps so far.
 */
public final class MultiAgentEpisode {
  private final long id;
  private final int envIndex;
  private final Map<String, String> policies = new LinkedHashMap<>();
  private final Map<String, Double> rewards = new LinkedHashMap<>();
  private int length;

  MultiAgentEpisode(long id, int envIndex) {
    this.id = id;
    this.envIndex = envIndex;
  }

  public long id() { return id; }
  public int envIndex() { return envIndex; }
  /** Env steps taken so far. */
  public int length() { return length; }

  /** The policy {@code agentId} is mapped to, or null before it first acted. */
  public String policyFor(String agentId) {
    return policies.get(agentId);
  }

  /** The policy of each agent that has acted, in the order they first acted (unmodifiable). */
  public Map<String, String> policies() {
    return Collections.unmodifiableMap(policies);
  }

  /** Each agent's total reward so far (unmodifiable). */
  public Map<String, Double> agentRewards() {
    return Collections.unmodifiableMap(rewards);
  }

  String map(String agentId, PolicyMappingFn fn) {
    String p = policies.get(agentId);
    if (p == null) {
      p = fn.policyFor(agentId, this);
      if (p == null) throw new IllegalArgumentException("policyMappingFn: no policy for agent " + agentId + " in episode " + id);
      policies.put(agentId, p);
    }
    return p;
  }

  void addReward(String agentId, double r) {
    rewards.merge(agentId, r, Double::sum);
  }

  void countStep() {
    length++;
  }

  @Override
  public String toString() {
    return "MultiAgentEpisode[" + id + ", env " + envIndex + ", " + length + " steps, " + policies + "]";
  }
}
