package vecrl.env;

import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * The README's example environment: a walk on 0..10: start at 5; action 0 steps left, 1 right;
 * reaching 10 pays 1 and ends the episode. Used by {@link CustomEnvExampleTest} and registered as
 * Corridor-v0 by {@link CorridorProvider}. Its state is a plain {@code Integer}.
 */
final class Corridor implements Dynamics<Integer, float[], Integer> {
  @Override
  public Space<float[]> observationSpace() {
    return new Box(0f, 10f, 1);
  }

  @Override
  public Space<Integer> actionSpace() {
    return new Discrete(2);
  }

  @Override
  public Integer initialState(Rng rng) {
    return 5;
  }

  @Override
  public Transition<Integer> step(Integer pos, Integer action) {
    int next = Math.max(0, pos + (action == 1 ? 1 : -1));
    return new Transition<>(next, next == 10 ? 1.0 : 0.0, next == 10);
  }

  @Override
  public float[] observation(Integer pos) {
    return new float[] {pos};
  }

  @Override
  public Object actionMask(Integer pos) {
    return new boolean[] {pos > 0, true}; // cannot step left at the wall
  }
}
