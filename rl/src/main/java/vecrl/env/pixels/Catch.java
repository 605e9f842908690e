package vecrl.env.pixels;

import vecrl.env.Dynamics;
import vecrl.env.Transition;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * {@code Catch-v0}, a pixel task in the spirit of bsuite's Catch: a ball falls one row per step
 * down a board of 10 rows and 5 columns, and a paddle on the bottom row moves to catch it. Actions
 * 0, 1, 2 move the paddle left, not at all, right (clipped at the edges). The ball starts in row 0,
 * in a column drawn uniformly from the generator; the paddle starts in the middle column. After 9
 * steps the ball reaches the bottom row and the episode ends (terminated) with reward +1 if the
 * paddle is under it, -1 if not; every other step pays 0.
 *
 * <p>The observation is the board rendered as a 40 x 40 grayscale image, {@code Box.image(40, 40,
 * 1)} (channels-last, uint8 values): each cell is 4 pixels tall and 8 wide, ball and paddle cells
 * are 255, the rest 0. Optimal play returns +1 from every start; a uniformly random policy
 * catches it in exactly 1 episode in 5 (the ball's column is uniform and independent of the paddle), a mean return of -0.6.
 */
public final class Catch implements Dynamics<Catch.State, float[], Integer> {
  public static final int ROWS = 10, COLUMNS = 5, CELL_HEIGHT = 4, CELL_WIDTH = 8;
  public static final int HEIGHT = ROWS * CELL_HEIGHT, WIDTH = COLUMNS * CELL_WIDTH;
  public static final int LEFT = 0, STAY = 1, RIGHT = 2;
  private static final Box OBSERVATION_SPACE = Box.image(HEIGHT, WIDTH, 1);
  private static final Discrete ACTION_SPACE = new Discrete(3);

  /** The ball's row and column and the paddle's column. */
  public record State(int ballRow, int ballColumn, int paddleColumn) {}

  @Override public Space<float[]> observationSpace() { return OBSERVATION_SPACE; }
  @Override public Space<Integer> actionSpace() { return ACTION_SPACE; }

  @Override
  public State initialState(Rng rng) {
    return new State(0, rng.nextInt(COLUMNS), COLUMNS / 2);
  }

  @Override
  public Transition<State> step(State s, Integer action) {
    if (action == null || action < 0 || action > 2) throw new IllegalArgumentException("Catch-v0: action " + action + " is not in Discrete(3)");
    if (s.ballRow() < 0 || s.ballRow() >= ROWS - 1 || s.ballColumn() < 0 || s.ballColumn() >= COLUMNS || s.paddleColumn() < 0
        || s.paddleColumn() >= COLUMNS) {
      throw new IllegalArgumentException("Catch-v0: state " + s + " is not a state before the end of an episode");
    }
    int paddle = Math.min(COLUMNS - 1, Math.max(0, s.paddleColumn() + action - 1));
    State next = new State(s.ballRow() + 1, s.ballColumn(), paddle);
    if (next.ballRow() == ROWS - 1) return new Transition<>(next, next.ballColumn() == paddle ? 1.0 : -1.0, true);
    return new Transition<>(next, 0.0, false);
  }

  @Override
  public float[] observation(State s) {
    float[] img = new float[HEIGHT * WIDTH];
    fill(img, s.ballRow(), s.ballColumn());
    fill(img, ROWS - 1, s.paddleColumn());
    return img;
  }

  private static void fill(float[] img, int row, int column) {
    for (int y = row * CELL_HEIGHT; y < (row + 1) * CELL_HEIGHT; y++) {
      for (int x = column * CELL_WIDTH; x < (column + 1) * CELL_WIDTH; x++) img[y * WIDTH + x] = 255f;
    }
  }
}
