package vecrl.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import vecrl.autodiff.Adam;
import vecrl.autodiff.LrSchedule;
import vecrl.autodiff.MlpBenchCase;
import vecrl.tensor.VectorKernels;

/**
 * Autodiff overhead, each case next to its own matrix multiplies in the same run (issue 3):
 *
 * <ul>
 *   <li>A: MLP 64 -> 64 (tanh) -> 64, batch 2048, loss = mean(y^2), forward + backward.
 *   <li>B: the PPO actor 4 -> 64 (tanh) -> 64 (tanh) -> 2, batch 2048 and 128, forward + backward.
 *   <li>C: 64 -> 64 (tanh) -> 64 (tanh) -> 1, batch 2048, forward + backward.
 *   <li>D: one Adam step on B's parameters.
 * </ul>
 *
 * The {@code *Matmuls} benchmarks run exactly the GEMMs the forward + backward pass runs (same
 * shapes, transposes and beta), nothing else: the ratio of a case to its matmuls is the autodiff
 * overhead (target <= 1.3). The cases are {@link MlpBenchCase}; {@code ./vecrl bench-autodiff}
 * measures the same ratios with the two workloads alternating, which a shared machine's drifting
 * speed disturbs less than two benchmarks run one after the other.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar AutodiffBench -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Dvecrl.threads=1"})
@Threads(1)
public class AutodiffBench {

  /** A case of {@link MlpBenchCase} on one thread; the subclasses name it. */
  public abstract static class Mlp {
    MlpBenchCase c;

    abstract String name();

    @Setup(Level.Trial)
    public void setup() {
      // One thread, explicitly (the targets are single-threaded).
      c = MlpBenchCase.of(name(), VectorKernels.create(1));
    }

    float step() {
      return c.step();
    }

    float matmuls() {
      return c.matmuls();
    }
  }

  @State(Scope.Thread)
  public static class CaseA extends Mlp {
    @Override String name() { return "A"; }
  }

  @State(Scope.Thread)
  public static class CaseB2048 extends Mlp {
    @Override String name() { return "B2048"; }
  }

  @State(Scope.Thread)
  public static class CaseB128 extends Mlp {
    @Override String name() { return "B128"; }
  }

  @State(Scope.Thread)
  public static class CaseC extends Mlp {
    @Override String name() { return "C"; }
  }

  /** Case D: Adam on the parameters of B, with gradients from one backward pass. */
  @State(Scope.Thread)
  public static class CaseD extends Mlp {
    Adam adam;

    @Override String name() { return "B128"; }

    @Override
    @Setup(Level.Trial)
    public void setup() {
      super.setup();
      step();
      // Learning rate 0: the update does all its work but the parameters stay put, so the workload
      // does not drift (minimising mean(y^2) drives gradients towards denormals, which are slow).
      adam = new Adam(c.params(), c.kernels(), LrSchedule.constant(0), 0.9, 0.999, 1e-5, 0, false);
    }
  }

  @Benchmark public float caseA(CaseA s) { return s.step(); }
  @Benchmark public float caseAMatmuls(CaseA s) { return s.matmuls(); }
  @Benchmark public float caseB2048(CaseB2048 s) { return s.step(); }
  @Benchmark public float caseB2048Matmuls(CaseB2048 s) { return s.matmuls(); }
  @Benchmark public float caseB128(CaseB128 s) { return s.step(); }
  @Benchmark public float caseB128Matmuls(CaseB128 s) { return s.matmuls(); }
  @Benchmark public float caseC(CaseC s) { return s.step(); }
  @Benchmark public float caseCMatmuls(CaseC s) { return s.matmuls(); }

  @Benchmark
  public long caseDAdam(CaseD s) {
    s.adam.step();
    return s.adam.stepCount();
  }

  /** Forward + backward + Adam step on B at batch 128: the whole steady-state training step (allocation check). */
  @Benchmark
  public float caseB128TrainStep(CaseD s) {
    float loss = s.step();
    s.adam.step();
    return loss;
  }
}
