package vecrl.bench;

import java.util.Arrays;
import java.util.Locale;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.nn.Activation;
import vecrl.nn.Conv2d;
import vecrl.nn.Init;
import vecrl.nn.Linear;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;
import vecrl.tensor.VectorKernels;

/**
 * NatureCNN forward + backward on one thread: 84x84x4 images (channels-last), convolutions 32-8-4,
 * 64-4-2, 64-3-1 and a 512-unit linear layer, all with ReLU, loss = mean of the features; the
 * input takes no gradient (it is the observation). scripts/naturecnn_torch.py times the same
 * network in PyTorch, and scripts/naturecnn-bench.sh runs the two alternately.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar vecrl.bench.NatureCnnTiming BATCH ROUNDS [WARMUP_SECONDS]</pre>
 *
 * Prints one line: the batch, the median and the best milliseconds per forward + backward over
 * ROUNDS timed steps after at least WARMUP_SECONDS (default 3) and 5 steps of warm-up, and the bytes allocated per step.
 */
public final class NatureCnnTiming {
  private NatureCnnTiming() {}

  public static void main(String[] args) {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    double warmSeconds = args.length > 2 ? Double.parseDouble(args[2]) : 3;
    Kernels k = VectorKernels.create(1);
    Rng rng = new Rng(1);
    Conv2d c1 = new Conv2d("c1", 84, 84, 4, 32, 8, 4, 0, Init.UNIFORM, rng);
    Conv2d c2 = new Conv2d("c2", 20, 20, 32, 64, 4, 2, 0, Init.UNIFORM, rng);
    Conv2d c3 = new Conv2d("c3", 9, 9, 64, 64, 3, 1, 0, Init.UNIFORM, rng);
    Linear fc = new Linear("fc", 7 * 7 * 64, 512, Init.UNIFORM, rng);
    ParameterSet params = new ParameterSet();
    c1.addParameters(params);
    c2.addParameters(params);
    c3.addParameters(params);
    fc.addParameters(params);
    Tensor x = Tensor.zeros(batch, 84 * 84 * 4);
    rng.fillUniform(x, 0f, 1f);
    Tape tape = new Tape(k);
    Runnable step = () -> {
      tape.clear();
      params.zeroGrad();
      Var h = c3.forward(c2.forward(c1.forward(tape.input(x), UnaryOp.RELU), UnaryOp.RELU), UnaryOp.RELU);
      Var loss = fc.forward(h.flatten(), Activation.RELU).mean();
      tape.backward(loss);
    };
    long warmEnd = System.nanoTime() + (long) (warmSeconds * 1e9);
    for (int warm = 0; warm < 5 || System.nanoTime() < warmEnd; warm++) step.run();
    var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().threadId();
    double[] ms = new double[rounds];
    long bytes0 = mx.getThreadAllocatedBytes(tid);
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      step.run();
      ms[r] = (System.nanoTime() - t0) / 1e6;
    }
    long perStep = (mx.getThreadAllocatedBytes(tid) - bytes0) / rounds;
    Arrays.sort(ms);
    System.out.println(String.format(Locale.ROOT, "vecrl batch %d: median %.2f ms, best %.2f ms per forward+backward (%d rounds), %d B allocated per step",
        batch, ms[rounds / 2], ms[0], rounds, perStep));
  }
}
