package vecrl.gpu;

import com.aparapi.Range;
import com.aparapi.device.OpenCLDevice;
import java.util.Locale;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

/**
 * Not a test: measures, for an MLP-sized layer ([2048, 64] x [64, 64] and tanh over [2048, 64]),
 * the time of a backend call with Aparapi's implicit copies against explicit put / execute / get,
 * and the CPU backends. Run with the test class path and the gpu JVM flags; prints one table.
 */
final class TransferProbe {
  private TransferProbe() {}

  private static double millis(Runnable r, int reps) {
    for (int i = 0; i < 5; i++) r.run();
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) r.run();
    return (System.nanoTime() - t0) / 1e6 / reps;
  }

  public static void main(String[] args) {
    int reps = 50;
    Rng rng = new Rng(1);
    Tensor x = Tensor.zeros(2048, 64), w = Tensor.zeros(64, 64), y = Tensor.zeros(2048, 64);
    rng.fillUniform(x, -1, 1);
    rng.fillUniform(w, -1, 1);
    try (OpenClKernels gpu = OpenClKernels.open(System.getProperty(OpenClDevices.DEVICE_PROPERTY))) {
      System.out.println("device: " + gpu.deviceName());
      System.out.printf(Locale.ROOT, "opencl matmul [2048,64]x[64,64], implicit copies: %.3f ms%n", millis(() -> gpu.matmul(x, false, w, false, y, 0f), reps));
      System.out.printf(Locale.ROOT, "opencl tanh [2048,64], implicit copies:            %.3f ms%n", millis(() -> gpu.unary(UnaryOp.TANH, x, y), reps));
      for (String name : new String[] {"scalar", "vector"}) {
        Kernels k = Backends.byName(name);
        System.out.printf(Locale.ROOT, "%s matmul: %.3f ms, tanh: %.3f ms%n", name,
            millis(() -> k.matmul(x, false, w, false, y, 0f), reps), millis(() -> k.unary(UnaryOp.TANH, x, y), reps));
      }
      // Explicit buffers: the same kernel with copies only where asked for.
      OpenCLDevice dev = OpenClDevices.select(System.getProperty(OpenClDevices.DEVICE_PROPERTY));
      MatmulKernel mk = new MatmulKernel(16, new float[1]);
      try {
        mk.setExplicit(true);
        mk.a = x.data();
        mk.b = w.data();
        mk.c = y.data();
        mk.m = 2048;
        mk.n = 64;
        mk.k = 64;
        mk.lda = 64;
        mk.ldb = 64;
        Range r = Range.create2D(dev, 64, 2048, 16, 16);
        mk.put(mk.a).put(mk.b).put(mk.c);
        mk.execute(r);
        if (!mk.isRunningCL()) throw new IllegalStateException("probe kernel did not run on OpenCL");
        double put = millis(() -> mk.put(mk.a).put(mk.b), reps);
        double exec = millis(() -> mk.execute(r), reps);
        double get = millis(() -> mk.get(mk.c), reps);
        System.out.printf(Locale.ROOT, "explicit matmul: put a+b %.3f ms, execute %.3f ms, get c %.3f ms%n", put, exec, get);
      } finally {
        mk.dispose();
      }
    }
  }
}
