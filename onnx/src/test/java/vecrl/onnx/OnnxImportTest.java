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
    compare(m, "cartpole_actor");
  }

  @Test void pendulumGaussianActorMatchesPyTorch() throws IOException {
    OnnxModel m = fixture("pendulum_actor");
    assertEquals(3, m.inputSize());
    assertEquals(List.of("mean", "log_std"), m.outputNames());
    compare(m, "pendulum_actor");
  }

  @Test void runAllocatesNothingAfterWarmUp() throws IOException {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    OnnxModel m = fixture("pendulum_actor");
    float[] obs = {0.3f, -0.8f, 1.5f};
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
    g.node("LogSoftmax", "y", new String[] {g.node("Relu", new String[] {h})}, OnnxGraph.attrInt("axis", -1));
    g.output("y", OnnxGraph.FLOAT, null, 3L);
    Path f = dir.resolve("t.onnx");
    g.write(f, "");
    float[] y = OnnxImport.load(f).run(new float[] {1f, -1f}, 0).output("y");
    double[] z = {Math.max(1 - 4 + 0.5, 0), Math.max(2 - 5 - 1, 0), Math.max(3 - 6, 0)};
    double lse = Math.log(Math.exp(z[0]) + Math.exp(z[1]) + Math.exp(z[2]));
    for (int i = 0; i < 3; i++) assertEquals(z[i] - lse, y[i], 1e-6);
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
