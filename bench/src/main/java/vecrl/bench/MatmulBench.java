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

/**
 * c = op(a) . op(b) at M x K x N (c is M x N), output preallocated; the vector kernels on a fixed
 * number of threads. {@code form}: AB (the default), ABt (c = a . b^T, b is N x K) or AtB (c = a^T
 * . b, a is K x M); run the others with {@code -p form=AB,ABt,AtB}. The thin shapes are a PPO
 * training step's: the actor head (2048x64x2, ABt in the forward pass) and weight gradients
 * (64x2048x4 and 2x2048x64, AtB).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class MatmulBench {
  @Param({"64x64x64", "256x256x256", "512x512x512", "1024x1024x1024", "1x64x64", "2048x64x64", "2048x4x64", "2048x64x1",
      "2048x64x2", "64x2048x4", "2x2048x64"})
  public String shape;

  @Param({"AB"})
  public String form;

  @Param({"scalar", "vector"})
  public String backend;

  @Param({"1"})
  public int threads;

  Kernels kernels;
  Tensor a, b, c;
  boolean ta, tb;

  @Setup
  public void setup() {
    String[] d = shape.split("x");
    int m = Integer.parseInt(d[0]), k = Integer.parseInt(d[1]), n = Integer.parseInt(d[2]);
    kernels = backend.equals("scalar") ? new ScalarKernels() : VectorKernels.create(threads);
    Rng rng = new Rng(1);
    ta = form.equals("AtB");
    tb = form.equals("ABt");
    if (!ta && !tb && !form.equals("AB")) throw new IllegalArgumentException("form " + form + ": expected AB, ABt or AtB");
    a = ta ? Tensor.zeros(k, m) : Tensor.zeros(m, k);
    b = tb ? Tensor.zeros(n, k) : Tensor.zeros(k, n);
    c = Tensor.zeros(m, n);
    rng.fillUniform(a, -1f, 1f);
    rng.fillUniform(b, -1f, 1f);
  }

  @Benchmark
  public Tensor matmul() {
    kernels.matmul(a, ta, b, tb, c, 0f);
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
      inner.form = "AB";
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
