package vecrl.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vecrl.autodiff.Adam;
import vecrl.autodiff.LrSchedule;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

/**
 * A steady-state training step of AutodiffBench's case B MLP (4 -> 64 tanh -> 64 tanh -> 2, batch
 * 2048, loss mean(y^2)): forward and backward on the tape, Adam, and the loss read on the host.
 *
 * <p>The bound, from what the host needs: the input batch does not change between steps, and the
 * parameters, gradients, Adam moments and activations live on the device, so nothing goes to the
 * device; the host reads the loss, one float (4 bytes). A regression to a copy per op moves
 * megabytes (the implicit mode moves about 16.7 MB in and 6.5 MB out per step).
 */
final class ResidentTrainingStepTest {
  private static final long BYTES_TO_DEVICE_PER_STEP = 0;
  private static final long BYTES_TO_HOST_PER_STEP = 4;

  @Test
  void steadyStateStepMovesOnlyTheLoss() {
    OpenClKernels gpu = OpenClTestSupport.openOrNull(true);
    OpenClTestSupport.assumeOpen(gpu);
    try {
      Rng rng = new Rng(42);
      int[] s = {4, 64, 64, 2};
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
      Tensor x = Tensor.zeros(2048, 4);
      rng.fillUniform(x, -1, 1);
      Tape tape = new Tape(gpu);
      Adam adam = new Adam(params, gpu, LrSchedule.constant(1e-2), 0.9, 0.999, 1e-5, 0, false);
      float first = 0, loss = 0;
      int steps = 5;
      for (int i = 0; i < steps; i++) {
        if (i == 2) gpu.resetTransferCounts(); // steps 0 and 1 copy the batch and parameters in, and build the tape's buffers
        tape.clear();
        params.zeroGrad();
        Var h = tape.input(x);
        for (int l = 0; l < 3; l++) h = h.linear(w[l], b[l], l < 2 ? UnaryOp.TANH : null);
        Var lv = h.square().mean();
        tape.backward(lv);
        loss = lv.item();
        if (i == 0) first = loss;
        adam.step();
      }
      int measured = steps - 2;
      assertEquals(BYTES_TO_DEVICE_PER_STEP * measured, gpu.bytesToDevice(), "bytes to device over " + measured + " steps");
      assertEquals(BYTES_TO_HOST_PER_STEP * measured, gpu.bytesToHost(), "bytes to host over " + measured + " steps");
      // The loss the host read is live: Adam on the device lowers it step after step.
      assertTrue(loss < first, "loss " + loss + " after " + steps + " steps should be below the first " + first);
      assertEquals(0, gpu.arenaResets());
    } finally {
      if (gpu != null) gpu.close();
    }
  }
}
