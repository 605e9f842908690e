package vecrl.space;

import java.util.ArrayList;
import java.util.List;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * The set of valid observations or actions of an environment, after Gymnasium's spaces.
 *
 * <p>Java value types of the samples (what {@link #sample}, {@link #unflatten} return and {@link
 * #contains} accepts):
 *
 * <table>
 *   <caption>Value types</caption>
 *   <tr><th>Space</th><th>Value</th><th>Flat form</th></tr>
 *   <tr><td>{@link Box}</td><td>{@code float[]}, row-major over the shape</td><td>the values</td></tr>
 *   <tr><td>{@link Discrete}</td><td>{@code Integer} in [start, start + n)</td><td>one-hot of length n</td></tr>
 *   <tr><td>{@link MultiDiscrete}</td><td>{@code int[]}, component i in [0, nvec[i])</td><td>one one-hot per component, concatenated</td></tr>
 *   <tr><td>{@link MultiBinary}</td><td>{@code int[]} of 0 and 1</td><td>the bits as 0f / 1f</td></tr>
 *   <tr><td>{@link Dict}</td><td>{@code Map<String, Object>} (ordered as the space)</td><td>children's flat forms in key order</td></tr>
 *   <tr><td>{@link Tuple}</td><td>{@code List<Object>}</td><td>children's flat forms in order</td></tr>
 * </table>
 *
 * <p>Masks for {@link #sample(Rng, Object)}: {@link Discrete} takes {@code boolean[n]} (true =
 * allowed); {@link MultiDiscrete} takes {@code boolean[][]}, one {@code boolean[nvec[i]]} per
 * component; {@link MultiBinary} takes {@code int[n]} with, per bit, 0 (must be 0), 1 (must be 1)
 * or 2 (free), as Gymnasium's int8 masks; {@link Dict} takes a {@code Map} of child masks and
 * {@link Tuple} a {@code List}, where a missing or null child mask means unmasked. {@link Box} takes
 * no mask. A mask that allows no value of a component is an error.
 *
 * <p><b>Policy rows.</b> A policy reads and writes actions and masks as float rows. Each space says
 * how its values map to them: {@link #actionWidth()} and {@link #maskWidth()} give the widths,
 * {@link #actionFromRow} and {@link #actionToRow} convert actions, {@link #maskToRow} converts a
 * mask object, and {@link #rowAllowed} checks an action row against a mask row.
 *
 * <table>
 *   <caption>Policy rows</caption>
 *   <tr><th>Space</th><th>Action row</th><th>Mask row</th></tr>
 *   <tr><td>{@link Discrete}(n, start)</td><td>1 float: the index {@code value - start}</td><td>n floats, 1 allowed, 0 masked</td></tr>
 *   <tr><td>{@link Box}</td><td>the {@code size()} values</td><td>none (width 0)</td></tr>
 *   <tr><td>{@link MultiDiscrete}(nvec)</td><td>one index per component</td><td>sum(nvec) floats, the components' rows in order</td></tr>
 *   <tr><td>{@link MultiBinary}(n)</td><td>n bits, 0 or 1</td><td>n codes: 0 (bit 0), 1 (bit 1), 2 (free)</td></tr>
 *   <tr><td>{@link Dict}, {@link Tuple}</td><td>none: not a policy's action space</td><td>none (width 0)</td></tr>
 * </table>
 *
 * @param <T> the Java type of a value of this space
 */
public sealed interface Space<T> permits Box, Discrete, MultiDiscrete, MultiBinary, Dict, Tuple {

  /** A random value of this space. */
  T sample(Rng rng);

  /** A random value allowed by {@code mask} (see the class comment); a null mask is no mask. */
  T sample(Rng rng, Object mask);

  /** Whether {@code value} has this space's Java type and shape and lies in it. */
  boolean contains(Object value);

  /** The length of the flat float form of a value. */
  int flatSize();

  /** Writes the flat form of {@code value} to {@code out[offset .. offset + flatSize())}. */
  void flatten(T value, float[] out, int offset);

  /** Reads a value back from its flat form at {@code data[offset ..]}. */
  T unflatten(float[] data, int offset);

  /**
   * {@code value} as this space's value type, after checking its Java type and shape (not its
   * bounds). Lets code holding a {@code Space<?>} pass plain objects.
   *
   * @throws IllegalArgumentException naming the expected type or shape
   */
  T cast(Object value);

  /** The Box that the flat form of values lives in (Gymnasium's {@code flatten_space}). */
  Box flatSpace();

  // ---- the rows a policy reads and writes (see the class comment, "Policy rows") ----

  /**
   * The number of floats in a policy's action row for this space: Discrete 1 (the index), Box its
   * size, MultiDiscrete one per component, MultiBinary one per bit.
   *
   * @throws IllegalArgumentException for a Dict or Tuple, which cannot be a policy's action space
   */
  int actionWidth();

  /**
   * The number of floats in a policy's mask row for this space: Discrete n, MultiDiscrete
   * sum(nvec), MultiBinary n; 0 (this default) for Box, Dict and Tuple, which take no mask row.
   */
  default int maskWidth() {
    return 0;
  }

  /**
   * The environment action that the action row {@code row[offset .. offset + actionWidth())} means:
   * Discrete {@code start + index}, Box a copy of the floats (not clipped), MultiDiscrete and
   * MultiBinary an {@code int[]}.
   *
   * @throws IllegalArgumentException if an index is not an integer in range (naming it and the
   *     range), or for a Dict or Tuple
   */
  T actionFromRow(float[] row, int offset);

  /**
   * Writes the action row of {@code action} to {@code row[offset .. offset + actionWidth())}
   * (modified): the inverse of {@link #actionFromRow}.
   *
   * @throws IllegalArgumentException if {@code action} is not in this space's value type and
   *     range, or for a Dict or Tuple
   */
  void actionToRow(T action, float[] row, int offset);

  /**
   * Writes the mask row of the mask object {@code mask} (what {@link #sample(Rng, Object)} takes)
   * to {@code row[offset .. offset + maskWidth())} (modified). A null mask writes the row that
   * allows every action (nothing for a width of 0).
   *
   * <p>Rows: Discrete n floats, 1 allowed and 0 masked; MultiDiscrete the components' rows one
   * after another (a null component is all allowed); MultiBinary the codes 0, 1, 2 as floats.
   *
   * @throws IllegalArgumentException for a mask of the wrong type or length, a code outside 0..2,
   *     a mask (of a component) that allows nothing, or any non-null mask for Box, Dict or Tuple;
   *     the message names the problem and this space
   */
  default void maskToRow(Object mask, float[] row, int offset) {
    SpaceErrors.noMask(this, mask);
  }

  /**
   * Whether the action row {@code actionRow[actionOffset ..]} is allowed by the mask row {@code
   * maskRow[maskOffset ..]}. Always true for Box, Dict and Tuple.
   *
   * @throws IllegalArgumentException if a Discrete or MultiDiscrete index lies outside its range
   */
  default boolean rowAllowed(float[] maskRow, int maskOffset, float[] actionRow, int actionOffset) {
    return true;
  }

  /** {@link #actionToRow} for a plain object, after {@link #cast} checks its type. */
  default void actionObjectToRow(Object action, float[] row, int offset) {
    actionToRow(cast(action), row, offset);
  }

  /** A new array holding the flat form of {@code value}. */
  default float[] flatten(T value) {
    float[] out = new float[flatSize()];
    flatten(value, out, 0);
    return out;
  }

  /** Writes the flat form of {@code value} to {@code row}, a tensor of {@link #flatSize()} elements. */
  default void flatten(T value, Tensor row) {
    if (row.size() != flatSize()) {
      throw new IllegalArgumentException(this + ".flatten: row " + row.shapeString() + " has " + row.size()
          + " elements, expected " + flatSize());
    }
    flatten(value, row.data(), row.offset());
  }

  /** Flattens a plain object after {@link #cast} checks it. */
  default void flattenObject(Object value, float[] out, int offset) {
    flatten(cast(value), out, offset);
  }

  /** Reads a value back from a whole flat array. */
  default T unflatten(float[] flat) {
    if (flat.length != flatSize()) {
      throw new IllegalArgumentException(this + ".unflatten: " + flat.length + " values, expected " + flatSize());
    }
    return unflatten(flat, 0);
  }

  /** Reads a value back from {@code row}, a tensor of {@link #flatSize()} elements. */
  default T unflatten(Tensor row) {
    if (row.size() != flatSize()) {
      throw new IllegalArgumentException(this + ".unflatten: row " + row.shapeString() + " has " + row.size()
          + " elements, expected " + flatSize());
    }
    return unflatten(row.data(), row.offset());
  }

  /** Writes the flat forms of {@code values} as the rows of {@code out}, shape [values.size(), flatSize()]. */
  default void flattenBatch(List<? extends T> values, Tensor out) {
    if (out.rank() != 2 || out.dim(0) != values.size() || out.dim(1) != flatSize()) {
      throw new IllegalArgumentException(this + ".flattenBatch: " + values.size() + " values into "
          + out.shapeString() + ", expected [" + values.size() + ", " + flatSize() + "]");
    }
    int n = flatSize();
    for (int i = 0; i < values.size(); i++) flatten(values.get(i), out.data(), out.offset() + i * n);
  }

  /** A new [values.size(), flatSize()] tensor holding the flat forms of {@code values}. */
  default Tensor flattenBatch(List<? extends T> values) {
    Tensor out = Tensor.zeros(values.size(), flatSize());
    flattenBatch(values, out);
    return out;
  }

  /** The values whose flat forms are the rows of {@code flat}, shape [batch, flatSize()]. */
  default List<T> unflattenBatch(Tensor flat) {
    if (flat.rank() != 2 || flat.dim(1) != flatSize()) {
      throw new IllegalArgumentException(this + ".unflattenBatch: " + flat.shapeString() + ", expected [batch, "
          + flatSize() + "]");
    }
    int b = flat.dim(0);
    List<T> out = new ArrayList<>(b);
    for (int i = 0; i < b; i++) out.add(unflatten(flat.data(), flat.offset() + i * flatSize()));
    return out;
  }
}
