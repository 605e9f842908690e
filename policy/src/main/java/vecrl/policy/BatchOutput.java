package vecrl.policy;

import vecrl.autodiff.Tape;
import vecrl.tensor.Kernels;
import vecrl.tensor.Tensor;

/**
 * Reusable buffers for tape-free batched calls ({@link ActorCriticPolicy#actionAndValueBatch},
 * {@link ActorCriticPolicy#valueBatch}): actions [batch, actionWidth], values [batch], log-probs
 * [batch], plus a private no-grad tape whose buffers are reused between calls. Make one per caller
 * (thread) with {@link ActorCriticPolicy#newBatchOutput(int, Kernels)}; calls overwrite the buffers.
 *
 * <p>The tape runs on the kernels the caller chose ({@link ActorCriticPolicy#newBatchOutput(int)}:
 * the default backend). A trainer passes its own kernels, so that rollout log-probabilities come from
 * the same kernels and operations as its loss (PPO's first ratio is then exactly 1 on any backend).
 */
public final class BatchOutput {
  private final Tensor actions, values, logProbs;
  /** {@code 1 - episodeStarts}, for recurrent policies (reused). */
  final Tensor keep;
  final Tape tape;

  BatchOutput(int batch, int actionWidth, Kernels kernels) {
    if (batch <= 0) throw new IllegalArgumentException("BatchOutput: batch " + batch + " must be positive");
    if (kernels == null) throw new IllegalArgumentException("BatchOutput: kernels must not be null");
    actions = Tensor.zeros(batch, actionWidth);
    values = Tensor.zeros(batch);
    logProbs = Tensor.zeros(batch);
    keep = Tensor.zeros(batch);
    tape = new Tape(kernels);
  }

  public int batchSize() { return values.size(); }
  /** [batch, actionWidth]. */
  public Tensor actions() { return actions; }
  /** [batch]. */
  public Tensor values() { return values; }
  /** [batch]. */
  public Tensor logProbs() { return logProbs; }
  /** The kernels this output's tape runs on. */
  public Kernels kernels() { return tape.kernels(); }
}
