package vecrl.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import vecrl.algo.SampleBatch;

/**
 * Collects batches until they hold at least {@code minBatchSize} rows, then emits them as one
 * (RLlib's {@code ConcatBatches(min_batch_size)}), for {@link LocalIterator#combine}. The rows keep
 * their order: the batches in the order they came, each batch's rows in its own order ({@link
 * SampleBatch#concat}). A single batch that already has enough rows is passed on as it is, without
 * a copy (so the learner's own rollout reaches {@link TrainOneStep} unchanged).
 */
public final class ConcatBatches implements Function<SampleBatch, List<SampleBatch>> {
  private final int minBatchSize;
  private final List<SampleBatch> held = new ArrayList<>();
  private int rows;

  public ConcatBatches(int minBatchSize) {
    if (minBatchSize < 1) throw new IllegalArgumentException("ConcatBatches: minBatchSize " + minBatchSize + ", expected >= 1");
    this.minBatchSize = minBatchSize;
  }

  @Override
  public List<SampleBatch> apply(SampleBatch b) {
    held.add(b);
    rows += b.rows();
    if (rows < minBatchSize) return List.of();
    SampleBatch out = held.size() == 1 ? held.get(0) : SampleBatch.concat(held);
    held.clear();
    rows = 0;
    return List.of(out);
  }

  @Override
  public String toString() {
    return "ConcatBatches(" + minBatchSize + ")";
  }
}
