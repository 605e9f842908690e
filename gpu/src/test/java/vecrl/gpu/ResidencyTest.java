package vecrl.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vecrl.tensor.BinaryOp;
import vecrl.tensor.ReduceOp;
import vecrl.tensor.Rng;
import vecrl.tensor.ScalarKernels;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

/**
 * The resident mode's coherence with host code. The arena is a separate array from every tensor's
 * (also on PoCL, where device memory is host memory), so a missed copy in either direction shows
 * up as a wrong value here.
 */
final class ResidencyTest {
  /** Small, so that new arrays fill it and it starts over (and grows) during the random walk. */
  private static final int ARENA = 256;

  private static OpenClKernels gpu;
  private static final ScalarKernels ref = new ScalarKernels();

  @BeforeAll
  static void open() {
    gpu = OpenClTestSupport.openOrNull(true, ARENA);
  }

  @BeforeEach
  void needsDevice() {
    OpenClTestSupport.assumeOpen(gpu);
  }

  @AfterAll
  static void release() {
    if (gpu != null) gpu.close();
  }

  @Test
  void resultsStayOnTheDeviceUntilTheHostAsks() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
    Tensor y = Tensor.zeros(2, 2);
    gpu.binaryScalar(BinaryOp.ADD, x, 10f, y);
    gpu.unary(UnaryOp.NEG, y, y);
    assertEquals(DeviceMemory.DEVICE_NEWER, gpu.residencyState(y.deviceData()));
    // The host array has not been copied back: it still holds the zeros it started with.
    assertEquals(0f, y.deviceData()[3]);
    long before = gpu.bytesToHost();
    assertEquals(-14f, y.get(1, 1));
    assertEquals(before + 16, gpu.bytesToHost(), "one copy of y's 4 floats");
    assertEquals(DeviceMemory.HOST_NEWER, gpu.residencyState(y.deviceData()), "a host access may write");
    // x was only read: it stays synced, and a host write through set() is seen by the next kernel.
    assertEquals(DeviceMemory.SYNCED, gpu.residencyState(x.deviceData()));
    x.set(0, 0, 100f);
    gpu.binaryScalar(BinaryOp.MUL, x, 2f, y);
    assertEquals(200f, y.get(0, 0));
    assertEquals(8f, y.get(1, 1));
  }

  @Test
  void wrappedArraysAreCopiedAroundEveryKernel() {
    float[] raw = {1, 2, 3, 4, 5, 6};
    Tensor w = Tensor.wrap(raw, 1, new int[] {2, 2}); // elements 1..4 of raw
    Tensor out = Tensor.zeros(2, 2);
    gpu.binaryScalar(BinaryOp.ADD, w, 1f, out);
    assertEquals(3f, out.get(0, 0));
    raw[1] = 50f; // a write the hook never sees
    gpu.binaryScalar(BinaryOp.ADD, w, 1f, out);
    assertEquals(51f, out.get(0, 0));
    gpu.fill(w.row(1), 7f);
    // Read straight from the array, as code that wrapped it does.
    assertEquals(7f, raw[3]);
    assertEquals(7f, raw[4]);
    assertEquals(1f, raw[0]);
    assertEquals(6f, raw[5]);
  }

  @Test
  void closeCopiesDeviceNewerArraysBack() {
    OpenClKernels other = OpenClTestSupport.openOrNull(true, ARENA);
    Tensor y = Tensor.zeros(3);
    try {
      other.fill(y, 5f);
      assertEquals(0f, y.deviceData()[0], "still on the device");
      // This backend reading y makes the other one copy it out first.
      Tensor z = Tensor.zeros(3);
      gpu.binaryScalar(BinaryOp.ADD, y, 1f, z);
      assertEquals(6f, z.get(2));
      other.fill(y, 9f);
    } finally {
      other.close();
    }
    assertEquals(9f, y.deviceData()[1], "close copied y back");
  }

  /**
   * A seeded random walk over tensors that share arrays (views), wrapped arrays written and read
   * directly, fresh arrays (so the small arena starts over), host reads and writes through every
   * {@link Tensor} accessor, and kernels; every value is checked against the scalar reference run
   * on mirror tensors. Values are small integers and every kernel used is exact on them, so the
   * comparison is exact.
   */
  @Test
  void anyMixOfHostCodeAndKernelsMatchesTheReference() {
    Rng rng = new Rng(7);
    float[] rawA = new float[15], rawB = new float[25];
    float[] mirA = new float[15], mirB = new float[25];
    Tensor shared = Tensor.zeros(6, 5), sharedM = Tensor.zeros(6, 5);
    Tensor[] g = {Tensor.zeros(3, 5), Tensor.zeros(3, 5), shared.rows(0, 3), shared.rows(3, 6),
        Tensor.wrap(rawA, new int[] {3, 5}), Tensor.wrap(rawB, 5, new int[] {3, 5})};
    Tensor[] r = {Tensor.zeros(3, 5), Tensor.zeros(3, 5), sharedM.rows(0, 3), sharedM.rows(3, 6),
        Tensor.wrap(mirA, new int[] {3, 5}), Tensor.wrap(mirB, 5, new int[] {3, 5})};
    Tensor gw = Tensor.zeros(5, 5), rw = Tensor.zeros(5, 5);
    Tensor gRow = Tensor.zeros(1, 5), rRow = Tensor.zeros(1, 5);
    Tensor gCol = Tensor.zeros(3, 1), rCol = Tensor.zeros(3, 1);
    for (int i = 0; i < g.length; i++) fillInts(rng, g[i], r[i]);
    fillInts(rng, gw, rw);
    fillInts(rng, gRow, rRow);
    BinaryOp[] exact = {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.MAX, BinaryOp.MIN};
    int steps = 1500;
    for (int step = 0; step < steps; step++) {
      int a = rng.nextInt(g.length), b = rng.nextInt(g.length), o = rng.nextInt(g.length);
      String at = "step " + step;
      switch (rng.nextInt(12)) {
        case 0 -> {
          float v = rng.nextInt(9) - 4;
          gpu.fill(g[o], v);
          ref.fill(r[o], v);
        }
        case 1 -> {
          gpu.copy(g[a], g[o]);
          ref.copy(r[a], r[o]);
        }
        case 2 -> {
          BinaryOp op = exact[rng.nextInt(exact.length)];
          gpu.binary(op, g[a], g[b], g[o]);
          ref.binary(op, r[a], r[b], r[o]);
          gpu.clamp(g[o], -8, 8, g[o]);
          ref.clamp(r[o], -8, 8, r[o]);
        }
        case 3 -> {
          gpu.binary(BinaryOp.ADD, g[a], gRow, g[o]);
          ref.binary(BinaryOp.ADD, r[a], rRow, r[o]);
          gpu.unary(UnaryOp.NEG, g[o], g[o]);
          ref.unary(UnaryOp.NEG, r[o], r[o]);
        }
        case 4 -> {
          // Integer products summed over 5 terms stay far below 2^24: exact in any order.
          Tensor go = g[o], ro = r[o];
          if (go.deviceData() == g[a].deviceData()) {
            go = g[0] == g[a] ? g[1] : g[0];
            ro = r[0] == r[a] ? r[1] : r[0];
          }
          float beta = rng.nextInt(2);
          gpu.matmul(g[a], false, gw, true, go, beta);
          ref.matmul(r[a], false, rw, true, ro, beta);
          gpu.clamp(go, -8, 8, go);
          ref.clamp(ro, -8, 8, ro);
        }
        case 5 -> {
          gpu.reduceRows(ReduceOp.SUM, g[a], gCol);
          ref.reduceRows(ReduceOp.SUM, r[a], rCol);
          for (int i = 0; i < 3; i++) same(rCol.get(i, 0), gCol.get(i, 0), at + ": reduceRows row " + i);
        }
        case 6 -> {
          int rr = rng.nextInt(3), cc = rng.nextInt(5);
          float v = rng.nextInt(9) - 4;
          g[o].set(rr, cc, v);
          r[o].set(rr, cc, v);
        }
        case 7 -> {
          // Writes through data(): the caller may keep the array until its next kernel call.
          int e = rng.nextInt(15);
          float v = rng.nextInt(9) - 4;
          g[o].data()[g[o].offset() + e] = v;
          r[o].data()[r[o].offset() + e] = v;
        }
        case 8 -> {
          // Straight into wrapped arrays, as environments and the trainer do.
          int e = rng.nextInt(15);
          float v = rng.nextInt(9) - 4;
          rawA[e] = v;
          mirA[e] = v;
          rawB[5 + e] = v;
          mirB[5 + e] = v;
        }
        case 9 -> {
          int e = rng.nextInt(15);
          same(mirA[e], rawA[e], at + ": wrapped array read directly");
          same(mirB[5 + e], rawB[5 + e], at + ": wrapped array read directly");
          same(r[o].toArray()[e], g[o].toArray()[e], at + ": toArray of tensor " + o);
        }
        case 10 -> {
          // A fresh array every time: fills the small arena so that it starts over.
          Tensor gt = Tensor.zeros(3, 5), rt = Tensor.zeros(3, 5);
          gpu.binary(BinaryOp.MAX, g[a], g[b], gt);
          ref.binary(BinaryOp.MAX, r[a], r[b], rt);
          gpu.copy(gt, g[o]);
          ref.copy(rt, r[o]);
        }
        default -> {
          g[o].copyFrom(g[a]);
          r[o].copyFrom(r[a]);
        }
      }
      int check = rng.nextInt(g.length), e = rng.nextInt(15);
      same(r[check].get(e), g[check].get(e), at + ": tensor " + check + " element " + e);
    }
    for (int i = 0; i < g.length; i++) {
      for (int e = 0; e < 15; e++) same(r[i].get(e), g[i].get(e), "end: tensor " + i + " element " + e);
    }
    assertTrue(gpu.arenaResets() > 0, "the walk should have filled the arena at least once");
  }

  /**
   * Exact equality of values, except that -0 equals +0: the OpenCL MAX/MIN (and clamp) pick an
   * operand with {@code >=}, so max(-0, +0) may be -0 where {@code Math.max} gives +0. That sign
   * is the kernels' business (the grid tests), not coherence's.
   */
  private static void same(float expected, float actual, String what) {
    assertEquals(expected, actual, 0f, what);
  }

  private static void fillInts(Rng rng, Tensor a, Tensor b) {
    for (int i = 0; i < a.size(); i++) {
      float v = rng.nextInt(9) - 4;
      a.set(i, v);
      b.set(i, v);
    }
  }

  @Test
  void transferCountersCountBytes() {
    Tensor x = Tensor.zeros(100);
    Tensor y = Tensor.zeros(100);
    gpu.resetTransferCounts();
    gpu.binaryScalar(BinaryOp.ADD, x, 1f, y); // x in; y is overwritten whole, so not copied in
    assertEquals(400, gpu.bytesToDevice());
    assertEquals(0, gpu.bytesToHost());
    assertNotEquals(0, gpu.kernelLaunches());
    y.get(0);
    assertEquals(400, gpu.bytesToHost());
  }
}
