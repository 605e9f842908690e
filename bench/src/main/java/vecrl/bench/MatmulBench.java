package vecrl.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.ScalarKernels;
import vecrl.tensor.Tensor;
import vecrl.tensor.VectorKernels;

/** c = a . b at M x K x N, output preallocated; the vector kernels on a fixed number of threads. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class MatmulBench {
  @Param({"64x64x64", "256x256x256", "512x512x512", "1024x1024x1024", "1x64x64", "2048x64x64", "2048x4x64", "2048x64x1"})
  public String shape;

  @Param({"scalar", "vector"})
  public String backend;

  @Param({"1"})
  public int threads;

  Kernels kernels;
  Tensor a, b, c;

  @Setup
  public void setup() {
    String[] d = shape.split("x");
    int m = Integer.parseInt(d[0]), k = Integer.parseInt(d[1]), n = Integer.parseInt(d[2]);
    kernels = backend.equals("scalar") ? new ScalarKernels() : VectorKernels.create(threads);
    Rng rng = new Rng(1);
    a = Tensor.zeros(m, k);
    b = Tensor.zeros(k, n);
    c = Tensor.zeros(m, n);
    rng.fillUniform(a, -1f, 1f);
    rng.fillUniform(b, -1f, 1f);
  }

  @Benchmark
  public Tensor matmul() {
    kernels.matmul(a, false, b, false, c, 0f);
    return c;
  }

  /** The two-thread runs: 512^3 and 1024^3 on one and two threads, vector kernels only. */
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 3, time = 1)
  @Measurement(iterations = 5, time = 1)
  @Fork(1)
  @State(Scope.Thread)
  public static class Threads {
    @Param({"512x512x512", "1024x1024x1024"})
    public String shape;

    @Param({"vector"})
    public String backend;

    @Param({"1", "2"})
    public int threads;

    final MatmulBench inner = new MatmulBench();

    @Setup
    public void setup() {
      inner.shape = shape;
      inner.backend = backend;
      inner.threads = threads;
      inner.setup();
    }

    @Benchmark
    public Tensor matmul() {
      return inner.matmul();
    }
  }
}
