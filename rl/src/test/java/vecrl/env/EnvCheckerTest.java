package vecrl.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/** {@link EnvChecker} on the built-in environments and on small environments each broken in one way. */
final class EnvCheckerTest {

  /** What is wrong with a {@link Toy}. */
  private enum Fault {
    NONE, OBSERVATION_OUTSIDE, NON_DETERMINISTIC_RESET, NAN_REWARD, REJECTS_ACTION_2, MASK_WRONG_LENGTH, MASK_ALLOWS_NOTHING,
    NULL_OBSERVATION_SPACE, STEP_THROWS, RESET_THROWS, SPACE_CHANGES
  }

  /**
   * A five-step episode: t counts steps from 0; observation [t / 5, s] with s drawn from {0, 1} at
   * reset; action 1 pays 1, action 0 pays 0; terminates at t = 5. Action space Discrete(2), or
   * Discrete(3) for REJECTS_ACTION_2. Masks: both actions allowed, except as the fault says.
   */
  private static final class Toy implements Env<float[], Integer> {
    private final Fault fault;
    private int t, s, resets, changes;

    Toy(Fault fault) {
      this.fault = fault;
    }

    @Override
    public Space<float[]> observationSpace() {
      if (fault == Fault.NULL_OBSERVATION_SPACE) return null;
      if (fault == Fault.SPACE_CHANGES) return new Box(0f, 1f + changes++, 2);
      return new Box(0f, 1f, 2);
    }

    @Override
    public Space<Integer> actionSpace() {
      return new Discrete(fault == Fault.REJECTS_ACTION_2 ? 3 : 2);
    }

    @Override
    public Reset<float[]> reset(Rng rng) {
      if (fault == Fault.RESET_THROWS) throw new IllegalStateException("no start state");
      resets++;
      t = 0;
      s = rng.nextInt(2);
      return Reset.of(new float[] {0f, s});
    }

    @Override
    public StepResult<float[]> step(Integer action) {
      t++;
      if (fault == Fault.STEP_THROWS && t == 3) throw new IllegalStateException("boom");
      if (fault == Fault.REJECTS_ACTION_2 && action == 2) throw new IllegalArgumentException("action 2 is not supported");
      double reward = action == 1 ? 1.0 : 0.0;
      if (fault == Fault.NAN_REWARD && t == 2) reward = Double.NaN;
      if (fault == Fault.NON_DETERMINISTIC_RESET && t == 4) reward = resets == 1 ? 1.0 : 0.0;
      float[] obs = {t / 5f, s};
      if (fault == Fault.OBSERVATION_OUTSIDE && t == 3) obs = new float[] {0.5f, 12f};
      return new StepResult<>(obs, reward, t == 5, false, Map.of());
    }

    @Override
    public Object actionMask() {
      return switch (fault) {
        case MASK_WRONG_LENGTH -> new boolean[] {true, true, true};
        case MASK_ALLOWS_NOTHING -> t == 1 ? new boolean[] {false, false} : new boolean[] {true, false};
        default -> null;
      };
    }

    @Override
    public String toString() {
      return "Toy(" + fault + ")";
    }
  }

  private static List<String> problems(Fault fault) {
    return EnvChecker.problems(new Toy(fault), 7, 20);
  }

  /** Exactly one problem, which contains every fragment. */
  private static void onlyProblem(Fault fault, String... fragments) {
    List<String> p = problems(fault);
    assertEquals(1, p.size(), fault + ": " + p);
    for (String f : fragments) assertTrue(p.get(0).contains(f), fault + ": expected \"" + f + "\" in " + p.get(0));
  }

  @Test
  void everyStandardEnvironmentPasses() {
    EnvRegistry registry = EnvRegistry.standard();
    for (String id : registry.names()) {
      Env<?, ?> env = registry.make(id);
      assertEquals(List.of(), EnvChecker.problems(env, 3, 600), id);
      EnvChecker.check(env);
    }
  }

  @Test
  void aCorrectToyPasses() {
    assertEquals(List.of(), problems(Fault.NONE));
  }

  @Test
  void observationOutsideTheSpace() {
    // at steps 3, 8, 13 and 18 (four episodes of five steps)
    onlyProblem(Fault.OBSERVATION_OUTSIDE,
        "step 3: observation [0.5, 12.0] is not in the observation space Box(0.0..1.0, [2]) (and 3 more like it)");
  }

  @Test
  void nonDeterministicReset() {
    onlyProblem(Fault.NON_DETERMINISTIC_RESET, "reset(seed 7) twice gave different trajectories at step 4: reward 1.0 then 0.0");
  }

  @Test
  void nanReward() {
    onlyProblem(Fault.NAN_REWARD, "step 2: reward NaN is not finite, expected a finite number (and 3 more like it)");
  }

  @Test
  void rejectsSampledActions() {
    onlyProblem(Fault.REJECTS_ACTION_2, ": step(2) threw IllegalArgumentException: action 2 is not supported",
        "sampled from the action space Discrete(3)");
  }

  @Test
  void maskOfTheWrongLength() {
    onlyProblem(Fault.MASK_WRONG_LENGTH,
        "step 1: actionMask() [true, true, true] is not a valid mask: action mask has 3 entries, expected 2 for Discrete(2) (and 19 more like it)");
  }

  @Test
  void maskThatAllowsNothing() {
    // t == 1 before steps 2, 7, 12 and 17
    onlyProblem(Fault.MASK_ALLOWS_NOTHING,
        "step 2: actionMask() [false, false] is not a valid mask: action mask allows no action (Discrete(2)) (and 3 more like it)");
  }

  @Test
  void nullSpace() {
    onlyProblem(Fault.NULL_OBSERVATION_SPACE, "observationSpace() returned null, expected a Space");
  }

  @Test
  void exceptionInStepIsReportedNotThrown() {
    onlyProblem(Fault.STEP_THROWS, "step 3: step(", ") threw IllegalStateException: boom");
  }

  @Test
  void exceptionInReset() {
    onlyProblem(Fault.RESET_THROWS, "reset(seed 7) threw IllegalStateException: no start state");
  }

  @Test
  void changingSpace() {
    assertEquals(List.of("observationSpace() returned Box(0.0..1.0, [2]) and then Box(0.0..2.0, [2]), expected the same space on every call",
        "observationSpace() was Box(0.0..1.0, [2]) before the episodes and Box(0.0..3.0, [2]) after them, expected the same space"),
        problems(Fault.SPACE_CHANGES));
  }

  @Test
  void checkListsEveryProblem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EnvChecker.check(new Toy(Fault.NAN_REWARD)));
    assertTrue(e.getMessage().startsWith("environment Toy(NAN_REWARD) failed the check:\n  step 2: reward NaN"), e.getMessage());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> EnvChecker.problems(new Toy(Fault.NONE), 0, 0));
    assertEquals("EnvChecker: steps = 0, expected >= 1", bad.getMessage());
  }
}
