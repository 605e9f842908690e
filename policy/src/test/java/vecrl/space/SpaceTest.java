package vecrl.space;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

class SpaceTest {
  private static final float F32_MAX = Float.MAX_VALUE;

  private static Box cartPoleObs() {
    float thr = (float) (12 * 2 * Math.PI / 360);
    float[] high = {4.8f, F32_MAX, thr * 2, F32_MAX};
    float[] low = new float[4];
    for (int i = 0; i < 4; i++) low[i] = -high[i];
    return Box.of(low, high);
  }

  private static List<Space<?>> all() {
    return List.of(
        new Box(-4.8f, 4.8f, 4),
        new Box(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 2, 3),
        new Box(new float[] {0f, Float.NEGATIVE_INFINITY, -1f}, new float[] {Float.POSITIVE_INFINITY, 2f, 1f}, 3),
        cartPoleObs(),
        new Discrete(5),
        new Discrete(3, -1),
        new MultiDiscrete(3, 1, 4),
        new MultiBinary(6),
        Dict.of("pos", new Box(-1f, 1f, 2), "mode", new Discrete(3), "bits", new MultiBinary(2)),
        Tuple.of(new Discrete(2), new Box(0f, 1f, 3), Dict.of("k", new MultiDiscrete(2, 2))));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  @Test
  void samplesLieInTheSpaceAndRoundTripThroughTheFlatForm() {
    Rng rng = new Rng(1);
    for (Space s : all()) {
      for (int k = 0; k < 200; k++) {
        Object v = s.sample(rng);
        assertTrue(s.contains(v), s + " does not contain its sample");
        float[] flat = s.flatten(v);
        assertEquals(s.flatSize(), flat.length);
        Object back = s.unflatten(flat);
        assertTrue(s.contains(back), s + " unflatten left the space");
        assertArrayEquals(flat, s.flatten(back), s + " round trip changed the flat form");
        assertTrue(s.flatSpace().contains(flat), s + " flat form outside flatSpace " + s.flatSpace());
      }
    }
  }

  @Test
  void boxSamplingRespectsEachKindOfBound() {
    Box b = new Box(new float[] {-2f, 3f, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY},
        new float[] {-1f, Float.POSITIVE_INFINITY, 5f, Float.POSITIVE_INFINITY}, 4);
    Rng rng = new Rng(2);
    boolean sawNegative = false;
    boolean sawPositive = false;
    for (int k = 0; k < 2000; k++) {
      float[] v = b.sample(rng);
      assertTrue(v[0] >= -2f && v[0] <= -1f);
      assertTrue(v[1] >= 3f && Float.isFinite(v[1]));
      assertTrue(v[2] <= 5f && Float.isFinite(v[2]));
      sawNegative |= v[3] < 0;
      sawPositive |= v[3] > 0;
    }
    assertTrue(sawNegative && sawPositive, "unbounded element should be normal, with both signs");
    // Bounds as wide as float32 allows (CartPole's velocities) must not overflow to inf or NaN.
    for (int k = 0; k < 100; k++) assertTrue(cartPoleObs().contains(cartPoleObs().sample(rng)));
  }

  @Test
  void discreteFlattensToOneHotAndHonoursStart() {
    Discrete d = new Discrete(4, 10);
    assertArrayEquals(new float[] {0, 0, 1, 0}, d.flatten(12));
    assertEquals(13, d.unflatten(new float[] {0, 0.1f, 0.2f, 0.9f}));
    assertTrue(d.contains(10) && d.contains(13));
    assertFalse(d.contains(9) || d.contains(14) || d.contains(10L) || d.contains(null));
    assertThrows(IllegalArgumentException.class, () -> d.flatten(14));
    assertEquals(new Box(0f, 1f, 4), d.flatSpace());
  }

  @Test
  void containsChecksTypeShapeAndBounds() {
    Box b = new Box(-1f, 1f, 2);
    assertTrue(b.contains(new float[] {-1f, 1f}));
    assertFalse(b.contains(new float[] {0f, 1.0001f}));
    assertFalse(b.contains(new float[] {Float.NaN, 0f}));
    assertFalse(b.contains(new float[] {0f}));
    assertFalse(b.contains(new double[] {0, 0}));
    MultiDiscrete md = new MultiDiscrete(2, 3);
    assertTrue(md.contains(new int[] {1, 2}));
    assertFalse(md.contains(new int[] {2, 0}));
    assertFalse(md.contains(new int[] {0, -1}));
    MultiBinary mb = new MultiBinary(3);
    assertTrue(mb.contains(new int[] {0, 1, 1}));
    assertFalse(mb.contains(new int[] {0, 2, 1}));
    Dict d = Dict.of("a", new Discrete(2), "b", b);
    assertTrue(d.contains(Map.of("a", 1, "b", new float[] {0f, 0f})));
    assertFalse(d.contains(Map.of("a", 2, "b", new float[] {0f, 0f})));
    assertFalse(d.contains(Map.of("a", 1)));
    Tuple t = Tuple.of(new Discrete(2), mb);
    assertTrue(t.contains(List.of(0, new int[] {1, 0, 1})));
    assertFalse(t.contains(List.of(0)));
  }

  @Test
  void flatLayoutOfCompositesIsChildrenInOrder() {
    LinkedHashMap<String, Space<?>> m = new LinkedHashMap<>();
    m.put("z", new Discrete(3));
    m.put("a", new Box(-5f, 5f, 2));
    Dict d = new Dict(m);
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("a", new float[] {1.5f, -2f});
    v.put("z", 2);
    assertArrayEquals(new float[] {0, 0, 1, 1.5f, -2f}, d.flatten(v));
    Tuple t = Tuple.of(new MultiDiscrete(2, 3), new MultiBinary(2));
    assertArrayEquals(new float[] {0, 1, 1, 0, 0, 1, 0}, t.flatten(List.of(new int[] {1, 0}, new int[] {1, 0})));
    assertEquals(new Box(new float[] {0, 0, 0, -5, -5}, new float[] {1, 1, 1, 5, 5}, 5), d.flatSpace());
  }

  @Test
  void batchedFlattenAndUnflatten() {
    Rng rng = new Rng(3);
    Dict d = Dict.of("p", new Box(-1f, 1f, 3), "m", new Discrete(4));
    List<Map<String, Object>> values = List.of(d.sample(rng), d.sample(rng), d.sample(rng));
    Tensor flat = d.flattenBatch(values);
    assertArrayEquals(new int[] {3, 7}, flat.shape());
    for (int i = 0; i < 3; i++) assertArrayEquals(d.flatten(values.get(i)), flat.row(i).copy().data());
    List<Map<String, Object>> back = d.unflattenBatch(flat);
    for (int i = 0; i < 3; i++) {
      assertArrayEquals((float[]) values.get(i).get("p"), (float[]) back.get(i).get("p"));
      assertEquals(values.get(i).get("m"), back.get(i).get("m"));
    }
    assertThrows(IllegalArgumentException.class, () -> d.flattenBatch(values, Tensor.zeros(3, 6)));

    Box box = new Box(-1f, 1f, 2, 3);
    Tensor b = Tensor.zeros(5, 2, 3);
    Tensor bf = box.toFlatBatch(b);
    assertArrayEquals(new int[] {5, 6}, bf.shape());
    assertArrayEquals(new int[] {5, 2, 3}, box.fromFlatBatch(bf).shape());

    Discrete disc = new Discrete(3, 1);
    Tensor oh = disc.toFlatBatch(Tensor.vector(1, 3, 2));
    assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1, 0, 1, 0}, oh.data());
    assertArrayEquals(new float[] {1, 3, 2}, disc.fromFlatBatch(oh).data());

    MultiDiscrete md = new MultiDiscrete(2, 3);
    Tensor mdf = md.toFlatBatch(Tensor.matrix(new float[][] {{1, 2}, {0, 0}}));
    assertArrayEquals(new float[] {0, 1, 0, 0, 1, 1, 0, 1, 0, 0}, mdf.data());
    assertArrayEquals(new float[] {1, 2, 0, 0}, md.fromFlatBatch(mdf).data());

    MultiBinary mb = new MultiBinary(2);
    assertArrayEquals(new float[] {1, 0, 0, 1}, mb.fromFlatBatch(Tensor.matrix(new float[][] {{0.9f, 0.1f}, {0.4f, 0.6f}})).data());
  }

  @Test
  void masksNeverPickMaskedValues() {
    Rng rng = new Rng(4);
    Discrete d = new Discrete(5, 2);
    boolean[] mask = {false, true, false, false, true};
    int[] counts = new int[5];
    for (int k = 0; k < 1000; k++) counts[d.sample(rng, mask) - 2]++;
    assertEquals(0, counts[0] + counts[2] + counts[3]);
    assertTrue(counts[1] > 400 && counts[4] > 400, "both allowed actions are drawn about equally");
    assertEquals(3, new Discrete(5).sample(rng, new boolean[] {false, false, false, true, false}));

    MultiDiscrete md = new MultiDiscrete(3, 2);
    boolean[][] mm = {{false, false, true}, null};
    for (int k = 0; k < 100; k++) assertEquals(2, md.sample(rng, mm)[0]);

    MultiBinary mb = new MultiBinary(3);
    int[] ones = new int[2];
    for (int k = 0; k < 200; k++) {
      int[] v = mb.sample(rng, new int[] {0, 1, 2});
      assertEquals(0, v[0]);
      assertEquals(1, v[1]);
      ones[v[2]]++;
    }
    assertTrue(ones[0] > 0 && ones[1] > 0);

    Dict dict = Dict.of("a", new Discrete(3), "b", new Box(0f, 1f, 1));
    for (int k = 0; k < 50; k++) assertEquals(1, dict.sample(rng, Map.of("a", new boolean[] {false, true, false})).get("a"));
    Tuple t = Tuple.of(new Discrete(2), new Discrete(2));
    java.util.ArrayList<Object> tm = new java.util.ArrayList<>();
    tm.add(null);
    tm.add(new boolean[] {true, false});
    for (int k = 0; k < 50; k++) assertEquals(0, t.sample(rng, tm).get(1));
  }

  @Test
  void badMasksAreErrors() {
    Rng rng = new Rng(5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Discrete(3).sample(rng, new boolean[3]));
    assertTrue(e.getMessage().contains("allows no action"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Discrete(3).sample(rng, new boolean[2]));
    assertThrows(IllegalArgumentException.class, () -> new MultiDiscrete(2, 2).sample(rng, new boolean[][] {{true, true}, {false, false}}));
    assertThrows(IllegalArgumentException.class, () -> new MultiBinary(2).sample(rng, new int[] {0, 3}));
    assertThrows(IllegalArgumentException.class, () -> new Box(0f, 1f, 1).sample(rng, new boolean[] {true}));
    assertThrows(IllegalArgumentException.class, () -> Dict.of("a", new Discrete(2)).sample(rng, Map.of("b", new boolean[] {true, true})));
  }

  @Test
  void toStringIsReadable() {
    assertEquals("Box(-4.8..4.8, [4])", new Box(-4.8f, 4.8f, 4).toString());
    assertEquals("Box(-inf..inf, [2, 3])", new Box(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 2, 3).toString());
    assertEquals("Box([-1.0, 0.0]..[1.0, 2.5], [2])", Box.of(new float[] {-1, 0}, new float[] {1, 2.5f}).toString());
    assertEquals("Discrete(2)", new Discrete(2).toString());
    assertEquals("Discrete(3, start=-1)", new Discrete(3, -1).toString());
    assertEquals("MultiDiscrete([3, 2])", new MultiDiscrete(3, 2).toString());
    assertEquals("MultiBinary(5)", new MultiBinary(5).toString());
    assertEquals("Dict(pos: Box(-1.0..1.0, [2]), mode: Discrete(3))", Dict.of("pos", new Box(-1f, 1f, 2), "mode", new Discrete(3)).toString());
    assertEquals("Tuple(Discrete(2), MultiBinary(1))", Tuple.of(new Discrete(2), new MultiBinary(1)).toString());
  }

  @Test
  void equalsAndHashCode() {
    assertEquals(new Box(-1f, 1f, 2), Box.of(new float[] {-1, -1}, new float[] {1, 1}));
    assertEquals(new Box(-1f, 1f, 2).hashCode(), Box.of(new float[] {-1, -1}, new float[] {1, 1}).hashCode());
    assertNotEquals(new Box(-1f, 1f, 2), new Box(-1f, 2f, 2));
    assertNotEquals(new Box(-1f, 1f, 2, 1), new Box(-1f, 1f, 2));
    assertEquals(new Discrete(3), new Discrete(3, 0));
    assertNotEquals(new Discrete(3), new Discrete(3, 1));
    assertEquals(new MultiDiscrete(2, 3), new MultiDiscrete(2, 3));
    assertEquals(new MultiDiscrete(2, 3).hashCode(), new MultiDiscrete(2, 3).hashCode());
    assertNotEquals(new MultiDiscrete(2, 3), new MultiDiscrete(3, 2));
    assertEquals(new MultiBinary(4), new MultiBinary(4));
    assertEquals(Dict.of("a", new Discrete(2), "b", new MultiBinary(1)), Dict.of("a", new Discrete(2), "b", new MultiBinary(1)));
    assertNotEquals(Dict.of("a", new Discrete(2), "b", new MultiBinary(1)), Dict.of("b", new MultiBinary(1), "a", new Discrete(2)),
        "order is part of a Dict");
    assertEquals(Tuple.of(new Discrete(2)), Tuple.of(new Discrete(2)));
    assertNotEquals(Tuple.of(new Discrete(2)), Tuple.of(new Discrete(3)));
  }

  @Test
  void invalidConstructionSaysWhatIsWrong() {
    assertMessage("low 2.0 > high 1.0 at index 1", () -> Box.of(new float[] {0, 2}, new float[] {1, 1}));
    assertMessage("low has 2 and high has 3 values", () -> new Box(new float[2], new float[3], 2));
    assertMessage("shape [2] needs 2", () -> new Box(new float[3], new float[3], 2));
    assertMessage("dimension <= 0", () -> new Box(0f, 1f, 0));
    assertMessage("NaN", () -> new Box(Float.NaN, 1f, 1));
    assertMessage("n = 0, expected n > 0", () -> new Discrete(0));
    assertMessage("n = -1", () -> new MultiBinary(-1));
    assertMessage("nvec[1] = 0", () -> new MultiDiscrete(2, 0));
    assertMessage("no subspaces", () -> new Dict(Map.of()));
    assertMessage("no subspaces", () -> new Tuple(List.of()));
    assertMessage("appears twice", () -> Dict.of("a", new Discrete(2), "a", new Discrete(3)));
    assertMessage("expected a float[2], got int[2]", () -> new Box(0f, 1f, 2).cast(new int[2]));
  }

  private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    assertTrue(ex.getMessage().contains(part), "message \"" + ex.getMessage() + "\" lacks \"" + part + "\"");
  }
}
