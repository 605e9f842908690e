package vecrl.multi;

/**
 * RLlib's {@code policy_mapping_fn(agent_id, episode)}: the name of the policy that controls {@code
 * agentId} in {@code episode}. Called once per agent and episode, when the agent first acts; the
 * answer holds for the rest of the episode ({@link MultiAgentEpisode#policyFor}).
 */
@FunctionalInterface
public interface PolicyMappingFn {
  String policyFor(String agentId, MultiAgentEpisode episode);
}
