package vecrl.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import vecrl.algo.OffPolicyAlgorithm;
import vecrl.algo.ReplayBuffer;
import vecrl.algo.SampleBatch;
import vecrl.tensor.Rng;

/**
 * The off-policy part of the {@link Trainer}, in place of the rollout buffer, the minibatch sampler and
 * the learner (Stable-Baselines3's {@code OffPolicyAlgorithm.learn}): one iteration is {@code
 * trainFreq} vector steps into the {@link ReplayBuffer} ({@link Collector#collectTransitions}), then,
 * once more than {@code learningStarts} env steps are done, {@code gradientSteps} batches of {@code
 * replayBatchSize} sampled with the trainer's generator, each one gradient step of the {@link
 * OffPolicyAlgorithm}. Owns the checkpoint section of the gradient-step count, the algorithm's state
 * and (with {@code checkpointBuffer}, the default) the buffer.
 */
final class OffPolicyLoop {
  private final TrainConfig config;
  final OffPolicyAlgorithm algorithm;
  final ReplayBuffer replay;
  private long gradientSteps;
  /** Wall-clock nanoseconds spent collecting (env steps, acting, the buffer) and training (sampling, gradient steps). */
  long collectNanos, trainNanos;
  private Map<String, Double> lastStats = Map.of();

  OffPolicyLoop(TrainConfig config, OffPolicyAlgorithm algorithm, int obsDim, int actDim) {
    this.config = config;
    this.algorithm = algorithm;
    this.replay = new ReplayBuffer(config.bufferSize(), config.numEnvs(), obsDim, actDim, config.replayBatchSize(), config.optimizeMemory());
  }

  long gradientSteps() { return gradientSteps; }

  /** The statistics of the last gradient step (unmodifiable; empty before the first). */
  Map<String, Double> lastStats() { return lastStats; }

  /** Iteration {@code iteration} (0-based) of {@code iterations}: collection, then the gradient steps; returns the gradient steps taken. */
  int iterate(Collector collector, Rng rng, long iteration, long iterations) {
    long t0 = System.nanoTime();
    algorithm.beforeTrain(iteration, iterations);
    collector.collectTransitions(replay, rng, algorithm);
    long t1 = System.nanoTime();
    collectNanos += t1 - t0;
    long step = collector.globalStep();
    if (step <= config.learningStarts() || replay.size() == 0) return 0;
    int g = config.gradientStepsPerIteration();
    for (int k = 0; k < g; k++) {
      SampleBatch batch = replay.sample(rng);
      algorithm.learn(batch, step, rng);
    }
    trainNanos += System.nanoTime() - t1;
    gradientSteps += g;
    if (g > 0) lastStats = Collections.unmodifiableMap(new LinkedHashMap<>(algorithm.stats()));
    return g;
  }

  void write(DataOutputStream out) throws IOException {
    out.writeLong(gradientSteps);
    algorithm.write(out);
    out.writeBoolean(config.checkpointBuffer());
    if (config.checkpointBuffer()) replay.write(out);
  }

  /** Reads and checks this section after {@code iterations} iterations; the action applies it. */
  Runnable read(DataInputStream in, long iterations) throws IOException {
    long g = in.readLong();
    long maxG = iterations * (long) config.gradientStepsPerIteration();
    if (g < 0 || g > maxG) throw new Checkpoint.FieldException("gradient steps: " + g + ", expected in [0, " + maxG + "] after " + iterations + " iterations");
    Runnable alg = algorithm.read(in, g);
    boolean hasBuffer = Checkpoint.readBoolean(in, "replay buffer present");
    long added = iterations * (long) config.batchSize();
    Runnable buf = hasBuffer ? replay.read(in, added) : () -> replay.clear(added);
    return () -> {
      alg.run();
      buf.run();
      gradientSteps = g;
    };
  }
}
