package vecrl.algo;

import java.util.Map;
import vecrl.autodiff.LrSchedule;
import vecrl.policy.BatchOutput;
import vecrl.tensor.Tensor;

/** RLlib's policy mixins, as {@link PolicyTemplate.Mixin}s: each keeps its own state for one policy. */
public final class Mixins {
  private Mixins() {}

  /** Sets the optimizer's learning rate before each update from the config's {@code lrSchedule}. */
  public static final class LearningRateSchedule implements PolicyTemplate.Mixin {
    private double current = Double.NaN;

    @Override
    public void beforeUpdate(TemplatePolicy policy, long iteration, long iterations) {
      current = policy.config().learningRateAt(iteration, iterations);
      policy.optimizer().setSchedule(new LrSchedule.Constant(current));
    }

    /** The learning rate of the current update (NaN before the first). */
    public double current() {
      return current;
    }
  }

  /**
   * The entropy coefficient over the run: from {@code entCoef} linearly to {@code entCoefFinal} (NaN,
   * the default: constant).
   */
  public static final class EntropyCoeffSchedule implements PolicyTemplate.Mixin {
    @Override
    public void beforeUpdate(TemplatePolicy policy, long iteration, long iterations) {
      double start = policy.config().entCoef(), end = policy.config().entCoefFinal();
      if (!Double.isNaN(end)) policy.setEntCoef(start + (end - start) * ((double) iteration / iterations));
    }
  }

  /**
   * RLlib's adaptive KL penalty: after each update, the coefficient grows by 1.5 when the update's
   * KL passed twice {@code klTarget} and halves when it stayed under half of it. Off while the
   * coefficient is 0 (the default {@code klCoeff}).
   */
  public static final class KLCoeffMixin implements PolicyTemplate.Mixin {
    @Override
    public void afterUpdate(TemplatePolicy policy, Map<String, Double> stats) {
      double c = policy.klCoeff();
      Double kl = stats.get("approx_kl");
      if (c <= 0 || kl == null || Double.isNaN(kl)) return;
      double target = policy.config().klTarget();
      if (kl > 2 * target) policy.setKlCoeff(c * 1.5);
      else if (kl < 0.5 * target) policy.setKlCoeff(c * 0.5);
    }

    @Override
    public double[] state() {
      return new double[0]; // the coefficient itself lives in the policy (checkpointed with it)
    }
  }

  /** The value function as a separate call (RLlib's {@code ValueNetworkMixin}): values of observations without memory. */
  public static final class ValueNetworkMixin implements PolicyTemplate.Mixin {
    private BatchOutput out;

    /** The model's values of observations [B, obsDim] (a recurrent model: as first steps of episodes). */
    public Tensor value(TemplatePolicy policy, Tensor obs) {
      if (out == null || out.batchSize() != obs.rows()) out = policy.model().newBatchOutput(obs.rows(), policy.kernels());
      return policy.model().valueBatch(obs, out).values().copy();
    }
  }
}
