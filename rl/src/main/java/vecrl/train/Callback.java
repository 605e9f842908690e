package vecrl.train;

/**
 * Hooks into a training run. {@link #onIteration} returning false stops the run after that
 * iteration (early stopping). Implement it for your own logging or control.
 */
public interface Callback {
  default void onStart(Trainer trainer) {}

  /** Called after every iteration; return false to stop. */
  default boolean onIteration(Trainer trainer, IterationStats stats) {
    return true;
  }

  /** Called once after the last iteration (also after an early stop). */
  default void onEnd(Trainer trainer) {}
}
