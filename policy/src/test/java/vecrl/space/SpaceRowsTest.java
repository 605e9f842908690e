package vecrl.space;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import vecrl.tensor.Rng;

/** The policy rows of each space: widths, action rows, mask rows and the allowed check. */
final class SpaceRowsTest {
  private static final float SENTINEL = -7.5f;

  private static void error(String expected, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertEquals(expected, e.getMessage());
  }

  @Test
  void widthsPerSpace() {
    assertEquals(1, new Discrete(5).actionWidth());
    assertEquals(5, new Discrete(5, -2).maskWidth());
    assertEquals(6, new Box(-1f, 1f, 2, 3).actionWidth());
    assertEquals(1, new Box(-1f, 1f).actionWidth(), "a scalar Box has one element");
    assertEquals(0, new Box(-1f, 1f, 2, 3).maskWidth());
    assertEquals(3, new MultiDiscrete(3, 1, 4).actionWidth());
    assertEquals(8, new MultiDiscrete(3, 1, 4).maskWidth());
    assertEquals(4, new MultiBinary(4).actionWidth());
    assertEquals(4, new MultiBinary(4).maskWidth());
    assertEquals(0, Dict.of("a", new Discrete(2)).maskWidth());
    assertEquals(0, Tuple.of(new Discrete(2)).maskWidth());
  }

  /** Writes {@code value}'s action row at offset 2 of a sentinel-filled array and returns the row. */
  private static <T> float[] rowOf(Space<T> s, T value) {
    float[] buf = new float[s.actionWidth() + 4];
    Arrays.fill(buf, SENTINEL);
    s.actionToRow(value, buf, 2);
    assertEquals(SENTINEL, buf[1], "writes nothing before the offset");
    assertEquals(SENTINEL, buf[buf.length - 2], "writes nothing past the row");
    return Arrays.copyOfRange(buf, 2, 2 + s.actionWidth());
  }

  /** Reads an action back from {@code row} placed at offset 3 of a larger array. */
  private static <T> T fromRow(Space<T> s, float[] row) {
    float[] buf = new float[row.length + 5];
    Arrays.fill(buf, SENTINEL);
    System.arraycopy(row, 0, buf, 3, row.length);
    return s.actionFromRow(buf, 3);
  }

  @Test
  void actionRowsHoldTheIndicesValuesAndBits() {
    Discrete shifted = new Discrete(5, -2);
    assertArrayEquals(new float[] {0f}, rowOf(shifted, -2));
    assertArrayEquals(new float[] {3f}, rowOf(shifted, 1));
    assertEquals(2, fromRow(shifted, new float[] {4f}));
    assertEquals(-2, fromRow(shifted, new float[] {0f}));
    MultiDiscrete md = new MultiDiscrete(3, 1, 4);
    assertArrayEquals(new float[] {2f, 0f, 3f}, rowOf(md, new int[] {2, 0, 3}));
    assertArrayEquals(new int[] {1, 0, 2}, fromRow(md, new float[] {1f, 0f, 2f}));
    assertArrayEquals(new float[] {1f, 0f, 1f}, rowOf(new MultiBinary(3), new int[] {1, 0, 1}));
    assertArrayEquals(new int[] {0, 1, 1}, fromRow(new MultiBinary(3), new float[] {0f, 1f, 1f}));
    Box box = new Box(-1f, 1f, 2);
    assertArrayEquals(new float[] {0.25f, -3f}, rowOf(box, new float[] {0.25f, -3f}));
    float[] row = {5f, -0.5f};
    float[] action = box.actionFromRow(row, 0);
    assertArrayEquals(new float[] {5f, -0.5f}, action, "a Box action is not clipped");
    row[0] = 9f;
    assertEquals(5f, action[0], "a Box action is a copy of the row");
  }

  @Test
  void actionRowsRoundTripForEverySpace() {
    Rng rng = new Rng(17);
    List<Space<?>> spaces = List.of(new Discrete(1), new Discrete(7), new Discrete(5, -2), new Discrete(3, 1_000_000),
        new Box(-1f, 1f, 2, 3), new Box(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 4), new Box(0f, 2f),
        new MultiDiscrete(3, 1, 4), new MultiDiscrete(2), new MultiBinary(1), new MultiBinary(6));
    for (Space<?> s : spaces) {
      for (int k = 0; k < 30; k++) roundTrip(s, rng);
    }
  }

  private static <T> void roundTrip(Space<T> s, Rng rng) {
    T value = s.sample(rng);
    T back = fromRow(s, rowOf(s, value));
    assertTrue(s.contains(back), s + ": " + back);
    assertEquals(Arrays.deepToString(new Object[] {value}), Arrays.deepToString(new Object[] {back}), s.toString());
  }

  @Test
  void dictAndTupleHaveNoActionRow() {
    Dict dict = Dict.of("a", new Discrete(2));
    Tuple tuple = Tuple.of(new Discrete(2), new Box(0f, 1f, 1));
    String whyNot = " cannot be the action space of a policy: action rows exist for Box, Discrete, MultiDiscrete and MultiBinary only";
    error(dict + whyNot, dict::actionWidth);
    error(tuple + whyNot, tuple::actionWidth);
    error(dict + whyNot, () -> dict.actionFromRow(new float[4], 0));
    error(tuple + whyNot, () -> tuple.actionToRow(List.of(1, new float[] {0.5f}), new float[4], 0));
    assertTrue(dict.rowAllowed(new float[0], 0, new float[0], 0));
    dict.maskToRow(null, new float[0], 0);
    error("action space " + tuple + " takes no action mask, got boolean[2]", () -> tuple.maskToRow(new boolean[2], new float[0], 0));
  }

  @Test
  void badActionRowsNameTheEntryAndTheRange() {
    error("action index 5.0 is not an integer in [0, 5) of Discrete(5, start=-2)", () -> new Discrete(5, -2).actionFromRow(new float[] {5f}, 0));
    error("action index -1.0 is not an integer in [0, 5) of Discrete(5)", () -> new Discrete(5).actionFromRow(new float[] {-1f}, 0));
    error("action index 0.5 is not an integer in [0, 5) of Discrete(5)", () -> new Discrete(5).actionFromRow(new float[] {0.5f}, 0));
    error("action index NaN is not an integer in [0, 5) of Discrete(5)", () -> new Discrete(5).actionFromRow(new float[] {Float.NaN}, 0));
    MultiDiscrete md = new MultiDiscrete(3, 2);
    error("action component 1 = 2.0 is not an integer in [0, 2) of " + md, () -> md.actionFromRow(new float[] {0f, 2f}, 0));
    error("action bit 2 = 0.5 is not 0 or 1 in MultiBinary(3)", () -> new MultiBinary(3).actionFromRow(new float[] {0f, 1f, 0.5f}, 0));
  }

  @Test
  void badActionsToRowNameTheValueAndWhatWasExpected() {
    error("Discrete(5, start=-2): value 3 outside [-2, 3)", () -> new Discrete(5, -2).actionToRow(3, new float[1], 0));
    error("Discrete(5).actionToRow: action is null, expected an Integer", () -> new Discrete(5).actionToRow(null, new float[1], 0));
    MultiDiscrete md = new MultiDiscrete(3, 2);
    error(md + ".actionToRow: component 1 = 2 outside [0, 2)", () -> md.actionToRow(new int[] {0, 2}, new float[2], 0));
    error(md + ".actionToRow: action is int[3], expected an int[2]", () -> md.actionToRow(new int[3], new float[3], 0));
    error("MultiBinary(2).actionToRow: bit 0 = 2, expected 0 or 1", () -> new MultiBinary(2).actionToRow(new int[] {2, 0}, new float[2], 0));
    Box box = new Box(-1f, 1f, 2);
    error(box + ".actionToRow: action is float[3], expected a float[2]", () -> box.actionToRow(new float[3], new float[3], 0));
    error("Discrete(5): expected an Integer, got int[1]", () -> new Discrete(5).actionObjectToRow(new int[1], new float[1], 0));
  }

  /**
   * The mask rows as the pre-space ActionMasks switch wrote them (copied here as the reference),
   * for random masks.
   */
  private static float[] referenceMaskRow(Space<?> space, Object mask) {
    if (space instanceof Discrete d) {
      float[] r = new float[d.n()];
      for (int i = 0; i < r.length; i++) r[i] = mask == null || ((boolean[]) mask)[i] ? 1f : 0f;
      return r;
    }
    if (space instanceof MultiDiscrete md) {
      int[] nvec = md.nvec();
      float[] r = new float[Arrays.stream(nvec).sum()];
      int at = 0;
      for (int c = 0; c < nvec.length; c++) {
        boolean[] m = mask == null ? null : ((boolean[][]) mask)[c];
        for (int i = 0; i < nvec[c]; i++) r[at + i] = m == null || m[i] ? 1f : 0f;
        at += nvec[c];
      }
      return r;
    }
    MultiBinary mb = (MultiBinary) space;
    float[] r = new float[mb.n()];
    for (int i = 0; i < r.length; i++) r[i] = mask == null ? 2f : ((int[]) mask)[i];
    return r;
  }

  private static boolean[] randomChoices(Rng rng, int n) {
    boolean[] m = new boolean[n];
    m[rng.nextInt(n)] = true;
    for (int i = 0; i < n; i++) m[i] |= rng.nextInt(2) == 0;
    return m;
  }

  private static float[] maskRow(Space<?> s, Object mask) {
    float[] buf = new float[s.maskWidth() + 3];
    Arrays.fill(buf, SENTINEL);
    s.maskToRow(mask, buf, 1);
    assertEquals(SENTINEL, buf[0], "writes nothing before the offset");
    assertEquals(SENTINEL, buf[buf.length - 2], "writes nothing past the row");
    return Arrays.copyOfRange(buf, 1, 1 + s.maskWidth());
  }

  @Test
  void maskRowsMatchTheEarlierLayout() {
    Rng rng = new Rng(23);
    Discrete d = new Discrete(6, 3);
    MultiDiscrete md = new MultiDiscrete(3, 1, 4);
    MultiBinary mb = new MultiBinary(5);
    for (int trial = 0; trial < 50; trial++) {
      boolean[] dm = trial == 0 ? null : randomChoices(rng, 6);
      assertArrayEquals(referenceMaskRow(d, dm), maskRow(d, dm));
      boolean[][] mdm = trial == 0 ? null : new boolean[][] {randomChoices(rng, 3), rng.nextInt(2) == 0 ? null : new boolean[] {true},
          randomChoices(rng, 4)};
      assertArrayEquals(referenceMaskRow(md, mdm), maskRow(md, mdm));
      int[] codes = new int[5];
      for (int i = 0; i < 5; i++) codes[i] = rng.nextInt(3);
      int[] mbm = trial == 0 ? null : codes;
      assertArrayEquals(referenceMaskRow(mb, mbm), maskRow(mb, mbm));
    }
    assertEquals(0, maskRow(new Box(0f, 1f, 3), null).length);
  }

  @Test
  void rowAllowedReadsTheMaskAtTheActionsIndices() {
    Discrete d = new Discrete(4, -1);
    float[] row = maskRow(d, new boolean[] {false, true, false, true});
    for (int i = 0; i < 4; i++) assertEquals(i % 2 == 1, d.rowAllowed(row, 0, new float[] {9f, i}, 1), "index " + i);
    MultiDiscrete md = new MultiDiscrete(2, 3);
    float[] mr = maskRow(md, new boolean[][] {{true, false}, {false, false, true}});
    assertTrue(md.rowAllowed(mr, 0, new float[] {0f, 2f}, 0));
    assertFalse(md.rowAllowed(mr, 0, new float[] {1f, 2f}, 0));
    assertFalse(md.rowAllowed(mr, 0, new float[] {0f, 1f}, 0));
    MultiBinary mb = new MultiBinary(3);
    float[] br = maskRow(mb, new int[] {0, 1, 2});
    assertTrue(mb.rowAllowed(br, 0, new float[] {0f, 1f, 0f}, 0));
    assertTrue(mb.rowAllowed(br, 0, new float[] {0f, 1f, 1f}, 0));
    assertFalse(mb.rowAllowed(br, 0, new float[] {1f, 1f, 1f}, 0));
    assertTrue(new Box(0f, 1f, 2).rowAllowed(new float[0], 0, new float[] {5f, 5f}, 0));
    error("action index 4.0 is outside [0, 4) of Discrete(4, start=-1)", () -> d.rowAllowed(row, 0, new float[] {4f}, 0));
    error("action component 1 = -1.0 is outside [0, 3) of " + md, () -> md.rowAllowed(mr, 0, new float[] {0f, -1f}, 0));
  }

  @Test
  void clipReturnsAClampedCopy() {
    Box box = new Box(new float[] {-1f, 0f, Float.NEGATIVE_INFINITY}, new float[] {1f, 0.5f, 2f}, 3);
    float[] a = {-3f, 0.25f, 7f};
    float[] c = box.clip(a);
    assertNotSame(a, c);
    assertArrayEquals(new float[] {-3f, 0.25f, 7f}, a, "the argument is unchanged");
    assertArrayEquals(new float[] {-1f, 0.25f, 2f}, c);
    assertArrayEquals(new float[] {-1e30f}, new Box(Float.NEGATIVE_INFINITY, 0f, 1).clip(new float[] {-1e30f}));
    error(box + ".clip: value has 2 elements, expected 3", () -> box.clip(new float[2]));
  }
}
