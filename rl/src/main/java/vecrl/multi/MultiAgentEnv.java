package vecrl.multi;

import java.util.List;
import java.util.Map;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * An environment of several agents acting at once, after RLlib's {@code MultiAgentEnv} and
 * PettingZoo's parallel API: {@link #reset} and {@link #step} take and return maps keyed by agent id.
 *
 * <ul>
 *   <li>The agents that act next are exactly the keys of the last observation map; an agent that
 *       is in no observation map waits (it may still receive rewards, which count towards its last
 *       action, as in RLlib).
 *   <li>{@code terminateds} and {@code truncateds} hold an entry per agent that finished, plus {@link
 *       #ALL}, true when the whole episode is over. A finished agent acts no more in the episode.
 *   <li>Agents may join (first appear in an observation map) and leave (finish) during an episode;
 *       {@link #possibleAgents()} lists every agent that may ever appear.
 *   <li>Each agent has its own observation and action spaces.
 * </ul>
 *
 * <p>Randomness comes only from the {@link Rng} given to {@link #reset}, so an episode is a pure
 * function of that generator's state and the actions. Maps are iterated in their own order; the
 * built-in environments return {@link java.util.LinkedHashMap}s in {@link #possibleAgents()} order.
 */
public interface MultiAgentEnv {
  /** The key of {@code terminateds} and {@code truncateds} that ends the whole episode. */
  String ALL = "__all__";

  /** What {@link #reset} returns: the first observations of the agents that act first, and infos. */
  record Reset(Map<String, Object> observations, Map<String, Map<String, Object>> infos) {}

  /**
   * What {@link #step} returns: observations of the agents that act next (and final observations of
   * agents that just finished), rewards, per-agent flags with {@link #ALL}, infos.
   */
  record Step(Map<String, Object> observations, Map<String, Double> rewards, Map<String, Boolean> terminateds,
      Map<String, Boolean> truncateds, Map<String, Map<String, Object>> infos) {
    /** Whether the whole episode ended. */
    public boolean allDone() {
      return terminateds.getOrDefault(ALL, false) || truncateds.getOrDefault(ALL, false);
    }
  }

  /** Every agent id that may appear, in a fixed order. */
  List<String> possibleAgents();

  Space<?> observationSpace(String agentId);

  Space<?> actionSpace(String agentId);

  /** Starts an episode; the environment may keep {@code rng} for randomness during the episode. */
  Reset reset(Rng rng);

  /** Advances the episode: {@code actions} holds one action for each agent of the last observation map. */
  Step step(Map<String, Object> actions);
}
