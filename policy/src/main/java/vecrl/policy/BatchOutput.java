package vecrl.policy;

import vecrl.autodiff.Tape;
import vecrl.tensor.Tensor;

/**
 * Reusable buffers for tape-free batched calls ({@link ActorCriticPolicy#actionAndValueBatch},
 * {@link ActorCriticPolicy#valueBatch}): actions [batch, actionWidth], values [batch], log-probs
 * [batch], plus a private no-grad tape whose buffers are reused between calls. Make one per caller
 * (thread) with {@link ActorCriticPolicy#newBatchOutput(int)}; calls overwrite the buffers.
 */
public final class BatchOutput {
  private final Tensor actions, values, logProbs;
  final Tape tape = new Tape();

  BatchOutput(int batch, int actionWidth) {
    if (batch <= 0) throw new IllegalArgumentException("BatchOutput: batch " + batch + " must be positive");
    actions = Tensor.zeros(batch, actionWidth);
    values = Tensor.zeros(batch);
    logProbs = Tensor.zeros(batch);
  }

  public int batchSize() { return values.size(); }
  /** [batch, actionWidth]. */
  public Tensor actions() { return actions; }
  /** [batch]. */
  public Tensor values() { return values; }
  /** [batch]. */
  public Tensor logProbs() { return logProbs; }
}
