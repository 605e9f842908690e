package vecrl.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Once compiled, no Vector API kernel allocates, even when a program uses every op. A training
 * step calls a dozen different unary and binary ops; if their loops share one method (or pick the
 * op with a switch inside a loop), C2 boxes every vector on the heap: hundreds of kB per call and
 * about ten times slower. A benchmark of one op alone does not show it, so this test runs every
 * kernel, with every op and broadcast, in one JVM.
 *
 * <p>It runs in a child JVM with {@code -Xbatch} (compilation finishes before the code runs on),
 * so what it measures is the compiled code, not the interpreter, whatever the machine's load.
 */
class KernelAllocationTest {
  private static final int ROWS = 128, COLS = 64, WARM_ROUNDS = 3000, MEASURED_CALLS = 20;

  /** Every kernel with every op and broadcast kind, keyed by a readable name. */
  static Map<String, Runnable> kernels(Kernels k) {
    Rng r = new Rng(7);
    Tensor x = Tensor.zeros(ROWS, COLS), y = Tensor.zeros(ROWS, COLS), o = Tensor.zeros(ROWS, COLS), g = Tensor.zeros(ROWS, COLS);
    Tensor gx = Tensor.zeros(ROWS, COLS), gy = Tensor.zeros(ROWS, COLS), w = Tensor.zeros(COLS, COLS), scalar = Tensor.zeros(1);
    Tensor row = Tensor.zeros(COLS), rowGrad = Tensor.zeros(COLS), col = Tensor.zeros(ROWS, 1), colGrad = Tensor.zeros(ROWS, 1);
    r.fillUniform(x, 0.1f, 2f);
    r.fillUniform(y, 0.1f, 2f);
    r.fillUniform(g, -1f, 1f);
    r.fillUniform(row, 0.5f, 1f);
    r.fillUniform(col, 0.5f, 1f);
    r.fillUniform(w, -1f, 1f);
    int[] idx = new int[ROWS];
    for (int i = 0; i < ROWS; i++) idx[i] = (i * 7) % COLS;
    Map<String, Runnable> ops = new LinkedHashMap<>();
    for (UnaryOp u : UnaryOp.values()) {
      ops.put("unary " + u, () -> k.unary(u, x, o));
      ops.put("unaryBackward " + u, () -> k.unaryBackward(u, x, y, g, gx));
      ops.put("unaryGradColSums " + u, () -> k.unaryGradColSums(u, x, y, g, gx, rowGrad));
      ops.put("linear " + u, () -> k.linear(x, w, row, u, o));
    }
    ops.put("linear no activation", () -> k.linear(x, w, row, null, o));
    ops.put("linear no bias", () -> k.linear(x, w, null, UnaryOp.TANH, o));
    for (BinaryOp b : BinaryOp.values()) {
      ops.put("binary " + b, () -> k.binary(b, x, y, o));
      ops.put("binary row " + b, () -> k.binary(b, x, row, o));
      ops.put("binary column " + b, () -> k.binary(b, col, x, o));
      ops.put("binaryScalar " + b, () -> k.binaryScalar(b, x, 1.5f, o));
      ops.put("binaryBackward " + b, () -> k.binaryBackward(b, x, y, g, gx, gy));
      ops.put("binaryBackward row " + b, () -> k.binaryBackward(b, x, row, g, gx, rowGrad));
      ops.put("binaryBackward column " + b, () -> k.binaryBackward(b, col, x, g, colGrad, gx));
      ops.put("binaryBackward scalar " + b, () -> k.binaryBackward(b, x, scalar, g, gx, null));
    }
    for (ReduceOp op : ReduceOp.values()) {
      ops.put("reduceRows " + op, () -> k.reduceRows(op, x, col));
      ops.put("reduceCols " + op, () -> k.reduceCols(op, x, row));
      ops.put("reduceAll " + op, () -> k.reduceAll(op, x, scalar));
    }
    ops.put("clamp", () -> k.clamp(x, 0.5f, 1.5f, o));
    ops.put("clampBackward", () -> k.clampBackward(x, 0.5f, 1.5f, g, gx));
    ops.put("where", () -> k.where(g, x, y, o));
    ops.put("argmaxRows", () -> k.argmaxRows(x, idx));
    ops.put("logSumExpRows", () -> k.logSumExpRows(x, col));
    ops.put("softmaxRows", () -> k.softmaxRows(x, o));
    ops.put("logSoftmaxRows", () -> k.logSoftmaxRows(x, o));
    ops.put("gatherRows", () -> k.gatherRows(x, idx, col));
    ops.put("scatterAddRows", () -> k.scatterAddRows(col, idx, gx));
    ops.put("fill", () -> k.fill(o, 0f));
    ops.put("copy", () -> k.copy(x, o));
    ops.put("matmul", () -> k.matmul(x, false, w, true, o, 0f));
    ops.put("matmul transposed A", () -> k.matmul(g, true, x, false, w, 0f));
    ops.put("matmul beta 1", () -> k.matmul(g, false, w, false, gx, 1f));
    // Few output columns or rows: the dot tiles (A.B^T, A.B), A^T.B by columns, by rows.
    Tensor w2 = Tensor.zeros(2, COLS), w3 = Tensor.zeros(3, COLS), w2t = Tensor.zeros(COLS, 2), o2 = Tensor.zeros(ROWS, 2);
    Tensor o3 = Tensor.zeros(ROWS, 3), o5 = Tensor.zeros(ROWS, 5), x5 = Tensor.zeros(ROWS, 5), w5 = Tensor.zeros(5, 5);
    Tensor x67 = Tensor.zeros(ROWS, 67), w67 = Tensor.zeros(5, 67), x4 = Tensor.zeros(ROWS, 4), g4 = Tensor.zeros(COLS, 4);
    Tensor g2 = Tensor.zeros(ROWS, 2), d2 = Tensor.zeros(2, COLS), rowsT = Tensor.zeros(2, ROWS);
    for (Tensor t : new Tensor[] {w2, w3, w2t, x5, w5, x67, w67, x4, g2}) r.fillUniform(t, -1f, 1f);
    ops.put("matmul 2 columns", () -> k.matmul(x, false, w2, true, o2, 0f));
    ops.put("matmul 2 columns beta 1", () -> k.matmul(x, false, w2, true, o2, 1f));
    ops.put("matmul 3 columns", () -> k.matmul(x, false, w3, true, o3, 0f));
    ops.put("matmul 3 columns beta 1", () -> k.matmul(x, false, w3, true, o3, 1f));
    ops.put("matmul 2 columns not transposed", () -> k.matmul(x, false, w2t, false, o2, 0f));
    ops.put("matmul 5 columns depth 5", () -> k.matmul(x5, false, w5, true, o5, 0f));
    ops.put("matmul 5 columns depth 67", () -> k.matmul(x67, false, w67, true, o5, 0.5f));
    ops.put("matmul 4 columns transposed A", () -> k.matmul(g, true, x4, false, g4, 0f));
    ops.put("matmul 2 rows transposed A", () -> k.matmul(g2, true, x, false, d2, 0f));
    ops.put("matmul 2 rows transposed B", () -> k.matmul(d2, false, x, true, rowsT, 1f));
    // Convolution: im2col, col2im, the convolution and its backward (with padding, so borders take the slow path).
    Conv2dGeometry cg = new Conv2dGeometry(2, 12, 11, 3, 8, 3, 3, 2, 1);
    Tensor img = Tensor.zeros(2, 12, 11, 3), gimg = Tensor.zeros(2, 12, 11, 3), cw = Tensor.zeros(8, cg.patchSize());
    Tensor cb = Tensor.zeros(8), gcw = Tensor.zeros(8, cg.patchSize()), gcb = Tensor.zeros(8);
    Tensor cols = Tensor.zeros(cg.outRows(), cg.patchSize()), cout = Tensor.zeros(cg.outRows(), 8), cgy = Tensor.zeros(cg.outRows(), 8);
    for (Tensor t : new Tensor[] {img, cw, cb, cgy}) r.fillUniform(t, -1f, 1f);
    ops.put("im2col", () -> k.im2col(img, cg, cols));
    ops.put("col2imAdd", () -> k.col2imAdd(cols, cg, gimg));
    ops.put("conv2d relu", () -> k.conv2d(img, cw, cb, UnaryOp.RELU, cg, cols, cout));
    ops.put("conv2dBackward", () -> {
      k.conv2d(img, cw, cb, null, cg, cols, cout);
      k.conv2dBackward(img, cw, cgy, cg, cols, gimg, gcw, gcb);
    });
    // The vector backend's direct convolution (no padding, output channels a multiple of two vectors), and its backward.
    int doc = 2 * jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    Conv2dGeometry dg = new Conv2dGeometry(2, 20, 20, 4, doc, 8, 8, 4, 0);
    Tensor dimg = Tensor.zeros(2, 20, 20, 4), dw = Tensor.zeros(doc, dg.patchSize()), db = Tensor.zeros(doc), dgw = Tensor.zeros(doc, dg.patchSize());
    Tensor dcols = Tensor.zeros(dg.outRows(), dg.patchSize()), dout = Tensor.zeros(dg.outRows(), doc), dgy = Tensor.zeros(dg.outRows(), doc);
    for (Tensor t : new Tensor[] {dimg, dw, db, dgy}) r.fillUniform(t, -1f, 1f);
    ops.put("conv2d direct relu", () -> k.conv2d(dimg, dw, db, UnaryOp.RELU, dg, dcols, dout));
    ops.put("conv2dBackward after direct", () -> {
      k.conv2d(dimg, dw, db, null, dg, dcols, dout);
      k.conv2dBackward(dimg, dw, dgy, dg, dcols, null, dgw, db);
    });
    // Wide enough (200 columns, 3+ panels of B) for the general path that packs A.
    Tensor wideB = Tensor.zeros(COLS, 200), wideBt = Tensor.zeros(200, COLS), wideC = Tensor.zeros(37, 200);
    Tensor tallA = Tensor.wrap(x.data(), 0, new int[] {37, COLS});
    r.fillUniform(wideB, -1f, 1f);
    r.fillUniform(wideBt, -1f, 1f);
    ops.put("matmul packed A", () -> k.matmul(tallA, false, wideB, false, wideC, 0f));
    ops.put("matmul packed A transposed B beta 1", () -> k.matmul(tallA, false, wideBt, true, wideC, 1f));
    return ops;
  }

  /**
   * Entry point of the child JVM: warms the kernels up, then prints "ALLOCATES name bytes" for each
   * that allocates, then "checked N". {@code all}: every kernel; {@code small-model}: only what a
   * small tanh MLP with a squared loss uses (two unary ops and a bias add), the case where a
   * per-kernel call site inlines both ops into one method and runs out of inlining budget.
   */
  public static void main(String[] args) {
    Map<String, Runnable> ops = kernels(VectorKernels.create(1));
    if (args.length > 0 && args[0].equals("small-model")) {
      ops.keySet().retainAll(List.of("unary TANH", "unary SQUARE", "unaryBackward TANH", "unaryBackward SQUARE", "binary row ADD",
          "linear TANH", "linear no activation", "unaryGradColSums TANH"));
    }
    for (int round = 0; round < WARM_ROUNDS; round++) {
      for (Runnable op : ops.values()) op.run();
    }
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().threadId();
    for (Map.Entry<String, Runnable> e : ops.entrySet()) {
      long before = mx.getThreadAllocatedBytes(tid);
      for (int i = 0; i < MEASURED_CALLS; i++) e.getValue().run();
      long perCall = (mx.getThreadAllocatedBytes(tid) - before) / MEASURED_CALLS;
      if (perCall > 0) System.out.println("ALLOCATES " + e.getKey() + " " + perCall + " B/call");
    }
    System.out.println("checked " + ops.size());
  }

  @Test
  void compiledKernelsAllocateNothingWhenEveryOpIsInUse() throws Exception {
    assertNothingAllocates("all");
  }

  @Test
  void compiledKernelsAllocateNothingForASmallModel() throws Exception {
    assertNothingAllocates("small-model");
  }

  private static void assertNothingAllocates(String mode) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xbatch", "--add-modules", "jdk.incubator.vector", "-Dvecrl.threads=1",
        "-cp", System.getProperty("java.class.path"), KernelAllocationTest.class.getName(), mode);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    p.getInputStream().transferTo(buf);
    int rc = p.waitFor();
    String text = buf.toString(StandardCharsets.UTF_8);
    if (rc != 0) fail("child JVM exited with " + rc + ": " + text);
    List<String> allocating = new ArrayList<>();
    String checked = null;
    for (String line : text.split("\\R")) {
      if (line.startsWith("ALLOCATES ")) allocating.add(line.substring("ALLOCATES ".length()));
      if (line.startsWith("checked ")) checked = line;
    }
    if (checked == null) fail("child JVM printed no result: " + text);
    assertEquals(List.of(), allocating, "kernels that allocate after warm-up, " + mode + " (" + checked + ")");
  }
}
