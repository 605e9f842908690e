package vecrl.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/** {@link VectorEnv#actionMaskRows()}: the envs' masks as policy rows, and bad masks named by env and step. */
final class VectorEnvMaskTest {

  /**
   * State t starts at 0, 1 or 2 (from the rng) and grows by one per step; the episode ends at t = 4.
   * Only action t % 3 is allowed, except that no mask is given when t == 2, and at t == {@code
   * brokenAt} the mask is {@code broken}.
   */
  private record Gate(int brokenAt, Object broken) implements Dynamics<Integer, float[], Integer> {
    public Space<float[]> observationSpace() { return new Box(0f, 10f, 1); }
    public Space<Integer> actionSpace() { return new Discrete(3); }
    public Integer initialState(Rng rng) { return rng.nextInt(3); }
    public Transition<Integer> step(Integer t, Integer action) { return new Transition<>(t + 1, 0, t + 1 >= 4); }
    public float[] observation(Integer t) { return new float[] {t}; }

    public Object actionMask(Integer t) {
      if (t == brokenAt) return broken;
      if (t == 2) return null;
      boolean[] m = new boolean[3];
      m[t % 3] = true;
      return m;
    }
  }

  private static SyncVectorEnv<float[], Integer> gates(int n, int brokenEnv, int brokenAt, Object broken) {
    List<Env<float[], Integer>> envs = new ArrayList<>();
    for (int i = 0; i < n; i++) envs.add(new DynamicsEnv<>(i == brokenEnv ? new Gate(brokenAt, broken) : new Gate(-1, null)));
    return new SyncVectorEnv<>(envs);
  }

  @Test
  void rowsFollowEachEnvsStateThroughAutoResets() {
    try (SyncVectorEnv<float[], Integer> v = gates(5, -1, -1, null)) {
      assertEquals(3, v.maskWidth());
      Tensor obs = v.reset(11);
      Tensor actions = Tensor.zeros(5);
      int sawMixed = 0;
      Tensor first = null;
      for (int step = 0; step < 30; step++) {
        Tensor rows = v.actionMaskRows();
        boolean anyMask = false;
        for (int i = 0; i < 5; i++) anyMask |= (int) obs.get(i, 0) != 2;
        if (!anyMask) {
          assertNull(rows, "no env gives a mask at step " + step);
        } else {
          if (first == null) first = rows;
          assertSame(first, rows, "the rows tensor is reused");
          for (int i = 0; i < 5; i++) {
            int t = (int) obs.get(i, 0);
            float[] expected = t == 2 ? new float[] {1, 1, 1} : new float[] {t % 3 == 0 ? 1 : 0, t % 3 == 1 ? 1 : 0, t % 3 == 2 ? 1 : 0};
            assertArrayEquals(expected, rows.row(i).copy().data(), "env " + i + " at t " + t + ", step " + step);
            if (t == 2) sawMixed++;
          }
        }
        obs = v.step(actions);
      }
      assertTrue(sawMixed > 0, "some steps mix masked envs with an env that gives none");
      assertEquals(30, v.stepCount());
    }
  }

  @Test
  void unmaskedEnvsGiveNoRows() {
    try (SyncVectorEnv<float[], Integer> v = SyncVectorEnv.make("CartPole-v1", 3)) {
      v.reset(1);
      assertNull(v.actionMaskRows());
      assertEquals(2, v.maskWidth());
    }
    try (SyncVectorEnv<float[], float[]> v = new SyncVectorEnv<float[], float[]>(() -> new CounterEnv(3), 2)) {
      v.reset(1);
      assertEquals(0, v.maskWidth(), "a Box takes no mask");
      assertNull(v.actionMaskRows());
    }
    try (SyncVectorEnv<float[], Integer> v = gates(1, -1, -1, null)) {
      Tensor obs = v.reset(2);
      while ((int) obs.get(0, 0) != 2) obs = v.step(Tensor.zeros(1));
      assertNull(v.actionMaskRows(), "a masked env in a state where it gives no mask");
    }
  }

  @Test
  void aMaskThatAllowsNothingNamesTheEnvAndTheStep() {
    // env 3's generator draws its start; find a seed where env 3 reaches t = 3 after one step, i.e. starts at 2
    try (SyncVectorEnv<float[], Integer> v = gates(4, 3, 3, new boolean[3])) {
      Tensor obs = v.reset(0);
      int start = (int) obs.get(3, 0);
      Tensor actions = Tensor.zeros(4);
      for (int k = start; k < 3; k++) {
        v.actionMaskRows();
        v.step(actions);
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, v::actionMaskRows);
      assertEquals("env 3 at step " + (3 - start) + ": action mask allows no action (Discrete(3))", e.getMessage());
    }
  }

  @Test
  void aMaskOfTheWrongLengthNamesTheEnvAndTheStep() {
    try (SyncVectorEnv<float[], Integer> v = gates(2, 1, 0, new boolean[] {true, false})) {
      Tensor obs = v.reset(0);
      // step until env 1 sits at t = 0 (a reset brings it back to a start in 0..2)
      Tensor actions = Tensor.zeros(2);
      while ((int) obs.get(1, 0) != 0) obs = v.step(actions);
      long step = v.stepCount();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, v::actionMaskRows);
      assertEquals(String.format(java.util.Locale.ROOT, "env 1 at step %,d: action mask has 2 entries, expected 3 for Discrete(3)", step), e.getMessage());
    }
  }
}
