package vecrl.algo;

import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.policy.RecurrentActorCriticPolicy;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * The trainer's batched view of a {@link RecurrentActorCriticPolicy}, the recurrent counterpart of
 * {@link PolicyActorCritic}: every call takes the per-environment memory rows [B, memorySize] and
 * episode-start flags explicitly (the trainer owns and checkpoints the memory).
 *
 * <ul>
 *   <li>{@link #act}, {@link #greedy}: one step of every environment, memory advanced in place;
 *   <li>{@link #predictValues}: the value of an observation as the next step, memory untouched
 *       (bootstrap values);
 *   <li>{@link #evaluateSequences}: the training pass over a minibatch of whole sequences, each
 *       from its stored start memory, with the episode starts inside the sequences as resets.
 * </ul>
 *
 * The rollout calls run in no-grad mode on a tape owned by this adapter on the trainer's kernels,
 * with the same operations as {@link #evaluateSequences}, so PPO's first ratio is exactly 1 (as for
 * {@link PolicyActorCritic}). One thread at a time.
 */
public final class RecurrentPolicyActorCritic {
  private final RecurrentActorCriticPolicy policy;
  private final Tape rollout;
  private final int obsDim, actionDim, memorySize;
  private Tensor actionScratch, keepScratch;

  public RecurrentPolicyActorCritic(RecurrentActorCriticPolicy policy, Kernels kernels) {
    if (policy == null) throw new IllegalArgumentException("RecurrentPolicyActorCritic: policy is null");
    this.policy = policy;
    this.rollout = new Tape(kernels);
    this.obsDim = policy.observationSize();
    this.actionDim = policy.actionWidth();
    this.memorySize = policy.memorySize();
  }

  public RecurrentActorCriticPolicy policy() { return policy; }
  public int obsDim() { return obsDim; }
  public int actionDim() { return actionDim; }
  public int memorySize() { return memorySize; }
  public ParameterSet parameters() { return policy.parameters(); }

  private int rowsOf(Tensor obs, Tensor memory, String who) {
    if (obs.rank() != 2 || obs.dim(1) != obsDim) {
      throw new IllegalArgumentException("RecurrentPolicyActorCritic." + who + ": observations " + obs.shapeString() + ", expected [B, "
          + obsDim + "]");
    }
    if (memory.rank() != 2 || memory.rows() != obs.rows() || memory.cols() != memorySize) {
      throw new IllegalArgumentException("RecurrentPolicyActorCritic." + who + ": memory " + memory.shapeString() + ", expected ["
          + obs.rows() + ", " + memorySize + "]");
    }
    return obs.dim(0);
  }

  private Tensor actions(int rows) {
    if (actionScratch == null || actionScratch.dim(0) != rows) actionScratch = Tensor.zeros(rows, actionDim);
    return actionScratch;
  }

  /** {@code 1 - starts} as a [rows] tensor (reused), or null when {@code starts} is null. */
  private Tensor keep(float[] starts, int rows) {
    if (starts == null) return null;
    if (keepScratch == null || keepScratch.size() != rows) keepScratch = Tensor.zeros(rows);
    for (int i = 0; i < rows; i++) keepScratch.set(i, starts[i] != 0f ? 0f : 1f);
    return keepScratch;
  }

  private static void into(Tensor src, float[] dst, int n) {
    System.arraycopy(src.data(), src.offset(), dst, 0, n);
  }

  /**
   * Samples one action per environment for {@code obs} [B, obsDim] among those {@code masks} [B,
   * maskWidth] allows (null: all); {@code starts} [B] flags the rows that start an episode (their
   * memory is zeroed first); {@code memory} [B, memorySize] is replaced by the memory after the
   * step; writes actions, log-probs and values (all modified).
   */
  public void act(Tensor obs, Tensor masks, float[] starts, Tensor memory, Rng rng, float[] actions, float[] logProbs, float[] values) {
    int rows = rowsOf(obs, memory, "act");
    Tensor a = actions(rows);
    rollout.clear();
    try (var ng = rollout.noGrad()) {
      RecurrentActorCriticPolicy.Pass p = policy.forward(rollout, rollout.input(obs), 1, memory, keep(starts, rows), masks);
      p.distribution().sample(rng, a);
      into(p.distribution().logProb(a).value(), logProbs, rows);
      into(p.value().value(), values, rows);
      memory.copyFrom(p.memory().value());
    }
    into(a, actions, rows * actionDim);
  }

  /** The deterministic actions among those {@code masks} allows (null: all); memory advanced as in {@link #act}. */
  public void greedy(Tensor obs, Tensor masks, float[] starts, Tensor memory, float[] actions) {
    int rows = rowsOf(obs, memory, "greedy");
    Tensor a = actions(rows);
    rollout.clear();
    try (var ng = rollout.noGrad()) {
      RecurrentActorCriticPolicy.Pass p = policy.forward(rollout, rollout.input(obs), 1, memory, keep(starts, rows), masks);
      p.distribution().mode(a);
      memory.copyFrom(p.memory().value());
    }
    into(a, actions, rows * actionDim);
  }

  /** The values of {@code obs} as the step after {@code memory} (not modified); {@code starts} may be null. */
  public void predictValues(Tensor obs, float[] starts, Tensor memory, float[] values) {
    int rows = rowsOf(obs, memory, "predictValues");
    rollout.clear();
    try (var ng = rollout.noGrad()) {
      into(policy.forward(rollout, rollout.input(obs), 1, memory, keep(starts, rows), null).value().value(), values, rows);
    }
  }

  /**
   * Records on {@code tape} the log-probabilities, entropies and values of S sequences of {@code
   * steps} steps: {@code obs} [S·steps, obsDim] and {@code actions} [S·steps, actionDim] with
   * sequence-major rows, {@code masks} [S·steps, maskWidth] in the same rows or null, {@code
   * startMemory} [S, memorySize], {@code keep} [steps·S] step-major (0 where an episode starts).
   * Each output has S·steps elements in the rows' order.
   */
  public ActorCritic.Evaluation evaluateSequences(Tape tape, Tensor obs, Tensor actions, Tensor masks, Tensor startMemory, Tensor keep,
      int steps) {
    RecurrentActorCriticPolicy.Pass p = policy.forward(tape, tape.input(obs), steps, startMemory, keep, masks);
    Var logProb = p.distribution().logProb(actions);
    return new ActorCritic.Evaluation(logProb, p.distribution().entropy(), p.value());
  }
}
