package vecrl.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import vecrl.tensor.Conv2dGeometry;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;
import vecrl.tensor.VectorKernels;

/**
 * The two ways of the vector backend's convolution forward, on NatureCNN's three layers (84x84x4
 * input), one thread, in the same run: im2col + the fused GEMM (the interface's composition,
 * {@code im2col} then {@code linear}, which the backend used before) against the direct convolution
 * that {@code VectorKernels.conv2d} now runs for these layers. Each round times one call of each,
 * alternating, after 3 s of warm-up. First checks that the two agree (largest difference relative to
 * the largest output), and fails if they do not.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar vecrl.bench.Conv2dChoiceTiming [BATCH] [ROUNDS]</pre>
 *
 * Prints per layer the median and best milliseconds of both and the ratio direct / im2col (above 1:
 * im2col + GEMM is faster), with the load average before and after.
 */
public final class Conv2dChoiceTiming {
  private Conv2dChoiceTiming() {}

  public static void main(String[] args) throws Exception {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    Kernels k = VectorKernels.create(1);
    Rng rng = new Rng(1);
    Conv2dGeometry[] layers = {new Conv2dGeometry(batch, 84, 84, 4, 32, 8, 8, 4, 0), new Conv2dGeometry(batch, 20, 20, 32, 64, 4, 4, 2, 0),
        new Conv2dGeometry(batch, 9, 9, 64, 64, 3, 3, 1, 0)};
    System.out.println("load average before: " + loadAverage());
    double totalIm2col = 0, totalDirect = 0;
    for (Conv2dGeometry g : layers) {
      Tensor x = Tensor.zeros(g.batch(), g.height() * g.width() * g.channels());
      Tensor w = Tensor.zeros(g.outChannels(), g.patchSize()), b = Tensor.zeros(g.outChannels());
      rng.fillUniform(x, 0f, 1f);
      rng.fillUniform(w, -0.1f, 0.1f);
      rng.fillUniform(b, -0.1f, 0.1f);
      Tensor cols = Tensor.zeros(g.outRows(), g.patchSize()), viaGemm = Tensor.zeros(g.outRows(), g.outChannels());
      Tensor directOut = Tensor.zeros(g.outRows(), g.outChannels());
      float[] direct = directOut.data();
      Runnable gemm = () -> {
        k.im2col(x, g, cols);
        k.linear(cols, w, b, UnaryOp.RELU, viaGemm);
      };
      Runnable dir = () -> k.conv2d(x, w, b, UnaryOp.RELU, g, cols, directOut);
      gemm.run();
      dir.run();
      float max = 0f, diff = 0f;
      for (int i = 0; i < direct.length; i++) {
        max = Math.max(max, Math.abs(viaGemm.data()[i]));
        diff = Math.max(diff, Math.abs(viaGemm.data()[i] - direct[i]));
      }
      if (!(diff <= 1e-5f * max)) throw new AssertionError(g + ": direct and im2col + GEMM differ by " + diff + " (largest output " + max + ")");
      long warmEnd = System.nanoTime() + 3_000_000_000L;
      while (System.nanoTime() < warmEnd) {
        gemm.run();
        dir.run();
      }
      double[] tg = new double[rounds], td = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        gemm.run();
        long t1 = System.nanoTime();
        dir.run();
        long t2 = System.nanoTime();
        tg[r] = (t1 - t0) / 1e6;
        td[r] = (t2 - t1) / 1e6;
      }
      Arrays.sort(tg);
      Arrays.sort(td);
      totalIm2col += tg[rounds / 2];
      totalDirect += td[rounds / 2];
      System.out.println(String.format(Locale.ROOT,
          "%s: im2col+GEMM median %.3f ms (best %.3f), direct median %.3f ms (best %.3f), direct/im2col %.2f (best %.2f)", g,
          tg[rounds / 2], tg[0], td[rounds / 2], td[0], td[rounds / 2] / tg[rounds / 2], td[0] / tg[0]));
    }
    System.out.println(String.format(Locale.ROOT, "three layers, batch %d: im2col+GEMM %.3f ms, direct %.3f ms (medians), direct/im2col %.2f",
        batch, totalIm2col, totalDirect, totalDirect / totalIm2col));
    System.out.println("load average after: " + loadAverage());
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
