package vecrl.tensor;

/**
 * Shape checks shared by every backend, so that each one rejects the same inputs with the same
 * message. Messages name the kernel and every shape involved, for example {@code matmul: [64, 3] x
 * [4, 2]: inner sizes 3 and 4 differ}.
 */
public final class KernelChecks {
  private KernelChecks() {}

  /** How a binary-kernel input is laid out against the output's rows x cols. */
  public enum Broadcast {
    /** Same rows x cols as the output. */
    FULL,
    /** One row of cols values, repeated down the rows. */
    ROW,
    /** One column of rows values ([rows, 1]), repeated across the columns. */
    COLUMN,
    /** A single value. */
    SCALAR
  }

  /** Checks {@code c = op(a) op(b)} and returns nothing; throws with both shapes on a mismatch. */
  public static void matmul(Tensor a, boolean ta, Tensor b, boolean tb, Tensor c) {
    if (a.rank() != 2 || b.rank() != 2 || c.rank() != 2) {
      throw new IllegalArgumentException("matmul: " + a.shapeString() + " x " + b.shapeString() + " -> "
          + c.shapeString() + ": every operand must be rank 2");
    }
    if (ta && tb) {
      throw new IllegalArgumentException("matmul: " + a.shapeString() + "^T x " + b.shapeString()
          + "^T is not supported; use (b a)^T");
    }
    int m = ta ? a.cols() : a.rows();
    int k = ta ? a.rows() : a.cols();
    int kb = tb ? b.cols() : b.rows();
    int n = tb ? b.rows() : b.cols();
    if (k != kb) {
      throw new IllegalArgumentException("matmul: " + describe(a, ta, b, tb) + ": inner sizes " + k + " and " + kb + " differ");
    }
    if (c.rows() != m || c.cols() != n) {
      throw new IllegalArgumentException("matmul: " + describe(a, ta, b, tb) + " is [" + m + ", " + n + "] but the output is "
          + c.shapeString());
    }
    if (c.deviceData() == a.deviceData() || c.deviceData() == b.deviceData()) {
      if (overlaps(c, a) || overlaps(c, b)) {
        throw new IllegalArgumentException("matmul: " + describe(a, ta, b, tb) + ": the output " + c.shapeString()
            + " overlaps an input");
      }
    }
  }

  /** Checks {@code out = act(x w^T + bias)}: x [m, k], w [n, k], bias n values or null, out [m, n]. */
  public static void linear(Tensor x, Tensor w, Tensor bias, Tensor out) {
    if (x.rank() != 2 || w.rank() != 2 || x.cols() != w.cols()) {
      throw new IllegalArgumentException("linear: input " + x.shapeString() + " and weight " + w.shapeString()
          + ": expected input [batch, in] and weight [out, in] with the same in");
    }
    if (bias != null && (bias.size() != w.rows() || bias.rank() > 2 || (bias.rank() == 2 && bias.rows() != 1))) {
      throw new IllegalArgumentException("linear: bias " + bias.shapeString() + " does not match weight "
          + w.shapeString() + "; expected [" + w.rows() + "]");
    }
    matmul(x, false, w, true, out);
  }

  /** Built only when a check fails, so that passing checks allocate nothing. */
  private static String describe(Tensor a, boolean ta, Tensor b, boolean tb) {
    return a.shapeString() + (ta ? "^T" : "") + " x " + b.shapeString() + (tb ? "^T" : "");
  }

  private static boolean overlaps(Tensor x, Tensor y) {
    if (x.deviceData() != y.deviceData() || x.size() == 0 || y.size() == 0) return false;
    return x.offset() < y.offset() + y.size() && y.offset() < x.offset() + x.size();
  }

  /** Checks that {@code out} has exactly the elements of {@code x} (rows x cols equal). */
  public static void sameShape(String op, Tensor x, Tensor out) {
    if (x.rows() != out.rows() || x.cols() != out.cols()) {
      throw new IllegalArgumentException(op + ": input " + x.shapeString() + " and output " + out.shapeString() + " differ in shape");
    }
  }

  /** Checks three tensors of one shape, as in a backward kernel. */
  public static void sameShape(String op, Tensor x, Tensor y, Tensor z) {
    sameShape(op, x, y);
    sameShape(op, x, z);
  }

  /** Checks that {@code row} is a row vector of x's column count and that out matches x. */
  public static void rowVector(String op, Tensor x, Tensor row, Tensor out) {
    if (row.size() != x.cols() || (row.rank() == 2 && row.rows() != 1) || row.rank() > 2) {
      throw new IllegalArgumentException(op + ": " + x.shapeString() + " + " + row.shapeString()
          + ": expected a row vector of " + x.cols() + " values");
    }
    sameShape(op, x, out);
  }

  /** How {@code x} broadcasts against an output of {@code rows} x {@code cols}. */
  public static Broadcast broadcast(String op, Tensor x, Tensor out, String role) {
    int rows = out.rows(), cols = out.cols();
    if (x.rows() == rows && x.cols() == cols) return Broadcast.FULL;
    if (x.size() == 1) return Broadcast.SCALAR;
    if (x.cols() == cols && x.rows() == 1) return Broadcast.ROW;
    if (x.cols() == 1 && x.rows() == rows && x.rank() >= 2) return Broadcast.COLUMN;
    throw new IllegalArgumentException(op + ": " + role + " " + x.shapeString() + " does not broadcast to the output "
        + out.shapeString() + " (expected [" + rows + ", " + cols + "], a row of " + cols + ", a column [" + rows
        + ", 1] or a single value)");
  }

  /** Checks a reduction's output size. */
  public static void reduce(String op, Tensor x, Tensor out, int expected, String what) {
    if (out.size() != expected) {
      throw new IllegalArgumentException(op + ": input " + x.shapeString() + " reduces to " + expected + " " + what
          + " but the output " + out.shapeString() + " holds " + out.size());
    }
  }

  /** Checks an index array of one entry per row, each inside [0, cols). */
  public static void indices(String op, Tensor x, int[] idx) {
    if (idx.length != x.rows()) {
      throw new IllegalArgumentException(op + ": " + x.shapeString() + " has " + x.rows() + " rows but " + idx.length
          + " indices were given");
    }
    int cols = x.cols();
    for (int i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= cols) {
        throw new IndexOutOfBoundsException(op + ": index " + idx[i] + " at row " + i + " is outside [0, " + cols
            + ") for " + x.shapeString());
      }
    }
  }
}
