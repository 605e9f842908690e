package vecrl.algo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import vecrl.tensor.Tensor;

/**
 * RLlib's {@code Policy} interface: a model together with the algorithm that trains it. Every policy
 * a {@link PolicyTemplate} builds implements it, around any {@link vecrl.policy.ActorCriticPolicy}
 * model (the built-in MLP and recurrent policies included: {@link Algorithms#ppo()}{@code
 * .build(model, ...)}). Batches are {@link SampleBatch}es with RLlib's column names.
 */
public interface Policy {
  /** What {@link #computeActions} returns: actions [B, actionWidth], the state after the step, extra outputs by name. */
  record ActionsResult(Tensor actions, List<Tensor> stateOut, Map<String, Tensor> extraFetches) {}

  /** Gradients by parameter name, with the statistics of the loss that gave them. */
  record Gradients(Map<String, Tensor> grads, Map<String, Double> stats) {}

  /**
   * Actions for a batch of observations [B, obsDim]: sampled when {@code explore}, otherwise the
   * deterministic mode. {@code stateBatches} holds the recurrent state rows ([B, memorySize] for a
   * recurrent model; empty otherwise); {@code prevActionBatch}, {@code prevRewardBatch} and {@code
   * infoBatch} may be null (the built-in models do not read them; a custom sampler may).
   */
  ActionsResult computeActions(Tensor obsBatch, List<Tensor> stateBatches, Tensor prevActionBatch, Tensor prevRewardBatch,
      List<Map<String, Object>> infoBatch, boolean explore);

  /** {@link #computeActions} for one observation [obsDim] and state rows [1, ...]. */
  ActionsResult computeSingleAction(Tensor obs, List<Tensor> state, boolean explore);

  /** The state a new episode starts from: [1, memorySize] rows for a recurrent model, none otherwise. */
  List<Tensor> getInitialState();

  boolean isRecurrent();

  /** One gradient step on {@code batch} (postprocessed); returns the loss statistics. */
  Map<String, Double> learnOnBatch(SampleBatch batch);

  /** The gradients of the loss on {@code batch}, without applying them. */
  Gradients computeGradients(SampleBatch batch);

  /** Applies gradients from {@link #computeGradients} (of this or an identical policy) with the optimizer. */
  void applyGradients(Gradients gradients);

  /** Copies of the parameters, by name. */
  Map<String, Tensor> getWeights();

  /** Sets every parameter from {@code weights}; a missing or extra name or a wrong shape is an error naming it. */
  void setWeights(Map<String, Tensor> weights);

  /** The algorithm's postprocessing of a trajectory batch (GAE for PPO and A2C); returns the batch with added columns. */
  SampleBatch postprocessTrajectory(SampleBatch batch, Map<String, SampleBatch> otherAgentBatches, Object episode);

  /** Writes the model ({@code policy.bin}) and the optimizer's state ({@code optimizer.bin}) into {@code dir}. */
  void exportCheckpoint(Path dir) throws IOException;

  /** Reads what {@link #exportCheckpoint} wrote into this policy (same structure). */
  void importCheckpoint(Path dir) throws IOException;
}
