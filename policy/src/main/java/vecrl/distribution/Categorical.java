package vecrl.distribution;

import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Categorical distributions over {@code n} classes, one per row of a [batch, n] logits value.
 *
 * <p><b>Masks</b> are [batch, n] tensors, nonzero = allowed. A masked class gets the logit {@link
 * #MASKED_LOGIT} (-1e30): finite, so no NaN appears anywhere (0 * -1e30 = 0, and no infinity
 * reaches a gradient), yet exp(-1e30 - max) underflows to exactly 0, so its probability is exactly
 * 0 and it is never sampled. Entropy therefore sums over valid classes only. A row that allows no
 * class is an error naming the row. Gradients never reach masked logits.
 *
 * <p>Numerics: log-probabilities come from a max-shifted log-softmax, so logits of any finite size
 * are safe: up to the float range (+-3.4e38), the entropy stays finite (a class whose log-probability
 * underflows to -inf counts 0). Sampling treats a +inf logit as certain (a uniform draw among the
 * +inf classes when there are several); NaN logits, or a row of only -inf, are an error.
 */
public final class Categorical implements Distribution {
  /** The logit given to masked classes. */
  public static final float MASKED_LOGIT = -1e30f;

  private final Tape tape;
  private final Var logits;
  private final Var logp;
  private final Tensor mask;
  private final int batch, n;

  /** From logits [batch, n]; {@code mask} [batch, n] or null. */
  public Categorical(Var logits, Tensor mask) {
    Tensor v = logits.value();
    if (v.rank() != 2) throw new IllegalArgumentException("Categorical: logits " + logits.shapeString() + ", expected [batch, n]");
    this.tape = logits.tape();
    this.batch = v.rows();
    this.n = v.cols();
    this.mask = mask;
    if (mask != null) {
      checkMask("Categorical", mask, batch, n, 0, n);
      logits = tape.where(mask, logits, tape.constant(MASKED_LOGIT));
    }
    this.logits = logits;
    this.logp = logits.logSoftmaxRows();
  }

  /** Unmasked, from logits. */
  public Categorical(Var logits) {
    this(logits, null);
  }

  /** From probabilities [batch, n] (each row summing to one); logits are their logarithms. */
  public static Categorical fromProbs(Var probs, Tensor mask) {
    return new Categorical(probs.log(), mask);
  }

  /** Checks that {@code mask} is [batch, width] and that columns [from, from+n) allow something in every row. */
  static void checkMask(String who, Tensor mask, int batch, int width, int from, int n) {
    if (mask.rank() != 2 || mask.dim(0) != batch || mask.dim(1) != width) {
      throw new IllegalArgumentException(who + ": mask " + mask.shapeString() + ", expected [" + batch + ", " + width + "]");
    }
    float[] d = mask.data();
    int o = mask.offset();
    for (int r = 0; r < batch; r++) {
      boolean any = false;
      for (int c = from; c < from + n && !any; c++) any = d[o + r * width + c] != 0f;
      if (!any) {
        throw new IllegalArgumentException(who + ": mask row " + r + (from > 0 || n < width ? " (columns " + from + ".." + (from + n - 1) + ")" : "")
            + " allows no action; at least one entry must be nonzero");
      }
    }
  }

  @Override public Tape tape() { return tape; }
  @Override public int batchSize() { return batch; }
  @Override public int actionWidth() { return 1; }
  public int classes() { return n; }
  /** The (masked) logits. */
  public Var logits() { return logits; }
  /** Log-probabilities [batch, n]. */
  public Var logProbs() { return logp; }
  /** Probabilities [batch, n]. */
  public Var probs() { return logp.exp(); }
  public Tensor mask() { return mask; }

  @Override
  public Var logProb(Tensor actions) {
    Distribution.checkActions("Categorical.logProb", actions, batch, 1);
    int[] idx = Distribution.indices("Categorical.logProb", actions, 0, n, null);
    return logp.gatherRows(idx).reshape(batch);
  }

  @Override
  public Var entropy() {
    // p * log p is exactly 0 for masked classes (p == 0, log p == -1e30 finite). Logits near the
    // float range (+-3.4e38) make log p = -inf for a class of p == 0: the clamp keeps 0 * log p at 0,
    // not NaN, and is the identity (value and gradient) for every finite log p.
    return logp.exp().mul(logp.clamp(-Float.MAX_VALUE, Float.MAX_VALUE)).sumRows().neg().reshape(batch);
  }

  @Override
  public void sample(Rng rng, Tensor out) {
    Distribution.checkActions("Categorical.sample", out, batch, 1);
    Tensor l = logits.value();
    for (int r = 0; r < batch; r++) {
      out.set(r, 0, sampleRow(l.data(), l.offset() + r * n, n, rng));
    }
  }

  @Override
  public void mode(Tensor out) {
    Distribution.checkActions("Categorical.mode", out, batch, 1);
    Tensor l = logits.value();
    for (int r = 0; r < batch; r++) out.set(r, 0, argmax(l.data(), l.offset() + r * n, n));
  }

  /** Not defined for class labels. */
  @Override
  public Var mean() {
    throw new UnsupportedOperationException("Categorical: the mean of class labels is not defined; use mode() or probs()");
  }

  @Override
  public Var kl(Distribution other) {
    if (!(other instanceof Categorical q) || q.batch != batch || q.n != n) {
      throw new IllegalArgumentException("Categorical.kl: other must be a Categorical [" + batch + ", " + n + "], got " + describe(other));
    }
    return logp.exp().mul(logp.sub(q.logp)).sumRows().reshape(batch);
  }

  static String describe(Distribution d) {
    return d.getClass().getSimpleName() + " batch " + d.batchSize() + " width " + d.actionWidth();
  }

  /**
   * The index of the largest of {@code x[from .. from+n)}; ties go to the lowest index. Used by the
   * batched and the single-row paths alike.
   */
  public static int argmax(float[] x, int from, int n) {
    int best = 0;
    float bv = x[from];
    for (int i = 1; i < n; i++) if (x[from + i] > bv) { bv = x[from + i]; best = i; }
    return best;
  }

  /** A draw from softmax(x[from .. from+n)); classes with logit {@link #MASKED_LOGIT} are never drawn. */
  public static int sampleRow(float[] x, int from, int n, Rng rng) {
    return rng.categoricalFromLogits(x, from, n);
  }
}
