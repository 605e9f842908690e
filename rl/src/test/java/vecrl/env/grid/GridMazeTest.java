package vecrl.env.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vecrl.env.DynamicsEnv;
import vecrl.env.Env;
import vecrl.env.EnvRegistry;
import vecrl.env.StepResult;
import vecrl.env.TimeLimit;
import vecrl.env.Transition;
import vecrl.env.grid.GridMaze.State;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Rng;

/** GridMaze's dynamics, stepped by hand on the standard maze (rows listed in {@link GridMaze#STANDARD}). */
final class GridMazeTest {
  private static final GridMaze MAZE = new GridMaze();
  private static final boolean T = true, F = false;

  private static void step(State from, int action, State to, double reward, boolean terminated) {
    Transition<State> t = MAZE.step(from, action);
    assertEquals(to, t.state(), "state after action " + action + " from " + from);
    assertEquals(reward, t.reward(), "reward");
    assertEquals(terminated, t.terminated(), "terminated");
  }

  @Test
  void spacesAndConstants() {
    assertEquals(new Discrete(4), MAZE.actionSpace());
    assertEquals(new Box(0f, 1f, 49), MAZE.observationSpace());
    assertEquals(new State(6, 6), MAZE.goal());
    assertEquals(1.0, GridMaze.GOAL_REWARD);
    assertEquals(-1.0, GridMaze.INVALID_PENALTY);
    assertEquals(-0.01, GridMaze.STEP_REWARD);
  }

  @Test
  void handComputedSteps() {
    // valid moves cost 0.01 and move one cell
    step(new State(0, 0), GridMaze.RIGHT, new State(0, 1), -0.01, false);
    step(new State(0, 0), GridMaze.DOWN, new State(1, 0), -0.01, false);
    step(new State(2, 3), GridMaze.LEFT, new State(2, 2), -0.01, false);
    step(new State(2, 3), GridMaze.RIGHT, new State(2, 4), -0.01, false);
    // invalid moves (off the grid or into a wall) end the episode with the penalty, in place
    step(new State(0, 0), GridMaze.UP, new State(0, 0), -1.0, true);
    step(new State(0, 0), GridMaze.LEFT, new State(0, 0), -1.0, true);
    step(new State(0, 2), GridMaze.RIGHT, new State(0, 2), -1.0, true);   // (0, 3) is a wall
    step(new State(2, 3), GridMaze.UP, new State(2, 3), -1.0, true);      // (1, 3) is a wall
    step(new State(6, 6), GridMaze.DOWN, new State(6, 6), -1.0, true);
    // reaching the goal pays 1 and ends the episode
    step(new State(5, 6), GridMaze.DOWN, new State(6, 6), 1.0, true);
    step(new State(6, 5), GridMaze.RIGHT, new State(6, 6), 1.0, true);
    assertThrows(IllegalArgumentException.class, () -> MAZE.step(new State(0, 0), 4));
    assertThrows(IllegalArgumentException.class, () -> MAZE.step(new State(0, 3), 0), "a wall is not a state");
  }

  @Test
  void masksMarkExactlyTheValidMoves() {
    assertArrayEquals(new boolean[] {F, T, T, F}, (boolean[]) MAZE.actionMask(new State(0, 0)));   // corner
    assertArrayEquals(new boolean[] {F, F, T, T}, (boolean[]) MAZE.actionMask(new State(0, 2)));   // wall right
    assertArrayEquals(new boolean[] {F, T, F, T}, (boolean[]) MAZE.actionMask(new State(2, 3)));   // walls up and down
    assertArrayEquals(new boolean[] {T, F, F, T}, (boolean[]) MAZE.actionMask(new State(6, 6)));
    // and they agree with the dynamics in every free cell
    for (int r = 0; r < 7; r++) {
      for (int c = 0; c < 7; c++) {
        if (MAZE.isWall(r, c)) continue;
        boolean[] m = (boolean[]) MAZE.actionMask(new State(r, c));
        for (int a = 0; a < 4; a++) {
          Transition<State> t = MAZE.step(new State(r, c), a);
          assertEquals(!m[a], t.reward() == GridMaze.INVALID_PENALTY, "cell " + r + "," + c + " action " + a);
        }
      }
    }
  }

  @Test
  void observationIsTheOneHotOfTheCell() {
    float[] o = MAZE.observation(new State(2, 3));
    assertEquals(49, o.length);
    for (int i = 0; i < 49; i++) assertEquals(i == 2 * 7 + 3 ? 1f : 0f, o[i], "index " + i);
  }

  @Test
  void startsAreTheFreeCellsButTheGoalDrawnFromTheRng() {
    Set<State> seen = new HashSet<>();
    Rng rng = new Rng(4);
    for (int i = 0; i < 2000; i++) {
      State s = MAZE.initialState(rng);
      assertFalse(MAZE.isWall(s.row(), s.col()) || s.equals(MAZE.goal()), s.toString());
      seen.add(s);
    }
    assertEquals(32, seen.size(), "7 x 7 = 49 cells, 16 walls, the goal");
    assertEquals(MAZE.initialState(new Rng(9)), MAZE.initialState(new Rng(9)));
  }

  @Test
  void distancesAndTheOptimalReturn() {
    // (0,0): down to (4,0), right to (4,2), down to (6,2), right to (6,6) = 4 + 2 + 2 + 4
    assertEquals(12, MAZE.distanceToGoal(new State(0, 0)));
    assertEquals(14, MAZE.distanceToGoal(new State(0, 2)));
    assertEquals(6, MAZE.distanceToGoal(new State(0, 6)));
    assertEquals(1, MAZE.distanceToGoal(new State(5, 6)));
    // mean over the 32 starts of 1 - 0.01 (d - 1), from an independent breadth-first search in Python
    assertEquals(0.941875, MAZE.optimalMeanReturn(), 1e-12);
  }

  @Test
  void registeredWithATimeLimitOf100() {
    Env<float[], Integer> env = EnvRegistry.standard().make("GridMaze-v0");
    env.reset(1L);
    @SuppressWarnings("unchecked")
    DynamicsEnv<State, float[], Integer> inner = (DynamicsEnv<State, float[], Integer>) ((TimeLimit<float[], Integer>) env).inner();
    inner.setState(new State(0, 0));
    assertArrayEquals(new boolean[] {F, T, T, F}, (boolean[]) env.actionMask(), "the wrappers forward the mask");
    StepResult<float[]> r = null;
    for (int i = 0; i < 100; i++) {
      r = env.step(i % 2 == 0 ? GridMaze.RIGHT : GridMaze.LEFT);
      assertEquals(i == 99, r.truncated(), "step " + (i + 1));
      assertFalse(r.terminated());
      assertEquals(-0.01, r.reward());
    }
    assertEquals(new State(0, 0), inner.state());
  }

  @Test
  void badLayoutsAreClearErrors() {
    assertEquals("GridMaze: no goal cell G", assertThrows(IllegalArgumentException.class, () -> new GridMaze("..", "..")).getMessage());
    assertEquals("GridMaze: row 1 has 1 cells, row 0 has 2", assertThrows(IllegalArgumentException.class, () -> new GridMaze(".G", ".")).getMessage());
    assertEquals("GridMaze: the cell at row 0, column 0 cannot reach the goal",
        assertThrows(IllegalArgumentException.class, () -> new GridMaze(".#G")).getMessage());
    assertEquals("GridMaze: cell 'x' at row 0, column 1, expected . # or G",
        assertThrows(IllegalArgumentException.class, () -> new GridMaze(".xG")).getMessage());
  }
}
