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
