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
 * <p><b>Masks.</b> Sampling, greedy actions and evaluation take optional action masks, [B, {@link
 * #maskWidth()}] rows in the layout of {@link vecrl.policy.ActionMasks} (null: every action is
 * allowed, exactly as without masks). A masked action has probability 0 and the entropy counts the
 * allowed actions only. The forms without a mask argument pass null.
 *
 * <p>The trainer uses {@link PolicyActorCritic}, this view of a {@code vecrl.policy} policy
 * ({@link vecrl.policy.MlpActorCriticPolicy}), so the trained object is a policy of the policy
 * module and is saved in its format ({@link vecrl.io.PolicyIO}).
 */
public interface ActorCritic {
  int obsDim();

  int actionDim();

  /** Columns of a mask row (0 when the action space takes no mask). */
  int maskWidth();

  /** The trainable parameters, in a stable order (optimizer state and checkpoints follow it). */
  ParameterSet parameters();

  /**
   * Samples one action per row of {@code obs} [B, obsDim] among those {@code masks} [B, maskWidth]
   * allows (null: all); writes {@code actions} [B * actionDim], {@code logProbs} [B] and {@code
   * values} [B] (all modified).
   */
  void act(Tensor obs, Tensor masks, Rng rng, float[] actions, float[] logProbs, float[] values);

  /** {@link #act(Tensor, Tensor, Rng, float[], float[], float[])} without masks. */
  default void act(Tensor obs, Rng rng, float[] actions, float[] logProbs, float[] values) {
    act(obs, null, rng, actions, logProbs, values);
  }

  /** The critic's values of the rows of {@code obs} into {@code values} (modified). */
  void predictValues(Tensor obs, float[] values);

  /** The deterministic action (argmax among the allowed, or mean) of each row into {@code actions} (modified); {@code masks} may be null. */
  void greedy(Tensor obs, Tensor masks, float[] actions);

  /** {@link #greedy(Tensor, Tensor, float[])} without masks. */
  default void greedy(Tensor obs, float[] actions) {
    greedy(obs, null, actions);
  }

  /**
   * Records on {@code tape} the log-probability and entropy of {@code actions} [B, actionDim] under
   * {@code masks} [B, maskWidth] (null: none) and the values, each [B].
   */
  Evaluation evaluate(Tape tape, Tensor obs, Tensor actions, Tensor masks);

  /** {@link #evaluate(Tape, Tensor, Tensor, Tensor)} without masks. */
  default Evaluation evaluate(Tape tape, Tensor obs, Tensor actions) {
    return evaluate(tape, obs, actions, null);
  }

  /** The tape outputs of {@link #evaluate}. */
  record Evaluation(Var logProb, Var entropy, Var value) {}
}
