package vecrl.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import vecrl.algo.LossStats;
import vecrl.algo.MinibatchSampler;
import vecrl.algo.RolloutBuffer;
import vecrl.algo.TemplatePolicy;
import vecrl.autodiff.Optimizer;
import vecrl.autodiff.OptimizerState;
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

  Learner(TrainConfig config, TemplatePolicy policy) {
    this.config = config;
    this.policy = policy;
  }

  Optimizer optimizer() { return policy.optimizer(); }

  LossStats stats() { return policy.lossStats(); }

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
   * shuffled with {@code rng}; stops early when approx_kl passes {@code targetKl}. Returns the epochs run.
   */
  int update(RolloutBuffer buf, MinibatchSampler sampler, Rng rng, long iteration, long iterations) {
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
    policy.afterUpdate(policy.stats(sampler.trainBatch()));
    return epoch;
  }

  /** Writes the parameters, the optimizer's state and the policy's entropy and KL coefficients. */
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
  }

  /** Reads a state written by {@link #write} into the policy's parameters, the optimizer and the coefficients. */
  void read(DataInputStream in, java.nio.file.Path file) throws IOException {
    Checkpoint.readParams(in, policy.model().parameters(), file);
    String kind = in.readUTF();
    long step = in.readLong();
    float[][] b = new float[Checkpoint.readCount(in, 1 << 16, "optimizer buffers")][];
    for (int i = 0; i < b.length; i++) b[i] = Checkpoint.readFloats(in);
    double ent = in.readDouble(), kl = in.readDouble();
    if (!(ent >= 0) || !(kl >= 0)) throw new IOException(file + ": entropy coefficient " + ent + " and KL coefficient " + kl + ", expected both >= 0");
    policy.optimizer().restore(new OptimizerState(kind, step, b));
    policy.setEntCoef(ent);
    policy.setKlCoeff(kl);
  }
}
