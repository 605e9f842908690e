package vecrl.algo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.tensor.Tensor;

/**
 * The by-name weight and gradient maps of {@link Policy}'s {@code getWeights}, {@code setWeights},
 * {@code computeGradients} and {@code applyGradients}, for any {@link ParameterSet}: a policy
 * written from scratch uses them as {@link TemplatePolicy} does.
 */
public final class Weights {
  private Weights() {}

  /** Copies of the parameters' values, by name, in the set's order. */
  public static Map<String, Tensor> copyOf(ParameterSet params) {
    Map<String, Tensor> w = new LinkedHashMap<>();
    for (Parameter p : params) w.put(p.name(), p.value().copy());
    return w;
  }

  /** Copies of the parameters' gradients, by name, in the set's order. */
  public static Map<String, Tensor> gradientsOf(ParameterSet params) {
    Map<String, Tensor> g = new LinkedHashMap<>();
    for (Parameter p : params) g.put(p.name(), p.grad().copy());
    return g;
  }

  /**
   * Sets every parameter from {@code weights}. Everything is checked before anything changes: a
   * missing name ({@code missing parameter NAME}), a wrong shape ({@code NAME is [..], expected [..]})
   * and an unknown name ({@code unknown parameter NAME}, followed by the parameter names) are each
   * named, all of them in one {@code setWeights: ...} error, separated by "; ".
   */
  public static void set(ParameterSet params, Map<String, Tensor> weights) {
    List<String> problems = new ArrayList<>();
    for (Parameter p : params) {
      Tensor w = weights.get(p.name());
      if (w == null) problems.add("missing parameter " + p.name());
      else if (!w.sameShape(p.value())) problems.add(p.name() + " is " + w.shapeString() + ", expected " + p.value().shapeString());
    }
    boolean unknown = false;
    for (String k : weights.keySet()) {
      if (!params.names().contains(k)) {
        problems.add("unknown parameter " + k);
        unknown = true;
      }
    }
    if (unknown) problems.add("parameters: " + params.names());
    if (!problems.isEmpty()) throw new IllegalArgumentException("setWeights: " + String.join("; ", problems));
    for (Parameter p : params) p.value().copyFrom(weights.get(p.name()));
  }

  /**
   * Copies {@code grads} into the parameters' gradients (for an optimizer step): a missing gradient
   * or one of the wrong shape is an error naming the parameter, and nothing is copied then.
   */
  public static void setGradients(ParameterSet params, Map<String, Tensor> grads) {
    for (Parameter p : params) {
      Tensor g = grads.get(p.name());
      if (g == null) throw new IllegalArgumentException("applyGradients: no gradient for parameter " + p.name());
      if (!g.sameShape(p.value())) {
        throw new IllegalArgumentException("applyGradients: gradient of " + p.name() + " is " + g.shapeString() + ", the parameter " + p.value().shapeString());
      }
    }
    for (Parameter p : params) p.grad().copyFrom(grads.get(p.name()));
  }
}
