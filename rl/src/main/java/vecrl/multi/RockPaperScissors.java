package vecrl.multi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * {@code RockPaperScissors-v0}, RLlib's two-player example: agents {@code player_0} and {@code
 * player_1} move at once ({@link #ROCK}, {@link #PAPER}, {@link #SCISSORS}: {@code Discrete(3)}); each
 * observes the opponent's last move one-hot ({@code Box(0, 1, [3])}, all zeros before the first
 * move); the winner of a round gets +1, the loser -1, a tie 0 each. Every episode lasts {@link
 * #rounds()} rounds and then terminates for both ({@link MultiAgentEnv#ALL}). There is no
 * randomness: {@link #reset} ignores its generator.
 */
public final class RockPaperScissors implements MultiAgentEnv {
  public static final int ROCK = 0, PAPER = 1, SCISSORS = 2;
  public static final String P0 = "player_0", P1 = "player_1";
  private static final List<String> AGENTS = List.of(P0, P1);
  private static final Box OBS = new Box(0f, 1f, 3);
  private static final Discrete ACT = new Discrete(3);

  private final int rounds;
  private int round;

  /** An environment of {@code rounds} rounds per episode (RLlib's default: 10). */
  public RockPaperScissors(int rounds) {
    if (rounds <= 0) throw new IllegalArgumentException("RockPaperScissors: rounds " + rounds + ", expected > 0");
    this.rounds = rounds;
  }

  public int rounds() { return rounds; }

  /** The move that beats {@code move}. */
  public static int beat(int move) {
    return (move + 1) % 3;
  }

  /** The first player's reward for moves {@code a} and {@code b}: +1 win, -1 loss, 0 tie. */
  public static int payoff(int a, int b) {
    if (a == b) return 0;
    return beat(b) == a ? 1 : -1;
  }

  @Override
  public List<String> possibleAgents() { return AGENTS; }

  @Override
  public Space<?> observationSpace(String agentId) {
    check(agentId);
    return OBS;
  }

  @Override
  public Space<?> actionSpace(String agentId) {
    check(agentId);
    return ACT;
  }

  private static void check(String agentId) {
    if (!AGENTS.contains(agentId)) throw new IllegalArgumentException("RockPaperScissors: no agent \"" + agentId + "\"; agents: " + AGENTS);
  }

  @Override
  public Reset reset(Rng rng) {
    round = 0;
    Map<String, Object> obs = new LinkedHashMap<>();
    obs.put(P0, new float[3]);
    obs.put(P1, new float[3]);
    return new Reset(obs, Map.of());
  }

  @Override
  public Step step(Map<String, Object> actions) {
    if (round >= rounds) throw new IllegalStateException("RockPaperScissors: step after the episode ended; call reset");
    int a = move(actions, P0), b = move(actions, P1);
    round++;
    boolean over = round >= rounds;
    Map<String, Object> obs = new LinkedHashMap<>();
    obs.put(P0, oneHot(b));
    obs.put(P1, oneHot(a));
    Map<String, Double> rewards = new LinkedHashMap<>();
    rewards.put(P0, (double) payoff(a, b));
    rewards.put(P1, (double) payoff(b, a));
    Map<String, Boolean> term = new LinkedHashMap<>();
    term.put(P0, over);
    term.put(P1, over);
    term.put(ALL, over);
    return new Step(obs, rewards, term, Map.of(ALL, false), Map.of());
  }

  private static int move(Map<String, Object> actions, String agent) {
    Object a = actions.get(agent);
    if (a == null) throw new IllegalArgumentException("RockPaperScissors.step: no action for " + agent + "; actions: " + actions.keySet());
    int m = ACT.cast(a);
    if (m < 0 || m > 2) throw new IllegalArgumentException("RockPaperScissors.step: " + agent + " played " + m + ", expected 0, 1 or 2");
    return m;
  }

  static float[] oneHot(int move) {
    float[] o = new float[3];
    o[move] = 1f;
    return o;
  }
}
