package vecrl.multi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * {@code Signaling-v0}, Lewis's signalling game, a cooperative task of two agents that must agree on
 * a code. {@code speaker} sees a target drawn uniformly from {@code k} ({@code Box(0, 1, [k])},
 * one-hot) and sends one of {@code k} signals ({@code Discrete(k)}); then {@code listener} joins,
 * sees only the signal (one-hot) and picks a target ({@code Discrete(k)}). Both get the shared
 * reward, 1 when the pick is the target and 0 otherwise, and the episode terminates. The speaker
 * receives its reward one step after it acted (while it waits, as in RLlib); random play earns
 * {@code 1/k} on average, an agreed code 1.
 *
 * <p>Turn by turn: {@code reset} observes {@code {speaker}}; {@code step({speaker: s})} observes
 * {@code {listener: onehot(s)}}, no reward, nothing done; {@code step({listener: g})} gives both
 * their final observations, reward {@code g == target ? 1 : 0} each, and terminates both and {@link
 * MultiAgentEnv#ALL}. The target is the only randomness: one {@code rng.nextInt(k)} per reset.
 */
public final class SignalingGame implements MultiAgentEnv {
  public static final String SPEAKER = "speaker", LISTENER = "listener";
  private static final List<String> AGENTS = List.of(SPEAKER, LISTENER);

  private final int k;
  private final Box obs;
  private final Discrete act;
  private int target = -1, signal = -1;

  /** A game of {@code k >= 2} targets and signals. */
  public SignalingGame(int k) {
    if (k < 2) throw new IllegalArgumentException("SignalingGame: k " + k + ", expected >= 2");
    this.k = k;
    this.obs = new Box(0f, 1f, k);
    this.act = new Discrete(k);
  }

  public int k() { return k; }
  /** The current episode's target (-1 before the first reset). */
  public int target() { return target; }

  @Override
  public List<String> possibleAgents() { return AGENTS; }

  @Override
  public Space<?> observationSpace(String agentId) {
    check(agentId);
    return obs;
  }

  @Override
  public Space<?> actionSpace(String agentId) {
    check(agentId);
    return act;
  }

  private static void check(String agentId) {
    if (!AGENTS.contains(agentId)) throw new IllegalArgumentException("SignalingGame: no agent \"" + agentId + "\"; agents: " + AGENTS);
  }

  @Override
  public Reset reset(Rng rng) {
    target = rng.nextInt(k);
    signal = -1;
    return new Reset(Map.of(SPEAKER, oneHot(target)), Map.of());
  }

  @Override
  public Step step(Map<String, Object> actions) {
    if (target < 0) throw new IllegalStateException("SignalingGame: step before reset");
    if (signal < 0) {
      signal = choice(actions, SPEAKER);
      return new Step(Map.of(LISTENER, oneHot(signal)), Map.of(), Map.of(ALL, false), Map.of(ALL, false), Map.of());
    }
    int guess = choice(actions, LISTENER);
    double r = guess == target ? 1 : 0;
    Map<String, Object> o = new LinkedHashMap<>();
    o.put(SPEAKER, oneHot(target));
    o.put(LISTENER, oneHot(signal));
    Map<String, Double> rewards = new LinkedHashMap<>();
    rewards.put(SPEAKER, r);
    rewards.put(LISTENER, r);
    Map<String, Boolean> term = new LinkedHashMap<>();
    term.put(SPEAKER, true);
    term.put(LISTENER, true);
    term.put(ALL, true);
    target = -1;
    return new Step(o, rewards, term, Map.of(ALL, false), Map.of());
  }

  private int choice(Map<String, Object> actions, String agent) {
    if (actions.size() != 1 || !actions.containsKey(agent)) {
      throw new IllegalArgumentException("SignalingGame.step: expected an action of " + agent + " only, got " + actions.keySet());
    }
    int a = act.cast(actions.get(agent));
    if (a < 0 || a >= k) throw new IllegalArgumentException("SignalingGame.step: " + agent + " chose " + a + ", expected in [0, " + k + ")");
    return a;
  }

  private float[] oneHot(int i) {
    float[] o = new float[k];
    o[i] = 1f;
    return o;
  }
}
