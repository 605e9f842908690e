package vecrl.plan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state every step of one execution plan shares (RLlib's metrics context): named counters
 * ({@link #STEPS_SAMPLED}, {@link #STEPS_TRAINED}, {@link #GRAD_UPDATES}, {@link #WEIGHTS_VERSION})
 * and the learner's last statistics. Used on the learner's thread only.
 */
public final class PlanContext {
  /** Env steps sampled by the plan's rollouts (every worker). */
  public static final String STEPS_SAMPLED = "num_steps_sampled";
  /** Env steps the learner has trained on. */
  public static final String STEPS_TRAINED = "num_steps_trained";
  /** Gradient updates the learner applied ({@link ApplyGradients}) or update rounds it ran ({@link TrainOneStep}). */
  public static final String GRAD_UPDATES = "num_grad_updates";
  /** The version of the learner's weights: one more after each update; a worker records the version it acts with. */
  public static final String WEIGHTS_VERSION = "weights_version";

  private final Map<String, Long> counters = new LinkedHashMap<>();
  private Map<String, Double> info = Map.of();
  private long startNanos = System.nanoTime();
  private long startStep;

  /** The counter {@code name} (0 when never added to). */
  public long counter(String name) {
    return counters.getOrDefault(name, 0L);
  }

  /** Adds {@code delta} to counter {@code name}; returns the new value. */
  public long add(String name, long delta) {
    return counters.merge(name, delta, Long::sum);
  }

  /** The counters, in the order they were first added. */
  public Map<String, Long> counters() {
    return Map.copyOf(counters);
  }

  /** The learner's statistics of its last update (empty before it). */
  public Map<String, Double> info() {
    return info;
  }

  void info(Map<String, Double> stats) {
    info = stats;
  }

  /** Where the trainer's run started: {@link System#nanoTime} and its env step then (for steps per second). */
  public void start(long startNanos, long startStep) {
    this.startNanos = startNanos;
    this.startStep = startStep;
  }

  public long startNanos() {
    return startNanos;
  }

  public long startStep() {
    return startStep;
  }
}
