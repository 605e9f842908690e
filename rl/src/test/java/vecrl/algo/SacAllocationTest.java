package vecrl.algo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import vecrl.nn.Activation;
import vecrl.policy.MlpSacPolicy;
import vecrl.space.Box;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Allocation of a steady-state SAC gradient step (the buffer's sample and {@code Sac.learn}), by the
 * thread's allocation counter, on the scalar kernels (plain loops: what they allocate does not depend
 * on what the JIT has compiled yet, unlike the Vector API's boxes before C2).
 *
 * <p>The step draws its noise with {@link Rng#fillNormal}, whose Box-Muller {@code StrictMath.cos}
 * allocates inside the JDK (FdLibm's argument reduction makes a {@code double[2]} per call, 32 bytes
 * per draw; changing the generator would change every run's bits). The test measures those draws
 * separately, the same number on the same generator, and bounds what the step allocates beyond them
 * at 1 KB: the tapes, the kernels, the optimizers and the buffer's sample reuse their buffers.
 */
final class SacAllocationTest {
  static final com.sun.management.ThreadMXBean MX = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  static final int HIDDEN = 32, BATCH = 32, WARM = 300, STEPS = 100, WINDOWS = 5;

  /** Bytes per step: {learn and sample, the step's normal draws alone}. */
  static long[] perStep(boolean sde) {
    Kernels k = Backends.byName("scalar");
    Box obs = new Box(-8f, 8f, 3), act = new Box(-2f, 2f, 1);
    Rng rng = new Rng(3);
    MlpSacPolicy p = new MlpSacPolicy(obs, act, new int[] {HIDDEN, HIDDEN}, new int[] {HIDDEN, HIDDEN}, Activation.RELU, 2, 0f,
        sde ? new MlpSacPolicy.Sde(-3f, 2f) : null, rng);
    Sac sac = new Sac(p, new Sac.Settings(0.99, 0.005, 3e-4, 0, true, 1, Double.NaN, 1, 1), k);
    ReplayBuffer buf = new ReplayBuffer(1000, 1, 3, 1, BATCH, false);
    float[] o = new float[3], n = new float[3], a = new float[1], r = new float[1];
    boolean[] term = new boolean[1], trunc = new boolean[1];
    for (int i = 0; i < 500; i++) {
      for (int j = 0; j < 3; j++) {
        o[j] = rng.uniform(-1f, 1f);
        n[j] = rng.uniform(-1f, 1f);
      }
      a[0] = rng.uniform(-2f, 2f);
      r[0] = rng.uniform(-1f, 0f);
      term[0] = i % 97 == 0;
      buf.add(o, a, r, n, term, trunc);
    }
    for (int i = 0; i < WARM; i++) sac.learn(buf.sample(rng), 1000, rng);
    // the steady state: the least of several windows, so that a window in which the JIT was still
    // compiling (code running interpreted allocates what compiled code keeps in registers; on a loaded
    // machine C2 can lag by seconds) does not count as the step's own allocation
    Tensor e = sde ? Tensor.zeros(HIDDEN, 1) : Tensor.zeros(BATCH, 1); // the same draws: eps and eps' [B, 1], or gSDE's matrix [L, 1]
    long learn = Long.MAX_VALUE, draws = Long.MAX_VALUE;
    for (int w = 0; w < WINDOWS; w++) {
      long a0 = MX.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < STEPS; i++) sac.learn(buf.sample(rng), 1000, rng);
      learn = Math.min(learn, MX.getCurrentThreadAllocatedBytes() - a0);
      a0 = MX.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < STEPS; i++) {
        rng.fillNormal(e, 0f, 1f);
        if (!sde) rng.fillNormal(e, 0f, 1f);
      }
      draws = Math.min(draws, MX.getCurrentThreadAllocatedBytes() - a0);
    }
    return new long[] {learn / STEPS, draws / STEPS};
  }

  @Test
  void aSteadyStateGradientStepAllocatesAtMostOneKilobyteBeyondItsNormalDraws() {
    assertTrue(MX.isCurrentThreadCpuTimeSupported() && MX.isThreadAllocatedMemorySupported());
    for (boolean sde : new boolean[] {false, true}) {
      long[] b = perStep(sde);
      assertTrue(b[0] - b[1] <= 1024, (sde ? "gSDE " : "") + "SAC gradient step: " + b[0] + " bytes allocated, " + b[1]
          + " of them the normal draws; expected at most 1024 beyond them");
    }
  }
}
