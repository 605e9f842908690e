package vecrl.space;

import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Vectors of {@code n} bits. Values are {@code int[n]} holding 0 or 1; the flat form is the bits as
 * floats. A mask is an {@code int[n]} with, per bit, 0 (the bit must be 0), 1 (the bit must be 1)
 * or 2 (the bit is free), as Gymnasium's int8 masks; every mask allows at least one value, so there
 * is no all-false case. The flat form unflattens with a threshold of 0.5.
 */
public record MultiBinary(int n) implements Space<int[]> {

  /** Checks {@code n > 0}. */
  public MultiBinary {
    if (n <= 0) throw new IllegalArgumentException("MultiBinary: n = " + n + ", expected n > 0");
  }

  @Override
  public int[] sample(Rng rng) {
    int[] v = new int[n];
    for (int i = 0; i < n; i++) v[i] = rng.nextInt(2);
    return v;
  }

  @Override
  public int[] sample(Rng rng, Object mask) {
    if (mask == null) return sample(rng);
    if (!(mask instanceof int[] m) || m.length != n) {
      throw new IllegalArgumentException(this + ".sample: mask must be an int[" + n + "] of 0, 1, 2, got " + Box.describe(mask));
    }
    int[] v = new int[n];
    for (int i = 0; i < n; i++) {
      v[i] = switch (m[i]) {
        case 0 -> 0;
        case 1 -> 1;
        case 2 -> rng.nextInt(2);
        default -> throw new IllegalArgumentException(this + ".sample: mask[" + i + "] = " + m[i]
            + ", expected 0 (bit 0), 1 (bit 1) or 2 (free)");
      };
    }
    return v;
  }

  @Override
  public boolean contains(Object value) {
    if (!(value instanceof int[] v) || v.length != n) return false;
    for (int b : v) if (b != 0 && b != 1) return false;
    return true;
  }

  @Override
  public int flatSize() {
    return n;
  }

  @Override
  public void flatten(int[] value, float[] out, int offset) {
    if (value.length != n) throw new IllegalArgumentException(this + ".flatten: value has " + value.length + " bits, expected " + n);
    for (int i = 0; i < n; i++) {
      if (value[i] != 0 && value[i] != 1) throw new IllegalArgumentException(this + ".flatten: bit " + i + " = " + value[i] + ", expected 0 or 1");
      out[offset + i] = value[i];
    }
  }

  @Override
  public int[] unflatten(float[] data, int offset) {
    int[] v = new int[n];
    for (int i = 0; i < n; i++) v[i] = data[offset + i] > 0.5f ? 1 : 0;
    return v;
  }

  @Override
  public int[] cast(Object value) {
    if (value instanceof int[] v && v.length == n) return v;
    throw new IllegalArgumentException(this + ": expected an int[" + n + "], got " + Box.describe(value));
  }

  @Override
  public Box flatSpace() {
    return new Box(0f, 1f, n);
  }

  /** One float per bit. */
  @Override
  public int actionWidth() {
    return n;
  }

  /** One code per bit. */
  @Override
  public int maskWidth() {
    return n;
  }

  /** The bits; each must be 0 or 1. */
  @Override
  public int[] actionFromRow(float[] row, int offset) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      float v = row[offset + i];
      if (v != 0f && v != 1f) throw new IllegalArgumentException("action bit " + i + " = " + v + " is not 0 or 1 in " + this);
      a[i] = (int) v;
    }
    return a;
  }

  /** Writes the bits as 0f and 1f. */
  @Override
  public void actionToRow(int[] action, float[] row, int offset) {
    if (action == null || action.length != n) {
      throw new IllegalArgumentException(this + ".actionToRow: action is " + Box.describe(action) + ", expected an int[" + n + "]");
    }
    for (int i = 0; i < n; i++) {
      if (action[i] != 0 && action[i] != 1) {
        throw new IllegalArgumentException(this + ".actionToRow: bit " + i + " = " + action[i] + ", expected 0 or 1");
      }
      row[offset + i] = action[i];
    }
  }

  /** An {@code int[n]} of codes 0, 1, 2 as floats; null: all 2f (free). */
  @Override
  public void maskToRow(Object mask, float[] row, int offset) {
    if (mask == null) {
      java.util.Arrays.fill(row, offset, offset + n, 2f);
      return;
    }
    if (!(mask instanceof int[] m) || m.length != n) {
      throw new IllegalArgumentException("action mask must be an int[" + n + "] of codes 0, 1, 2 for " + this + ", got " + Box.describe(mask));
    }
    for (int i = 0; i < n; i++) {
      if (m[i] < 0 || m[i] > 2) {
        throw new IllegalArgumentException("action mask bit " + i + " has code " + m[i] + ", expected 0 (bit 0), 1 (bit 1) or 2 (free) for " + this);
      }
      row[offset + i] = m[i];
    }
  }

  /** Whether every bit with code 0 or 1 equals its code. */
  @Override
  public boolean rowAllowed(float[] maskRow, int maskOffset, float[] actionRow, int actionOffset) {
    for (int i = 0; i < n; i++) {
      float code = maskRow[maskOffset + i];
      if (code != 2f && code != actionRow[actionOffset + i]) return false;
    }
    return true;
  }

  /** A [batch, n] tensor of bits is already flat: checked and returned as is. */
  public Tensor toFlatBatch(Tensor bits) {
    if (bits.rank() != 2 || bits.dim(1) != n) {
      throw new IllegalArgumentException(this + ".toFlatBatch: " + bits.shapeString() + ", expected [batch, " + n + "]");
    }
    return bits;
  }

  /** [batch, n] bits (0f or 1f) from flat rows, by threshold 0.5. */
  public Tensor fromFlatBatch(Tensor flat) {
    if (flat.rank() != 2 || flat.dim(1) != n) {
      throw new IllegalArgumentException(this + ".fromFlatBatch: " + flat.shapeString() + ", expected [batch, " + n + "]");
    }
    Tensor out = Tensor.zeros(flat.dim(0), n);
    for (int i = 0; i < out.size(); i++) out.data()[i] = flat.data()[flat.offset() + i] > 0.5f ? 1f : 0f;
    return out;
  }

  /** {@code MultiBinary(5)}. */
  @Override
  public String toString() {
    return "MultiBinary(" + n + ")";
  }
}
