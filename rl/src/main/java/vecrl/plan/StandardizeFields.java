package vecrl.plan;

import java.util.List;
import java.util.function.UnaryOperator;
import vecrl.algo.Algorithms;
import vecrl.algo.SampleBatch;

/**
 * Standardises the named width-1 columns of each batch in place over all its rows (RLlib's {@code
 * StandardizeFields(fields)}): {@code (x - mean) / (std + 1e-8)} with the sample standard deviation,
 * accumulated in double ({@link Algorithms#standardize}, the trainer's {@code normAdvBatch} step; RLlib
 * divides by {@code max(1e-4, std)} of the population instead). Returns the same batch.
 */
public final class StandardizeFields implements UnaryOperator<SampleBatch> {
  private final List<String> fields;

  public StandardizeFields(List<String> fields) {
    this.fields = List.copyOf(fields);
  }

  @Override
  public SampleBatch apply(SampleBatch b) {
    for (String f : fields) {
      if (!b.has(f)) throw new IllegalArgumentException("StandardizeFields: the batch has no column " + f + "; its columns: " + b.names());
      Algorithms.standardize(b, f);
    }
    return b;
  }

  @Override
  public String toString() {
    return "StandardizeFields(" + fields + ")";
  }
}
