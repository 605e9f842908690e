package vecrl.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import vecrl.algo.A2cObjective;
import vecrl.algo.LossStats;
import vecrl.algo.MinibatchSampler;
import vecrl.algo.Objective;
import vecrl.algo.PpoObjective;
import vecrl.algo.RolloutBuffer;
import vecrl.autodiff.Adam;
import vecrl.autodiff.GradClip;
import vecrl.autodiff.LrSchedule;
import vecrl.autodiff.Optimizer;
import vecrl.autodiff.OptimizerState;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.RmsProp;
import vecrl.autodiff.Sgd;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.Evaluation;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;

/**
 * The last part of the data path: for each epoch and minibatch, the policy's {@link
 * ActorCriticPolicy#evaluateSequences} on a tape, the algorithm's loss ({@link Objective}), backward,
 * gradient processing (global-norm clipping) and the optimizer step. Owns the optimizer, whose state
 * goes into checkpoints with the parameters ({@link #write}, {@link #read}).
 */
final class Learner {
  private final TrainConfig config;
  private final ActorCriticPolicy policy;
  private final ParameterSet params;
  private final Objective objective;
  private final Optimizer optimizer;
  private final GradClip gradClip;
  private final Tape tape;
  final LossStats stats = new LossStats();
  private double clipFracSum;
  private int clipFracCount;
  private double firstRatioDeviation = Double.NaN;

  Learner(TrainConfig config, ActorCriticPolicy policy, Kernels kernels) {
    this.config = config;
    this.policy = policy;
    this.params = policy.parameters();
    this.objective = objective(config);
    this.optimizer = optimizer(config, params, kernels);
    this.gradClip = new GradClip(params, kernels);
    this.tape = new Tape(kernels);
  }

  /** The loss of {@code config.algo()}. */
  static Objective objective(TrainConfig c) {
    return switch (c.algo()) {
      case PPO -> new PpoObjective((float) c.clipCoef(), c.clipVloss(), (float) c.entCoef(), (float) c.vfCoef(), c.normAdv());
      case A2C -> new A2cObjective((float) c.entCoef(), (float) c.vfCoef(), c.normAdv());
    };
  }

  /** The optimizer of {@code config.optimizer()} with the config's settings, starting at {@code learningRate}. */
  static Optimizer optimizer(TrainConfig c, ParameterSet params, Kernels kernels) {
    LrSchedule lr = new LrSchedule.Constant(c.learningRate());
    return switch (c.optimizer()) {
      case ADAM -> new Adam(params, kernels, lr, c.adamBeta1(), c.adamBeta2(), c.adamEps(), c.weightDecay(), false);
      case ADAMW -> new Adam(params, kernels, lr, c.adamBeta1(), c.adamBeta2(), c.adamEps(), c.weightDecay(), true);
      case RMSPROP -> new RmsProp(params, kernels, lr, c.rmsAlpha(), c.rmsEps(), c.weightDecay());
      case SGD -> new Sgd(params, kernels, lr, c.momentum(), c.weightDecay());
    };
  }

  Optimizer optimizer() { return optimizer; }

  /** Mean clip fraction over the last update's minibatches. */
  double clipFraction() {
    return clipFracSum / Math.max(1, clipFracCount);
  }

  /** {@code max |ratio - 1|} on the first minibatch of the first epoch of the last update (PPO: exactly 0). */
  double firstRatioDeviation() {
    return firstRatioDeviation;
  }

  /**
   * Epochs of minibatches over {@code buf} at learning rate {@code lr}, shuffled with {@code rng};
   * stops early when approx_kl passes {@code targetKl}. Returns the epochs run.
   */
  int update(RolloutBuffer buf, MinibatchSampler sampler, Rng rng, double lr) {
    optimizer.setSchedule(new LrSchedule.Constant(lr));
    boolean masks = buf.hasMasks();
    clipFracSum = 0;
    clipFracCount = 0;
    int epoch = 0;
    sampler.resetOrder();
    while (epoch < config.epochs()) {
      if (config.minibatches() > 1 || config.epochs() > 1) sampler.shuffle(rng);
      for (int m = 0; m < sampler.minibatches(); m++) {
        sampler.gather(buf, m, masks);
        tape.clear();
        Evaluation ev = policy.evaluateSequences(tape, tape.input(sampler.observations()), sampler.seqLen(), sampler.actions(),
            masks ? sampler.masks() : null, sampler.memory(), sampler.keep());
        Var loss = objective.loss(tape, ev.logProb(), ev.entropy(), ev.value(), sampler.batch(), stats);
        params.zeroGrad();
        tape.backward(loss);
        if (config.maxGradNorm() > 0) gradClip.clip(config.maxGradNorm());
        optimizer.step();
        if (epoch == 0 && m == 0) firstRatioDeviation = stats.maxRatioDeviation;
        clipFracSum += stats.clipFraction;
        clipFracCount++;
      }
      epoch++;
      if (config.targetKl() > 0 && stats.approxKl > config.targetKl()) break;
    }
    return epoch;
  }

  /** Writes the parameters and the optimizer's state. */
  void write(DataOutputStream out) throws IOException {
    Checkpoint.writeParams(out, params);
    OptimizerState os = optimizer.state();
    out.writeUTF(os.kind());
    out.writeLong(os.step());
    float[][] b = os.buffers();
    out.writeInt(b.length);
    for (float[] x : b) Checkpoint.writeFloats(out, x);
  }

  /**
   * Reads and validates a state written by {@link #write}: the parameters (names, sizes, finite
   * values), the optimizer's kind (the config's), its step (at most one per minibatch of {@code
   * iterations}) and buffers (their count and sizes, finite). Nothing is changed until {@code
   * apply} runs, which puts the state into the policy's parameters and the optimizer.
   */
  Runnable read(DataInputStream in, long iterations) throws IOException {
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
    OptimizerState state = new OptimizerState(kind, step, b);
    return () -> {
      for (int i = 0; i < values.length; i++) params.get(i).value().copyFrom(values[i]);
      optimizer.restore(state);
    };
  }
}
