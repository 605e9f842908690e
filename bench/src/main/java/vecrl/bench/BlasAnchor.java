package vecrl.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.tensor.VectorKernels;

/**
 * vecrl's matrix multiply against OpenBLAS's {@code cblas_sgemm} in the same process, alternating:
 * for each shape, both are warmed up, then R rounds each time one block of about 5 ms of vecrl
 * calls and one of OpenBLAS calls on the same operands (OpenBLAS reads the Java arrays in place,
 * through a critical downcall). The ratio is vecrl's GFLOP/s over OpenBLAS's, the median of the
 * per-round ratios, so a shared machine's drifting speed falls on both sides of each ratio. Both
 * results are checked against a double-precision reference on a sample of outputs.
 *
 * <p>Run it with {@code bench/blas-anchor.sh}, which sets the OpenBLAS core type (OpenBLAS picks
 * its AVX-512 kernels on this machine only with {@code OPENBLAS_CORETYPE=SkylakeX}); the core type
 * OpenBLAS reports is printed. Arguments: shapes {@code MxKxN[:AB|ABt|AtB]}, {@code --threads N},
 * {@code --rounds R}, {@code --lib PATH} (default {@code libopenblas.so.0}).
 */
public final class BlasAnchor {
  private BlasAnchor() {}

  static final List<String> DEFAULT_SHAPES = List.of("256x256x256", "512x512x512", "1024x1024x1024", "2048x64x64",
      "2048x4x64", "2048x64x1", "2048x64x2:ABt", "64x2048x4:AtB", "1x64x64");

  private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

  public static void main(String[] args) throws Throwable {
    List<String> shapes = new ArrayList<>();
    int threads = 1, rounds = 41;
    String lib = "libopenblas.so.0";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--lib" -> lib = args[++i];
        default -> shapes.add(args[i]);
      }
    }
    if (shapes.isEmpty()) shapes = DEFAULT_SHAPES;
    Linker linker = Linker.nativeLinker();
    Arena arena = Arena.global();
    SymbolLookup blas = SymbolLookup.libraryLookup(lib, arena);
    ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    MethodHandle sgemm = linker.downcallHandle(blas.find("cblas_sgemm").orElseThrow(),
        FunctionDescriptor.ofVoid(I, I, I, I, I, I, F, ValueLayout.ADDRESS, I, ValueLayout.ADDRESS, I, F,
            ValueLayout.ADDRESS, I),
        Linker.Option.critical(true));
    MethodHandle setThreads = linker.downcallHandle(blas.find("openblas_set_num_threads").orElseThrow(),
        FunctionDescriptor.ofVoid(I));
    MethodHandle coreName = linker.downcallHandle(blas.find("openblas_get_corename").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.ADDRESS));
    MethodHandle config = linker.downcallHandle(blas.find("openblas_get_config").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.ADDRESS));
    setThreads.invokeExact(threads);
    String core = ((MemorySegment) coreName.invokeExact()).reinterpret(256).getString(0);
    String conf = ((MemorySegment) config.invokeExact()).reinterpret(256).getString(0);
    System.out.printf(Locale.ROOT, "blas-anchor: vecrl (vector kernels) against OpenBLAS cblas_sgemm, %d thread%s, %d rounds%n",
        threads, threads == 1 ? "" : "s", rounds);
    System.out.printf(Locale.ROOT, "OpenBLAS: %s; core type %s (OPENBLAS_CORETYPE=%s); vecrl: %s%n", conf, core,
        System.getenv("OPENBLAS_CORETYPE"), System.getProperty("java.vm.version"));
    System.out.println("load average before: " + loadavg());
    System.out.printf(Locale.ROOT, "%-18s %12s %12s %12s %12s %8s %8s %8s  %s%n", "shape (MxKxN)", "vecrl us", "vecrl GF/s",
        "blas us", "blas GF/s", "best", "median", "lowest", "max error / bound (vecrl, blas)");
    Kernels kernels = VectorKernels.create(threads);
    for (String s : shapes) {
      String[] sf = s.split(":");
      String form = sf.length > 1 ? sf[1] : "AB";
      String[] d = sf[0].split("x");
      int m = Integer.parseInt(d[0]), k = Integer.parseInt(d[1]), n = Integer.parseInt(d[2]);
      boolean ta = form.equals("AtB"), tb = form.equals("ABt");
      if (!ta && !tb && !form.equals("AB")) throw new IllegalArgumentException(s + ": form " + form + ", expected AB, ABt or AtB");
      Rng rng = new Rng(1);
      Tensor a = ta ? Tensor.zeros(k, m) : Tensor.zeros(m, k);
      Tensor b = tb ? Tensor.zeros(n, k) : Tensor.zeros(k, n);
      Tensor c = Tensor.zeros(m, n), cb = Tensor.zeros(m, n);
      rng.fillUniform(a, -1f, 1f);
      rng.fillUniform(b, -1f, 1f);
      MemorySegment as = MemorySegment.ofArray(a.data()), bs = MemorySegment.ofArray(b.data()),
          cs = MemorySegment.ofArray(cb.data());
      int lda = a.cols(), ldb = b.cols();
      Runnable vec = () -> kernels.matmul(a, ta, b, tb, c, 0f);
      Runnable ref = () -> {
        try {
          sgemm.invokeExact(ROW_MAJOR, ta ? TRANS : NO_TRANS, tb ? TRANS : NO_TRANS, m, n, k, 1f, as, lda, bs, ldb, 0f, cs, n);
        } catch (Throwable e) {
          throw new IllegalStateException(e);
        }
      };
      warmUp(vec, ref);
      String err = String.format(Locale.ROOT, "%.2f, %.2f", errorRatio(a, ta, b, tb, c, k), errorRatio(a, ta, b, tb, cb, k));
      int nv = calls(vec), nb = calls(ref);
      double[] ratios = new double[rounds];
      double bestV = Double.MAX_VALUE, bestB = Double.MAX_VALUE;
      for (int r = 0; r < rounds; r++) {
        long x = System.nanoTime();
        for (int i = 0; i < nv; i++) vec.run();
        long y = System.nanoTime();
        for (int i = 0; i < nb; i++) ref.run();
        long z = System.nanoTime();
        double tv = (y - x) / 1e3 / nv, tbl = (z - y) / 1e3 / nb;
        bestV = Math.min(bestV, tv);
        bestB = Math.min(bestB, tbl);
        ratios[r] = tbl / tv;
      }
      Arrays.sort(ratios);
      double flop = 2.0 * m * n * k;
      System.out.printf(Locale.ROOT, "%-18s %12.3f %12.1f %12.3f %12.1f %8.3f %8.3f %8.3f  %s%n", s, bestV, flop / bestV / 1e3,
          bestB, flop / bestB / 1e3, bestB / bestV, ratios[rounds / 2], ratios[0], err);
    }
    System.out.println("load average after: " + loadavg());
    System.out.println("us: the fastest round's time per call; best: vecrl's speed / OpenBLAS's in their fastest rounds; median, lowest:");
    System.out.println("  of the per-round ratios (> 1: vecrl faster). On a loaded machine the fastest rounds are the ones not interrupted.");
    System.out.println("error: the largest |c - reference| over sampled outputs, divided by k * 2^-24 * sum |a_ip b_pj| (<= 1 is within the usual float bound)");
    System.exit(0); // the kernels' thread pool
  }

  /**
   * Runs both, alternating, for at least 2 s and until vecrl's time per call has stopped falling
   * (two 250 ms windows in a row within 3% of the best so far), at most 30 s: until C2 has compiled
   * the kernels that this shape takes. Vector API code runs hundreds of times slower before, and on
   * a loaded machine C2 can take seconds to get to it.
   */
  private static void warmUp(Runnable vec, Runnable ref) {
    long start = System.nanoTime();
    double best = Double.MAX_VALUE;
    int steady = 0;
    while (System.nanoTime() - start < 30_000_000_000L) {
      long t0 = System.nanoTime(), spent = 0;
      int n = 0;
      while (System.nanoTime() - t0 < 250_000_000L) {
        long x = System.nanoTime();
        vec.run();
        spent += System.nanoTime() - x;
        n++;
        ref.run();
      }
      double perCall = (double) spent / n;
      steady = perCall <= best * 1.03 ? steady + 1 : 0;
      best = Math.min(best, perCall);
      if (steady >= 2 && System.nanoTime() - start >= 2_000_000_000L) return;
    }
  }

  /** Calls per timed block: about 5 ms (at least 1): short, so that a block seldom loses the core to another process. */
  private static int calls(Runnable f) {
    long t0 = System.nanoTime();
    int n = 0;
    while (System.nanoTime() - t0 < 5_000_000L) {
      f.run();
      n++;
    }
    return Math.max(1, n);
  }

  /**
   * The largest error of c over up to 4,096 sampled outputs against a double-precision reference,
   * each divided by the usual bound for a float dot product of length k, {@code k u sum |a b|}.
   */
  static double errorRatio(Tensor a, boolean ta, Tensor b, boolean tb, Tensor c, int k) {
    int m = c.rows(), n = c.cols();
    float[] ad = a.data(), bd = b.data(), cd = c.data();
    int lda = a.cols(), ldb = b.cols();
    long total = (long) m * n, step = Math.max(1, total / 4096);
    double worst = 0;
    for (long e = 0; e < total; e += step) {
      int i = (int) (e / n), j = (int) (e % n);
      double s = 0, abs = 0;
      for (int p = 0; p < k; p++) {
        double x = ta ? ad[p * lda + i] : ad[i * lda + p], y = tb ? bd[j * ldb + p] : bd[p * ldb + j];
        s += x * y;
        abs += Math.abs(x * y);
      }
      double bound = k * Math.ulp(1f) / 2 * abs;
      worst = Math.max(worst, bound == 0 ? Math.abs(cd[i * n + j] - s) : Math.abs(cd[i * n + j] - s) / bound);
    }
    return worst;
  }

  private static String loadavg() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
