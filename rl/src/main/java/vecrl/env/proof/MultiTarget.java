package vecrl.env.proof;

import vecrl.env.Dynamics;
import vecrl.env.Transition;
import vecrl.space.Box;
import vecrl.space.MultiDiscrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * {@code MultiTarget-v0}, a proof task for {@link MultiDiscrete} actions with action masks: the
 * observation shows {@value #COMPONENTS} target digits in 0..{@value #VALUES}-1, and the action
 * picks one digit per component.
 *
 * <p>Each step pays {@code (matched - forbidden) / 3}: every component whose digit equals its target
 * adds 1/3, every component that picks its forbidden digit subtracts 1/3. Component {@code i}'s
 * forbidden digit is {@code (target_i + 2) mod 4}, never the target; {@link #actionMask} marks it
 * false, in {@code MultiDiscrete}'s {@code boolean[3][4]} form. The episode terminates after
 * {@value #EPISODE_STEPS} steps.
 *
 * <p>The first targets are drawn uniformly from the generator; after each step they move on
 * deterministically: with {@code code = t0 + 4 t1 + 16 t2}, the next code is {@code (21 code + 13)
 * mod 64}, a full-period sequence through all 64 target triples.
 *
 * <p>The observation, in {@code Box(0..1, [13])}, is the one-hot of each target (three blocks of
 * four) followed by the elapsed fraction {@code step / 16}.
 *
 * <p><b>Optimal return: 16</b> (every component matched at every step, 1 per step). A uniformly
 * random policy that respects the masks expects 16 / 3 (each component matches with probability
 * 1/3); one that ignores them expects 0.
 */
public final class MultiTarget implements Dynamics<MultiTarget.State, float[], int[]> {
  /** The number of action components (targets). */
  public static final int COMPONENTS = 3;
  /** The number of digits per component. */
  public static final int VALUES = 4;
  /** The episode length. */
  public static final int EPISODE_STEPS = 16;
  /** The return of the optimal policy: 1 per step. */
  public static final double OPTIMAL_RETURN = EPISODE_STEPS;

  private static final Box OBSERVATION_SPACE = new Box(0f, 1f, COMPONENTS * VALUES + 1);
  private static final MultiDiscrete ACTION_SPACE = new MultiDiscrete(VALUES, VALUES, VALUES);

  /**
   * The steps taken so far in the episode and the current target digits.
   *
   * @param step steps taken, 0..16
   * @param target0 the target of component 0, 0..3
   * @param target1 the target of component 1, 0..3
   * @param target2 the target of component 2, 0..3
   */
  public record State(int step, int target0, int target1, int target2) {
    /** Checks the ranges. */
    public State {
      if (step < 0 || step > EPISODE_STEPS) throw new IllegalArgumentException("MultiTarget: step " + step + " outside [0, " + EPISODE_STEPS + "]");
      for (int t : new int[] {target0, target1, target2}) {
        if (t < 0 || t >= VALUES) {
          throw new IllegalArgumentException("MultiTarget: target " + t + " outside [0, " + VALUES + ") in (" + target0 + ", " + target1 + ", " + target2 + ")");
        }
      }
    }

    int target(int i) {
      return i == 0 ? target0 : i == 1 ? target1 : target2;
    }
  }

  /** The forbidden digit of a component whose target is {@code target}. */
  public static int forbidden(int target) {
    return (target + 2) % VALUES;
  }

  @Override
  public Space<float[]> observationSpace() {
    return OBSERVATION_SPACE;
  }

  @Override
  public Space<int[]> actionSpace() {
    return ACTION_SPACE;
  }

  /** Step 0 with targets drawn uniformly. */
  @Override
  public State initialState(Rng rng) {
    int code = rng.nextInt(VALUES * VALUES * VALUES);
    return fromCode(0, code);
  }

  private static State fromCode(int step, int code) {
    return new State(step, code % VALUES, code / VALUES % VALUES, code / (VALUES * VALUES));
  }

  @Override
  public Transition<State> step(State s, int[] action) {
    if (!ACTION_SPACE.contains(action)) {
      throw new IllegalArgumentException("MultiTarget-v0: action " + (action == null ? "null" : java.util.Arrays.toString(action))
          + " is not in " + ACTION_SPACE);
    }
    if (s.step() >= EPISODE_STEPS) throw new IllegalArgumentException("MultiTarget-v0: step from the terminal state " + s);
    int score = 0;
    for (int i = 0; i < COMPONENTS; i++) {
      if (action[i] == s.target(i)) score++;
      else if (action[i] == forbidden(s.target(i))) score--;
    }
    int code = s.target0() + VALUES * s.target1() + VALUES * VALUES * s.target2();
    State next = fromCode(s.step() + 1, (21 * code + 13) % (VALUES * VALUES * VALUES));
    return new Transition<>(next, score / (double) COMPONENTS, next.step() == EPISODE_STEPS);
  }

  @Override
  public float[] observation(State s) {
    float[] o = new float[COMPONENTS * VALUES + 1];
    for (int i = 0; i < COMPONENTS; i++) o[i * VALUES + s.target(i)] = 1f;
    o[COMPONENTS * VALUES] = s.step() / (float) EPISODE_STEPS;
    return o;
  }

  /** {@code boolean[3][4]}: every digit allowed except each component's forbidden one. */
  @Override
  public Object actionMask(State s) {
    boolean[][] m = new boolean[COMPONENTS][VALUES];
    for (int i = 0; i < COMPONENTS; i++) {
      java.util.Arrays.fill(m[i], true);
      m[i][forbidden(s.target(i))] = false;
    }
    return m;
  }
}
