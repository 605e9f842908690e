package vecrl.env;

import java.util.Map;
import vecrl.space.Box;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * A tiny deterministic env for wrapper and vector tests: the state is a counter t that starts at a
 * value drawn from {0, 1, 2} and grows by one per step; observation [t, -t]; reward 10 * action[0]
 * + t; terminates when t reaches {@code end}. The last action received is kept.
 */
final class CounterEnv implements Env<float[], float[]> {
  static final Box OBS = new Box(-100f, 100f, 2);
  static final Box ACT = new Box(-1f, 1f, 1);
  private final int end;
  private int t;
  float[] lastAction;
  int resets;

  CounterEnv(int end) {
    this.end = end;
  }

  @Override
  public Space<float[]> observationSpace() {
    return OBS;
  }

  @Override
  public Space<float[]> actionSpace() {
    return ACT;
  }

  @Override
  public Reset<float[]> reset(Rng rng) {
    t = rng.nextInt(3);
    resets++;
    return new Reset<>(new float[] {t, -t}, Map.of("start", t));
  }

  @Override
  public StepResult<float[]> step(float[] action) {
    lastAction = action.clone();
    t++;
    return new StepResult<>(new float[] {t, -t}, 10 * action[0] + t, t >= end, false, Map.of("t", t));
  }
}
