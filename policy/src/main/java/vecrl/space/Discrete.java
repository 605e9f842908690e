package vecrl.space;

import java.util.Arrays;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * The integers {@code start, start + 1, ..., start + n - 1} (Gymnasium's {@code Discrete(n, start)}).
 * Values are {@code Integer}; the flat form is a one-hot vector of length {@code n}, so networks see
 * a categorical input rather than one ordinal float. A mask is a {@code boolean[n]}: true marks an
 * allowed value (index {@code value - start}).
 */
public record Discrete(int n, int start) implements Space<Integer> {

  /** Checks {@code n > 0} and that {@code start + n - 1} does not overflow. */
  public Discrete {
    if (n <= 0) throw new IllegalArgumentException("Discrete: n = " + n + ", expected n > 0");
    if ((long) start + n - 1 > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("Discrete: start " + start + " + n " + n + " overflows int");
    }
  }

  /** {@code {0, ..., n-1}}. */
  public Discrete(int n) {
    this(n, 0);
  }

  @Override
  public Integer sample(Rng rng) {
    return start + rng.nextInt(n);
  }

  @Override
  public Integer sample(Rng rng, Object mask) {
    if (mask == null) return sample(rng);
    if (!(mask instanceof boolean[] m)) {
      throw new IllegalArgumentException(this + ".sample: mask must be a boolean[" + n + "], got " + Box.describe(mask));
    }
    return start + sampleMasked(rng, m, n, toString());
  }

  /** A uniform index among those with {@code mask[i]} true; an error if none is. */
  static int sampleMasked(Rng rng, boolean[] mask, int n, String who) {
    if (mask.length != n) {
      throw new IllegalArgumentException(who + ".sample: mask has " + mask.length + " entries, expected " + n);
    }
    int allowed = 0;
    for (boolean b : mask) if (b) allowed++;
    if (allowed == 0) throw new IllegalArgumentException(who + ".sample: the mask allows no action (all " + n + " entries false)");
    int k = rng.nextInt(allowed);
    for (int i = 0; i < n; i++) {
      if (mask[i] && k-- == 0) return i;
    }
    throw new AssertionError();
  }

  @Override
  public boolean contains(Object value) {
    return value instanceof Integer v && v >= start && v - start < n;
  }

  @Override
  public int flatSize() {
    return n;
  }

  @Override
  public void flatten(Integer value, float[] out, int offset) {
    int i = index(value);
    Arrays.fill(out, offset, offset + n, 0f);
    out[offset + i] = 1f;
  }

  private int index(int value) {
    if (value < start || value - start >= n) {
      throw new IllegalArgumentException(this + ": value " + value + " outside [" + start + ", " + (start + n) + ")");
    }
    return value - start;
  }

  /** The value whose one-hot is at {@code data[offset ..]}: the argmax, first on ties. */
  @Override
  public Integer unflatten(float[] data, int offset) {
    int best = 0;
    for (int i = 1; i < n; i++) if (data[offset + i] > data[offset + best]) best = i;
    return start + best;
  }

  @Override
  public Integer cast(Object value) {
    if (value instanceof Integer v) return v;
    throw new IllegalArgumentException(this + ": expected an Integer, got " + Box.describe(value));
  }

  @Override
  public Box flatSpace() {
    return new Box(0f, 1f, n);
  }

  /** One float: the index. */
  @Override
  public int actionWidth() {
    return 1;
  }

  /** {@code n}: one float per value. */
  @Override
  public int maskWidth() {
    return n;
  }

  /** {@code start + row[offset]}; the index must be an integer in {@code [0, n)}. */
  @Override
  public Integer actionFromRow(float[] row, int offset) {
    float v = row[offset];
    if (v != Math.rint(v) || v < 0 || v >= n) {
      throw new IllegalArgumentException("action index " + v + " is not an integer in [0, " + n + ") of " + this);
    }
    return start + (int) v;
  }

  /** Writes the index {@code action - start}. */
  @Override
  public void actionToRow(Integer action, float[] row, int offset) {
    if (action == null) throw new IllegalArgumentException(this + ".actionToRow: action is null, expected an Integer");
    row[offset] = index(action);
  }

  /** A {@code boolean[n]} as 1f (allowed) and 0f (masked); null: all 1f. */
  @Override
  public void maskToRow(Object mask, float[] row, int offset) {
    if (mask == null) {
      Arrays.fill(row, offset, offset + n, 1f);
      return;
    }
    if (!(mask instanceof boolean[] m)) {
      throw new IllegalArgumentException("action mask must be a boolean[" + n + "] for " + this + ", got " + Box.describe(mask));
    }
    choicesToRow(m, n, row, offset, "", this);
  }

  /** Writes one component's choices; an error if the length differs from {@code n} or none is allowed. */
  static void choicesToRow(boolean[] m, int n, float[] row, int offset, String part, Space<?> space) {
    if (m.length != n) {
      throw new IllegalArgumentException("action mask" + part + " has " + m.length + " entries, expected " + n + " for " + space);
    }
    boolean any = false;
    for (int i = 0; i < n; i++) {
      row[offset + i] = m[i] ? 1f : 0f;
      any |= m[i];
    }
    if (!any) throw new IllegalArgumentException("action mask" + part + " allows no action (" + space + ")");
  }

  /** Whether the mask row is nonzero at the action's index. */
  @Override
  public boolean rowAllowed(float[] maskRow, int maskOffset, float[] actionRow, int actionOffset) {
    return maskRow[maskOffset + checkedIndex(actionRow[actionOffset], n, "action index", this)] != 0f;
  }

  /**
   * {@code (int) v} for a row entry {@code v} that is meant to index {@code [0, n)}; truncates as a
   * cast does, and is an error outside the range.
   */
  static int checkedIndex(float v, int n, String what, Space<?> space) {
    if (!(v >= 0 && v < n)) {
      throw new IllegalArgumentException(what + " " + v + " is outside [0, " + n + ") of " + space);
    }
    return (int) v;
  }

  /** One-hot rows [batch, n] for a [batch] tensor of values (floats holding integers). */
  public Tensor toFlatBatch(Tensor values) {
    if (values.rank() != 1) {
      throw new IllegalArgumentException(this + ".toFlatBatch: " + values.shapeString() + ", expected [batch]");
    }
    int b = values.size();
    Tensor out = Tensor.zeros(b, n);
    float[] v = values.data();
    for (int i = 0; i < b; i++) {
      float x = v[values.offset() + i];
      if (x != Math.rint(x)) throw new IllegalArgumentException(this + ".toFlatBatch: value " + x + " at row " + i + " is not an integer");
      out.data()[i * n + index((int) x)] = 1f;
    }
    return out;
  }

  /** The [batch] values (as floats) of [batch, n] flat rows, by argmax. */
  public Tensor fromFlatBatch(Tensor flat) {
    if (flat.rank() != 2 || flat.dim(1) != n) {
      throw new IllegalArgumentException(this + ".fromFlatBatch: " + flat.shapeString() + ", expected [batch, " + n + "]");
    }
    int b = flat.dim(0);
    Tensor out = Tensor.zeros(b);
    for (int i = 0; i < b; i++) out.data()[i] = unflatten(flat.data(), flat.offset() + i * n);
    return out;
  }

  /** {@code Discrete(2)}, or {@code Discrete(3, start=-1)}. */
  @Override
  public String toString() {
    return start == 0 ? "Discrete(" + n + ")" : "Discrete(" + n + ", start=" + start + ")";
  }
}
