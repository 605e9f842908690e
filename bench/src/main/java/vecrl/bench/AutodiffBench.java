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
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;
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
 * overhead (target <= 1.3). Inputs do not require gradients, so no input gradient is computed.
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

  /** An MLP: layer sizes, tanh between layers, identity at the end, loss mean(y^2). */
  public abstract static class Mlp {
    Kernels k;
    Tape tape;
    ParameterSet params;
    Parameter[] w, b;
    Tensor x;
    // buffers for the matmuls-alone baseline
    Tensor[] acts, grads, wgrads;

    abstract int[] sizes();

    abstract int batch();

    @Setup(Level.Trial)
    public void setup() {
      // One thread, explicitly (the targets are single-threaded).
      k = VectorKernels.create(1);
      Rng rng = new Rng(42);
      int[] s = sizes();
      int layers = s.length - 1;
      w = new Parameter[layers];
      b = new Parameter[layers];
      params = new ParameterSet();
      acts = new Tensor[layers + 1];
      grads = new Tensor[layers + 1];
      wgrads = new Tensor[layers];
      x = Tensor.zeros(batch(), s[0]);
      rng.fillUniform(x, -1, 1);
      acts[0] = x;
      for (int l = 0; l < layers; l++) {
        Tensor wt = Tensor.zeros(s[l + 1], s[l]);
        float bound = (float) (1 / Math.sqrt(s[l]));
        rng.fillUniform(wt, -bound, bound);
        Tensor bt = Tensor.zeros(s[l + 1]);
        rng.fillUniform(bt, -bound, bound);
        w[l] = params.add(new Parameter("w" + l, wt));
        b[l] = params.add(new Parameter("b" + l, bt));
        acts[l + 1] = Tensor.zeros(batch(), s[l + 1]);
        grads[l + 1] = Tensor.zeros(batch(), s[l + 1]);
        rng.fillUniform(grads[l + 1], -1, 1);
        wgrads[l] = Tensor.zeros(s[l + 1], s[l]);
      }
      tape = new Tape(k);
    }

    /** Forward + backward on the tape; returns the loss. */
    float step() {
      tape.clear();
      params.zeroGrad();
      Var h = tape.input(x);
      int layers = w.length;
      for (int l = 0; l < layers; l++) h = h.linear(w[l], b[l], l < layers - 1 ? UnaryOp.TANH : null);
      Var loss = h.square().mean();
      tape.backward(loss);
      return loss.item();
    }

    /** The same GEMMs as {@link #step()}: forward x W^T per layer; backward dW = g^T a and (but for the input) dA = g W. */
    float matmuls() {
      int layers = w.length;
      for (int l = 0; l < layers; l++) k.matmul(acts[l], false, w[l].value(), true, acts[l + 1], 0f);
      for (int l = layers - 1; l >= 0; l--) {
        k.matmul(grads[l + 1], true, acts[l], false, wgrads[l], 0f);
        if (l > 0) k.matmul(grads[l + 1], false, w[l].value(), false, grads[l], 0f);
      }
      return wgrads[0].data()[0];
    }
  }

  @State(Scope.Thread)
  public static class CaseA extends Mlp {
    @Override int[] sizes() { return new int[] {64, 64, 64}; }
    @Override int batch() { return 2048; }
  }

  @State(Scope.Thread)
  public static class CaseB2048 extends Mlp {
    @Override int[] sizes() { return new int[] {4, 64, 64, 2}; }
    @Override int batch() { return 2048; }
  }

  @State(Scope.Thread)
  public static class CaseB128 extends Mlp {
    @Override int[] sizes() { return new int[] {4, 64, 64, 2}; }
    @Override int batch() { return 128; }
  }

  @State(Scope.Thread)
  public static class CaseC extends Mlp {
    @Override int[] sizes() { return new int[] {64, 64, 64, 1}; }
    @Override int batch() { return 2048; }
  }

  /** Case D: Adam on the parameters of B, with gradients from one backward pass. */
  @State(Scope.Thread)
  public static class CaseD extends Mlp {
    Adam adam;

    @Override int[] sizes() { return new int[] {4, 64, 64, 2}; }
    @Override int batch() { return 128; }

    @Override
    @Setup(Level.Trial)
    public void setup() {
      super.setup();
      step();
      // Learning rate 0: the update does all its work but the parameters stay put, so the workload
      // does not drift (minimising mean(y^2) drives gradients towards denormals, which are slow).
      adam = new Adam(params, k, LrSchedule.constant(0), 0.9, 0.999, 1e-5, 0, false);
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
