package vecrl.space;

import java.util.ArrayList;
import java.util.List;
import vecrl.tensor.Rng;

/**
 * A fixed sequence of subspaces. Values are {@code List<Object>} with one value per child; the flat
 * form concatenates the children's flat forms. A mask is a {@code List<Object>} of child masks (a
 * null entry leaves that child unmasked).
 */
public final class Tuple implements Space<List<Object>> {
  private final List<Space<?>> spaces;
  private final int flatSize;

  public Tuple(List<? extends Space<?>> spaces) {
    if (spaces.isEmpty()) throw new IllegalArgumentException("Tuple: no subspaces, expected at least one");
    long s = 0;
    for (int i = 0; i < spaces.size(); i++) {
      if (spaces.get(i) == null) throw new IllegalArgumentException("Tuple: subspace " + i + " is null");
      s += spaces.get(i).flatSize();
    }
    if (s > Integer.MAX_VALUE) throw new IllegalArgumentException("Tuple: flat size is too large");
    this.spaces = List.copyOf(spaces);
    this.flatSize = (int) s;
  }

  public static Tuple of(Space<?>... spaces) {
    return new Tuple(List.of(spaces));
  }

  /** The children, in order (unmodifiable). */
  public List<Space<?>> spaces() {
    return spaces;
  }

  @Override
  public List<Object> sample(Rng rng) {
    return sample(rng, null);
  }

  @Override
  public List<Object> sample(Rng rng, Object mask) {
    List<?> m = null;
    if (mask != null) {
      if (!(mask instanceof List<?> ml) || ml.size() != spaces.size()) {
        throw new IllegalArgumentException(this + ".sample: mask must be a List of " + spaces.size() + " child masks, got "
            + (mask instanceof List<?> l ? "a List of " + l.size() : Box.describe(mask)));
      }
      m = ml;
    }
    List<Object> v = new ArrayList<>(spaces.size());
    for (int i = 0; i < spaces.size(); i++) v.add(spaces.get(i).sample(rng, m == null ? null : m.get(i)));
    return v;
  }

  @Override
  public boolean contains(Object value) {
    if (!(value instanceof List<?> l) || l.size() != spaces.size()) return false;
    for (int i = 0; i < l.size(); i++) if (!spaces.get(i).contains(l.get(i))) return false;
    return true;
  }

  @Override
  public int flatSize() {
    return flatSize;
  }

  @Override
  public void flatten(List<Object> value, float[] out, int offset) {
    if (value.size() != spaces.size()) {
      throw new IllegalArgumentException(this + ".flatten: value has " + value.size() + " elements, expected " + spaces.size());
    }
    int o = offset;
    for (int i = 0; i < spaces.size(); i++) {
      spaces.get(i).flattenObject(value.get(i), out, o);
      o += spaces.get(i).flatSize();
    }
  }

  @Override
  public List<Object> unflatten(float[] data, int offset) {
    List<Object> v = new ArrayList<>(spaces.size());
    int o = offset;
    for (Space<?> s : spaces) {
      v.add(s.unflatten(data, o));
      o += s.flatSize();
    }
    return v;
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<Object> cast(Object value) {
    if (value instanceof List<?> l && l.size() == spaces.size()) return (List<Object>) l;
    throw new IllegalArgumentException(this + ": expected a List of " + spaces.size() + " values, got "
        + (value instanceof List<?> l ? "a List of " + l.size() : Box.describe(value)));
  }

  @Override
  public Box flatSpace() {
    return Dict.concat(spaces, flatSize);
  }

  /** Throws: a Tuple cannot be a policy's action space. */
  @Override
  public int actionWidth() {
    throw SpaceErrors.notAnActionSpace(this);
  }


  /** Throws: a Tuple cannot be a policy's action space. */
  @Override
  public List<Object> actionFromRow(float[] row, int offset) {
    throw SpaceErrors.notAnActionSpace(this);
  }

  /** Throws: a Tuple cannot be a policy's action space. */
  @Override
  public void actionToRow(List<Object> action, float[] row, int offset) {
    throw SpaceErrors.notAnActionSpace(this);
  }



  @Override
  public boolean equals(Object o) {
    return o instanceof Tuple t && spaces.equals(t.spaces);
  }

  @Override
  public int hashCode() {
    return spaces.hashCode();
  }

  /** {@code Tuple(Discrete(2), Box(0.0..1.0, [3]))}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Tuple(");
    for (int i = 0; i < spaces.size(); i++) sb.append(i == 0 ? "" : ", ").append(spaces.get(i));
    return sb.append(')').toString();
  }
}
