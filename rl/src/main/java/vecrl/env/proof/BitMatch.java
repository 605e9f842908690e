package vecrl.env.proof;

import vecrl.env.Dynamics;
import vecrl.env.Transition;
import vecrl.space.Box;
import vecrl.space.MultiBinary;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * {@code BitMatch-v0}, a proof task for {@link MultiBinary} actions: the observation shows a
 * pattern of {@value #BITS} bits and the action sets {@value #BITS} bits; each step pays {@code
 * matched / 8}, 1/8 per bit equal to the pattern's. The episode terminates after {@value
 * #EPISODE_STEPS} steps. There are no action masks.
 *
 * <p>The first pattern is drawn uniformly from the generator; after each step it moves on
 * deterministically, {@code pattern' = (37 pattern + 101) mod 256}, a full-period sequence through
 * all 256 patterns. Bit {@code i} of the pattern is {@code (pattern >> i) & 1}.
 *
 * <p>The observation, in {@code Box(0..1, [9])}, is the pattern's bits (bit 0 first) followed by the
 * elapsed fraction {@code step / 16}.
 *
 * <p><b>Optimal return: 16</b> (every bit matched at every step, 1 per step). A uniformly random
 * policy expects 8.
 */
public final class BitMatch implements Dynamics<BitMatch.State, float[], int[]> {
  /** The number of bits. */
  public static final int BITS = 8;
  /** The episode length. */
  public static final int EPISODE_STEPS = 16;
  /** The return of the optimal policy: 1 per step. */
  public static final double OPTIMAL_RETURN = EPISODE_STEPS;

  private static final Box OBSERVATION_SPACE = new Box(0f, 1f, BITS + 1);
  private static final MultiBinary ACTION_SPACE = new MultiBinary(BITS);

  /**
   * The steps taken so far in the episode and the pattern to match.
   *
   * @param step steps taken, 0..16
   * @param pattern the bits to match, 0..255 (bit i is {@code (pattern >> i) & 1})
   */
  public record State(int step, int pattern) {
    /** Checks the ranges. */
    public State {
      if (step < 0 || step > EPISODE_STEPS) throw new IllegalArgumentException("BitMatch: step " + step + " outside [0, " + EPISODE_STEPS + "]");
      if (pattern < 0 || pattern >= 1 << BITS) throw new IllegalArgumentException("BitMatch: pattern " + pattern + " outside [0, " + (1 << BITS) + ")");
    }
  }

  @Override
  public Space<float[]> observationSpace() {
    return OBSERVATION_SPACE;
  }

  @Override
  public Space<int[]> actionSpace() {
    return ACTION_SPACE;
  }

  /** Step 0 with a pattern drawn uniformly. */
  @Override
  public State initialState(Rng rng) {
    return new State(0, rng.nextInt(1 << BITS));
  }

  @Override
  public Transition<State> step(State s, int[] action) {
    if (!ACTION_SPACE.contains(action)) {
      throw new IllegalArgumentException("BitMatch-v0: action " + (action == null ? "null" : java.util.Arrays.toString(action))
          + " is not in " + ACTION_SPACE);
    }
    if (s.step() >= EPISODE_STEPS) throw new IllegalArgumentException("BitMatch-v0: step from the terminal state " + s);
    int matched = 0;
    for (int i = 0; i < BITS; i++) if (action[i] == ((s.pattern() >> i) & 1)) matched++;
    State next = new State(s.step() + 1, (37 * s.pattern() + 101) % (1 << BITS));
    return new Transition<>(next, matched / (double) BITS, next.step() == EPISODE_STEPS);
  }

  @Override
  public float[] observation(State s) {
    float[] o = new float[BITS + 1];
    for (int i = 0; i < BITS; i++) o[i] = (s.pattern() >> i) & 1;
    o[BITS] = s.step() / (float) EPISODE_STEPS;
    return o;
  }
}
