package vecrl.env;

import java.util.Map;

/**
 * What {@link Env#step} returns, as Gymnasium's five-tuple.
 *
 * @param observation the observation after the action
 * @param reward the reward for the transition
 * @param terminated whether the episode reached a terminal state of the task (do not bootstrap)
 * @param truncated whether the episode was cut off for another reason, such as a time limit
 *     (bootstrap from the final observation's value)
 * @param info extra information; never null (empty when there is none)
 */
public record StepResult<O>(O observation, double reward, boolean terminated, boolean truncated, Map<String, Object> info) {
  public StepResult {
    if (info == null) throw new IllegalArgumentException("StepResult: info is null; use Map.of()");
  }

  /** Whether the episode is over, by termination or truncation. */
  public boolean done() {
    return terminated || truncated;
  }
}
