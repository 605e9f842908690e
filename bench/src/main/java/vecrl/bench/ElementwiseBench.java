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
import vecrl.tensor.UnaryOp;
import vecrl.tensor.VectorKernels;

/** exp, tanh and log-softmax on a 2048 x 64 tensor, output preallocated. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ElementwiseBench {
  @Param({"exp", "tanh", "logSoftmax"})
  public String op;

  @Param({"scalar", "vector"})
  public String backend;

  Kernels kernels;
  Tensor x, out;

  @Setup
  public void setup() {
    kernels = backend.equals("scalar") ? new ScalarKernels() : VectorKernels.create(1);
    x = Tensor.zeros(2048, 64);
    out = Tensor.zeros(2048, 64);
    new Rng(2).fillUniform(x, -4f, 4f);
  }

  @Benchmark
  public Tensor run() {
    switch (op) {
      case "exp" -> kernels.unary(UnaryOp.EXP, x, out);
      case "tanh" -> kernels.unary(UnaryOp.TANH, x, out);
      default -> kernels.logSoftmaxRows(x, out);
    }
    return out;
  }
}
