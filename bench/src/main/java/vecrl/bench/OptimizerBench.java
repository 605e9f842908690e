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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import vecrl.autodiff.Adam;
import vecrl.autodiff.GradClip;
import vecrl.autodiff.LrSchedule;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.tensor.CompositeKernels;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.tensor.VectorKernels;

/**
 * The end of a PPO minibatch step, after backward: the gradient's global norm ({@link GradClip},
 * with a bound it never reaches, so no rescaling) and one Adam step, on the parameters of CleanRL's
 * CartPole actor and critic (4-64-64-2 and 4-64-64-1, 12 tensors, 9,027 floats). {@code path}:
 * {@code fused} is the vector backend as the trainer uses it (one {@code adamSteps} call, the norm
 * by {@code sumOfSquares}); {@code perParameter} is the same kernels behind a wrapper that hides
 * them, so the optimizer and the clip take their general paths (one {@code adamStep}, one {@code
 * binary} and one {@code reduceAll} per tensor), with the same bits.
 *
 * <p>Run: {@code ./vecrl bench OptimizerBench}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Dvecrl.threads=1"})
@Threads(1)
@State(Scope.Thread)
public class OptimizerBench {
  @Param({"fused", "perParameter"})
  public String path;

  private Adam adam;
  private GradClip clip;

  @Setup(Level.Trial)
  public void setup() {
    VectorKernels vk = VectorKernels.create(1);
    Kernels k = path.equals("fused") ? vk : hidden(vk);
    int[][] shapes = {{64, 4}, {64}, {64, 64}, {64}, {2, 64}, {2}, {64, 4}, {64}, {64, 64}, {64}, {1, 64}, {1}};
    Parameter[] ps = new Parameter[shapes.length];
    Rng rng = new Rng(7);
    for (int i = 0; i < shapes.length; i++) {
      Tensor v = Tensor.zeros(shapes[i]), g = Tensor.zeros(shapes[i]);
      for (int j = 0; j < v.size(); j++) {
        v.set(j, (float) rng.uniformDouble() - 0.5f);
        g.set(j, 0.01f * ((float) rng.uniformDouble() - 0.5f));
      }
      ps[i] = new Parameter("p" + i, v);
      ps[i].grad().copyFrom(g.toArray());
    }
    ParameterSet params = ParameterSet.of(ps);
    adam = new Adam(params, k, LrSchedule.constant(2.5e-4), 0.9, 0.999, 1e-5, 0, false);
    clip = new GradClip(params, k);
  }

  @Benchmark
  public double clipNormAndAdam() {
    double n = clip.clip(1e30);
    adam.step();
    return n;
  }

  /** The same kernels, not recognisable as the vector backend. */
  private static Kernels hidden(Kernels k) {
    return new CompositeKernels(k);
  }
}
