package vecrl.train;

import java.util.Locale;
import vecrl.autodiff.Adam;
import vecrl.autodiff.LrSchedule;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.env.EnvRegistry;
import vecrl.gpu.OpenClKernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

/**
 * Not a test: bytes copied host to device and back, and wall time, for (a) one forward + backward
 * + Adam step of AutodiffBench's case B MLP (4 -> 64 tanh -> 64 tanh -> 2, batch 2048) and (b) one
 * PPO iteration of the default CartPole-v1 config, in the OpenCL backend's implicit and resident
 * modes. Run with the rl test class path, the gpu JVM flags and {@code -Dvecrl.opencl.resident=...}.
 */
final class OpenClTransferProbe {
  private OpenClTransferProbe() {}

  public static void main(String[] args) {
    String mode = System.getProperty(OpenClKernels.RESIDENT_PROPERTY, "true");
    try (OpenClKernels k = OpenClKernels.open(null)) {
      mlp(k, mode);
      ppo(k, mode);
    }
  }

  private static void mlp(OpenClKernels k, String mode) {
    Rng rng = new Rng(42);
    int[] s = {4, 64, 64, 2};
    int batch = 2048;
    ParameterSet params = new ParameterSet();
    Parameter[] w = new Parameter[3], b = new Parameter[3];
    for (int l = 0; l < 3; l++) {
      Tensor wt = Tensor.zeros(s[l + 1], s[l]);
      float bound = (float) (1 / Math.sqrt(s[l]));
      rng.fillUniform(wt, -bound, bound);
      Tensor bt = Tensor.zeros(s[l + 1]);
      rng.fillUniform(bt, -bound, bound);
      w[l] = params.add(new Parameter("w" + l, wt));
      b[l] = params.add(new Parameter("b" + l, bt));
    }
    Tensor x = Tensor.zeros(batch, s[0]);
    rng.fillUniform(x, -1, 1);
    Tape tape = new Tape(k);
    Adam adam = new Adam(params, k, LrSchedule.constant(1e-3), 0.9, 0.999, 1e-5, 0, false);
    int warm = 3, steps = 10;
    float loss = 0;
    long t0 = 0;
    for (int i = 0; i < warm + steps; i++) {
      if (i == warm) {
        k.resetTransferCounts();
        t0 = System.nanoTime();
      }
      tape.clear();
      params.zeroGrad();
      Var h = tape.input(x);
      for (int l = 0; l < 3; l++) h = h.linear(w[l], b[l], l < 2 ? UnaryOp.TANH : null);
      Var lv = h.square().mean();
      tape.backward(lv);
      loss = lv.item();
      adam.step();
    }
    double ms = (System.nanoTime() - t0) / 1e6 / steps;
    System.out.printf(Locale.ROOT, "mlp case B step, resident=%s: %d bytes to device, %d bytes to host, %d launches per step, %.2f ms per step (loss %.5f)%n",
        mode, k.bytesToDevice() / steps, k.bytesToHost() / steps, k.kernelLaunches() / steps, ms, loss);
  }

  private static void ppo(OpenClKernels k, String mode) {
    TrainConfig c = TrainConfig.defaults("CartPole-v1");
    try (Trainer t = new Trainer(c, EnvRegistry.standard(), k)) {
      long start = System.nanoTime();
      int warm = 2, its = 4;
      long t0 = 0;
      for (int i = 0; i < warm + its; i++) {
        if (i == warm) {
          k.resetTransferCounts();
          t0 = System.nanoTime();
        }
        t.iterate(start, 0);
      }
      double ms = (System.nanoTime() - t0) / 1e6 / its;
      System.out.printf(Locale.ROOT, "ppo CartPole-v1 default iteration (%d steps), resident=%s: %d bytes to device, %d bytes to host, %d launches per iteration, %.0f ms per iteration%n",
          c.batchSize(), mode, k.bytesToDevice() / its, k.bytesToHost() / its, k.kernelLaunches() / its, ms);
    }
  }
}
