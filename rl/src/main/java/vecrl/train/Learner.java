package vecrl.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import vecrl.algo.LossStats;
import vecrl.algo.MinibatchSampler;
import vecrl.algo.PolicyTemplate;
import vecrl.algo.RolloutBuffer;
import vecrl.algo.TemplatePolicy;
import vecrl.autodiff.Optimizer;
import vecrl.autodiff.OptimizerState;
import vecrl.autodiff.ParameterSet;
import vecrl.tensor.Rng;

/**
 * The last part of the data path: epochs of shuffled minibatches, each handed to the policy's
 * template ({@link TemplatePolicy#learn}: its loss on the model's {@link
 * vecrl.policy.ActorCriticPolicy#evaluateSequences}, backward, gradient processing, the optimizer
 * step), with the early stop on {@code targetKl}. The policy's mixins run before and after each
 * update (the learning-rate and entropy schedules, the adaptive KL coefficient). Owns the checkpoint
 * section of the parameters, the optimizer's state and the policy's coefficients ({@link #write},
 * {@link #read}).
 */
final class Learner {
  private final TrainConfig config;
  private final TemplatePolicy policy;
  private double clipFracSum;
  private int clipFracCount;
  private double firstRatioDeviation = Double.NaN;
  private java.util.Map<String, Double> lastStats = java.util.Map.of();

  Learner(TrainConfig config, TemplatePolicy policy) {
    this.config = config;
    this.policy = policy;
  }

  Optimizer optimizer() { return policy.optimizer(); }

  LossStats stats() { return policy.lossStats(); }

  /** A copy of the statistics of the last update ({@link TemplatePolicy#stats} on its last minibatch); empty before the first. */
  java.util.Map<String, Double> lastStats() { return lastStats; }

  /** Mean clip fraction over the last update's minibatches. */
  double clipFraction() {
    return clipFracSum / Math.max(1, clipFracCount);
  }

  /** {@code max |ratio - 1|} on the first minibatch of the first epoch of the last update (PPO: exactly 0). */
  double firstRatioDeviation() {
    return firstRatioDeviation;
  }

  /**
   * Update {@code iteration} (0-based) of {@code iterations}: epochs of minibatches over {@code buf},
   * shuffled with {@code rng}; stops early when approx_kl passes {@code targetKl}. Returns the epochs
   * run. The mixins' {@code afterUpdate} runs at the end, all of them with {@code klUpdate}, otherwise
   * all but the adaptive KL coefficient's ({@link vecrl.algo.Mixins.KLCoeffMixin}, which an
   * execution plan's {@code UpdateKL} step runs instead).
   */
  int update(RolloutBuffer buf, MinibatchSampler sampler, Rng rng, long iteration, long iterations, boolean klUpdate) {
    policy.beforeUpdate(iteration, iterations);
    policy.useSampler(sampler);
    LossStats stats = policy.lossStats();
    boolean masks = buf.hasMasks();
    clipFracSum = 0;
    clipFracCount = 0;
    int epoch = 0;
    sampler.resetOrder();
    while (epoch < config.epochs()) {
      if (config.minibatches() > 1 || config.epochs() > 1) sampler.shuffle(rng);
      for (int m = 0; m < sampler.minibatches(); m++) {
        sampler.gather(buf, m, masks);
        policy.learn(sampler.trainBatch());
        if (epoch == 0 && m == 0) firstRatioDeviation = stats.maxRatioDeviation;
        clipFracSum += stats.clipFraction;
        clipFracCount++;
      }
      epoch++;
      if (config.targetKl() > 0 && stats.approxKl > config.targetKl()) break;
    }
    java.util.Map<String, Double> s = policy.stats(sampler.trainBatch());
    lastStats = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(s));
    if (klUpdate) {
      policy.afterUpdate(s);
    } else {
      for (PolicyTemplate.Mixin m : policy.mixins()) if (!(m instanceof vecrl.algo.Mixins.KLCoeffMixin)) m.afterUpdate(policy, s);
    }
    return epoch;
  }

  /** Writes the parameters, the optimizer's state, the policy's entropy and KL coefficients and its mixins' own state. */
  void write(DataOutputStream out) throws IOException {
    Checkpoint.writeParams(out, policy.model().parameters());
    OptimizerState os = policy.optimizer().state();
    out.writeUTF(os.kind());
    out.writeLong(os.step());
    float[][] b = os.buffers();
    out.writeInt(b.length);
    for (float[] x : b) Checkpoint.writeFloats(out, x);
    out.writeDouble(policy.entCoef());
    out.writeDouble(policy.klCoeff());
    for (PolicyTemplate.Mixin m : policy.mixinsWithState()) Checkpoint.writeDoubles(out, m.state());
  }


  /**
   * Reads and validates a state written by {@link #write}: the parameters (names, sizes, finite
   * values), the optimizer's kind (the config's), its step (at most one per minibatch of {@code
   * iterations}), its buffers (their count and sizes, finite), and the entropy and KL coefficients
   * (finite, >= 0). Nothing is changed until {@code apply} runs, which puts the state into the
   * policy's parameters, the optimizer and the coefficients.
   */
  Runnable read(DataInputStream in, long iterations) throws IOException {
    ParameterSet params = policy.model().parameters();
    Optimizer optimizer = policy.optimizer();
    float[][] values = Checkpoint.readParams(in, params);
    String kind = in.readUTF();
    String expectedKind = optimizer.state().kind();
    if (!kind.equals(expectedKind)) {
      throw new Checkpoint.FieldException("optimizer: " + vecrl.io.Text.quote(kind) + ", the config's optimizer is '" + expectedKind + "'");
    }
    long step = in.readLong();
    long maxStep = iterations * config.epochs() * config.minibatches();
    if (step < 0 || step > maxStep) {
      throw new Checkpoint.FieldException("optimizer step: " + step + ", expected in [0, " + maxStep + "] after " + iterations + " iterations");
    }
    float[][] expected = optimizer.state().buffers();
    int c = Checkpoint.readCount(in, 4, "optimizer buffers");
    if (c != expected.length) throw new Checkpoint.FieldException("optimizer buffers: " + c + ", the " + kind + " optimizer has " + expected.length);
    float[][] b = new float[c][];
    for (int i = 0; i < c; i++) b[i] = Checkpoint.readFloats(in, expected[i].length, "optimizer buffer " + i);
    double ent = in.readDouble(), kl = in.readDouble();
    if (!(ent >= 0) || !Double.isFinite(ent)) throw new Checkpoint.FieldException("entropy coefficient: " + ent + ", expected a finite value >= 0");
    if (!(kl >= 0) || !Double.isFinite(kl)) throw new Checkpoint.FieldException("KL coefficient: " + kl + ", expected a finite value >= 0");
    java.util.List<PolicyTemplate.Mixin> mixins = policy.mixinsWithState();
    double[][] mixinStates = new double[mixins.size()][];
    for (int i = 0; i < mixinStates.length; i++) mixinStates[i] = Checkpoint.readDoubles(in, "state of mixin " + mixins.get(i).getClass().getName());
    OptimizerState state = new OptimizerState(kind, step, b);
    return () -> {
      for (int i = 0; i < mixinStates.length; i++) {
        try {
          mixins.get(i).restore(mixinStates[i]);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("state of mixin " + mixins.get(i).getClass().getName() + ": " + e.getMessage(), e);
        }
      }
      for (int i = 0; i < values.length; i++) params.get(i).value().copyFrom(values[i]);
      optimizer.restore(state);
      policy.setEntCoef(ent);
      policy.setKlCoeff(kl);
    };
  }
}
