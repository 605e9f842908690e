package vecrl.env.proof;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vecrl.env.Env;
import vecrl.env.EnvRegistry;
import vecrl.env.StepResult;
import vecrl.env.Transition;
import vecrl.env.proof.MultiTarget.State;
import vecrl.space.Box;
import vecrl.space.MultiDiscrete;

/** MultiTarget's dynamics by hand-computed steps. */
final class MultiTargetTest {
  private static final MultiTarget TASK = new MultiTarget();
  private static final boolean T = true, F = false;

  private static void step(State from, int[] action, State to, double reward, boolean terminated) {
    Transition<State> t = TASK.step(from, action);
    assertEquals(to, t.state(), "state after " + java.util.Arrays.toString(action) + " from " + from);
    assertEquals(reward, t.reward(), "reward");
    assertEquals(terminated, t.terminated(), "terminated");
  }

  @Test
  void spaces() {
    assertEquals(new MultiDiscrete(4, 4, 4), TASK.actionSpace());
    assertEquals(new Box(0f, 1f, 13), TASK.observationSpace());
  }

  @Test
  void handComputedSteps() {
    // targets (1, 3, 0), forbidden digits (3, 1, 2); code 1 + 4*3 + 0 = 13 -> 21*13 + 13 = 286 = 30 mod 64 = 2 + 4*3 + 16*1
    State s = new State(0, 1, 3, 0);
    State next = new State(1, 2, 3, 1);
    step(s, new int[] {1, 3, 0}, next, 1.0, false);          // all three matched
    step(s, new int[] {1, 0, 1}, next, 1.0 / 3, false);      // one matched, none forbidden
    step(s, new int[] {1, 0, 2}, next, 0.0, false);          // one matched, component 2 forbidden
    step(s, new int[] {3, 1, 2}, next, -1.0, false);         // all forbidden
    step(s, new int[] {0, 0, 1}, next, 0.0, false);          // neither
    // the last step terminates: code 0 -> 13 = 1 + 4*3
    step(new State(15, 0, 0, 0), new int[] {0, 0, 0}, new State(16, 1, 3, 0), 1.0, true);
  }

  @Test
  void observationAndMask() {
    assertArrayEquals(new float[] {0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1f / 16}, TASK.observation(new State(1, 2, 3, 1)));
    boolean[][] mask = (boolean[][]) TASK.actionMask(new State(0, 1, 3, 0));
    assertArrayEquals(new boolean[][] {{T, T, T, F}, {T, F, T, T}, {T, T, F, T}}, mask);
  }

  @Test
  void targetsRunThroughAll64Triples() {
    Set<java.util.List<Integer>> seen = new HashSet<>();
    State s = new State(0, 0, 0, 0);
    for (int k = 0; k < 64; k++) {
      seen.add(java.util.List.of(s.target0(), s.target1(), s.target2()));
      State n = TASK.step(s, new int[3]).state();
      s = new State(0, n.target0(), n.target1(), n.target2());
    }
    assertEquals(64, seen.size());
  }

  @Test
  void readingTheTargetsEarnsTheOptimalReturn() {
    Env<float[], int[]> env = EnvRegistry.standard().make("MultiTarget-v0");
    for (long seed = 0; seed < 5; seed++) {
      float[] obs = env.reset(seed).observation();
      double ret = 0;
      int steps = 0;
      StepResult<float[]> r;
      do {
        int[] action = new int[3];
        for (int i = 0; i < 3; i++) for (int v = 0; v < 4; v++) if (obs[i * 4 + v] == 1f) action[i] = v;
        r = env.step(action);
        obs = r.observation();
        ret += r.reward();
        steps++;
      } while (!r.done());
      assertEquals(16, steps);
      assertEquals(MultiTarget.OPTIMAL_RETURN, ret, 1e-12);
      assertEquals(true, r.terminated());
    }
  }

  @Test
  void badActionsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TASK.step(new State(0, 0, 0, 0), new int[] {0, 4, 0}));
    assertEquals("MultiTarget-v0: action [0, 4, 0] is not in MultiDiscrete([4, 4, 4])", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new State(0, 0, 4, 0));
  }
}
