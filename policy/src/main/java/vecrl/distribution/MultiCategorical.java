package vecrl.distribution;

import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Independent categorical components (a MultiDiscrete action), from logits [batch, sum(nvec)] laid
 * out component after component. Actions are [batch, nvec.length]; log-prob, entropy and KL are sums
 * over components. Masks are [batch, sum(nvec)] in the logits' layout, nonzero = allowed; each
 * component of each row must allow something (the error names row and component).
 */
public final class MultiCategorical implements Distribution {
  private final Tape tape;
  private final int[] nvec;
  private final Categorical[] parts;
  private final int batch;

  public MultiCategorical(Var logits, int[] nvec, Tensor mask) {
    Tensor v = logits.value();
    int total = 0;
    for (int k : nvec) {
      if (k <= 0) throw new IllegalArgumentException("MultiCategorical: nvec " + java.util.Arrays.toString(nvec) + " must be positive");
      total += k;
    }
    if (v.rank() != 2 || v.cols() != total) {
      throw new IllegalArgumentException("MultiCategorical: logits " + logits.shapeString() + ", expected [batch, " + total
          + "] for nvec " + java.util.Arrays.toString(nvec));
    }
    this.tape = logits.tape();
    this.nvec = nvec.clone();
    this.batch = v.rows();
    if (mask != null && (mask.rank() != 2 || mask.dim(0) != batch || mask.dim(1) != total)) {
      throw new IllegalArgumentException("MultiCategorical: mask " + mask.shapeString() + ", expected [" + batch + ", " + total + "]");
    }
    this.parts = new Categorical[nvec.length];
    int from = 0;
    for (int i = 0; i < nvec.length; i++) {
      Tensor m = null;
      if (mask != null) {
        m = Tensor.zeros(batch, nvec[i]);
        for (int r = 0; r < batch; r++) {
          boolean any = false;
          for (int c = 0; c < nvec[i]; c++) {
            float x = mask.get(r, from + c);
            m.set(r, c, x);
            any |= x != 0f;
          }
          if (!any) {
            throw new IllegalArgumentException("MultiCategorical: mask row " + r + " component " + i + " allows no action");
          }
        }
      }
      parts[i] = new Categorical(logits.sliceCols(from, from + nvec[i]), m);
      from += nvec[i];
    }
  }

  @Override public Tape tape() { return tape; }
  @Override public int batchSize() { return batch; }
  @Override public int actionWidth() { return nvec.length; }
  /** Component {@code i}. */
  public Categorical component(int i) { return parts[i]; }

  @Override
  public Var logProb(Tensor actions) {
    Distribution.checkActions("MultiCategorical.logProb", actions, batch, nvec.length);
    Var sum = null;
    for (int i = 0; i < parts.length; i++) {
      Tensor col = Tensor.zeros(batch, 1);
      for (int r = 0; r < batch; r++) col.set(r, 0, actions.get(r, i));
      Var lp = parts[i].logProb(col);
      sum = sum == null ? lp : sum.add(lp);
    }
    return sum;
  }

  @Override
  public Var entropy() {
    Var sum = null;
    for (Categorical c : parts) sum = sum == null ? c.entropy() : sum.add(c.entropy());
    return sum;
  }

  @Override
  public void sample(Rng rng, Tensor out) {
    Distribution.checkActions("MultiCategorical.sample", out, batch, nvec.length);
    for (int r = 0; r < batch; r++) {
      for (int i = 0; i < parts.length; i++) {
        Tensor l = parts[i].logits().value();
        out.set(r, i, Categorical.sampleRow(l.data(), l.offset() + r * nvec[i], nvec[i], rng));
      }
    }
  }

  @Override
  public void mode(Tensor out) {
    Distribution.checkActions("MultiCategorical.mode", out, batch, nvec.length);
    for (int r = 0; r < batch; r++) {
      for (int i = 0; i < parts.length; i++) {
        Tensor l = parts[i].logits().value();
        out.set(r, i, Categorical.argmax(l.data(), l.offset() + r * nvec[i], nvec[i]));
      }
    }
  }

  @Override
  public Var mean() {
    throw new UnsupportedOperationException("MultiCategorical: the mean of class labels is not defined; use mode()");
  }

  @Override
  public Var kl(Distribution other) {
    if (!(other instanceof MultiCategorical q) || q.batch != batch || !java.util.Arrays.equals(q.nvec, nvec)) {
      throw new IllegalArgumentException("MultiCategorical.kl: other must be a MultiCategorical of batch " + batch + " and nvec "
          + java.util.Arrays.toString(nvec) + ", got " + Categorical.describe(other));
    }
    Var sum = null;
    for (int i = 0; i < parts.length; i++) {
      Var k = parts[i].kl(q.parts[i]);
      sum = sum == null ? k : sum.add(k);
    }
    return sum;
  }
}
