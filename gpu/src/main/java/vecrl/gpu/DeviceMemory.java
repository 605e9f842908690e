package vecrl.gpu;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * Where each backing array's latest values are, for the resident mode of {@link OpenClKernels}.
 *
 * <p>Every array a kernel touches gets a region of the device arena (one large {@code float[]}
 * bound once to {@link ArenaKernel#mem}), and one of three states:
 * <ul>
 *   <li>{@link #HOST_NEWER}: the host array may hold values the region lacks (new to the device,
 *       or touched by host code through {@link vecrl.tensor.Tensor#data()}); a kernel that reads
 *       it copies it in first;
 *   <li>{@link #SYNCED}: both hold the same values;
 *   <li>{@link #DEVICE_NEWER}: a kernel wrote the region; a host access copies it out first.
 * </ul>
 * Regions are handed out from the bottom of the arena up. When the arena is full, every
 * device-newer region is copied out, every region is forgotten (so each array is copied in again
 * when next used), and the arena grows when the live arrays fill more than half of it. Arrays the
 * garbage collector reclaimed drop out of the map by themselves (weak keys; a {@code float[]}'s
 * hash and equality are its identity).
 *
 * <p>Not thread-safe: {@link OpenClKernels} calls it under its own lock.
 */
final class DeviceMemory {
  static final int HOST_NEWER = 0, SYNCED = 1, DEVICE_NEWER = 2;

  /** Copies between a host array and its region; counts the bytes. */
  interface Copier {
    void toDevice(float[] host, int base);

    void toHost(float[] host, int base);

    /** The arena was replaced by a larger one. */
    void arenaReplaced(float[] arena);
  }

  private static final class Region {
    final int base;
    int state = HOST_NEWER;

    Region(int base) {
      this.base = base;
    }
  }

  private final Map<float[], Region> regions = new WeakHashMap<>();
  private final Copier copier;
  private float[] arena;
  private int top;
  private int resets;

  DeviceMemory(int capacity, Copier copier) {
    if (capacity < 1) throw new IllegalArgumentException("opencl: arena capacity " + capacity + " must be positive");
    this.arena = new float[capacity];
    this.copier = copier;
  }

  float[] arena() {
    return arena;
  }

  /** How many times the arena was full and started over (for tests and measurements). */
  int resets() {
    return resets;
  }

  /**
   * Makes room for every array an op is about to touch, so that handing them regions cannot start
   * the arena over halfway through the op (which would move regions already resolved). Nulls are
   * ignored.
   */
  void reserve(float[] a, float[] b, float[] c, float[] d) {
    long need = missing(a, null, null, null) + missing(b, a, null, null) + missing(c, a, b, null) + missing(d, a, b, c);
    if (top + need <= arena.length) return;
    long live = 0;
    for (float[] k : regions.keySet()) live += k.length;
    long all = (long) len(a) + len(b) + len(c) + len(d);
    long capacity = arena.length;
    while (capacity < all || live + all > capacity / 2) capacity *= 2;
    if (capacity > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("opencl: an op needs " + all + " floats of device arena and " + live
          + " are live; the arena cannot grow past 2^31 floats");
    }
    startOver((int) capacity);
  }

  private int missing(float[] x, float[] s1, float[] s2, float[] s3) {
    if (x == null || x == s1 || x == s2 || x == s3 || regions.containsKey(x)) return 0;
    return x.length;
  }

  private static int len(float[] x) {
    return x == null ? 0 : x.length;
  }

  /** Copies every device-newer region out, forgets all regions, and uses an arena of {@code capacity}. */
  private void startOver(int capacity) {
    flush();
    regions.clear();
    top = 0;
    resets++;
    if (capacity != arena.length) {
      arena = new float[capacity];
      copier.arenaReplaced(arena);
    }
  }

  private Region region(float[] a) {
    Region r = regions.get(a);
    if (r == null) {
      if (top + a.length > arena.length) {
        throw new IllegalStateException("opencl: arena overflow (" + a.length + " floats at " + top + " of " + arena.length
            + "): reserve was not called for this op");
      }
      r = new Region(top);
      top += a.length;
      regions.put(a, r);
    }
    return r;
  }

  /** The region of an array a kernel reads; copies the array in when the host may be newer. */
  int read(float[] a) {
    Region r = region(a);
    if (r.state == HOST_NEWER) {
      if (a.length > 0) copier.toDevice(a, r.base);
      r.state = SYNCED;
    }
    return r.base;
  }

  /**
   * The region of an array a kernel writes. When the kernel overwrites the whole array without
   * reading it ({@code overwritesAll}) the host's values are not needed on the device.
   */
  int write(float[] a, boolean overwritesAll) {
    if (overwritesAll) {
      Region r = region(a);
      if (r.state == HOST_NEWER) r.state = SYNCED;
      return r.base;
    }
    return read(a);
  }

  /** After the kernel: the written array is newer on the device. */
  void written(float[] a) {
    regions.get(a).state = DEVICE_NEWER;
  }

  /**
   * For arrays shared with code outside {@link vecrl.tensor.Tensor} (made by {@code Tensor.wrap}):
   * after an op, copies the array out when the op wrote it, and marks it host-newer either way.
   */
  void release(float[] a) {
    Region r = regions.get(a);
    if (r == null) return;
    if (r.state == DEVICE_NEWER && a.length > 0) copier.toHost(a, r.base);
    r.state = HOST_NEWER;
  }

  /** A host access: copies the array out when the device is newer; the host may write it afterwards. */
  void toHost(float[] a) {
    Region r = regions.get(a);
    if (r == null) return;
    if (r.state == DEVICE_NEWER && a.length > 0) copier.toHost(a, r.base);
    r.state = HOST_NEWER;
  }

  /** Copies every device-newer region out (they become synced). */
  void flush() {
    for (Map.Entry<float[], Region> e : regions.entrySet()) {
      Region r = e.getValue();
      if (r.state == DEVICE_NEWER) {
        if (e.getKey().length > 0) copier.toHost(e.getKey(), r.base);
        r.state = SYNCED;
      }
    }
  }

  /** The state of {@code a} (for tests), or -1 when it has no region. */
  int state(float[] a) {
    Region r = regions.get(a);
    return r == null ? -1 : r.state;
  }
}
