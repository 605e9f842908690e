package vecrl.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

/**
 * The GPU issue's measurements, each on the {@code opencl} backend and on the {@code vector}
 * backend (all cores) in the same run: matrix multiply at 4096³, and forward + backward of a
 * 256 → 256 (tanh) → 256 MLP with loss mean(y²) at batch 65,536 (and smaller batches, to find where
 * the GPU starts to win). The OpenCL backend keeps data on the device between calls (its default
 * resident mode), as in training; the MLP step reads the loss back each time.
 *
 * <pre>
 * ./vecrl bench GpuBench                                  # the default OpenCL device (first GPU)
 * VECRL_JAVA_OPTS=... ./vecrl bench GpuBench -jvmArgsAppend -Dvecrl.opencl.device=0
 * ./vecrl bench GpuBench -p shape=1024x1024x1024 -p batch=1024   # quicker, e.g. on PoCL
 * </pre>
 *
 * A missing OpenCL device is an error for the {@code opencl} rows (no fallback).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class GpuBench {

  /** The backend under test, opened once per trial and closed after it. */
  @State(Scope.Thread)
  public static class Backend {
    @Param({"vector", "opencl"})
    public String backend;

    Kernels kernels;

    @Setup(Level.Trial)
    public void open() {
      kernels = Backends.byName(backend);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
      if (kernels instanceof AutoCloseable c) c.close();
    }
  }

  /** C = A·B at M×K×N. */
  @State(Scope.Thread)
  public static class Matmul {
    @Param({"4096x4096x4096"})
    public String shape;

    Tensor a, b, c;

    @Setup(Level.Trial)
    public void setup() {
      String[] d = shape.split("x");
      int m = Integer.parseInt(d[0]), k = Integer.parseInt(d[1]), n = Integer.parseInt(d[2]);
      Rng rng = new Rng(1);
      a = Tensor.zeros(m, k);
      b = Tensor.zeros(k, n);
      c = Tensor.zeros(m, n);
      rng.fillUniform(a, -1f, 1f);
      rng.fillUniform(b, -1f, 1f);
    }
  }

  /** A 256-wide tanh MLP on a tape over the backend's kernels. */
  @State(Scope.Thread)
  public static class Mlp {
    @Param({"65536", "8192", "1024"})
    public int batch;

    static final int WIDTH = 256, LAYERS = 2;
    Tape tape;
    Parameter[] w = new Parameter[LAYERS], bias = new Parameter[LAYERS];
    ParameterSet params = new ParameterSet();
    Tensor x;

    @Setup(Level.Trial)
    public void setup(Backend be) {
      Rng rng = new Rng(42);
      tape = new Tape(be.kernels);
      x = Tensor.zeros(batch, WIDTH);
      rng.fillUniform(x, -1f, 1f);
      float bound = (float) (1 / Math.sqrt(WIDTH));
      for (int l = 0; l < LAYERS; l++) {
        Tensor wt = Tensor.zeros(WIDTH, WIDTH), bt = Tensor.zeros(WIDTH);
        rng.fillUniform(wt, -bound, bound);
        rng.fillUniform(bt, -bound, bound);
        w[l] = new Parameter("w" + l, wt);
        bias[l] = new Parameter("b" + l, bt);
        params.add(w[l]);
        params.add(bias[l]);
      }
    }

    float step() {
      tape.clear();
      params.zeroGrad();
      Var h = tape.input(x);
      for (int l = 0; l < LAYERS; l++) h = h.linear(w[l], bias[l], l < LAYERS - 1 ? UnaryOp.TANH : null);
      Var loss = h.square().mean();
      tape.backward(loss);
      return loss.item();
    }
  }

  /** NatureCNN (84x84x4, convolutions 32-8-4, 64-4-2, 64-3-1, 512 units, ReLU) forward + backward on a tape. */
  @State(Scope.Thread)
  public static class NatureCnn {
    @Param({"256", "32"})
    public int batch;

    Tape tape;
    final ParameterSet params = new ParameterSet();
    vecrl.nn.Conv2d c1, c2, c3;
    vecrl.nn.Linear fc;
    Tensor x;

    @Setup(Level.Trial)
    public void setup(Backend be) {
      Rng rng = new Rng(7);
      tape = new Tape(be.kernels);
      c1 = new vecrl.nn.Conv2d("c1", 84, 84, 4, 32, 8, 4, 0, vecrl.nn.Init.UNIFORM, rng);
      c2 = new vecrl.nn.Conv2d("c2", 20, 20, 32, 64, 4, 2, 0, vecrl.nn.Init.UNIFORM, rng);
      c3 = new vecrl.nn.Conv2d("c3", 9, 9, 64, 64, 3, 1, 0, vecrl.nn.Init.UNIFORM, rng);
      fc = new vecrl.nn.Linear("fc", 7 * 7 * 64, 512, vecrl.nn.Init.UNIFORM, rng);
      c1.addParameters(params);
      c2.addParameters(params);
      c3.addParameters(params);
      fc.addParameters(params);
      x = Tensor.zeros(batch, 84 * 84 * 4);
      rng.fillUniform(x, 0f, 1f);
    }

    float step() {
      tape.clear();
      params.zeroGrad();
      Var h = c3.forward(c2.forward(c1.forward(tape.input(x), UnaryOp.RELU), UnaryOp.RELU), UnaryOp.RELU);
      Var loss = fc.forward(h.flatten(), vecrl.nn.Activation.RELU).mean();
      tape.backward(loss);
      return loss.item();
    }
  }

  @Benchmark
  public float natureCnnForwardBackward(Backend be, NatureCnn s) {
    return s.step();
  }

  @Benchmark
  public Tensor matmul(Backend be, Matmul s) {
    be.kernels.matmul(s.a, false, s.b, false, s.c, 0f);
    return s.c;
  }

  @Benchmark
  public float mlpForwardBackward(Backend be, Mlp s) {
    return s.step();
  }
}
