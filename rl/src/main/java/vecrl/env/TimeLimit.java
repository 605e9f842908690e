package vecrl.env;

import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Truncates episodes after {@code maxEpisodeSteps} steps, as Gymnasium's {@code TimeLimit}: the
 * step that reaches the limit returns {@code truncated = true} (terminated keeps the inner value,
 * so both can be true). {@code reset} restarts the count.
 */
public final class TimeLimit<O, A> extends Wrapper<O, A, O, A> {
  private final int maxEpisodeSteps;
  private int elapsed;

  public TimeLimit(Env<O, A> env, int maxEpisodeSteps) {
    super(env);
    if (maxEpisodeSteps <= 0) throw new IllegalArgumentException("TimeLimit: maxEpisodeSteps = " + maxEpisodeSteps + ", expected > 0");
    this.maxEpisodeSteps = maxEpisodeSteps;
  }

  public int maxEpisodeSteps() {
    return maxEpisodeSteps;
  }

  /** Steps taken since the last reset. */
  public int elapsedSteps() {
    return elapsed;
  }

  /** Sets the steps taken in the current episode (a checkpoint puts back the count it saved). */
  public void setElapsedSteps(int steps) {
    if (steps < 0) throw new IllegalArgumentException("TimeLimit: elapsed steps " + steps + ", expected >= 0");
    elapsed = steps;
  }

  @Override
  public Space<O> observationSpace() {
    return env.observationSpace();
  }

  @Override
  public Space<A> actionSpace() {
    return env.actionSpace();
  }

  @Override
  public Reset<O> reset(Rng rng) {
    elapsed = 0;
    return env.reset(rng);
  }

  @Override
  public StepResult<O> step(A action) {
    StepResult<O> r = env.step(action);
    elapsed++;
    if (elapsed >= maxEpisodeSteps && !r.truncated()) {
      return new StepResult<>(r.observation(), r.reward(), r.terminated(), true, r.info());
    }
    return r;
  }
}
