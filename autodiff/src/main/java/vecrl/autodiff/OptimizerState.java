package vecrl.autodiff;

import java.util.Arrays;

/**
 * An optimizer's state for checkpoints: its kind, its step count and its per-parameter buffers
 * (for Adam: m and v of each parameter in turn; for SGD: the momentum buffers; for RMSprop: the
 * square averages), in parameter order. Restoring it continues training bit for bit.
 */
public record OptimizerState(String kind, long step, float[][] buffers) {
  public OptimizerState {
    if (kind == null) throw new IllegalArgumentException("OptimizerState: kind is null");
    if (step < 0) throw new IllegalArgumentException("OptimizerState: step " + step + " is negative");
    float[][] copy = new float[buffers.length][];
    for (int i = 0; i < buffers.length; i++) copy[i] = buffers[i].clone();
    buffers = copy;
  }

  /** A copy of the buffers. */
  @Override
  public float[][] buffers() {
    float[][] copy = new float[buffers.length][];
    for (int i = 0; i < buffers.length; i++) copy[i] = buffers[i].clone();
    return copy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OptimizerState s && s.kind.equals(kind) && s.step == step && Arrays.deepEquals(s.buffers, buffers);
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + Long.hashCode(step) * 17 + Arrays.deepHashCode(buffers);
  }

  @Override
  public String toString() {
    return "OptimizerState[" + kind + ", step " + step + ", " + buffers.length + " buffers]";
  }
}
