package vecrl.tensor;

import java.util.Arrays;

/**
 * A dense, row-major float32 tensor.
 *
 * <p>A tensor is a window ({@code offset}, {@code shape}) onto a plain heap {@code float[]}. Row
 * views and reshapes share that array, so they cost one small object and no copy. Kernels treat
 * every tensor as a matrix of {@link #rows()} x {@link #cols()}: the last dimension is the column
 * count and all leading dimensions together are the row count (a rank-0 or rank-1 tensor is one
 * row).
 *
 * <p>Naming: methods that return a new tensor are plain nouns or verbs ({@link #copy()}, {@link
 * #reshape}); methods that change this tensor's values end in {@code InPlace} or are setters
 * ({@link #set}, {@link #fill}, {@link #copyFrom}).
 *
 * <p><b>Device residency.</b> A device backend may keep a backing array's latest values in device
 * memory (see {@link HostSync}). Every host access through this class ({@link #data()}, {@link
 * #get}, {@link #set}, {@link #fill}, {@link #copyFrom}, {@link #toArray}, {@link #copy}, {@link
 * #toString}) first calls the installed {@link HostSync}, if any, so it sees the device's latest
 * values and the device sees its writes. A caller that keeps the array of {@link #data()} must not
 * read or write it after a later kernel call on that tensor without calling {@link #data()} again.
 * Tensors made by {@link #wrap} share their array with code that may touch it at any time, so a
 * device backend copies them in before every kernel that reads them and out after every kernel
 * that writes them ({@link #isWrapped()}).
 */
public final class Tensor {
  /**
   * Null unless a device backend that keeps data resident is open; read once per host access. Not
   * volatile: a volatile read on every host access kept C2 from eliminating vector boxes in the
   * code around it (the policy's {@code act} then allocated 134 B per call). A backend installs it
   * when it opens, before its tensors are used; threads started afterwards, or handed tensors
   * through any synchronised hand-off, see it.
   */
  private static HostSync hostSync;

  private final float[] data;
  private final boolean wrapped;
  private final int offset;
  private final int[] shape;
  private final int size;
  private final int rows;
  private final int cols;

  private Tensor(float[] data, int offset, int[] shape) {
    this(data, false, offset, shape);
  }

  private Tensor(float[] data, boolean wrapped, int offset, int[] shape) {
    this.wrapped = wrapped;
    this.shape = shape.clone();
    long n = 1;
    for (int d : this.shape) {
      if (d < 0) {
        throw new IllegalArgumentException("tensor: negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("tensor: shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
    }
    if (offset < 0 || offset + n > data.length) {
      throw new IllegalArgumentException("tensor: shape " + Arrays.toString(shape) + " at offset " + offset
          + " needs " + n + " elements but the array holds " + data.length);
    }
    this.data = data;
    this.offset = offset;
    this.size = (int) n;
    this.cols = this.shape.length == 0 ? 1 : this.shape[this.shape.length - 1];
    this.rows = this.shape.length <= 1 ? 1 : (cols == 0 ? sizeWithoutLast(this.shape) : size / cols);
  }

  private static int sizeWithoutLast(int[] shape) {
    int r = 1;
    for (int i = 0; i < shape.length - 1; i++) r *= shape[i];
    return r;
  }

  /** A new tensor of zeros. */
  public static Tensor zeros(int... shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) throw new IllegalArgumentException("zeros: negative dimension in shape " + Arrays.toString(shape));
      n *= d;
    }
    if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("zeros: shape " + Arrays.toString(shape) + " is too large");
    return new Tensor(new float[(int) n], 0, shape);
  }

  /** A new tensor filled with {@code value}. */
  public static Tensor full(float value, int... shape) {
    Tensor t = zeros(shape);
    Arrays.fill(t.data, value);
    return t;
  }

  /** A new tensor holding a copy of {@code values}, with the given shape. */
  public static Tensor of(float[] values, int... shape) {
    checkCount("of", values.length, shape);
    return new Tensor(values.clone(), 0, shape);
  }

  /** A new rank-1 tensor holding a copy of {@code values}. */
  public static Tensor vector(float... values) {
    return new Tensor(values.clone(), 0, new int[] {values.length});
  }

  /** A new rank-2 tensor holding a copy of {@code values}; every row must have the same length. */
  public static Tensor matrix(float[][] values) {
    int r = values.length;
    int c = r == 0 ? 0 : values[0].length;
    float[] d = new float[r * c];
    for (int i = 0; i < r; i++) {
      if (values[i].length != c) {
        throw new IllegalArgumentException("matrix: row " + i + " has " + values[i].length + " values, row 0 has " + c);
      }
      System.arraycopy(values[i], 0, d, i * c, c);
    }
    return new Tensor(d, 0, new int[] {r, c});
  }

  /** A rank-0 tensor holding one value. */
  public static Tensor scalar(float value) {
    return new Tensor(new float[] {value}, 0, new int[0]);
  }

  /** A tensor that uses {@code data} itself, without copying: writes to either are seen by both. */
  public static Tensor wrap(float[] data, int... shape) {
    checkCount("wrap", data.length, shape);
    return new Tensor(data, true, 0, shape);
  }

  /** A tensor that uses {@code data} from {@code offset} on, without copying. */
  public static Tensor wrap(float[] data, int offset, int... shape) {
    return new Tensor(data, true, offset, shape);
  }

  private static void checkCount(String op, int n, int[] shape) {
    long want = 1;
    for (int d : shape) want *= d;
    if (want != n) {
      throw new IllegalArgumentException(op + ": " + n + " values do not fill shape " + Arrays.toString(shape)
          + " (" + want + " elements)");
    }
  }

  /** A new tensor with the same shape and a copy of the values. */
  public Tensor copy() {
    return new Tensor(Arrays.copyOfRange(host(), offset, offset + size), 0, shape);
  }

  /** A new tensor of zeros with the same shape. */
  public Tensor zerosLike() {
    return zeros(shape);
  }

  /** A view of row {@code i} (shape: the last dimension only). Shares the data. */
  public Tensor row(int i) {
    if (i < 0 || i >= rows) {
      throw new IndexOutOfBoundsException("row: index " + i + " outside " + rows + " rows of " + shapeString());
    }
    return new Tensor(data, wrapped, offset + i * cols, new int[] {cols});
  }

  /** A view of rows {@code from} (inclusive) to {@code to} (exclusive), as a [to-from, cols] tensor. */
  public Tensor rows(int from, int to) {
    if (from < 0 || to > rows || from > to) {
      throw new IndexOutOfBoundsException("rows: range [" + from + ", " + to + ") outside " + rows + " rows of " + shapeString());
    }
    return new Tensor(data, wrapped, offset + from * cols, new int[] {to - from, cols});
  }

  /** A view with a new shape and the same number of elements. Shares the data. */
  public Tensor reshape(int... newShape) {
    long n = 1;
    for (int d : newShape) n *= d;
    if (n != size) {
      throw new IllegalArgumentException("reshape: " + shapeString() + " (" + size + " elements) cannot become "
          + Arrays.toString(newShape) + " (" + n + " elements)");
    }
    return new Tensor(data, wrapped, offset, newShape);
  }

  public int rank() {
    return shape.length;
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  public int dim(int axis) {
    if (axis < 0) axis += shape.length;
    if (axis < 0 || axis >= shape.length) {
      throw new IndexOutOfBoundsException("dim: axis " + axis + " outside rank " + shape.length + " of " + shapeString());
    }
    return shape[axis];
  }

  /** The number of elements. */
  public int size() {
    return size;
  }

  /** All leading dimensions multiplied together; 1 for rank 0 and 1. */
  public int rows() {
    return rows;
  }

  /** The last dimension; 1 for rank 0. */
  public int cols() {
    return cols;
  }

  /**
   * The backing array. Element {@code i} (flat, row-major) of this tensor is at {@code data()[offset() + i]}.
   * Host code reads and writes it directly; see the class comment for what a device backend needs.
   */
  public float[] data() {
    return host();
  }

  /**
   * The backing array without the {@link HostSync} call: for device backends (which track where
   * the latest values are themselves) and identity checks. Host code that reads or writes values
   * uses {@link #data()}.
   */
  public float[] deviceData() {
    return data;
  }

  /** True when this tensor (or the tensor it is a view of) was made by {@link #wrap}. */
  public boolean isWrapped() {
    return wrapped;
  }

  /**
   * Installs the coherence hook of a device backend, or removes it ({@code null}). Only device
   * backends call this.
   */
  public static void installHostSync(HostSync sync) {
    hostSync = sync;
  }

  /** The installed hook, or null. */
  public static HostSync hostSync() {
    return hostSync;
  }

  private float[] host() {
    HostSync s = hostSync;
    if (s != null) s.beforeHostAccess(data);
    return data;
  }

  public int offset() {
    return offset;
  }

  /** Element {@code i} in flat row-major order. */
  public float get(int i) {
    checkIndex(i);
    return host()[offset + i];
  }

  /** Element at row {@code r}, column {@code c} of the {@link #rows()} x {@link #cols()} view. */
  public float get(int r, int c) {
    checkIndex(r, c);
    return host()[offset + r * cols + c];
  }

  public void set(int i, float v) {
    checkIndex(i);
    host()[offset + i] = v;
  }

  public void set(int r, int c, float v) {
    checkIndex(r, c);
    host()[offset + r * cols + c] = v;
  }

  /** The single value of a one-element tensor. */
  public float item() {
    if (size != 1) throw new IllegalStateException("item: tensor " + shapeString() + " has " + size + " elements, not 1");
    return host()[offset];
  }

  private void checkIndex(int i) {
    if (i < 0 || i >= size) throw new IndexOutOfBoundsException("index " + i + " outside " + shapeString());
  }

  private void checkIndex(int r, int c) {
    if (r < 0 || r >= rows || c < 0 || c >= cols) {
      throw new IndexOutOfBoundsException("index [" + r + ", " + c + "] outside " + rows + " x " + cols + " view of " + shapeString());
    }
  }

  /** Sets every element to {@code v}. */
  public Tensor fill(float v) {
    Arrays.fill(host(), offset, offset + size, v);
    return this;
  }

  /** Copies {@code src}'s values into this tensor; the element counts must match. */
  public Tensor copyFrom(Tensor src) {
    if (src.size != size) {
      throw new IllegalArgumentException("copyFrom: source " + src.shapeString() + " has " + src.size
          + " elements, destination " + shapeString() + " has " + size);
    }
    System.arraycopy(src.host(), src.offset, host(), offset, size);
    return this;
  }

  /** Copies {@code values} into this tensor; the lengths must match. */
  public Tensor copyFrom(float[] values) {
    if (values.length != size) {
      throw new IllegalArgumentException("copyFrom: " + values.length + " values into " + shapeString() + " (" + size + " elements)");
    }
    System.arraycopy(values, 0, host(), offset, size);
    return this;
  }

  /** A new array holding this tensor's values in row-major order. */
  public float[] toArray() {
    return Arrays.copyOfRange(host(), offset, offset + size);
  }

  public boolean sameShape(Tensor other) {
    return Arrays.equals(shape, other.shape);
  }

  /** The shape as {@code [2, 3]}. */
  public String shapeString() {
    return Arrays.toString(shape);
  }

  /** Shape and values; long tensors are elided. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Tensor").append(shapeString()).append(' ');
    int show = Math.min(size, 16);
    float[] data = size == 0 ? this.data : host();
    sb.append('[');
    for (int i = 0; i < show; i++) {
      if (i > 0) sb.append(", ");
      sb.append(data[offset + i]);
    }
    if (show < size) sb.append(", ... (").append(size - show).append(" more)");
    return sb.append(']').toString();
  }
}
