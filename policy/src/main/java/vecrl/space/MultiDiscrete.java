package vecrl.space;

import java.util.Arrays;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Several discrete choices at once: component {@code i} takes values in {@code [0, nvec[i])}.
 * Values are {@code int[nvec.length]}; the flat form concatenates one one-hot per component (length
 * {@code sum(nvec)}). A mask is a {@code boolean[][]} with one {@code boolean[nvec[i]]} per
 * component (a null row leaves that component unmasked).
 */
public final class MultiDiscrete implements Space<int[]> {
  private final int[] nvec;
  private final int flatSize;

  public MultiDiscrete(int... nvec) {
    if (nvec.length == 0) throw new IllegalArgumentException("MultiDiscrete: nvec is empty, expected at least one component");
    long s = 0;
    for (int i = 0; i < nvec.length; i++) {
      if (nvec[i] <= 0) {
        throw new IllegalArgumentException("MultiDiscrete: nvec[" + i + "] = " + nvec[i] + ", expected > 0 in " + Arrays.toString(nvec));
      }
      s += nvec[i];
    }
    if (s > Integer.MAX_VALUE) throw new IllegalArgumentException("MultiDiscrete: flat size of " + Arrays.toString(nvec) + " is too large");
    this.nvec = nvec.clone();
    this.flatSize = (int) s;
  }

  /** A copy of the number of values per component. */
  public int[] nvec() {
    return nvec.clone();
  }

  /** The number of components. */
  public int components() {
    return nvec.length;
  }

  @Override
  public int[] sample(Rng rng) {
    int[] v = new int[nvec.length];
    for (int i = 0; i < nvec.length; i++) v[i] = rng.nextInt(nvec[i]);
    return v;
  }

  @Override
  public int[] sample(Rng rng, Object mask) {
    if (mask == null) return sample(rng);
    if (!(mask instanceof boolean[][] m) || m.length != nvec.length) {
      throw new IllegalArgumentException(this + ".sample: mask must be a boolean[" + nvec.length + "][], got "
          + (mask instanceof boolean[][] m2 ? "boolean[" + m2.length + "][]" : Box.describe(mask)));
    }
    int[] v = new int[nvec.length];
    for (int i = 0; i < nvec.length; i++) {
      v[i] = m[i] == null ? rng.nextInt(nvec[i]) : Discrete.sampleMasked(rng, m[i], nvec[i], this + " component " + i);
    }
    return v;
  }

  @Override
  public boolean contains(Object value) {
    if (!(value instanceof int[] v) || v.length != nvec.length) return false;
    for (int i = 0; i < v.length; i++) if (v[i] < 0 || v[i] >= nvec[i]) return false;
    return true;
  }

  @Override
  public int flatSize() {
    return flatSize;
  }

  @Override
  public void flatten(int[] value, float[] out, int offset) {
    if (value.length != nvec.length) {
      throw new IllegalArgumentException(this + ".flatten: value has " + value.length + " components, expected " + nvec.length);
    }
    Arrays.fill(out, offset, offset + flatSize, 0f);
    int o = offset;
    for (int i = 0; i < nvec.length; i++) {
      if (value[i] < 0 || value[i] >= nvec[i]) {
        throw new IllegalArgumentException(this + ".flatten: component " + i + " = " + value[i] + " outside [0, " + nvec[i] + ")");
      }
      out[o + value[i]] = 1f;
      o += nvec[i];
    }
  }

  /** Each component is the argmax of its one-hot block (first on ties). */
  @Override
  public int[] unflatten(float[] data, int offset) {
    int[] v = new int[nvec.length];
    int o = offset;
    for (int i = 0; i < nvec.length; i++) {
      int best = 0;
      for (int j = 1; j < nvec[i]; j++) if (data[o + j] > data[o + best]) best = j;
      v[i] = best;
      o += nvec[i];
    }
    return v;
  }

  @Override
  public int[] cast(Object value) {
    if (value instanceof int[] v && v.length == nvec.length) return v;
    throw new IllegalArgumentException(this + ": expected an int[" + nvec.length + "], got " + Box.describe(value));
  }

  @Override
  public Box flatSpace() {
    return new Box(0f, 1f, flatSize);
  }

  /** One float per component: its index. */
  @Override
  public int actionWidth() {
    return nvec.length;
  }

  /** {@code sum(nvec)}: one float per value of each component. */
  @Override
  public int maskWidth() {
    return flatSize;
  }

  /** The components' indices; each must be an integer in {@code [0, nvec[i])}. */
  @Override
  public int[] actionFromRow(float[] row, int offset) {
    int[] a = new int[nvec.length];
    for (int i = 0; i < nvec.length; i++) {
      float v = row[offset + i];
      if (v != Math.rint(v) || v < 0 || v >= nvec[i]) {
        throw new IllegalArgumentException("action component " + i + " = " + v + " is not an integer in [0, " + nvec[i] + ") of " + this);
      }
      a[i] = (int) v;
    }
    return a;
  }

  /** Writes the components' indices. */
  @Override
  public void actionToRow(int[] action, float[] row, int offset) {
    if (action == null || action.length != nvec.length) {
      throw new IllegalArgumentException(this + ".actionToRow: action is " + Box.describe(action) + ", expected an int[" + nvec.length + "]");
    }
    for (int i = 0; i < nvec.length; i++) {
      if (action[i] < 0 || action[i] >= nvec[i]) {
        throw new IllegalArgumentException(this + ".actionToRow: component " + i + " = " + action[i] + " outside [0, " + nvec[i] + ")");
      }
      row[offset + i] = action[i];
    }
  }

  /** A {@code boolean[components][]}: each component's row in turn; null (or a null component) allows all. */
  @Override
  public void maskToRow(Object mask, float[] row, int offset) {
    if (mask != null && (!(mask instanceof boolean[][] m) || m.length != nvec.length)) {
      throw new IllegalArgumentException("action mask must be a boolean[" + nvec.length + "][] for " + this + ", got " + Box.describe(mask));
    }
    boolean[][] m = (boolean[][]) mask;
    int at = offset;
    for (int i = 0; i < nvec.length; i++) {
      if (m == null || m[i] == null) Arrays.fill(row, at, at + nvec[i], 1f);
      else Discrete.choicesToRow(m[i], nvec[i], row, at, " of component " + i, this);
      at += nvec[i];
    }
  }

  /** Whether every component's index is allowed by its part of the mask row. */
  @Override
  public boolean rowAllowed(float[] maskRow, int maskOffset, float[] actionRow, int actionOffset) {
    int at = maskOffset;
    for (int i = 0; i < nvec.length; i++) {
      int k = Discrete.checkedIndex(actionRow[actionOffset + i], nvec[i], "action component " + i + " =", this);
      if (maskRow[at + k] == 0f) return false;
      at += nvec[i];
    }
    return true;
  }

  /** Flat one-hot rows [batch, sum(nvec)] for a [batch, components] tensor of values. */
  public Tensor toFlatBatch(Tensor values) {
    if (values.rank() != 2 || values.dim(1) != nvec.length) {
      throw new IllegalArgumentException(this + ".toFlatBatch: " + values.shapeString() + ", expected [batch, " + nvec.length + "]");
    }
    int b = values.dim(0);
    Tensor out = Tensor.zeros(b, flatSize);
    int[] row = new int[nvec.length];
    for (int r = 0; r < b; r++) {
      for (int i = 0; i < nvec.length; i++) {
        float x = values.data()[values.offset() + r * nvec.length + i];
        if (x != Math.rint(x)) throw new IllegalArgumentException(this + ".toFlatBatch: value " + x + " at [" + r + ", " + i + "] is not an integer");
        row[i] = (int) x;
      }
      flatten(row, out.data(), r * flatSize);
    }
    return out;
  }

  /** The [batch, components] values (as floats) of [batch, sum(nvec)] flat rows. */
  public Tensor fromFlatBatch(Tensor flat) {
    if (flat.rank() != 2 || flat.dim(1) != flatSize) {
      throw new IllegalArgumentException(this + ".fromFlatBatch: " + flat.shapeString() + ", expected [batch, " + flatSize + "]");
    }
    int b = flat.dim(0);
    Tensor out = Tensor.zeros(b, nvec.length);
    for (int r = 0; r < b; r++) {
      int[] v = unflatten(flat.data(), flat.offset() + r * flatSize);
      for (int i = 0; i < v.length; i++) out.data()[r * nvec.length + i] = v[i];
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MultiDiscrete m && Arrays.equals(nvec, m.nvec);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(nvec);
  }

  /** {@code MultiDiscrete([3, 2])}. */
  @Override
  public String toString() {
    return "MultiDiscrete(" + Arrays.toString(nvec) + ")";
  }
}
