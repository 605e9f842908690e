package vecrl.space;

import java.util.Arrays;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * A box of float vectors or arrays: each element {@code i} lies in {@code [low[i], high[i]]}. Bounds
 * may be infinite. Values are {@code float[]} of {@link #size()} elements, row-major over {@link
 * #shape()}; the flat form is the values themselves.
 *
 * <p>Sampling follows Gymnasium: uniform where both bounds are finite, standard normal where both
 * are infinite, {@code low + Exp(1)} or {@code high - Exp(1)} where only one is finite.
 *
 * <p><b>Images.</b> {@link #image} makes a Box of uint8 values (Gymnasium's {@code dtype=np.uint8}):
 * bounds 0..255, a shape of [height, width, channels] or [channels, height, width], values still
 * held as floats but whole numbers, sampled uniformly from 0..255. {@link #isUint8()} tells it apart;
 * its text and fingerprint say {@code uint8}.
 */
public final class Box implements Space<float[]> {
  private final float[] low;
  private final float[] high;
  private final int[] shape;
  private final int size;
  private final boolean uint8;

  /**
   * A box with per-element bounds.
   *
   * @param low lower bounds, one per element (row-major over {@code shape})
   * @param high upper bounds, one per element
   * @param shape the shape; an empty shape means a scalar (one element)
   */
  public Box(float[] low, float[] high, int... shape) {
    this(false, low, high, shape);
  }

  /** A box of uint8 values (whole numbers in bounds within 0..255) when {@code uint8}, else of floats. */
  public Box(boolean uint8, float[] low, float[] high, int... shape) {
    this.uint8 = uint8;
    this.shape = shape.clone();
    long n = 1;
    for (int d : this.shape) {
      if (d <= 0) throw new IllegalArgumentException("Box: shape " + Arrays.toString(shape) + " has a dimension <= 0");
      n *= d;
    }
    if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("Box: shape " + Arrays.toString(shape) + " is too large");
    this.size = (int) n;
    if (low.length != size || high.length != size) {
      throw new IllegalArgumentException("Box: low has " + low.length + " and high has " + high.length
          + " values, shape " + Arrays.toString(shape) + " needs " + size);
    }
    for (int i = 0; i < size; i++) {
      if (Float.isNaN(low[i]) || Float.isNaN(high[i])) {
        throw new IllegalArgumentException("Box: bound at index " + i + " is NaN");
      }
      if (low[i] > high[i]) {
        throw new IllegalArgumentException("Box: low " + low[i] + " > high " + high[i] + " at index " + i);
      }
      if (low[i] == Float.POSITIVE_INFINITY || high[i] == Float.NEGATIVE_INFINITY) {
        throw new IllegalArgumentException("Box: empty bounds [" + low[i] + ", " + high[i] + "] at index " + i);
      }
    }
    this.low = low.clone();
    this.high = high.clone();
    if (uint8) {
      for (int i = 0; i < size; i++) {
        if (!(low[i] >= 0 && high[i] <= 255 && low[i] == Math.rint(low[i]) && high[i] == Math.rint(high[i]))) {
          throw new IllegalArgumentException("Box: uint8 bounds [" + low[i] + ", " + high[i] + "] at index " + i
              + " are not whole numbers within 0..255");
        }
      }
    }
  }

  /**
   * An image space: uint8 values 0..255 of the given shape, [height, width, channels] (channels-last)
   * or [channels, height, width] (channels-first); see {@link #isUint8()}.
   */
  public static Box image(int... shape) {
    if (shape.length != 3) {
      throw new IllegalArgumentException("Box.image: shape " + Arrays.toString(shape)
          + " is not an image; expected [height, width, channels] or [channels, height, width]");
    }
    return new Box(true, filled(0f, shape), filled(255f, shape), shape);
  }

  /** Whether the values are uint8 (whole numbers 0..255, an image's pixels). */
  public boolean isUint8() {
    return uint8;
  }

  /** A box with the same bounds for every element. */
  public Box(float low, float high, int... shape) {
    this(filled(low, shape), filled(high, shape), shape);
  }

  /** A rank-1 box whose length is that of the bound arrays. */
  public static Box of(float[] low, float[] high) {
    return new Box(low, high, low.length);
  }

  private static float[] filled(float v, int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d <= 0) throw new IllegalArgumentException("Box: shape " + Arrays.toString(shape) + " has a dimension <= 0");
      n *= d;
    }
    if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("Box: shape " + Arrays.toString(shape) + " is too large");
    float[] a = new float[(int) n];
    Arrays.fill(a, v);
    return a;
  }

  /** A copy of the lower bounds. */
  public float[] low() {
    return low.clone();
  }

  /** A copy of the upper bounds. */
  public float[] high() {
    return high.clone();
  }

  public float low(int i) {
    return low[i];
  }

  public float high(int i) {
    return high[i];
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  /** The number of elements. */
  public int size() {
    return size;
  }

  /** Whether every bound is finite. */
  public boolean isBounded() {
    for (int i = 0; i < size; i++) if (Float.isInfinite(low[i]) || Float.isInfinite(high[i])) return false;
    return true;
  }

  @Override
  public float[] sample(Rng rng) {
    float[] v = new float[size];
    if (uint8) {
      for (int i = 0; i < size; i++) v[i] = (float) Math.min(high[i], Math.floor(low[i] + (high[i] - low[i] + 1.0) * rng.uniformDouble()));
      return v;
    }
    for (int i = 0; i < size; i++) v[i] = sampleElement(rng, low[i], high[i]);
    return v;
  }

  private static float sampleElement(Rng rng, float lo, float hi) {
    boolean loF = !Float.isInfinite(lo);
    boolean hiF = !Float.isInfinite(hi);
    double x;
    if (loF && hiF) {
      x = lo + ((double) hi - lo) * rng.uniformDouble();
    } else if (!loF && !hiF) {
      x = rng.normal();
    } else if (loF) {
      x = lo - StrictMath.log(1.0 - rng.uniformDouble());
    } else {
      x = hi + StrictMath.log(1.0 - rng.uniformDouble());
    }
    float f = (float) x;
    return Math.min(Math.max(f, lo), hi);
  }

  /** Boxes take no mask: {@code mask} must be null. */
  @Override
  public float[] sample(Rng rng, Object mask) {
    if (mask != null) throw new IllegalArgumentException(this + ".sample: a Box takes no mask, got " + mask.getClass().getSimpleName());
    return sample(rng);
  }

  @Override
  public boolean contains(Object value) {
    if (!(value instanceof float[] v) || v.length != size) return false;
    for (int i = 0; i < size; i++) {
      if (!(v[i] >= low[i] && v[i] <= high[i])) return false; // NaN is outside
      if (uint8 && v[i] != Math.rint(v[i])) return false;
    }
    return true;
  }

  @Override
  public int flatSize() {
    return size;
  }

  @Override
  public void flatten(float[] value, float[] out, int offset) {
    if (value.length != size) {
      throw new IllegalArgumentException(this + ".flatten: value has " + value.length + " elements, expected " + size);
    }
    System.arraycopy(value, 0, out, offset, size);
  }

  @Override
  public float[] unflatten(float[] data, int offset) {
    return Arrays.copyOfRange(data, offset, offset + size);
  }

  @Override
  public float[] cast(Object value) {
    if (value instanceof float[] v && v.length == size) return v;
    throw new IllegalArgumentException(this + ": expected a float[" + size + "], got " + describe(value));
  }

  @Override
  public Box flatSpace() {
    return shape.length == 1 ? this : new Box(uint8, low, high, size);
  }

  /** Elementwise clamp of {@code v} into the bounds, in place; returns {@code v}. */
  public float[] clipInPlace(float[] v) {
    if (v.length != size) throw new IllegalArgumentException(this + ".clip: value has " + v.length + " elements, expected " + size);
    for (int i = 0; i < size; i++) v[i] = Math.min(Math.max(v[i], low[i]), high[i]);
    return v;
  }

  /** A new array holding {@code v} clamped elementwise into the bounds; {@code v} is not modified. */
  public float[] clip(float[] v) {
    if (v == null) throw new IllegalArgumentException(this + ".clip: value is null, expected a float[" + size + "]");
    return clipInPlace(v.clone());
  }

  /** {@link #size()} floats: the values. */
  @Override
  public int actionWidth() {
    return size;
  }

  /** 0: a Box takes no mask. */
  @Override
  public int maskWidth() {
    return 0;
  }

  /** A copy of the {@link #size()} floats, not clipped (see {@link #clip}). */
  @Override
  public float[] actionFromRow(float[] row, int offset) {
    return Arrays.copyOfRange(row, offset, offset + size);
  }

  /** Copies the values. */
  @Override
  public void actionToRow(float[] action, float[] row, int offset) {
    if (action == null || action.length != size) {
      throw new IllegalArgumentException(this + ".actionToRow: action is " + describe(action) + ", expected a float[" + size + "]");
    }
    System.arraycopy(action, 0, row, offset, size);
  }



  /** A [batch, ...shape] tensor viewed as its flat form [batch, size] (no copy). */
  public Tensor toFlatBatch(Tensor batch) {
    int b = batch.rank() == 0 ? 1 : batch.dim(0);
    if (batch.size() != b * size || batch.rank() != shape.length + 1) {
      throw new IllegalArgumentException(this + ".toFlatBatch: " + batch.shapeString() + ", expected [batch, "
          + Arrays.toString(shape).substring(1));
    }
    return batch.reshape(b, size);
  }

  /** A [batch, size] flat tensor viewed as [batch, ...shape] (no copy). */
  public Tensor fromFlatBatch(Tensor flat) {
    if (flat.rank() != 2 || flat.dim(1) != size) {
      throw new IllegalArgumentException(this + ".fromFlatBatch: " + flat.shapeString() + ", expected [batch, " + size + "]");
    }
    int[] s = new int[shape.length + 1];
    s[0] = flat.dim(0);
    System.arraycopy(shape, 0, s, 1, shape.length);
    return flat.reshape(s);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Box b && uint8 == b.uint8 && Arrays.equals(shape, b.shape) && Arrays.equals(low, b.low)
        && Arrays.equals(high, b.high);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(shape) + Arrays.hashCode(low)) + Arrays.hashCode(high) + (uint8 ? 1 : 0);
  }

  /** {@code Box(-4.8..4.8, [4])} when all bounds agree, else the bound arrays. */
  @Override
  public String toString() {
    return "Box(" + bounds(low) + ".." + bounds(high) + ", " + Arrays.toString(shape) + (uint8 ? ", uint8" : "") + ")";
  }

  private static String bounds(float[] b) {
    boolean same = true;
    for (float x : b) same &= Float.compare(x, b[0]) == 0;
    if (same) return fmt(b[0]);
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < b.length; i++) sb.append(i == 0 ? "" : ", ").append(fmt(b[i]));
    return sb.append(']').toString();
  }

  /**
   * A bound as Gymnasium prints it: {@code inf} for an infinite bound and for the largest finite
   * float32 (which environments ported from older Gymnasium versions use as "unbounded", as
   * {@code np.finfo(np.float32).max}; the value itself is kept exactly, since it is part of a policy's
   * fingerprint).
   */
  static String fmt(float x) {
    if (x == Float.POSITIVE_INFINITY || x == Float.MAX_VALUE) return "inf";
    if (x == Float.NEGATIVE_INFINITY || x == -Float.MAX_VALUE) return "-inf";
    if (x == Math.rint(x) && Math.abs(x) < 1e7f) return Integer.toString((int) x) + ".0";
    return Float.toString(x);
  }

  static String describe(Object value) {
    if (value == null) return "null";
    if (value instanceof float[] a) return "float[" + a.length + "]";
    if (value instanceof int[] a) return "int[" + a.length + "]";
    if (value instanceof boolean[] a) return "boolean[" + a.length + "]";
    if (value instanceof boolean[][] a) return "boolean[" + a.length + "][]";
    return value.getClass().getSimpleName();
  }
}
