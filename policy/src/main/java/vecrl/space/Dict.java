package vecrl.space;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecrl.tensor.Rng;

/**
 * A fixed, ordered set of named subspaces. Values are {@code Map<String, Object>} with exactly the
 * space's keys (sampling and unflattening return an insertion-ordered map); the flat form
 * concatenates the children's flat forms in key order. A mask is a {@code Map<String, Object>} of
 * child masks; a missing or null entry leaves that child unmasked.
 */
public final class Dict implements Space<Map<String, Object>> {
  private final LinkedHashMap<String, Space<?>> spaces;
  private final int flatSize;

  /** The children in {@code spaces}' iteration order (pass a {@link LinkedHashMap} to choose it). */
  public Dict(Map<String, ? extends Space<?>> spaces) {
    if (spaces.isEmpty()) throw new IllegalArgumentException("Dict: no subspaces, expected at least one");
    this.spaces = new LinkedHashMap<>();
    long s = 0;
    for (Map.Entry<String, ? extends Space<?>> e : spaces.entrySet()) {
      if (e.getKey() == null) throw new IllegalArgumentException("Dict: a key is null");
      if (e.getValue() == null) throw new IllegalArgumentException("Dict: subspace \"" + e.getKey() + "\" is null");
      this.spaces.put(e.getKey(), e.getValue());
      s += e.getValue().flatSize();
    }
    if (s > Integer.MAX_VALUE) throw new IllegalArgumentException("Dict: flat size is too large");
    this.flatSize = (int) s;
  }

  /** {@code Dict.of("position", box, "mode", discrete, ...)}: keys and spaces alternating, in order. */
  public static Dict of(Object... keysAndSpaces) {
    if (keysAndSpaces.length % 2 != 0) {
      throw new IllegalArgumentException("Dict.of: " + keysAndSpaces.length + " arguments, expected key/space pairs");
    }
    LinkedHashMap<String, Space<?>> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndSpaces.length; i += 2) {
      if (!(keysAndSpaces[i] instanceof String k)) throw new IllegalArgumentException("Dict.of: argument " + i + " is not a String key");
      if (!(keysAndSpaces[i + 1] instanceof Space<?> s)) throw new IllegalArgumentException("Dict.of: value for \"" + k + "\" is not a Space");
      if (m.put(k, s) != null) throw new IllegalArgumentException("Dict.of: key \"" + k + "\" appears twice");
    }
    return new Dict(m);
  }

  /** The children, in order (unmodifiable). */
  public Map<String, Space<?>> spaces() {
    return Collections.unmodifiableMap(spaces);
  }

  /** The child named {@code key}. */
  public Space<?> get(String key) {
    Space<?> s = spaces.get(key);
    if (s == null) throw new IllegalArgumentException(this + ": no key \"" + key + "\"; keys are " + spaces.keySet());
    return s;
  }

  @Override
  public Map<String, Object> sample(Rng rng) {
    return sample(rng, null);
  }

  @Override
  public Map<String, Object> sample(Rng rng, Object mask) {
    Map<?, ?> m = null;
    if (mask != null) {
      if (!(mask instanceof Map<?, ?> mm)) throw new IllegalArgumentException(this + ".sample: mask must be a Map of child masks, got " + Box.describe(mask));
      for (Object k : mm.keySet()) {
        if (!spaces.containsKey(k)) throw new IllegalArgumentException(this + ".sample: mask key \"" + k + "\" is not a key; keys are " + spaces.keySet());
      }
      m = mm;
    }
    LinkedHashMap<String, Object> v = new LinkedHashMap<>();
    for (Map.Entry<String, Space<?>> e : spaces.entrySet()) v.put(e.getKey(), e.getValue().sample(rng, m == null ? null : m.get(e.getKey())));
    return v;
  }

  @Override
  public boolean contains(Object value) {
    if (!(value instanceof Map<?, ?> m) || m.size() != spaces.size()) return false;
    for (Map.Entry<String, Space<?>> e : spaces.entrySet()) {
      if (!m.containsKey(e.getKey()) || !e.getValue().contains(m.get(e.getKey()))) return false;
    }
    return true;
  }

  @Override
  public int flatSize() {
    return flatSize;
  }

  @Override
  public void flatten(Map<String, Object> value, float[] out, int offset) {
    if (value.size() != spaces.size()) {
      throw new IllegalArgumentException(this + ".flatten: value has keys " + value.keySet() + ", expected " + spaces.keySet());
    }
    int o = offset;
    for (Map.Entry<String, Space<?>> e : spaces.entrySet()) {
      if (!value.containsKey(e.getKey())) {
        throw new IllegalArgumentException(this + ".flatten: value lacks key \"" + e.getKey() + "\"; has " + value.keySet());
      }
      e.getValue().flattenObject(value.get(e.getKey()), out, o);
      o += e.getValue().flatSize();
    }
  }

  @Override
  public Map<String, Object> unflatten(float[] data, int offset) {
    LinkedHashMap<String, Object> v = new LinkedHashMap<>();
    int o = offset;
    for (Map.Entry<String, Space<?>> e : spaces.entrySet()) {
      v.put(e.getKey(), e.getValue().unflatten(data, o));
      o += e.getValue().flatSize();
    }
    return v;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Map<String, Object> cast(Object value) {
    if (value instanceof Map<?, ?> m) {
      for (Object k : m.keySet()) {
        if (!(k instanceof String)) throw new IllegalArgumentException(this + ": map key " + k + " is not a String");
      }
      return (Map<String, Object>) m;
    }
    throw new IllegalArgumentException(this + ": expected a Map<String, Object>, got " + Box.describe(value));
  }

  @Override
  public Box flatSpace() {
    return concat(new ArrayList<>(spaces.values()), flatSize);
  }

  static Box concat(List<Space<?>> children, int flatSize) {
    float[] lo = new float[flatSize];
    float[] hi = new float[flatSize];
    int o = 0;
    for (Space<?> s : children) {
      Box b = s.flatSpace();
      for (int i = 0; i < b.size(); i++) {
        lo[o + i] = b.low(i);
        hi[o + i] = b.high(i);
      }
      o += b.size();
    }
    return new Box(lo, hi, flatSize);
  }

  /** Throws: a Dict cannot be a policy's action space. */
  @Override
  public int actionWidth() {
    throw SpaceErrors.notAnActionSpace(this);
  }


  /** Throws: a Dict cannot be a policy's action space. */
  @Override
  public Map<String, Object> actionFromRow(float[] row, int offset) {
    throw SpaceErrors.notAnActionSpace(this);
  }

  /** Throws: a Dict cannot be a policy's action space. */
  @Override
  public void actionToRow(Map<String, Object> action, float[] row, int offset) {
    throw SpaceErrors.notAnActionSpace(this);
  }



  @Override
  public boolean equals(Object o) {
    // Order matters: LinkedHashMap.equals ignores it, so compare the entry lists.
    return o instanceof Dict d && new ArrayList<>(spaces.entrySet()).equals(new ArrayList<>(d.spaces.entrySet()));
  }

  @Override
  public int hashCode() {
    return new ArrayList<>(spaces.entrySet()).hashCode();
  }

  /** {@code Dict(position: Box(-1.0..1.0, [2]), mode: Discrete(3))}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Dict(");
    boolean first = true;
    for (Map.Entry<String, Space<?>> e : spaces.entrySet()) {
      sb.append(first ? "" : ", ").append(e.getKey()).append(": ").append(e.getValue());
      first = false;
    }
    return sb.append(')').toString();
  }
}
