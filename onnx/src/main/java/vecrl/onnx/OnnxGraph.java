package vecrl.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds one ONNX graph (default domain, opset {@link #OPSET}, IR version {@link #IR_VERSION}) and
 * writes it as a ModelProto. Field numbers are those of onnx.proto:
 *
 * <pre>
 * ModelProto:      ir_version 1, producer_name 2, producer_version 3, doc_string 6, graph 7, opset_import 8
 * OperatorSetId:   domain 1, version 2
 * GraphProto:      node 1, name 2, initializer 5, input 11, output 12
 * NodeProto:       input 1, output 2, name 3, op_type 4, attribute 5
 * AttributeProto:  name 1, f 2, i 3, ints 8, type 20 (FLOAT 1, INT 2, INTS 7)
 * TensorProto:     dims 1, data_type 2 (FLOAT 1, INT64 7), float_data 4, int64_data 7, name 8
 * ValueInfoProto:  name 1, type 2;  TypeProto: tensor_type 1;  TypeProto.Tensor: elem_type 1, shape 2
 * TensorShapeProto: dim 1;  Dimension: dim_value 1, dim_param 2
 * </pre>
 */
final class OnnxGraph {
  static final int OPSET = 17;
  static final long IR_VERSION = 8;
  static final int FLOAT = 1, INT64 = 7;

  private final String name;
  private final List<ProtoWriter> nodes = new ArrayList<>(), initializers = new ArrayList<>();
  private final List<ProtoWriter> inputs = new ArrayList<>(), outputs = new ArrayList<>();
  private int counter;

  OnnxGraph(String name) { this.name = name; }

  /** A fresh value name with the given prefix. */
  String fresh(String prefix) { return prefix + "_" + (counter++); }

  /** A float initializer named {@code name} with shape {@code dims}; returns the name. */
  String constant(String name, float[] data, long... dims) {
    checkSize(name, data.length, dims);
    initializers.add(new ProtoWriter().packedInt64(1, dims).int64(2, FLOAT).packedFloat(4, data).string(8, name));
    return name;
  }

  /** An int64 initializer (shapes, axes, slice bounds); returns the name. */
  String constantInt64(String name, long[] data, long... dims) {
    checkSize(name, data.length, dims);
    initializers.add(new ProtoWriter().packedInt64(1, dims).int64(2, INT64).packedInt64(7, data).string(8, name));
    return name;
  }

  private static void checkSize(String name, int n, long[] dims) {
    long p = 1;
    for (long d : dims) p *= d;
    if (p != n) throw new IllegalArgumentException("OnnxGraph: initializer " + name + " has " + n + " values for dims " + java.util.Arrays.toString(dims));
  }

  /** A graph input of element type {@code elemType}; a null entry in dims is the symbolic "batch". */
  void input(String name, int elemType, Long... dims) { inputs.add(valueInfo(name, elemType, dims)); }

  void output(String name, int elemType, Long... dims) { outputs.add(valueInfo(name, elemType, dims)); }

  private static ProtoWriter valueInfo(String name, int elemType, Long[] dims) {
    ProtoWriter shape = new ProtoWriter();
    for (Long d : dims) shape.message(1, d == null ? new ProtoWriter().string(2, "batch") : new ProtoWriter().int64(1, d));
    ProtoWriter tensor = new ProtoWriter().int64(1, elemType).message(2, shape);
    return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensor));
  }

  /** Adds a node with one output named {@code out}; attributes are given by {@link #attrInt} etc. */
  String node(String op, String out, String[] in, ProtoWriter... attrs) {
    ProtoWriter n = new ProtoWriter();
    for (String i : in) n.string(1, i);
    n.string(2, out).string(3, out + "_" + op).string(4, op);
    for (ProtoWriter a : attrs) n.message(5, a);
    nodes.add(n);
    return out;
  }

  /** As {@link #node(String, String, String[], ProtoWriter...)} with a fresh output name. */
  String node(String op, String[] in, ProtoWriter... attrs) { return node(op, fresh(op.toLowerCase()), in, attrs); }

  static ProtoWriter attrInt(String name, long v) { return new ProtoWriter().string(1, name).int64(3, v).int64(20, 2); }

  static ProtoWriter attrFloat(String name, float v) { return new ProtoWriter().string(1, name).float32(2, v).int64(20, 1); }

  static ProtoWriter attrInts(String name, long... v) {
    ProtoWriter a = new ProtoWriter().string(1, name);
    for (long x : v) a.int64(8, x);
    return a.int64(20, 7);
  }

  /** The ModelProto bytes. */
  byte[] toModel(String docString) {
    ProtoWriter g = new ProtoWriter();
    for (ProtoWriter n : nodes) g.message(1, n);
    g.string(2, name);
    for (ProtoWriter t : initializers) g.message(5, t);
    for (ProtoWriter v : inputs) g.message(11, v);
    for (ProtoWriter v : outputs) g.message(12, v);
    return new ProtoWriter().int64(1, IR_VERSION).string(2, "vecrl").string(3, "0.1.0").string(6, docString)
        .message(7, g).message(8, new ProtoWriter().string(1, "").int64(2, OPSET)).toByteArray();
  }

  void write(Path path, String docString) throws IOException {
    Files.write(path, toModel(docString));
  }
}
