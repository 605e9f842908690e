package vecrl.gpu;

import com.aparapi.Kernel;

/**
 * The gradient of one operand of a broadcasting binary op: {@code g += sum of gy * d op/d operand}
 * over the rows and columns the operand was broadcast across. One work item per gradient element
 * (kind of the operand: 0 full, 1 row, 2 column, 3 single value), so no two work items write the
 * same element and no atomics are needed. {@code g} is the only array written.
 */
final class BroadcastGradKernel extends Kernel {
  float[] a, b, gy, g;
  int ao, bo, gyo, go;
  int ka, kb, kt;
  int op, wrtB, rows, cols, n;

  BroadcastGradKernel(float[] dummy) {
    a = b = gy = g = dummy;
  }

  private int at(int kind, int offset, int r, int c) {
    int i = offset;
    if (kind == 0) i = offset + r * cols + c;
    if (kind == 1) i = offset + c;
    if (kind == 2) i = offset + r;
    return i;
  }

  /** d op/da (wrtB 0) or d op/db (wrtB 1), BinaryOp codes ADD SUB MUL DIV MAX MIN. */
  private float partial(float av, float bv) {
    float d = 1f;
    if (wrtB == 0) {
      if (op == 2) d = bv;
      if (op == 3) d = 1f / bv;
      if (op == 4) d = av >= bv ? 1f : 0f;
      if (op == 5) d = av <= bv ? 1f : 0f;
    } else {
      if (op == 1) d = -1f;
      if (op == 2) d = av;
      if (op == 3) d = -av / (bv * bv);
      if (op == 4) d = av >= bv ? 0f : 1f;
      if (op == 5) d = av <= bv ? 0f : 1f;
    }
    return d;
  }

  @Override
  public void run() {
    int j = getGlobalId();
    if (j < n) {
      int r0 = 0, r1 = rows, c0 = 0, c1 = cols;
      if (kt == 0) {
        r0 = j / cols;
        r1 = r0 + 1;
        c0 = j - r0 * cols;
        c1 = c0 + 1;
      }
      if (kt == 1) {
        c0 = j;
        c1 = j + 1;
      }
      if (kt == 2) {
        r0 = j;
        r1 = j + 1;
      }
      float acc = 0f;
      for (int r = r0; r < r1; r++) {
        for (int c = c0; c < c1; c++) {
          acc += gy[gyo + r * cols + c] * partial(a[at(ka, ao, r, c)], b[at(kb, bo, r, c)]);
        }
      }
      g[go + j] = g[go + j] + acc;
    }
  }
}
