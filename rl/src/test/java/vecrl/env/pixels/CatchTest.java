package vecrl.env.pixels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vecrl.env.Env;
import vecrl.env.EnvRegistry;
import vecrl.env.FrameStack;
import vecrl.env.StepResult;
import vecrl.env.Transition;
import vecrl.space.Box;
import vecrl.tensor.Rng;

/** Catch-v0's dynamics from chosen states, its rendering, and FrameStack over it. */
class CatchTest {
  final Catch c = new Catch();

  @Test
  void theBallFallsAndThePaddleMovesWithinTheBoard() {
    Transition<Catch.State> t = c.step(new Catch.State(0, 3, 2), Catch.RIGHT);
    assertEquals(new Catch.State(1, 3, 3), t.state());
    assertEquals(0.0, t.reward());
    assertFalse(t.terminated());
    assertEquals(new Catch.State(5, 0, 0), c.step(new Catch.State(4, 0, 0), Catch.LEFT).state(), "clipped at the left edge");
    assertEquals(new Catch.State(5, 0, 4), c.step(new Catch.State(4, 0, 4), Catch.RIGHT).state(), "clipped at the right edge");
    assertEquals(new Catch.State(5, 0, 1), c.step(new Catch.State(4, 0, 1), Catch.STAY).state());
  }

  @Test
  void theEpisodeEndsWhenTheBallReachesThePaddlesRow() {
    Transition<Catch.State> caught = c.step(new Catch.State(8, 1, 2), Catch.LEFT);
    assertTrue(caught.terminated());
    assertEquals(1.0, caught.reward());
    Transition<Catch.State> missed = c.step(new Catch.State(8, 1, 2), Catch.STAY);
    assertTrue(missed.terminated());
    assertEquals(-1.0, missed.reward());
    var e = assertThrows(IllegalArgumentException.class, () -> c.step(new Catch.State(9, 1, 1), Catch.STAY));
    assertEquals("Catch-v0: state State[ballRow=9, ballColumn=1, paddleColumn=1] is not a state before the end of an episode",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> c.step(new Catch.State(0, 1, 1), 3));
    assertEquals("Catch-v0: action 3 is not in Discrete(3)", e.getMessage());
  }

  @Test
  void itRendersBallAndPaddleAs4By8Blocks() {
    float[] img = c.observation(new Catch.State(2, 4, 0));
    assertEquals(1600, img.length);
    int lit = 0;
    for (int y = 0; y < 40; y++) {
      for (int x = 0; x < 40; x++) {
        boolean ball = y >= 8 && y < 12 && x >= 32;
        boolean paddle = y >= 36 && x < 8;
        assertEquals(ball || paddle ? 255f : 0f, img[y * 40 + x], "pixel (" + y + ", " + x + ")");
        if (img[y * 40 + x] != 0) lit++;
      }
    }
    assertEquals(64, lit);
    assertTrue(c.observationSpace().contains(img));
    assertEquals(Box.image(40, 40, 1), c.observationSpace());
  }

  @Test
  void everyEpisodeLastsNineStepsAndTheRandomPolicyCatchesOneBallInFive() {
    Env<float[], Integer> env = EnvRegistry.standard().make("Catch-v0");
    Rng rng = new Rng(3), actions = new Rng(4);
    int episodes = 4000;
    double total = 0;
    for (int e = 0; e < episodes; e++) {
      env.reset(rng);
      int steps = 0;
      StepResult<float[]> r;
      do {
        r = env.step(actions.nextInt(3));
        steps++;
        total += r.reward();
      } while (!r.terminated());
      assertEquals(9, steps);
    }
    // catch rate 1/5: mean return -0.6, standard error about 0.013 over 4000 episodes
    assertEquals(-0.6, total / episodes, 0.06);
  }

  @Test
  void frameStackPutsTheFramesOnTheChannelAxisOldestFirst() {
    FrameStack<Integer> env = new FrameStack<>(EnvRegistry.standard().<float[], Integer>make("Catch-v0"), 4);
    assertEquals(Box.image(40, 40, 4), env.observationSpace());
    float[] first = env.reset(new Rng(1)).observation();
    for (int p = 0; p < 1600; p++) {
      for (int k = 1; k < 4; k++) assertEquals(first[p * 4], first[p * 4 + k], "at reset every slot holds the first frame");
    }
    float[] prev = first;
    float[][] frames = new float[3][];
    for (int s = 0; s < 3; s++) {
      float[] next = env.step(Catch.STAY).observation();
      for (int p = 0; p < 1600; p++) {
        // slot k of the new stack is slot k+1 of the previous one; the newest frame is slot 3
        for (int k = 0; k < 3; k++) assertEquals(prev[p * 4 + k + 1], next[p * 4 + k]);
      }
      frames[s] = next;
      prev = next;
    }
    // the newest slot is the inner env's frame: the ball in row 3 after 3 steps (rows 12..15)
    assertEquals(255f, prev[(13 * 40 + 0) * 4 + 3] + prev[(13 * 40 + 8) * 4 + 3] + prev[(13 * 40 + 16) * 4 + 3]
        + prev[(13 * 40 + 24) * 4 + 3] + prev[(13 * 40 + 32) * 4 + 3]);
    // a flat Box stacks end to end
    Box flat = new Box(-1f, 1f, 3);
    FrameStack<Integer> f = new FrameStack<>(new vecrl.env.TransformObservation<>(EnvRegistry.standard().<float[], Integer>make("Catch-v0"),
        img -> new float[] {img[0] / 255f, img[1] / 255f, 0.5f}, flat), 2);
    assertEquals(new Box(-1f, 1f, 6), f.observationSpace());
    assertArrayEquals(new int[] {6}, ((Box) f.observationSpace()).shape());
  }
}
