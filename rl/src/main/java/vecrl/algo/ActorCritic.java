package vecrl.algo;

import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * The batched actor-critic view the trainer needs: sampling with values during a rollout (no
 * tape), values alone for bootstrapping, greedy actions for evaluation, and on a tape the
 * log-probabilities, entropies and values of given actions. Actions are stored as {@link
 * #actionDim()} floats per sample (a discrete action as its index).
 *
 * <p>The trainer uses {@link PolicyActorCritic}, this view of a {@code vecrl.policy} policy
 * ({@link vecrl.policy.MlpActorCriticPolicy}), so the trained object is a policy of the policy
 * module and is saved in its format ({@link vecrl.io.PolicyIO}).
 */
public interface ActorCritic {
  int obsDim();

  int actionDim();

  /** The trainable parameters, in a stable order (optimizer state and checkpoints follow it). */
  ParameterSet parameters();

  /**
   * Samples one action per row of {@code obs} [B, obsDim]; writes {@code actions} [B * actionDim],
   * {@code logProbs} [B] and {@code values} [B] (all modified).
   */
  void act(Tensor obs, Rng rng, float[] actions, float[] logProbs, float[] values);

  /** The critic's values of the rows of {@code obs} into {@code values} (modified). */
  void predictValues(Tensor obs, float[] values);

  /** The deterministic action (argmax or mean) of each row into {@code actions} (modified). */
  void greedy(Tensor obs, float[] actions);

  /** Records on {@code tape} the log-probability and entropy of {@code actions} [B, actionDim] and the values, each [B]. */
  Evaluation evaluate(Tape tape, Tensor obs, Tensor actions);

  /** The tape outputs of {@link #evaluate}. */
  record Evaluation(Var logProb, Var entropy, Var value) {}
}
