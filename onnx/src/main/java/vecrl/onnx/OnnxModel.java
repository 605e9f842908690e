package vecrl.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecrl.nn.Activation;
import vecrl.nn.Init;
import vecrl.nn.Linear;
import vecrl.onnx.OnnxImport.Graph;
import vecrl.onnx.OnnxImport.Node;
import vecrl.onnx.OnnxImport.TensorData;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * An ONNX MLP loaded by {@link OnnxImport}, compiled to a fixed list of steps over preallocated
 * row buffers: {@link #run} evaluates one observation (batch 1) and allocates nothing; Gemm and
 * MatMul run as {@link Linear#forwardRow}, activations as {@link Activation#applyInPlace}. The
 * outputs ({@link #output}) are the model's own buffers, valid until the next run. Not thread-safe:
 * load one per thread.
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
    for (Node n : g.nodes()) compile(n);
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
    float[] x = value(n, 0);
    long[] dims = constant(n, 1).dims();
    if (dims.length != 2) throw unsupported(n, n.op() + " by a constant of dims " + Arrays.toString(dims));
    int in = (int) (transB ? dims[1] : dims[0]), outSize = (int) (transB ? dims[0] : dims[1]);
    if (in != x.length) throw new IllegalArgumentException("OnnxImport: node '" + n.name() + "' (" + n.op() + "): input [1, " + x.length + "] x weight " + Arrays.toString(dims) + ": inner sizes differ");
    float[] w = new float[outSize * in]; // [out, in] as vecrl's Linear stores it
    for (int o = 0; o < outSize; o++) for (int i = 0; i < in; i++) w[o * in + i] = transB ? b[o * in + i] : b[i * outSize + o];
    float[] c = new float[outSize];
    if (bias != null) {
      if (bias.length != 1 && bias.length != outSize) throw unsupported(n, "bias of " + bias.length + " values for " + outSize + " outputs");
      for (int o = 0; o < outSize; o++) c[o] = bias[bias.length == 1 ? 0 : o];
    }
    Linear l = new Linear(n.name(), in, outSize, Init.UNIFORM, new Rng(0));
    l.weight().value().copyFrom(Tensor.of(w, outSize, in));
    l.bias().value().copyFrom(c);
    float[] y = out(n, outSize);
    compiling.add(() -> l.forwardRow(x, 0, y, 0, Activation.IDENTITY, red));
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
