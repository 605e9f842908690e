package vecrl.env;

/**
 * The result of one pure step of {@link Dynamics}: the next state, the reward and whether the next
 * state is terminal.
 */
public record Transition<S>(S state, double reward, boolean terminated) {}
