package vecrl.algo;

import vecrl.tensor.Tensor;

/**
 * The rollout data of one minibatch that a loss needs besides the policy's outputs: advantages,
 * returns, and the values and log-probabilities recorded during the rollout. Arrays are reused
 * from minibatch to minibatch; {@link #size()} elements are valid. The {@code *As} methods give
 * tensor views shaped like a given value (so targets line up with {@code [B]} or {@code [B, 1]}
 * policy outputs), cached so that a steady loop allocates nothing.
 */
public final class Minibatch {
  public final float[] advantages;
  public final float[] returns;
  public final float[] oldValues;
  public final float[] oldLogProbs;
  private int size;
  private final Tensor[] views = new Tensor[4];

  public Minibatch(int capacity) {
    advantages = new float[capacity];
    returns = new float[capacity];
    oldValues = new float[capacity];
    oldLogProbs = new float[capacity];
  }

  /** A minibatch holding copies of the given arrays (tests, small examples). */
  public static Minibatch of(float[] advantages, float[] returns, float[] oldValues, float[] oldLogProbs) {
    int n = advantages.length;
    if (returns.length != n || oldValues.length != n || oldLogProbs.length != n) {
      throw new IllegalArgumentException("Minibatch.of: lengths " + n + ", " + returns.length + ", " + oldValues.length + ", " + oldLogProbs.length + " differ");
    }
    Minibatch m = new Minibatch(n);
    System.arraycopy(advantages, 0, m.advantages, 0, n);
    System.arraycopy(returns, 0, m.returns, 0, n);
    System.arraycopy(oldValues, 0, m.oldValues, 0, n);
    System.arraycopy(oldLogProbs, 0, m.oldLogProbs, 0, n);
    m.setSize(n);
    return m;
  }

  public int capacity() {
    return advantages.length;
  }

  public int size() {
    return size;
  }

  public void setSize(int n) {
    if (n < 0 || n > capacity()) throw new IllegalArgumentException("Minibatch.setSize: " + n + " outside [0, " + capacity() + "]");
    size = n;
  }

  public Tensor advantagesAs(Tensor like) { return view(0, advantages, like); }
  public Tensor returnsAs(Tensor like) { return view(1, returns, like); }
  public Tensor oldValuesAs(Tensor like) { return view(2, oldValues, like); }
  public Tensor oldLogProbsAs(Tensor like) { return view(3, oldLogProbs, like); }

  private Tensor view(int slot, float[] data, Tensor like) {
    if (like.size() != size) {
      throw new IllegalArgumentException("Minibatch: a policy output of shape " + like.shapeString() + " for a minibatch of " + size + " samples");
    }
    Tensor v = views[slot];
    if (v == null || v.data() != data || !v.sameShape(like)) {
      v = Tensor.wrap(data, like.shape());
      views[slot] = v;
    }
    return v;
  }
}
