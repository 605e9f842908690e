package vecrl.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Tier independence of the transcendental kernels. {@link VMath}'s scalar functions use only
 * float +, -, *, /, {@link Math#fma}, min/max, compares and int bit operations, each exactly rounded
 * and so the same in the interpreter, C1 and C2. The tests show that (1) {@link VectorKernels#unary}
 * gives exactly those bits, lanes and tails alike, on special values, every exponent range and
 * random inputs, both on a cold call and after enough calls to be JIT-compiled; (2) a child JVM
 * running interpreted only ({@code -Xint}) and one stopped at C1 produce the same bits as this
 * one; (3) the scalar functions stay within the kernel tolerances of the double-precision reference
 * (2 ulps for exp and log; 4 for sigmoid, softplus; 6 for tanh, a rational function) across the
 * whole float line.
 */
final class VMathTest {
  private static final UnaryOp[] OPS = {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.SOFTPLUS};

  static float scalar(UnaryOp op, float x) {
    return switch (op) {
      case EXP -> VMath.exp(x);
      case LOG -> VMath.log(x);
      case TANH -> VMath.tanh(x);
      case SIGMOID -> VMath.sigmoid(x);
      case SOFTPLUS -> VMath.softplus(x);
      default -> throw new IllegalArgumentException("no VMath form of " + op);
    };
  }

  /** Special values, thresholds of each algorithm and their neighbours. */
  private static float[] specials() {
    float[] base = {0f, -0f, 1f, -1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE,
        -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, 1e-40f, Float.MAX_VALUE, -Float.MAX_VALUE, 88.72283f, 88.7229f,
        89f, -87.33655f, -103.972f, -104f, -110f, 0.75f, -0.75f, 9f, 9.01f, -9.01f, 20f, -20f, 1e-30f, -1e-30f,
        0.5f, 2f, 0.70710677f, 1.4142135f, Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffc00000)};
    List<Float> out = new ArrayList<>();
    for (float f : base) {
      out.add(f);
      out.add(Math.nextUp(f));
      out.add(Math.nextDown(f));
    }
    float[] a = new float[out.size()];
    for (int i = 0; i < a.length; i++) a[i] = out.get(i);
    return a;
  }

  /** n inputs: the specials at the start and again at the end (so some land in scalar tails), random bit patterns and moderate values between. */
  static float[] inputs(long seed, int n) {
    Rng rng = new Rng(seed);
    float[] sp = specials(), x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = switch (i % 3) {
        case 0 -> Float.intBitsToFloat(rng.nextInt());
        case 1 -> rng.nextInt(-2000, 2000) / 100f + rng.nextInt(0, 1000) * 1e-5f;
        default -> (float) Math.scalb(rng.nextInt(1, 1 << 24), rng.nextInt(-170, 10)) * (rng.nextInt(2) == 0 ? 1 : -1);
      };
    }
    System.arraycopy(sp, 0, x, 0, sp.length);
    System.arraycopy(sp, 0, x, n - sp.length, sp.length);
    return x;
  }

  private static void assertKernelEqualsScalar(VectorKernels vec, UnaryOp op, float[] x, String when) {
    Tensor in = Tensor.wrap(x, new int[] {x.length}), out = Tensor.zeros(x.length);
    vec.unary(op, in, out);
    for (int i = 0; i < x.length; i++) {
      float expected = scalar(op, x[i]), actual = out.get(i);
      if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(actual)
          && !(Float.isNaN(expected) && Float.isNaN(actual))) {
        fail("unary " + op + " " + when + " at " + i + " (x = " + x[i] + "): vector kernel gives " + actual
            + ", the scalar algorithm " + expected);
      }
    }
  }

  @Test
  void vectorKernelsEqualScalarAlgorithmBitForBit() {
    VectorKernels vec = VectorKernels.create(1);
    float[] x = inputs(41, 4099);
    for (UnaryOp op : OPS) assertKernelEqualsScalar(vec, op, x, "cold");
    // Enough calls for C1 and C2 to compile the loops, then the same comparison.
    float[] warm = inputs(42, 4096);
    Tensor wi = Tensor.wrap(warm, new int[] {warm.length}), wo = Tensor.zeros(warm.length);
    for (int rep = 0; rep < 400; rep++) for (UnaryOp op : OPS) vec.unary(op, wi, wo);
    for (UnaryOp op : OPS) assertKernelEqualsScalar(vec, op, x, "after warm-up");
  }

  /** Entry point of the child JVMs: prints one bit checksum per op over the same inputs as {@link #tiersAgree}. */
  public static void main(String[] args) {
    System.out.println(checksums(VectorKernels.create(1)));
  }

  static String checksums(VectorKernels vec) {
    float[] x = inputs(43, 2051);
    Tensor in = Tensor.wrap(x, new int[] {x.length}), out = Tensor.zeros(x.length);
    StringBuilder sb = new StringBuilder();
    for (UnaryOp op : OPS) {
      vec.unary(op, in, out);
      long h = 1;
      for (int i = 0; i < x.length; i++) h = h * 1_000_003L + Float.floatToIntBits(out.get(i)); // one NaN: payloads are not compared
      sb.append(op).append('=').append(Long.toHexString(h)).append(' ');
    }
    return sb.toString().trim();
  }

  private static String runChild(String flag) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, flag, "--add-modules", "jdk.incubator.vector",
        "-cp", System.getProperty("java.class.path"), VMathTest.class.getName());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    p.getInputStream().transferTo(buf);
    int rc = p.waitFor();
    String text = buf.toString(StandardCharsets.UTF_8);
    if (rc != 0) fail("child JVM " + flag + " exited with " + rc + ": " + text);
    // The last line is the checksum; earlier lines are the incubator-module warning.
    String[] lines = text.strip().split("\\R");
    return lines[lines.length - 1].strip();
  }

  @Test
  void tiersAgree() throws Exception {
    VectorKernels vec = VectorKernels.create(1);
    float[] warm = inputs(44, 4096);
    Tensor wi = Tensor.wrap(warm, new int[] {warm.length}), wo = Tensor.zeros(warm.length);
    for (int rep = 0; rep < 400; rep++) for (UnaryOp op : OPS) vec.unary(op, wi, wo);
    String here = checksums(vec);
    assertEquals(here, runChild("-Xint"), "interpreter-only JVM");
    assertEquals(here, runChild("-XX:TieredStopAtLevel=1"), "C1-only JVM");
  }

  private static long ulps(float a, float b) {
    return Checks.ulps(a, b);
  }

  @Test
  void scalarAlgorithmsStayWithinKernelTolerances() {
    DoubleUnaryOperator sigmoid = v -> v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    for (UnaryOp op : OPS) {
      long tol = switch (op) {
        case SIGMOID, SOFTPLUS -> 4;
        case TANH -> 6;
        default -> 2;
      };
      // Every 4099th bit pattern: all signs and exponents, ~1M points.
      for (long bits = 0; bits < (1L << 32); bits += 4099) {
        float x = Float.intBitsToFloat((int) bits);
        float expected = op.apply(x), actual = scalar(op, x);
        if (ulps(expected, actual) > tol) {
          fail(op + "(" + x + ") = " + actual + ", expected " + expected + " within " + tol + " ulps (off by "
              + ulps(expected, actual) + ")");
        }
      }
      for (float x : specials()) {
        float expected = op.apply(x), actual = scalar(op, x);
        if (ulps(expected, actual) > tol) fail(op + "(" + x + ") = " + actual + ", expected " + expected);
      }
    }
    assertEquals(0f, VMath.exp(Float.NEGATIVE_INFINITY));
    assertEquals(Float.POSITIVE_INFINITY, VMath.exp(Float.POSITIVE_INFINITY));
    assertEquals(Float.NEGATIVE_INFINITY, VMath.log(0f));
    assertEquals(Float.NEGATIVE_INFINITY, VMath.log(-0f));
    assertEquals(Float.NaN, VMath.log(-1f));
    assertEquals(Float.POSITIVE_INFINITY, VMath.log(Float.POSITIVE_INFINITY));
    assertEquals(1f, VMath.tanh(Float.POSITIVE_INFINITY));
    assertEquals(-1f, VMath.tanh(Float.NEGATIVE_INFINITY));
    assertEquals(-0f, VMath.tanh(-0f));
    assertEquals(Float.NaN, VMath.tanh(Float.NaN));
    assertEquals((float) sigmoid.applyAsDouble(-120), VMath.sigmoid(-120f));
  }

  @Test
  void logSoftmaxKeepsPrecisionOfLargeLogits() {
    VectorKernels vec = VectorKernels.create(1);
    Tensor x = Tensor.matrix(new float[][] {{3e4f, 3e4f, -3e4f}});
    Tensor ls = Tensor.zeros(1, 3), sm = Tensor.zeros(1, 3), lse = Tensor.zeros(1);
    vec.logSoftmaxRows(x, ls);
    vec.softmaxRows(x, sm);
    vec.logSumExpRows(x, lse);
    // log(1/2) rounded to float is -0.6931472; computing x - (max + log 2) would give -0.693359375.
    float half = (float) -Math.log(2);
    assertEquals(half, ls.get(0, 0), Math.ulp(half));
    assertEquals(half, ls.get(0, 1), Math.ulp(half));
    assertEquals((float) (-6e4 - Math.log(2)), ls.get(0, 2), Math.ulp(6e4f));
    assertEquals(0.5f, sm.get(0, 0), Math.ulp(0.5f));
    assertEquals(0.5f, sm.get(0, 1), Math.ulp(0.5f));
    assertEquals(0f, sm.get(0, 2));
    assertEquals((float) (3e4 + Math.log(2)), lse.get(0), Math.ulp(3e4f));
  }
}
