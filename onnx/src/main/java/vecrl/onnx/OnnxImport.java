package vecrl.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads an ONNX MLP (an actor exported from PyTorch, Stable-Baselines3 or CleanRL) into an {@link
 * OnnxModel} that runs one observation at a time through vecrl's tape-free {@link vecrl.nn.Linear}
 * rows, allocating nothing per call. Parsing is bounded ({@link #MAX_BYTES}) and uses this module's
 * own protobuf reader.
 *
 * <p>Supported ops ({@link #SUPPORTED}): Gemm (alpha = beta = 1, transA = 0), MatMul by a constant,
 * Add/Sub/Mul/Div, Tanh/Relu/Sigmoid/Softplus/Exp/Neg, Softmax/LogSoftmax over the last axis, Clip,
 * Identity/Flatten/Reshape that keep the row, Constant, and the Shape + Expand pair PyTorch writes
 * for a broadcast log-std. Anything else is an error naming the op and the node.
 */
public final class OnnxImport {
  /** The largest file {@link #load} reads. */
  public static final long MAX_BYTES = 256L << 20;
  public static final List<String> SUPPORTED = List.of("Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Tanh", "Relu", "Sigmoid",
      "Softplus", "Exp", "Neg", "Softmax", "LogSoftmax", "Clip", "Identity", "Flatten", "Reshape", "Constant", "Shape", "Expand");

  private OnnxImport() {}

  /** Loads the model at {@code path}. */
  public static OnnxModel load(Path path) throws IOException {
    long size = Files.size(path);
    if (size > MAX_BYTES) throw new IOException("OnnxImport: " + path + " has " + size + " bytes, more than " + MAX_BYTES);
    try {
      return load(Files.readAllBytes(path));
    } catch (IllegalArgumentException e) {
      throw new IOException("OnnxImport: " + path + ": " + e.getMessage(), e);
    }
  }

  /** Loads a model from its ModelProto bytes. */
  public static OnnxModel load(byte[] model) {
    ProtoReader m = new ProtoReader(model);
    Graph graph = null;
    for (int f; (f = m.next()) != -1; ) {
      if (f == 7) graph = graph(m.message()); else m.skip();
    }
    if (graph == null) throw new IllegalArgumentException("OnnxImport: no graph in the model");
    return new OnnxModel(graph);
  }

  // ---- parsed form (onnx.proto field numbers as in OnnxGraph) ----

  record TensorData(String name, long[] dims, int dataType, float[] floats, long[] longs) {
    int size() {
      return floats != null ? floats.length : longs.length;
    }
  }

  record Attribute(String name, float f, long i, long[] ints, TensorData t) {}

  record Node(String op, String name, List<String> inputs, List<String> outputs, Map<String, Attribute> attrs) {
    Attribute attr(String key) { return attrs.get(key); }
    long intAttr(String key, long dflt) { Attribute a = attrs.get(key); return a == null ? dflt : a.i(); }
    float floatAttr(String key, float dflt) { Attribute a = attrs.get(key); return a == null ? dflt : a.f(); }
    String input(int k) { return k < inputs.size() && !inputs.get(k).isEmpty() ? inputs.get(k) : null; }
  }

  /** A graph input or output: its name and dims (-1 for a symbolic dimension). */
  record ValueInfo(String name, long[] dims) {}

  record Graph(List<Node> nodes, Map<String, TensorData> initializers, List<ValueInfo> inputs, List<ValueInfo> outputs) {}

  private static Graph graph(ProtoReader r) {
    List<Node> nodes = new ArrayList<>();
    Map<String, TensorData> init = new LinkedHashMap<>();
    List<ValueInfo> in = new ArrayList<>(), out = new ArrayList<>();
    for (int f; (f = r.next()) != -1; ) {
      switch (f) {
        case 1 -> nodes.add(node(r.message()));
        case 5 -> { TensorData t = tensor(r.message()); init.put(t.name(), t); }
        case 11 -> in.add(valueInfo(r.message()));
        case 12 -> out.add(valueInfo(r.message()));
        default -> r.skip();
      }
    }
    in.removeIf(v -> init.containsKey(v.name())); // older exporters list initializers as inputs too
    return new Graph(nodes, init, in, out);
  }

  private static Node node(ProtoReader r) {
    List<String> in = new ArrayList<>(), out = new ArrayList<>();
    String op = null, name = "";
    Map<String, Attribute> attrs = new HashMap<>();
    for (int f; (f = r.next()) != -1; ) {
      switch (f) {
        case 1 -> in.add(r.string());
        case 2 -> out.add(r.string());
        case 3 -> name = r.string();
        case 4 -> op = r.string();
        case 5 -> { Attribute a = attribute(r.message()); attrs.put(a.name(), a); }
        default -> r.skip();
      }
    }
    if (op == null) throw new IllegalArgumentException("OnnxImport: node '" + name + "' has no op_type");
    return new Node(op, name.isEmpty() && !out.isEmpty() ? out.get(0) : name, in, out, attrs);
  }

  private static Attribute attribute(ProtoReader r) {
    String name = null;
    float fv = 0;
    long iv = 0;
    List<Long> ints = new ArrayList<>();
    TensorData t = null;
    for (int f; (f = r.next()) != -1; ) {
      switch (f) {
        case 1 -> name = r.string();
        case 2 -> fv = r.float32();
        case 3 -> iv = r.varint();
        case 5 -> t = tensor(r.message());
        case 8 -> {
          if (r.wireType() == 2) { ProtoReader p = r.message(); while (!p.atEnd()) ints.add(p.varint()); } else ints.add(r.varint());
        }
        default -> r.skip();
      }
    }
    if (name == null) throw new IllegalArgumentException("OnnxImport: attribute without a name");
    return new Attribute(name, fv, iv, ints.stream().mapToLong(Long::longValue).toArray(), t);
  }

  private static final int FLOAT = 1, INT64 = 7;

  private static TensorData tensor(ProtoReader r) {
    List<Long> dims = new ArrayList<>(), longs = new ArrayList<>();
    int type = 0;
    String name = "";
    byte[] raw = null;
    FloatList floats = new FloatList();
    for (int f; (f = r.next()) != -1; ) {
      switch (f) {
        case 1 -> { if (r.wireType() == 2) { ProtoReader p = r.message(); while (!p.atEnd()) dims.add(p.varint()); } else dims.add(r.varint()); }
        case 2 -> type = (int) r.varint();
        case 4 -> { if (r.wireType() == 2) { ProtoReader p = r.message(); while (!p.atEnd()) floats.add(p.float32()); } else floats.add(r.float32()); }
        case 7 -> { if (r.wireType() == 2) { ProtoReader p = r.message(); while (!p.atEnd()) longs.add(p.varint()); } else longs.add(r.varint()); }
        case 8 -> name = r.string();
        case 9 -> raw = r.bytes();
        case 13 -> throw new IllegalArgumentException("OnnxImport: tensor '" + name + "' uses external data, which is not supported");
        default -> r.skip();
      }
    }
    long[] d = dims.stream().mapToLong(Long::longValue).toArray();
    long n = 1;
    for (long x : d) {
      if (x < 0 || x > Integer.MAX_VALUE) throw new IllegalArgumentException("OnnxImport: tensor '" + name + "' has dims " + java.util.Arrays.toString(d));
      n *= x;
      if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("OnnxImport: tensor '" + name + "' is too large");
    }
    int width = type == FLOAT ? 4 : type == INT64 ? 8 : 0;
    if (width == 0) throw new IllegalArgumentException("OnnxImport: tensor '" + name + "' has data type " + type + "; only FLOAT (1) and INT64 (7) are supported");
    float[] fl = null;
    long[] lo = null;
    if (raw != null) {
      if (raw.length != n * width) throw new IllegalArgumentException("OnnxImport: tensor '" + name + "' claims " + n + " values, raw data has " + raw.length + " bytes");
      var bb = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      if (type == FLOAT) { fl = new float[(int) n]; bb.asFloatBuffer().get(fl); } else { lo = new long[(int) n]; bb.asLongBuffer().get(lo); }
    } else if (type == FLOAT) {
      fl = floats.toArray();
    } else {
      lo = longs.stream().mapToLong(Long::longValue).toArray();
    }
    int have = fl != null ? fl.length : lo.length;
    if (have != n) throw new IllegalArgumentException("OnnxImport: tensor '" + name + "' claims " + n + " values, has " + have);
    return new TensorData(name, d, type, fl, lo);
  }

  private static ValueInfo valueInfo(ProtoReader r) {
    String name = null;
    List<Long> dims = new ArrayList<>();
    for (int f; (f = r.next()) != -1; ) {
      if (f == 1) name = r.string();
      else if (f == 2) {
        ProtoReader type = r.message();
        for (int g; (g = type.next()) != -1; ) {
          if (g != 1) { type.skip(); continue; }
          ProtoReader tensor = type.message();
          for (int h; (h = tensor.next()) != -1; ) {
            if (h != 2) { tensor.skip(); continue; }
            ProtoReader shape = tensor.message();
            for (int k; (k = shape.next()) != -1; ) {
              if (k != 1) { shape.skip(); continue; }
              ProtoReader dim = shape.message();
              long v = -1;
              for (int q; (q = dim.next()) != -1; ) { if (q == 1) v = dim.varint(); else dim.skip(); }
              dims.add(v);
            }
          }
        }
      } else r.skip();
    }
    return new ValueInfo(name, dims.stream().mapToLong(Long::longValue).toArray());
  }

  private static final class FloatList {
    private float[] a = new float[16];
    private int n;
    void add(float v) { if (n == a.length) a = java.util.Arrays.copyOf(a, 2 * n); a[n++] = v; }
    float[] toArray() { return java.util.Arrays.copyOf(a, n); }
  }
}
