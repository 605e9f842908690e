package vecrl.distribution;

import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Independent Bernoulli bits, one distribution per row of [batch, n] logits (p = sigmoid(logit)).
 * Actions are [batch, n] of 0 and 1; log-prob, entropy and KL sum over the bits.
 *
 * <p><b>Masks</b> are [batch, n] with Gymnasium's MultiBinary codes: 0 = the bit must be 0, 1 = it
 * must be 1, 2 = free. A forced bit has probability 1 for its value (log-prob 0, entropy 0, KL 0) and
 * {@link Categorical#MASKED_LOGIT} as the log-prob of the other value; it is never sampled otherwise.
 *
 * <p>Numerics: log p = -softplus(-l) and log(1 - p) = -softplus(l), which never overflow.
 */
public final class Bernoulli implements Distribution {
  private final Tape tape;
  private final Var logits;
  private final Tensor mask;
  private final Tensor free;
  private final int batch, n;

  /** From logits [batch, n]; {@code mask} [batch, n] with codes 0/1/2, or null. */
  public Bernoulli(Var logits, Tensor mask) {
    Tensor v = logits.value();
    if (v.rank() != 2) throw new IllegalArgumentException("Bernoulli: logits " + logits.shapeString() + ", expected [batch, n]");
    this.tape = logits.tape();
    this.logits = logits;
    this.batch = v.rows();
    this.n = v.cols();
    this.mask = mask;
    if (mask != null) {
      if (mask.rank() != 2 || mask.dim(0) != batch || mask.dim(1) != n) {
        throw new IllegalArgumentException("Bernoulli: mask " + mask.shapeString() + ", expected [" + batch + ", " + n + "]");
      }
      free = Tensor.zeros(batch, n);
      for (int r = 0; r < batch; r++) {
        for (int c = 0; c < n; c++) {
          float m = mask.get(r, c);
          if (m != 0f && m != 1f && m != 2f) {
            throw new IllegalArgumentException("Bernoulli: mask row " + r + " bit " + c + " is " + m
                + "; expected 0 (must be 0), 1 (must be 1) or 2 (free)");
          }
          free.set(r, c, m == 2f ? 1f : 0f);
        }
      }
    } else {
      free = null;
    }
  }

  public Bernoulli(Var logits) {
    this(logits, null);
  }

  @Override public Tape tape() { return tape; }
  @Override public int batchSize() { return batch; }
  @Override public int actionWidth() { return n; }
  public Var logits() { return logits; }

  @Override
  public Var logProb(Tensor actions) {
    Distribution.checkActions("Bernoulli.logProb", actions, batch, n);
    Tensor signs = Tensor.zeros(batch, n);
    Tensor forced = mask == null ? null : Tensor.zeros(batch, n);
    for (int r = 0; r < batch; r++) {
      for (int c = 0; c < n; c++) {
        float a = actions.get(r, c);
        if (a != 0f && a != 1f) {
          throw new IllegalArgumentException("Bernoulli.logProb: action " + a + " in row " + r + " bit " + c + " is not 0 or 1");
        }
        signs.set(r, c, 1f - 2f * a);
        if (forced != null) forced.set(r, c, mask.get(r, c) == 2f || mask.get(r, c) == a ? 0f : Categorical.MASKED_LOGIT);
      }
    }
    // log p(x) = -softplus((1 - 2x) l)
    Var term = logits.mul(tape.input(signs)).softplus().neg();
    if (mask != null) term = tape.where(free, term, tape.input(forced));
    return term.sumRows().reshape(batch);
  }

  @Override
  public Var entropy() {
    // H = softplus(l) - l sigmoid(l)
    Var h = logits.softplus().sub(logits.mul(logits.sigmoid()));
    if (mask != null) h = tape.where(free, h, tape.constant(0f));
    return h.sumRows().reshape(batch);
  }

  @Override
  public void sample(Rng rng, Tensor out) {
    Distribution.checkActions("Bernoulli.sample", out, batch, n);
    Tensor l = logits.value();
    for (int r = 0; r < batch; r++) {
      for (int c = 0; c < n; c++) {
        float m = mask == null ? 2f : mask.get(r, c);
        out.set(r, c, m != 2f ? m : (rng.uniformDouble() < sigmoid(l.get(r, c)) ? 1f : 0f));
      }
    }
  }

  @Override
  public void mode(Tensor out) {
    Distribution.checkActions("Bernoulli.mode", out, batch, n);
    Tensor l = logits.value();
    for (int r = 0; r < batch; r++) {
      for (int c = 0; c < n; c++) {
        float m = mask == null ? 2f : mask.get(r, c);
        out.set(r, c, m != 2f ? m : (l.get(r, c) > 0f ? 1f : 0f));
      }
    }
  }

  /** P(bit = 1) per bit, [batch, n] (1 or 0 for forced bits). */
  @Override
  public Var mean() {
    Var p = logits.sigmoid();
    return mask == null ? p : tape.where(free, p, tape.input(mask));
  }

  @Override
  public Var kl(Distribution other) {
    if (!(other instanceof Bernoulli q) || q.batch != batch || q.n != n) {
      throw new IllegalArgumentException("Bernoulli.kl: other must be a Bernoulli [" + batch + ", " + n + "], got " + Categorical.describe(other));
    }
    // p1 (log p1 - log p2) + (1 - p1)(log(1 - p1) - log(1 - p2)), with log p = -softplus(-l).
    Var l1 = logits, l2 = q.logits;
    Var a = l1.sigmoid().mul(l2.neg().softplus().sub(l1.neg().softplus()));
    Var b = l1.neg().sigmoid().mul(l2.softplus().sub(l1.softplus()));
    Var k = a.add(b);
    if (mask != null) k = tape.where(free, k, tape.constant(0f));
    return k.sumRows().reshape(batch);
  }

  static double sigmoid(float x) {
    return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
  }
}
