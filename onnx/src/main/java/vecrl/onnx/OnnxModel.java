package vecrl.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecrl.nn.Activation;
import vecrl.nn.FrozenMLP;
import vecrl.nn.Init;
import vecrl.nn.Linear;
import vecrl.nn.MLP;
import vecrl.onnx.OnnxImport.Graph;
import vecrl.onnx.OnnxImport.Node;
import vecrl.onnx.OnnxImport.TensorData;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * An ONNX MLP loaded by {@link OnnxImport}, compiled to a fixed list of steps over preallocated
 * row buffers: {@link #run} evaluates one observation (batch 1) and allocates nothing. A chain of
 * dense layers (Gemm, or MatMul then Add of a constant bias, by constant weights) each followed by
 * Tanh, Relu, Sigmoid, Softplus or nothing, whose intermediate values nothing else reads, runs as
 * one {@link FrozenMLP}: vecrl's frozen inference path, the one a {@code SavedPolicy} acts through.
 * Other nodes run one by one (a dense layer outside such a chain as {@link Linear#forwardRow},
 * activations as {@link Activation#applyInPlace}). {@link #plan()} says which. The outputs ({@link
 * #output}) are the model's own buffers, valid until the next run. Not thread-safe: load one per
 * thread.
 */
public final class OnnxModel {
  private interface Step { void run(); }

  private final String inputName;
  private final float[] input;
  private final List<Step> compiling = new ArrayList<>();
  private final Step[] steps;
  private final Map<String, float[]> outputs = new LinkedHashMap<>();
  /** Row buffers of computed values, and the constants (initializers, Constant nodes, Shape results). */
  private final Map<String, float[]> values = new HashMap<>();
  private final Map<String, TensorData> constants = new HashMap<>();
  private final float[] red = new float[Linear.REDUCTION_SCRATCH];
  private final List<String> plan = new ArrayList<>();

  OnnxModel(Graph g) {
    if (g.inputs().size() != 1) throw new IllegalArgumentException("OnnxImport: expected one graph input, got " + g.inputs().size());
    var in = g.inputs().get(0);
    long last = in.dims().length == 0 ? -1 : in.dims()[in.dims().length - 1];
    if (in.dims().length != 2 || last <= 0) {
      throw new IllegalArgumentException("OnnxImport: input '" + in.name() + "' has dims " + Arrays.toString(in.dims()) + ", expected [batch, n]");
    }
    inputName = in.name();
    input = new float[(int) last];
    values.put(inputName, input);
    constants.putAll(g.initializers());
    Map<String, Integer> uses = new HashMap<>();
    for (Node n : g.nodes()) for (String name : n.inputs()) uses.merge(name, 1, Integer::sum);
    for (var o : g.outputs()) uses.merge(o.name(), 1, Integer::sum);
    List<Node> nodes = g.nodes();
    for (int i = 0; i < nodes.size(); ) {
      int next = chain(nodes, i, uses);
      if (next > i) {
        i = next;
      } else {
        compile(nodes.get(i));
        plan.add(nodes.get(i).op() + " -> " + nodes.get(i).outputs().get(0));
        i++;
      }
    }
    steps = compiling.toArray(Step[]::new);
    for (var o : g.outputs()) {
      float[] buf = values.get(o.name());
      if (buf == null) throw new IllegalArgumentException("OnnxImport: output '" + o.name() + "' is not computed from the input");
      outputs.put(o.name(), buf);
    }
  }

  public String inputName() { return inputName; }
  public int inputSize() { return input.length; }
  /** The graph's output names, in the graph's order. */
  public List<String> outputNames() { return List.copyOf(outputs.keySet()); }

  /**
   * How {@link #run} evaluates the graph, one line per step: {@code "FrozenMLP 4-64-64-2, tanh, then
   * identity -> logits"} for a chain of dense layers on the frozen path, or the op and its output.
   */
  public List<String> plan() { return List.copyOf(plan); }

  /** Evaluates the model on {@code x[offset .. offset+inputSize)}; read the results with {@link #output}. */
  public OnnxModel run(float[] x, int offset) {
    if (offset < 0 || x.length - offset < input.length) {
      throw new IllegalArgumentException("OnnxModel: input of " + (x.length - offset) + " values from offset " + offset + ", expected " + input.length);
    }
    System.arraycopy(x, offset, input, 0, input.length);
    for (int i = 0; i < steps.length; i++) steps[i].run();
    return this;
  }

  /** The last run's output {@code name}: the model's buffer (do not modify), valid until the next run. */
  public float[] output(String name) {
    float[] o = outputs.get(name);
    if (o == null) throw new IllegalArgumentException("OnnxModel: no output '" + name + "'; outputs are " + outputs.keySet());
    return o;
  }

  // ---- compilation ----

  private void compile(Node n) {
    String op = n.op();
    switch (op) {
      case "Constant" -> {
        var a = n.attr("value");
        if (a == null || a.t() == null) throw unsupported(n, "Constant without a tensor 'value'");
        constants.put(n.outputs().get(0), a.t());
      }
      case "Gemm" -> {
        if (n.intAttr("transA", 0) != 0 || n.floatAttr("alpha", 1f) != 1f || n.floatAttr("beta", 1f) != 1f) {
          throw unsupported(n, "Gemm with transA, alpha or beta other than 0, 1, 1");
        }
        dense(n, constantFloats(n, 1), n.intAttr("transB", 0) != 0, n.input(2) == null ? null : constantFloats(n, 2));
      }
      case "MatMul" -> dense(n, constantFloats(n, 1), false, null);
      case "Add", "Sub", "Mul", "Div" -> binary(n);
      case "Tanh" -> activation(n, Activation.TANH);
      case "Relu" -> activation(n, Activation.RELU);
      case "Sigmoid" -> activation(n, Activation.SIGMOID);
      case "Softplus" -> activation(n, Activation.SOFTPLUS);
      case "Exp", "Neg" -> {
        float[] x = value(n, 0), y = out(n, x.length);
        boolean exp = op.equals("Exp");
        compiling.add(() -> { for (int i = 0; i < y.length; i++) y[i] = exp ? (float) Math.exp(x[i]) : -x[i]; });
      }
      case "Softmax", "LogSoftmax" -> {
        long axis = n.intAttr("axis", -1);
        if (axis != -1 && axis != 1) throw unsupported(n, op + " over axis " + axis + " (only the last axis)");
        float[] x = value(n, 0), y = out(n, x.length);
        boolean log = op.equals("LogSoftmax");
        compiling.add(() -> softmax(x, y, log));
      }
      case "Clip" -> {
        float[] x = value(n, 0), y = out(n, x.length);
        float lo = n.input(1) == null ? Float.NEGATIVE_INFINITY : scalar(n, 1), hi = n.input(2) == null ? Float.POSITIVE_INFINITY : scalar(n, 2);
        compiling.add(() -> { for (int i = 0; i < y.length; i++) y[i] = Math.min(Math.max(x[i], lo), hi); });
      }
      case "Identity", "Flatten" -> values.put(n.outputs().get(0), value(n, 0));
      case "Reshape" -> {
        float[] x = value(n, 0);
        long[] shape = constant(n, 1).longs();
        long last = shape == null || shape.length == 0 ? 0 : shape[shape.length - 1];
        if (shape == null || !(last == -1 || last == x.length) || shape.length > 2) {
          throw unsupported(n, "Reshape of a row of " + x.length + " to " + Arrays.toString(shape));
        }
        values.put(n.outputs().get(0), x);
      }
      case "Shape" -> {
        float[] x = values.get(n.input(0));
        if (x == null) throw unsupported(n, "Shape of a constant");
        constants.put(n.outputs().get(0), new TensorData(n.outputs().get(0), new long[] {2}, 7, null, new long[] {1, x.length}));
      }
      case "Expand" -> {
        long[] shape = constant(n, 1).longs();
        if (shape == null || shape.length == 0) throw unsupported(n, "Expand without a constant shape");
        int w = (int) shape[shape.length - 1];
        float[] x = values.containsKey(n.input(0)) ? values.get(n.input(0)) : constantFloats(n, 0);
        if (x.length != 1 && x.length != w) throw unsupported(n, "Expand of " + x.length + " values to " + Arrays.toString(shape));
        float[] y = out(n, w);
        compiling.add(() -> { for (int i = 0; i < w; i++) y[i] = x[x.length == 1 ? 0 : i]; });
      }
      default -> throw unsupported(n, "op '" + op + "'; supported: " + OnnxImport.SUPPORTED);
    }
  }

  private void dense(Node n, float[] b, boolean transB, float[] bias) {
    Dense d = denseWeights(n, value(n, 0).length, b, transB, bias);
    float[] x = value(n, 0);
    Linear l = new Linear(n.name(), d.in(), d.out(), Init.UNIFORM, new Rng(0));
    d.into(l);
    float[] y = out(n, d.out());
    compiling.add(() -> l.forwardRow(x, 0, y, 0, Activation.IDENTITY, red));
  }

  /** A dense layer's weight ([out, in], as vecrl's {@link Linear} stores it) and bias. */
  private record Dense(int in, int out, float[] w, float[] c) {
    void into(Linear l) {
      l.weight().value().copyFrom(Tensor.of(w, out, in));
      l.bias().value().copyFrom(c);
    }
  }

  /** The weight and bias of Gemm or MatMul node {@code n} applied to a row of {@code xLength} values. */
  private Dense denseWeights(Node n, int xLength, float[] b, boolean transB, float[] bias) {
    long[] dims = constant(n, 1).dims();
    if (dims.length != 2) throw unsupported(n, n.op() + " by a constant of dims " + Arrays.toString(dims));
    int in = (int) (transB ? dims[1] : dims[0]), outSize = (int) (transB ? dims[0] : dims[1]);
    if (in != xLength) throw new IllegalArgumentException("OnnxImport: node '" + n.name() + "' (" + n.op() + "): input [1, " + xLength + "] x weight " + Arrays.toString(dims) + ": inner sizes differ");
    float[] w = new float[outSize * in];
    for (int o = 0; o < outSize; o++) for (int i = 0; i < in; i++) w[o * in + i] = transB ? b[o * in + i] : b[i * outSize + o];
    float[] c = new float[outSize];
    if (bias != null) {
      if (bias.length != 1 && bias.length != outSize) throw unsupported(n, "bias of " + bias.length + " values for " + outSize + " outputs");
      for (int o = 0; o < outSize; o++) c[o] = bias[bias.length == 1 ? 0 : o];
    }
    return new Dense(in, outSize, w, c);
  }

  // ---- chains of dense layers, run as one FrozenMLP ----

  private static Activation activationOf(String op) {
    return switch (op) {
      case "Tanh" -> Activation.TANH;
      case "Relu" -> Activation.RELU;
      case "Sigmoid" -> Activation.SIGMOID;
      case "Softplus" -> Activation.SOFTPLUS;
      default -> null;
    };
  }

  private boolean isConstantFloats(String name) {
    TensorData t = name == null ? null : constants.get(name);
    return t != null && t.floats() != null;
  }

  /** Whether {@code n} reads {@code name} as its only runtime input, in input slot 0. */
  private static boolean readsOnly(Node n, String name) {
    return name.equals(n.input(0));
  }

  /**
   * Compiles the longest chain of dense layers starting at node {@code start} as one {@link
   * FrozenMLP} step and returns the index of the first node after it, or {@code start} when no chain
   * starts there. A layer is a Gemm (transA 0, alpha and beta 1) or a MatMul followed by an Add of a
   * constant, by a constant weight, optionally followed by an activation; the hidden layers share one
   * activation, the last may have another (or none). A value inside the chain must have no reader but
   * the next node of the chain, and must not be a graph output.
   */
  private int chain(List<Node> nodes, int start, Map<String, Integer> uses) {
    Node first = nodes.get(start);
    if (!first.op().equals("Gemm") && !first.op().equals("MatMul")) return start;
    float[] x = first.input(0) == null ? null : values.get(first.input(0));
    if (x == null) return start;
    List<Dense> layers = new ArrayList<>();
    List<Activation> acts = new ArrayList<>();
    int i = start, width = x.length;
    String current = first.input(0), output = null;
    while (i < nodes.size()) {
      Node n = nodes.get(i);
      if (!readsOnly(n, current) || !isConstantFloats(n.input(1))) break;
      Dense d;
      int j = i + 1;
      String y = n.outputs().isEmpty() ? null : n.outputs().get(0);
      if (y == null) break;
      if (n.op().equals("Gemm")) {
        if (n.intAttr("transA", 0) != 0 || n.floatAttr("alpha", 1f) != 1f || n.floatAttr("beta", 1f) != 1f) break;
        if (n.input(2) != null && !isConstantFloats(n.input(2))) break;
        d = denseWeights(n, width, constantFloats(n, 1), n.intAttr("transB", 0) != 0, n.input(2) == null ? null : constantFloats(n, 2));
      } else if (n.op().equals("MatMul")) {
        float[] bias = null;
        Node add = j < nodes.size() && uses.getOrDefault(y, 0) == 1 && nodes.get(j).op().equals("Add") ? nodes.get(j) : null;
        String other = add == null ? null : y.equals(add.input(0)) ? add.input(1) : y.equals(add.input(1)) ? add.input(0) : null;
        long[] wd = constant(n, 1).dims();
        if (other != null && isConstantFloats(other) && !add.outputs().isEmpty() && wd.length == 2) {
          bias = constants.get(other).floats();
          if (bias.length == 1 || bias.length == wd[1]) {
            y = add.outputs().get(0);
            j++;
          } else {
            bias = null;
          }
        }
        d = denseWeights(n, width, constantFloats(n, 1), false, bias);
      } else {
        break;
      }
      Activation act = Activation.IDENTITY;
      if (j < nodes.size() && uses.getOrDefault(y, 0) == 1) {
        Node a = nodes.get(j);
        Activation f = activationOf(a.op());
        if (f != null && readsOnly(a, y) && !a.outputs().isEmpty()) {
          act = f;
          y = a.outputs().get(0);
          j++;
        }
      }
      layers.add(d);
      acts.add(act);
      width = d.out();
      output = y;
      i = j;
      // The chain goes on only through a value read by the next layer alone, after the first layer's
      // activation (the hidden one): a layer with another activation is the last.
      if (act != acts.get(0) || uses.getOrDefault(y, 0) != 1) break;
      current = y;
    }
    if (layers.isEmpty()) return start;
    compileChain(x, layers, acts, output);
    return i;
  }

  private void compileChain(float[] x, List<Dense> layers, List<Activation> acts, String output) {
    int[] sizes = new int[layers.size() + 1];
    sizes[0] = layers.get(0).in();
    for (int l = 0; l < layers.size(); l++) sizes[l + 1] = layers.get(l).out();
    Activation hidden = acts.get(0), last = acts.get(acts.size() - 1);
    MLP mlp = MLP.ofSizes(output, sizes, hidden, last, Init.UNIFORM, Init.UNIFORM, new Rng(0));
    for (int l = 0; l < layers.size(); l++) layers.get(l).into(mlp.layers().get(l));
    FrozenMLP frozen = new FrozenMLP(mlp);
    float[] a = new float[frozen.maxWidth()], b = new float[frozen.maxWidth()];
    float[] y = new float[sizes[sizes.length - 1]];
    values.put(output, y);
    int w = y.length;
    compiling.add(() -> System.arraycopy(frozen.forwardRow(x, 0, a, b, red), 0, y, 0, w));
    StringBuilder p = new StringBuilder("FrozenMLP ");
    for (int l = 0; l < sizes.length; l++) p.append(l == 0 ? "" : "-").append(sizes[l]);
    p.append(", ").append(hidden.name().toLowerCase(java.util.Locale.ROOT));
    if (layers.size() > 1 && last != hidden) p.append(", then ").append(last.name().toLowerCase(java.util.Locale.ROOT));
    plan.add(p.append(" -> ").append(output).toString());
  }

  private void activation(Node n, Activation a) {
    float[] x = value(n, 0), y = out(n, x.length);
    compiling.add(() -> {
      System.arraycopy(x, 0, y, 0, y.length);
      a.applyInPlace(y, 0, y.length);
    });
  }

  private void binary(Node n) {
    String op = n.op();
    boolean v0 = values.containsKey(n.input(0)), v1 = values.containsKey(n.input(1));
    if (!v0 && !v1) throw unsupported(n, op + " of two constants");
    float[] a = v0 ? values.get(n.input(0)) : constantFloats(n, 0), b = v1 ? values.get(n.input(1)) : constantFloats(n, 1);
    int w = Math.max(a.length, b.length);
    if ((a.length != w && a.length != 1) || (b.length != w && b.length != 1)) {
      throw new IllegalArgumentException("OnnxImport: node '" + n.name() + "' (" + op + "): [" + a.length + "] and [" + b.length + "] do not broadcast");
    }
    float[] y = out(n, w);
    int sa = a.length == 1 ? 0 : 1, sb = b.length == 1 ? 0 : 1;
    compiling.add(switch (op) {
      case "Add" -> () -> { for (int i = 0; i < w; i++) y[i] = a[i * sa] + b[i * sb]; };
      case "Sub" -> () -> { for (int i = 0; i < w; i++) y[i] = a[i * sa] - b[i * sb]; };
      case "Mul" -> () -> { for (int i = 0; i < w; i++) y[i] = a[i * sa] * b[i * sb]; };
      default -> () -> { for (int i = 0; i < w; i++) y[i] = a[i * sa] / b[i * sb]; };
    });
  }

  private static void softmax(float[] x, float[] y, boolean log) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : x) max = Math.max(max, v);
    double sum = 0;
    for (float v : x) sum += Math.exp(v - max);
    double lse = max + Math.log(sum);
    for (int i = 0; i < y.length; i++) y[i] = log ? (float) (x[i] - lse) : (float) Math.exp(x[i] - lse);
  }

  private float[] value(Node n, int k) {
    String name = n.input(k);
    float[] v = name == null ? null : values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("OnnxImport: node '" + n.name() + "' (" + n.op() + "): input " + k + " '" + name
          + "' is not a value computed from the graph input" + (constants.containsKey(name) ? " (it is a constant)" : ""));
    }
    return v;
  }

  private TensorData constant(Node n, int k) {
    TensorData t = n.input(k) == null ? null : constants.get(n.input(k));
    if (t == null) throw unsupported(n, n.op() + " whose input " + k + " '" + n.input(k) + "' is not a constant");
    return t;
  }

  private float[] constantFloats(Node n, int k) {
    TensorData t = constant(n, k);
    if (t.floats() == null) throw unsupported(n, n.op() + " input " + k + " '" + t.name() + "' is not FLOAT");
    return t.floats();
  }

  private float scalar(Node n, int k) {
    float[] f = constantFloats(n, k);
    if (f.length != 1) throw unsupported(n, n.op() + " bound of " + f.length + " values");
    return f[0];
  }

  private float[] out(Node n, int width) {
    float[] y = new float[width];
    values.put(n.outputs().get(0), y);
    return y;
  }

  private static IllegalArgumentException unsupported(Node n, String what) {
    return new IllegalArgumentException("OnnxImport: node '" + n.name() + "': unsupported " + what);
  }
}
