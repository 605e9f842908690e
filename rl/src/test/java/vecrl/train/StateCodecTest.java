package vecrl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import vecrl.env.Dynamics;
import vecrl.env.DynamicsEnv;
import vecrl.env.Transition;
import vecrl.env.classic.CartPole;
import vecrl.env.grid.GridMaze;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/** {@link StateCodec}: the layout of each supported type, exact round trips, and the errors. */
final class StateCodecTest {
  private static final StateCodec CODEC = new StateCodec("environment Test");
  private static final double NAN_PAYLOAD = Double.longBitsToDouble(0x7ff0_0000_0000_0001L); // a signalling NaN
  private static final double NEG_NAN = Double.longBitsToDouble(0xfff8_dead_beef_0001L);

  private enum Mode { A, B { @Override public String toString() { return "b"; } }, C }

  private record Boxed(Integer i, Long l, Double d, Float f, Short s, Byte b, Boolean z, Mode m) {}

  private record Prim(int i, long l, double d, float f, short s, byte b, boolean z) {}

  private record Arrays5(int[] i, long[] l, float[] f, double[] d, boolean[] z) {}

  private record Inner(double x, Mode m) {}

  private record Outer(int k, Inner inner, boolean[] flags) {}

  private record Listy(int k, List<Integer> grid) {}

  private record Chars(char c) {}

  private record Positive(int n) {
    Positive {
      if (n <= 0) throw new IllegalArgumentException("n = " + n + ", expected > 0");
    }
  }

  /** Bitwise equality of double arrays (NaN payloads included). */
  private static void assertBits(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length, "length");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]), "value " + i);
    }
  }

  private static Object roundTrip(Object state) {
    double[] enc = CODEC.encode(state);
    Object back = CODEC.decode(state, enc, 0);
    assertBits(enc, CODEC.encode(back));
    return back;
  }

  @Test
  void recordsOfPrimitiveNumbersKeepTheOldLayout() {
    // one double per component, the value itself: what SnapshotEnv wrote before StateCodec
    assertBits(new double[] {1.5, -2.0, 0.25, 3.0}, CODEC.encode(new CartPole.State(1.5, -2.0, 0.25, 3.0)));
    assertBits(new double[] {2, 3}, CODEC.encode(new GridMaze.State(2, 3)));
    assertEquals(new GridMaze.State(2, 3), CODEC.decode(new GridMaze.State(0, 0), new double[] {2, 3}, 0));
    assertEquals(new CartPole.State(1.5, -2.0, 0.25, 3.0), CODEC.decode(new CartPole.State(0, 0, 0, 0), new double[] {9, 9, 1.5, -2.0, 0.25, 3.0}, 2));
  }

  @Test
  void boxedScalarsAsTheWholeState() {
    assertBits(new double[] {5}, CODEC.encode(5));
    assertEquals(7, CODEC.decode(5, new double[] {7}, 0));
    assertEquals(Long.MIN_VALUE, roundTrip(Long.MIN_VALUE));
    assertEquals(Long.MAX_VALUE, roundTrip(Long.MAX_VALUE));
    assertBits(new double[] {Double.longBitsToDouble(-1L)}, CODEC.encode(-1L)); // raw bits, not the value -1.0
    assertEquals(Double.doubleToRawLongBits(NAN_PAYLOAD), Double.doubleToRawLongBits((Double) roundTrip(NAN_PAYLOAD)));
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) roundTrip(-0.0)));
    assertEquals(Float.MIN_VALUE, roundTrip(Float.MIN_VALUE));
    assertEquals((short) -32768, roundTrip((short) -32768));
    assertEquals((byte) 127, roundTrip((byte) 127));
    assertEquals(true, roundTrip(true));
    assertBits(new double[] {0}, CODEC.encode(false));
    assertEquals(Mode.C, roundTrip(Mode.C));
    assertEquals(Mode.B, roundTrip(Mode.B)); // a constant with a body has its own class
    assertBits(new double[] {1}, CODEC.encode(Mode.B));
  }

  @Test
  void boxedAndPrimitiveComponents() {
    Boxed b = new Boxed(-3, Long.MIN_VALUE, NEG_NAN, 0.1f, (short) 12, (byte) -5, true, Mode.C);
    assertBits(new double[] {-3, Double.longBitsToDouble(Long.MIN_VALUE), NEG_NAN, 0.1f, 12, -5, 1, 2}, CODEC.encode(b));
    Boxed bb = (Boxed) roundTrip(b);
    assertEquals(Long.MIN_VALUE, bb.l());
    assertEquals(0.1f, bb.f());
    assertEquals(Mode.C, bb.m());
    Prim p = new Prim(Integer.MIN_VALUE, Long.MAX_VALUE, NAN_PAYLOAD, -1e-40f, (short) 1, (byte) 2, false);
    Prim pp = (Prim) roundTrip(p);
    assertEquals(Long.MAX_VALUE, pp.l());
    assertEquals(Integer.MIN_VALUE, pp.i());
    assertEquals(Double.doubleToRawLongBits(NAN_PAYLOAD), Double.doubleToRawLongBits(pp.d()));
    assertEquals(-1e-40f, pp.f());
    assertEquals(false, pp.z());
  }

  @Test
  void arraysStoreTheirLengthAndElements() {
    Arrays5 a = new Arrays5(new int[] {1, -2}, new long[] {Long.MIN_VALUE}, new float[] {0.5f, 2f, -1f}, new double[] {NAN_PAYLOAD}, new boolean[] {true, false});
    assertBits(new double[] {2, 1, -2, 1, Double.longBitsToDouble(Long.MIN_VALUE), 3, 0.5, 2, -1, 1, NAN_PAYLOAD, 2, 1, 0}, CODEC.encode(a));
    Arrays5 template = new Arrays5(new int[2], new long[1], new float[3], new double[1], new boolean[2]);
    Arrays5 back = (Arrays5) CODEC.decode(template, CODEC.encode(a), 0);
    assertArrayEquals(a.i(), back.i());
    assertArrayEquals(a.l(), back.l());
    assertArrayEquals(a.f(), back.f());
    assertEquals(Double.doubleToRawLongBits(NAN_PAYLOAD), Double.doubleToRawLongBits(back.d()[0]));
    assertArrayEquals(a.z(), back.z());
    assertArrayEquals(new int[] {4, 5}, (int[]) CODEC.decode(new int[2], new double[] {2, 4, 5}, 0)); // an array as the whole state
  }

  @Test
  void nestedRecords() {
    Outer o = new Outer(7, new Inner(-0.5, Mode.B), new boolean[] {false, true, true});
    assertBits(new double[] {7, -0.5, 1, 3, 0, 1, 1}, CODEC.encode(o));
    Outer back = (Outer) CODEC.decode(new Outer(0, new Inner(0, Mode.A), new boolean[3]), CODEC.encode(o), 0);
    assertEquals(7, back.k());
    assertEquals(new Inner(-0.5, Mode.B), back.inner());
    assertArrayEquals(new boolean[] {false, true, true}, back.flags());
  }

  private static String error(Runnable r) {
    return assertThrows(RuntimeException.class, r::run).getMessage();
  }

  @Test
  void unsupportedTypesSayWhatWouldWork() {
    assertEquals("checkpoint: environment Test's state has type java.lang.String, which the snapshot cannot copy; supported: numbers, booleans, "
        + "enums, primitive arrays and records of these", error(() -> CODEC.encode("corridor")));
    assertEquals("checkpoint: environment Test's state: component 'grid' of record vecrl.train.StateCodecTest$Listy has type java.util.List, "
        + "which the snapshot cannot copy; supported: numbers, booleans, enums, primitive arrays and records of these",
        error(() -> CODEC.encode(new Listy(1, List.of(2)))));
    assertEquals("checkpoint: environment Test's state: component 'c' of record vecrl.train.StateCodecTest$Chars has type char, which the "
        + "snapshot cannot copy; supported: numbers, booleans, enums, primitive arrays and records of these", error(() -> CODEC.encode(new Chars('x'))));
    assertTrue(error(() -> CODEC.encode(new int[][] {{1}})).contains("state has type [[I, which the snapshot cannot copy"));
    assertEquals("checkpoint: environment Test's state: component 'inner' of record vecrl.train.StateCodecTest$Outer is null, expected a value",
        error(() -> CODEC.encode(new Outer(1, null, new boolean[0]))));
  }

  @Test
  void aRecordThatCannotBeOpenedIsNotPublic() {
    // the JDK's Collectors.CollectorImpl is a package-private record in a package java.base does not open
    Object inaccessible = java.util.stream.Collectors.toList();
    assertTrue(inaccessible.getClass().isRecord());
    assertEquals("checkpoint: environment Test's state record java.util.stream.Collectors$CollectorImpl is not public: a resumable environment "
        + "needs a public record (or a number) as its state", error(() -> CODEC.encode(inaccessible)));
  }

  @Test
  void restoreErrorsNameTheComponent() {
    Outer template = new Outer(0, new Inner(0, Mode.A), new boolean[3]);
    assertEquals("checkpoint: environment Test's state: component 'flags' of record vecrl.train.StateCodecTest$Outer is an array of 3 elements "
        + "now but of 2 in the snapshot; a resumable environment's arrays keep their length",
        error(() -> CODEC.decode(template, new double[] {7, -0.5, 1, 2, 0, 1}, 0)));
    assertEquals("checkpoint: environment Test's state: component 'm' of record vecrl.train.StateCodecTest$Inner: ordinal 3.0 in the snapshot, "
        + "but enum vecrl.train.StateCodecTest$Mode has 3 constants", error(() -> CODEC.decode(template, new double[] {7, -0.5, 3, 3, 0, 1, 1}, 0)));
    assertEquals("checkpoint: the snapshot of environment Test's state ends before component 'm' of record vecrl.train.StateCodecTest$Inner",
        error(() -> CODEC.decode(template, new double[] {7, -0.5}, 0)));
    assertEquals("checkpoint: the snapshot of environment Test's state ends inside component 'flags' of record vecrl.train.StateCodecTest$Outer",
        error(() -> CODEC.decode(template, new double[] {7, -0.5, 1, 3, 0}, 0)));
    assertEquals("checkpoint: the snapshot of environment Test's state has 3 values, the state needs 2",
        error(() -> CODEC.decode(new GridMaze.State(0, 0), new double[] {1, 2, 3}, 0)));
    assertEquals("checkpoint: cannot rebuild environment Test's state: the constructor of record vecrl.train.StateCodecTest$Positive rejected the "
        + "snapshot's values: java.lang.IllegalArgumentException: n = 0, expected > 0", error(() -> CODEC.decode(new Positive(1), new double[] {0}, 0)));
  }

  @Test
  void checkpointFilesKeepTheRawBits() throws java.io.IOException {
    // a long whose bits form a NaN (here with a payload) must come back from the file unchanged
    double[] values = {Double.longBitsToDouble(0x7ff0_0000_0000_0001L), NEG_NAN, Double.longBitsToDouble(Long.MIN_VALUE), 2.5};
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    Checkpoint.writeDoubles(new java.io.DataOutputStream(bytes), values);
    assertBits(values, Checkpoint.readDoubles(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())), "values"));
  }

  /** The README's Corridor: an Integer state, which the trainer's final checkpoint used to reject. */
  private static final class Corridor implements Dynamics<Integer, float[], Integer> {
    @Override public Space<float[]> observationSpace() { return new Box(0f, 10f, 1); }
    @Override public Space<Integer> actionSpace() { return new Discrete(2); }
    @Override public Integer initialState(Rng rng) { return 5; }
    @Override public Transition<Integer> step(Integer pos, Integer action) {
      int next = Math.max(0, pos + (action == 1 ? 1 : -1));
      return new Transition<>(next, next == 10 ? 1.0 : 0.0, next == 10);
    }
    @Override public float[] observation(Integer pos) { return new float[] {pos}; }
  }

  @Test
  void snapshotEnvSavesAndRestoresAnIntegerState() {
    SnapshotEnv<float[], Integer> a = new SnapshotEnv<>(new DynamicsEnv<>(new Corridor()));
    var la = a.limited(50);
    la.reset(new Rng(3));
    la.step(1);
    la.step(1);
    la.step(0);
    double[] snap = a.snapshot();
    assertEquals(4, snap.length);
    assertEquals(3.0, snap[2], "elapsed steps");
    assertEquals(6.0, snap[3], "position 5 + 1 + 1 - 1");
    SnapshotEnv<float[], Integer> b = new SnapshotEnv<>(new DynamicsEnv<>(new Corridor()));
    var lb = b.limited(5);
    lb.reset(new Rng(99));
    b.restore(snap);
    assertArrayEquals(new float[] {7f}, lb.step(1).observation());
    assertArrayEquals(new float[] {7f}, la.step(1).observation());
    assertBits(a.snapshot(), b.snapshot()); // the same generator, 4 elapsed steps, position 7
    // the restored step count drives the time limit: step 5 of a 5-step limit truncates
    assertTrue(lb.step(1).truncated(), "the fifth step truncates");
  }
}
