package vecrl.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the committed PyTorch-exported actors (made by make_fixtures.py beside them) and compares
 * every output with PyTorch's, on the 100 committed observations, to 1e-5.
 */
class OnnxImportTest {
  private static final double TOL = 1e-5;
  @TempDir Path dir;

  @Test void cartPoleActorMatchesPyTorch() throws IOException {
    OnnxModel m = fixture("cartpole_actor");
    assertEquals(4, m.inputSize());
    assertEquals(List.of("logits", "probs"), m.outputNames());
    assertEquals(List.of("FrozenMLP 4-64-64-2, tanh, then identity -> logits", "Softmax -> probs"), m.plan());
    compare(m, "cartpole_actor");
  }

  @Test void pendulumGaussianActorMatchesPyTorch() throws IOException {
    OnnxModel m = fixture("pendulum_actor");
    assertEquals(3, m.inputSize());
    assertEquals(List.of("mean", "log_std"), m.outputNames());
    assertTrue(m.plan().contains("FrozenMLP 3-64-64-1, relu, then identity -> mean"), m.plan().toString());
    compare(m, "pendulum_actor");
  }

  @Test void runAllocatesNothingAfterWarmUp() throws IOException {
    assertAllocatesNothing(fixture("pendulum_actor"), new float[] {0.3f, -0.8f, 1.5f});
  }

  @Test void frozenPathAllocatesNothingAfterWarmUp() throws IOException {
    OnnxModel m = fixture("cartpole_actor");
    assertTrue(m.plan().get(0).startsWith("FrozenMLP"), m.plan().toString());
    assertAllocatesNothing(m, new float[] {0.02f, -0.3f, 0.05f, 0.4f});
  }

  private static void assertAllocatesNothing(OnnxModel m, float[] obs) {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().threadId();
    // steady state: when C2 has compiled run() (a point that depends on JIT timing), a window of 20,000
    // runs allocates nothing; until then the interpreted code boxes. At most 20 windows of warm-up.
    long allocated = Long.MAX_VALUE;
    for (int window = 0; window < 20 && allocated >= 1024; window++) {
      long before = mx.getThreadAllocatedBytes(tid);
      for (int i = 0; i < 20000; i++) m.run(obs, 0);
      allocated = mx.getThreadAllocatedBytes(tid) - before;
    }
    // allow for the measurement call itself; 20000 runs allocating even 8 bytes each would be 160 kB
    assertTrue(allocated < 1024, "allocated " + allocated + " bytes in 20000 runs, still after 20 windows");
  }

  @Test void matMulAddLogSoftmax() throws IOException {
    OnnxGraph g = new OnnxGraph("t");
    g.input("x", OnnxGraph.FLOAT, null, 2L);
    String h = g.node("MatMul", new String[] {"x", g.constant("w", new float[] {1, 2, 3, 4, 5, 6}, 2, 3)});
    h = g.node("Add", new String[] {h, g.constant("b", new float[] {0.5f, -1f, 0f}, 3)});
    String r = g.node("Relu", new String[] {h});
    g.node("LogSoftmax", "y", new String[] {r}, OnnxGraph.attrInt("axis", -1));
    g.output("y", OnnxGraph.FLOAT, null, 3L);
    Path f = dir.resolve("t.onnx");
    g.write(f, "");
    OnnxModel m = OnnxImport.load(f);
    assertEquals(List.of("FrozenMLP 2-3, relu -> " + r, "LogSoftmax -> y"), m.plan());
    float[] y = m.run(new float[] {1f, -1f}, 0).output("y");
    double[] z = {Math.max(1 - 4 + 0.5, 0), Math.max(2 - 5 - 1, 0), Math.max(3 - 6, 0)};
    double lse = Math.log(Math.exp(z[0]) + Math.exp(z[1]) + Math.exp(z[2]));
    for (int i = 0; i < 3; i++) assertEquals(z[i] - lse, y[i], 1e-6);
  }

  /**
   * MatMul + Add and Gemm (transB) layers with relu, relu, then sigmoid, where the second hidden value
   * is also a graph output: the chain stops there (the value must exist), the rest is a second chain.
   * Expected values by hand.
   */
  @Test void chainsStopAtValuesReadElsewhere() throws IOException {
    OnnxGraph g = new OnnxGraph("t");
    g.input("x", OnnxGraph.FLOAT, null, 2L);
    String h = g.node("MatMul", new String[] {"x", g.constant("w1", new float[] {1, -1, 2, 0.5f}, 2, 2)});   // [in, out]
    h = g.node("Add", new String[] {g.constant("b1", new float[] {0.25f, 0f}, 2), h});
    h = g.node("Relu", new String[] {h});
    h = g.node("Gemm", new String[] {h, g.constant("w2", new float[] {1, 1, -1, 2}, 2, 2), g.constant("b2", new float[] {0f, -1f}, 2)},
        OnnxGraph.attrInt("transB", 1));                                                                         // [out, in]
    g.node("Relu", "hidden", new String[] {h});
    String z = g.node("Gemm", new String[] {"hidden", g.constant("w3", new float[] {0.5f, -0.5f}, 1, 2)}, OnnxGraph.attrInt("transB", 1));
    g.node("Sigmoid", "y", new String[] {z});
    g.output("y", OnnxGraph.FLOAT, null, 1L);
    g.output("hidden", OnnxGraph.FLOAT, null, 2L);
    Path f = dir.resolve("chain.onnx");
    g.write(f, "");
    OnnxModel m = OnnxImport.load(f);
    assertEquals(List.of("FrozenMLP 2-2-2, relu -> hidden", "FrozenMLP 2-1, sigmoid -> y"), m.plan());
    float[] x = {0.5f, 2f};
    // layer 1: x W1 + b1 = [0.5 + 4 + 0.25, -0.5 + 1] = [4.75, 0.5] -> relu same
    // layer 2: W2 h + b2 = [4.75 + 0.5, -4.75 + 1 - 1] = [5.25, -4.75] -> relu [5.25, 0]
    // layer 3: 0.5 * 5.25 = 2.625 -> sigmoid
    m.run(x, 0);
    assertEquals(5.25f, m.output("hidden")[0], 1e-6);
    assertEquals(0f, m.output("hidden")[1], 0f);
    assertEquals(1 / (1 + Math.exp(-2.625)), m.output("y")[0], 1e-6);
  }

  @Test void unsupportedOpIsNamed() throws IOException {
    OnnxGraph g = new OnnxGraph("t");
    g.input("x", OnnxGraph.FLOAT, null, 2L);
    g.node("Erf", "y", new String[] {"x"});
    g.output("y", OnnxGraph.FLOAT, null, 2L);
    Path f = dir.resolve("erf.onnx");
    g.write(f, "");
    IOException e = assertThrows(IOException.class, () -> OnnxImport.load(f));
    assertTrue(e.getMessage().contains("unsupported op 'Erf'"), e.getMessage());
  }

  @Test void truncatedFileIsAClearError() throws IOException {
    byte[] b = read("cartpole_actor.onnx");
    Path f = dir.resolve("cut.onnx");
    Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));
    IOException e = assertThrows(IOException.class, () -> OnnxImport.load(f));
    assertTrue(e.getMessage().contains("ONNX protobuf"), e.getMessage());
  }

  private OnnxModel fixture(String name) throws IOException {
    Path f = dir.resolve(name + ".onnx");
    Files.write(f, read(name + ".onnx"));
    return OnnxImport.load(f);
  }

  private static void compare(OnnxModel m, String name) throws IOException {
    List<String> lines = new String(read(name + ".expected.csv"), StandardCharsets.UTF_8).lines().toList();
    String[] header = lines.get(0).split(",");
    assertEquals(101, lines.size(), "100 observations");
    double max = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      float[] row = new float[cells.length];
      for (int i = 0; i < cells.length; i++) row[i] = Float.parseFloat(cells[i]);
      m.run(row, 0);
      int col = m.inputSize();
      for (String out : m.outputNames()) {
        float[] y = m.output(out);
        for (int i = 0; i < y.length; i++, col++) {
          assertEquals(out + i, header[col]);
          max = Math.max(max, Math.abs(y[i] - row[col]));
        }
      }
      assertEquals(cells.length, col, "every CSV column compared");
    }
    assertTrue(max <= TOL, name + ": max |delta| against PyTorch " + max);
  }

  private static byte[] read(String resource) throws IOException {
    try (InputStream in = OnnxImportTest.class.getResourceAsStream(resource)) {
      if (in == null) throw new IOException("missing test resource " + resource);
      return in.readAllBytes();
    }
  }
}
