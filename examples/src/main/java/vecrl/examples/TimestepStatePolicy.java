package vecrl.examples;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vecrl.algo.Policy;
import vecrl.algo.SampleBatch;
import vecrl.env.Env;
import vecrl.env.EnvRegistry;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Example 2, RLlib's recurrent-state example: a random policy whose one state counts the timesteps
 * of the episode. {@link #getInitialState()} is {@code [0]}, {@link #computeActions} returns {@code
 * state_out_0 = state_in_0 + 1}, and {@link #learnOnBatch} reads both columns from the batch it is
 * given (as RLlib's {@code samples["state_in_0"]}), checks that every row's state out is its state in
 * plus one and that the state in is the row's step {@code t} in its episode, and keeps the batch for
 * inspection ({@link #lastLearnedBatch()}). Its one "weight" {@code w} is a [1] tensor, as in RLlib's
 * page, to show {@link #getWeights()} / {@link #setWeights}.
 */
public final class TimestepStatePolicy implements Policy {
  private final Space<Object> actionSpace;
  private final Rng rng;
  private Tensor w = Tensor.zeros(1);
  private SampleBatch lastLearned;

  public TimestepStatePolicy(Space<Object> actionSpace, Rng rng) {
    this.actionSpace = actionSpace;
    this.rng = rng;
  }

  @Override
  public List<Tensor> getInitialState() {
    return List.of(Tensor.zeros(1, 1));
  }

  @Override
  public boolean isRecurrent() {
    return true;
  }

  @Override
  public ActionsResult computeActions(Tensor obsBatch, List<Tensor> stateBatches, Tensor prevActionBatch, Tensor prevRewardBatch,
      List<Map<String, Object>> infoBatch, boolean explore) {
    int b = obsBatch.rows(), aw = actionSpace.actionWidth();
    Tensor actions = Tensor.zeros(b, aw);
    for (int i = 0; i < b; i++) actionSpace.actionToRow(actionSpace.sample(rng), actions.data(), i * aw);
    Tensor out = stateBatches.get(0).copy();
    for (int i = 0; i < b; i++) out.set(i, 0, out.get(i, 0) + 1);
    return new ActionsResult(actions, List.of(out), Map.of());
  }

  @Override
  public ActionsResult computeSingleAction(Tensor obs, List<Tensor> state, boolean explore) {
    return computeActions(obs.reshape(1, obs.size()), state, null, null, null, explore);
  }

  /** Nothing to add: the batch as it came. */
  @Override
  public SampleBatch postprocessTrajectory(SampleBatch batch, Map<String, SampleBatch> otherAgentBatches, Object episode) {
    return batch;
  }

  /**
   * "Learns" by reading the state columns: an error when {@code state_in_0} or {@code state_out_0} is
   * missing, when a row's state out is not its state in plus one, or when its state in is not its
   * {@code t}. Returns {@code rows}, {@code max_state_in_0} and {@code episodes} (distinct {@code eps_id}s).
   */
  @Override
  public Map<String, Double> learnOnBatch(SampleBatch batch) {
    SampleBatch.Floats in = batch.floats(SampleBatch.stateIn(0)), out = batch.floats(SampleBatch.stateOut(0));
    SampleBatch.Ints t = batch.ints(SampleBatch.T), eps = batch.ints(SampleBatch.EPS_ID);
    double max = 0;
    for (int k = 0; k < batch.rows(); k++) {
      if (out.get(k, 0) != in.get(k, 0) + 1 || in.get(k, 0) != t.get(k, 0)) {
        throw new IllegalStateException(String.format(Locale.ROOT, "row %d: state_in_0 %s, state_out_0 %s, t %d", k, in.get(k, 0), out.get(k, 0),
            t.get(k, 0)));
      }
      max = Math.max(max, in.get(k, 0));
    }
    lastLearned = batch;
    Map<String, Double> stats = new LinkedHashMap<>();
    stats.put("rows", (double) batch.rows());
    stats.put("max_state_in_0", max);
    stats.put("episodes", (double) (eps.get(batch.rows() - 1, 0) - eps.get(0, 0) + 1));
    return stats;
  }

  /** The batch {@link #learnOnBatch} was last given (null before the first). */
  public SampleBatch lastLearnedBatch() {
    return lastLearned;
  }

  @Override
  public Gradients computeGradients(SampleBatch batch) {
    return new Gradients(Map.of("w", Tensor.zeros(1)), learnOnBatch(batch));
  }

  @Override
  public void applyGradients(Gradients gradients) {}

  @Override
  public Map<String, Tensor> getWeights() {
    return Map.of("w", w.copy());
  }

  @Override
  public void setWeights(Map<String, Tensor> weights) {
    Tensor v = weights.get("w");
    if (weights.size() != 1 || v == null || v.size() != 1) throw new IllegalArgumentException("setWeights: expected {w: [1]}, got " + weights.keySet());
    w = v.copy();
  }

  @Override
  public void exportCheckpoint(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (var o = new DataOutputStream(Files.newOutputStream(dir.resolve("w.bin")))) {
      o.writeFloat(w.get(0));
    }
  }

  @Override
  public void importCheckpoint(Path dir) throws IOException {
    try (var i = new DataInputStream(Files.newInputStream(dir.resolve("w.bin")))) {
      w = Tensor.vector(new float[] {i.readFloat()});
    }
  }

  /** Samples 3 rounds of 64 CartPole-v1 steps and prints what learnOnBatch saw. */
  public static void main(String[] args) {
    Env<Object, Object> env = EnvRegistry.standard().make("CartPole-v1");
    var p = new TimestepStatePolicy(env.actionSpace(), new Rng(1));
    var worker = new Rollouts.Worker(p, env, 1);
    for (int i = 0; i < 3; i++) System.out.println("learnOnBatch: " + worker.sampleAndLearn(64));
    System.out.print(p.lastLearnedBatch().describe(4));
  }
}
