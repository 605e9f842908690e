package vecrl.env.proof;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vecrl.env.Env;
import vecrl.env.EnvRegistry;
import vecrl.env.StepResult;
import vecrl.env.Transition;
import vecrl.env.proof.BitMatch.State;
import vecrl.space.Box;
import vecrl.space.MultiBinary;

/** BitMatch's dynamics by hand-computed steps. */
final class BitMatchTest {
  private static final BitMatch TASK = new BitMatch();

  private static void step(State from, int[] action, State to, double reward, boolean terminated) {
    Transition<State> t = TASK.step(from, action);
    assertEquals(to, t.state(), "state after " + java.util.Arrays.toString(action) + " from " + from);
    assertEquals(reward, t.reward(), "reward");
    assertEquals(terminated, t.terminated(), "terminated");
  }

  @Test
  void spaces() {
    assertEquals(new MultiBinary(8), TASK.actionSpace());
    assertEquals(new Box(0f, 1f, 9), TASK.observationSpace());
    assertNull(TASK.actionMask(new State(0, 0)));
  }

  @Test
  void handComputedSteps() {
    // 177 = 0b10110001: bits 0..7 are 1 0 0 0 1 1 0 1; next 37*177 + 101 = 6650 = 250 mod 256
    State s = new State(0, 177);
    State next = new State(1, 250);
    step(s, new int[] {1, 0, 0, 0, 1, 1, 0, 1}, next, 1.0, false);
    step(s, new int[] {0, 0, 0, 0, 1, 1, 0, 0}, next, 0.75, false);
    step(s, new int[] {0, 1, 1, 1, 0, 0, 1, 0}, next, 0.0, false);
    // the last step terminates: 37*0 + 101 = 101
    step(new State(15, 0), new int[8], new State(16, 101), 1.0, true);
    assertArrayEquals(new float[] {1, 0, 0, 0, 1, 1, 0, 1, 0}, TASK.observation(s));
    assertArrayEquals(new float[] {0, 1, 0, 1, 1, 1, 1, 1, 1f / 16}, TASK.observation(next));
  }

  @Test
  void patternsRunThroughAll256() {
    Set<Integer> seen = new HashSet<>();
    State s = new State(0, 0);
    for (int k = 0; k < 256; k++) {
      seen.add(s.pattern());
      s = new State(0, TASK.step(s, new int[8]).state().pattern());
    }
    assertEquals(256, seen.size());
  }

  @Test
  void copyingThePatternEarnsTheOptimalReturn() {
    Env<float[], int[]> env = EnvRegistry.standard().make("BitMatch-v0");
    for (long seed = 0; seed < 5; seed++) {
      float[] obs = env.reset(seed).observation();
      double ret = 0;
      int steps = 0;
      StepResult<float[]> r;
      do {
        int[] action = new int[8];
        for (int i = 0; i < 8; i++) action[i] = (int) obs[i];
        r = env.step(action);
        obs = r.observation();
        ret += r.reward();
        steps++;
      } while (!r.done());
      assertEquals(16, steps);
      assertEquals(BitMatch.OPTIMAL_RETURN, ret);
      assertTrue(r.terminated());
    }
  }

  @Test
  void badActionsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TASK.step(new State(0, 0), new int[] {0, 2, 0, 0, 0, 0, 0, 0}));
    assertEquals("BitMatch-v0: action [0, 2, 0, 0, 0, 0, 0, 0] is not in MultiBinary(8)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new State(0, 256));
  }
}
