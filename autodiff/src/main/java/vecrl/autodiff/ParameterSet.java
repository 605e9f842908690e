package vecrl.autodiff;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * An ordered list of parameters with unique names. The order is the order of {@link #add}; it is
 * the order optimizers keep their state in and the order checkpoints store.
 */
public final class ParameterSet implements Iterable<Parameter> {
  private final List<Parameter> params = new ArrayList<>();
  private final Set<String> names = new HashSet<>();

  public ParameterSet() {}

  /** A set holding {@code params} in the given order. */
  public static ParameterSet of(Parameter... params) {
    ParameterSet s = new ParameterSet();
    for (Parameter p : params) s.add(p);
    return s;
  }

  /** Appends {@code p}; its name must not be in the set already. Returns {@code p}. */
  public Parameter add(Parameter p) {
    if (!names.add(p.name())) {
      throw new IllegalArgumentException("ParameterSet: a parameter named '" + p.name() + "' is already in the set");
    }
    params.add(p);
    return p;
  }

  /** Appends every parameter of {@code other}, in its order. */
  public ParameterSet addAll(ParameterSet other) {
    for (Parameter p : other.params) add(p);
    return this;
  }

  public int size() {
    return params.size();
  }

  public Parameter get(int i) {
    return params.get(i);
  }

  /** The parameter called {@code name}; throws listing the names when there is none. */
  public Parameter get(String name) {
    for (Parameter p : params) if (p.name().equals(name)) return p;
    throw new IllegalArgumentException("ParameterSet: no parameter named '" + name + "'; names: " + names());
  }

  /** The names, in order. */
  public List<String> names() {
    List<String> out = new ArrayList<>(params.size());
    for (Parameter p : params) out.add(p.name());
    return out;
  }

  /** An unmodifiable view of the parameters, in order. */
  public List<Parameter> asList() {
    return Collections.unmodifiableList(params);
  }

  /** The total number of scalar values. */
  public long count() {
    long n = 0;
    for (Parameter p : params) n += p.value().size();
    return n;
  }

  /** Clears every gradient to zero (lazily: costs nothing until the next backward pass). */
  public void zeroGrad() {
    for (int i = 0; i < params.size(); i++) params.get(i).zeroGrad();
  }

  @Override
  public Iterator<Parameter> iterator() {
    return Collections.unmodifiableList(params).iterator();
  }
}
