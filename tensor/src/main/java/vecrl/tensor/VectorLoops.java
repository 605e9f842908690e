package vecrl.tensor;

import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The whole-vector loops of {@link VectorKernels}' elementwise kernels, one enum constant per op:
 * each constant is a class of its own, so the JIT compiles each op's loop as a separate, small
 * method with its math inlined.
 *
 * <p>Why not one method with a {@code switch}: when a program uses several ops (a training step
 * uses a dozen), a single method holding every op's loop outgrows the JIT's inlining budget, and
 * a {@code switch} that picks the op inside a loop merges vectors from different arms. Either way
 * C2 stops keeping vectors in registers and allocates every one on the heap. Measured on a
 * 512 x 64 tensor with every op in use: 400 to 800 kB allocated per call and about ten times slower
 * than the loops here, which allocate nothing. A single-op benchmark does not show it, because the
 * JIT drops the arms it never saw taken.
 *
 * <p>Each loop covers whole vectors only ({@code vn}, a multiple of the lane count); the caller
 * finishes the tail with the scalar definitions. The vector expressions are the ones the scalar
 * tails mirror, so lanes and tails agree bit for bit.
 */
final class VectorLoops {
  private VectorLoops() {}

  static final VectorSpecies<Float> S = Gemm.S;
  static final int L = Gemm.L;

  /** {@code o[i..] += d * g[gi..]}. */
  static void addProduct(float[] o, int i, FloatVector d, float[] g, int gi) {
    FloatVector.fromArray(S, o, i).add(d.mul(FloatVector.fromArray(S, g, gi))).intoArray(o, i);
  }

  /** A loaded operand ({@code vec}) or the broadcast {@code s}. */
  static FloatVector operand(float[] d, int i, boolean vec, FloatVector s) {
    return vec ? FloatVector.fromArray(S, d, i) : s;
  }

  /** Adds {@code t} into {@code target[i..]} when the target is elementwise, else into {@code acc}; returns acc. */
  static FloatVector accumulate(float[] target, int i, boolean elementwise, FloatVector acc, FloatVector t) {
    if (elementwise) {
      FloatVector.fromArray(S, target, i).add(t).intoArray(target, i);
      return acc;
    }
    return acc.add(t);
  }

  /** {@link Loop#run} modes. */
  static final int FORWARD = 0, BACKWARD = 1, GRAD_A = 2, GRAD_B = 3;

  /**
   * One op's loops behind one method, so that {@link #run(Loop, int, float[], int, boolean, float,
   * float[], int, boolean, float, float[], int, float[], int, boolean, int)} has a single call site
   * for every op. Arguments: operands {@code a} and {@code b} (unary: x and y), the incoming
   * gradient {@code g}, the target {@code t} (the output, or the gradient to add into); {@code av},
   * {@code bv}, {@code tv}: loaded (true) or broadcast; returns a broadcast target's row sum.
   */
  interface Loop {
    float run(int mode, float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs,
        float[] g, int gi, float[] t, int ti, boolean tv, int vn);
  }

  /**
   * The one place every elementwise kernel enters its op's loop. The JIT profiles the receiver of
   * this single call: once a program uses three or more loops it is megamorphic, so no op's loop is
   * inlined into a kernel method and each is compiled on its own, small enough to inline all of its
   * math. (A call site per kernel would see only the two ops a small model uses, inline both into
   * the kernel, and run out of the inlining budget there; then the vectors of the second are boxed.)
   */
  static float run(Loop loop, int mode, float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs,
      float[] g, int gi, float[] t, int ti, boolean tv, int vn) {
    return loop.run(mode, a, ai, av, as, b, bi, bv, bs, g, gi, t, ti, tv, vn);
  }

  // ---------------------------------------------------------------- unary

  /** Forward {@code o = op(x)} and backward {@code gx += op'(x, y) * gy} over whole vectors. */
  enum Unary implements Loop {
    EXP {
      void forward(float[] x, int xo, float[] o, int oo, int vn) {
        for (int i = 0; i < vn; i += L) VMath.exp(FloatVector.fromArray(S, x, xo + i)).intoArray(o, oo + i);
      }
      void backward(float[] x, int xo, float[] y, int yo, float[] g, int go, float[] o, int oo, int vn) {
        for (int i = 0; i < vn; i += L) addProduct(o, oo + i, FloatVector.fromArray(S, y, yo + i), g, go + i);
      }
      @Override
      public float run(int mode, float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs,
          float[] g, int gi, float[] t, int ti, boolean tv, int vn) {
        if (mode == FORWARD) forward(a, ai, t, ti, vn);
        else backward(a, ai, b, bi, g, gi, t, ti, vn);
        return 0f;
      }
    },
    LOG {
      void forward(float[] x, int xo, float[] o, int oo, int vn) {
        for (int i = 0; i < vn; i += L) VMath.log(FloatVector.fromArray(S, x, xo + i)).intoArray(o, oo + i);
      }
      void backward(float[] x, int xo, float[] y, int yo, float[] g, int go, float[] o, int oo, int vn) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < vn; i += L) addProduct(o, oo + i, one.div(FloatVector.fromArray(S, x, xo + i)), g, go + i);
      }
      @Override
      public float run(int mode, float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs,
          float[] g, int gi, float[] t, int ti, boolean tv, int vn) {
        if (mode == FORWARD) forward(a, ai, t, ti, vn);
        else backward(a, ai, b, bi, g, gi, t, ti, vn);
        return 0f;
      }
    },
    TANH {
      void forward(float[] x, int xo, float[] o, int oo, int vn) {
        for (int i = 0; i < vn; i += L) VMath.tanh(FloatVector.fromArray(S, x, xo + i)).intoArray(o, oo + i);
      }
      void backward(float[] x, int xo, float[] y, int yo, float[] g, int go, float[] o, int oo, int vn) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < vn; i += L) {
          FloatVector v = FloatVector.fromArray(S, y, yo + i);
          addProduct(o, oo + i, one.sub(v.mul(v)), g, go + i);
        }
      }
      @Override
      public float run(int mode, float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs,
          float[] g, int gi, float[] t, int ti, boolean tv, int vn) {
        if (mode == FORWARD) forward(a, ai, t, ti, vn);
        else backward(a, ai, b, bi, g, gi, t, ti, vn);
        return 0f;
      }
    },
    SIGMOID {
      void forward(float[] x, int xo, float[] o, int oo, int vn) {
        for (int i = 0; i < vn; i += L) VMath.sigmoid(FloatVector.fromArray(S, x, xo + i)).intoArray(o, oo + i);
      }
      void backward(float[] x, int xo, float[] y, int yo, float[] g, int go, float[] o, int oo, int vn) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < vn; i += L) {
          FloatVector v = FloatVector.fromArray(S, y, yo + i);
          addProduct(o, oo + i, v.mul(one.sub(v)), g, go + i);
        }
      }
      @Override
      public float run(int mode, float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs,
          float[] g, int gi, float[] t, int ti, boolean tv, int vn) {
        if (mode == FORWARD) forward(a, ai, t, ti, vn);
        else backward(a, ai, b, bi, g, gi, t, ti, vn);
        return 0f;
      }
    },
    RELU {
      void forward(float[] x, int xo, float[] o, int oo, int vn) {
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < vn; i += L) {
          FloatVector v = FloatVector.fromArray(S, x, xo + i);
          zero.blend(v, v.compare(GT, 0f)).intoArray(o, oo + i);
        }
      }
      void backward(float[] x, int xo, float[] y, int yo, float[] g, int go, float[] o, int oo, int vn) {
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
        for (int i = 0; i < vn; i += L) addProduct(o, oo + i, zero.blend(one, FloatVector.fromArray(S, x, xo + i).compare(GT, 0f)), g, go + i);
      }
      @Override
      public float run(int mode, float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs,
          float[] g, int gi, float[] t, int ti, boolean tv, int vn) {
        if (mode == FORWARD) forward(a, ai, t, ti, vn);
        else backward(a, ai, b, bi, g, gi, t, ti, vn);
        return 0f;
      }
    },
    SOFTPLUS {
      void forward(float[] x, int xo, float[] o, int oo, int vn) {
        for (int i = 0; i < vn; i += L) VMath.softplus(FloatVector.fromArray(S, x, xo + i)).intoArray(o, oo + i);
      }
      void backward(float[] x, int xo, float[] y, int yo, float[] g, int go, float[] o, int oo, int vn) {
        for (int i = 0; i < vn; i += L) addProduct(o, oo + i, VMath.sigmoid(FloatVector.fromArray(S, x, xo + i)), g, go + i);
      }
      @Override
      public float run(int mode, float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs,
          float[] g, int gi, float[] t, int ti, boolean tv, int vn) {
        if (mode == FORWARD) forward(a, ai, t, ti, vn);
        else backward(a, ai, b, bi, g, gi, t, ti, vn);
        return 0f;
      }
    },
    SQUARE {
      void forward(float[] x, int xo, float[] o, int oo, int vn) {
        for (int i = 0; i < vn; i += L) {
          FloatVector v = FloatVector.fromArray(S, x, xo + i);
          v.mul(v).intoArray(o, oo + i);
        }
      }
      void backward(float[] x, int xo, float[] y, int yo, float[] g, int go, float[] o, int oo, int vn) {
        for (int i = 0; i < vn; i += L) addProduct(o, oo + i, FloatVector.fromArray(S, x, xo + i).mul(2f), g, go + i);
      }
      @Override
      public float run(int mode, float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs,
          float[] g, int gi, float[] t, int ti, boolean tv, int vn) {
        if (mode == FORWARD) forward(a, ai, t, ti, vn);
        else backward(a, ai, b, bi, g, gi, t, ti, vn);
        return 0f;
      }
    },
    SQRT {
      void forward(float[] x, int xo, float[] o, int oo, int vn) {
        for (int i = 0; i < vn; i += L) FloatVector.fromArray(S, x, xo + i).sqrt().intoArray(o, oo + i);
      }
      void backward(float[] x, int xo, float[] y, int yo, float[] g, int go, float[] o, int oo, int vn) {
        FloatVector half = FloatVector.broadcast(S, 0.5f);
        for (int i = 0; i < vn; i += L) addProduct(o, oo + i, half.div(FloatVector.fromArray(S, y, yo + i)), g, go + i);
      }
      @Override
      public float run(int mode, float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs,
          float[] g, int gi, float[] t, int ti, boolean tv, int vn) {
        if (mode == FORWARD) forward(a, ai, t, ti, vn);
        else backward(a, ai, b, bi, g, gi, t, ti, vn);
        return 0f;
      }
    },
    ABS {
      void forward(float[] x, int xo, float[] o, int oo, int vn) {
        for (int i = 0; i < vn; i += L) FloatVector.fromArray(S, x, xo + i).abs().intoArray(o, oo + i);
      }
      void backward(float[] x, int xo, float[] y, int yo, float[] g, int go, float[] o, int oo, int vn) {
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S), minusOne = one.neg();
        for (int i = 0; i < vn; i += L) {
          FloatVector v = FloatVector.fromArray(S, x, xo + i);
          addProduct(o, oo + i, zero.blend(one, v.compare(GT, 0f)).blend(minusOne, v.compare(LT, 0f)), g, go + i);
        }
      }
      @Override
      public float run(int mode, float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs,
          float[] g, int gi, float[] t, int ti, boolean tv, int vn) {
        if (mode == FORWARD) forward(a, ai, t, ti, vn);
        else backward(a, ai, b, bi, g, gi, t, ti, vn);
        return 0f;
      }
    },
    NEG {
      void forward(float[] x, int xo, float[] o, int oo, int vn) {
        for (int i = 0; i < vn; i += L) FloatVector.fromArray(S, x, xo + i).neg().intoArray(o, oo + i);
      }
      void backward(float[] x, int xo, float[] y, int yo, float[] g, int go, float[] o, int oo, int vn) {
        FloatVector minusOne = FloatVector.broadcast(S, 1f).neg();
        for (int i = 0; i < vn; i += L) addProduct(o, oo + i, minusOne, g, go + i);
      }
      @Override
      public float run(int mode, float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs,
          float[] g, int gi, float[] t, int ti, boolean tv, int vn) {
        if (mode == FORWARD) forward(a, ai, t, ti, vn);
        else backward(a, ai, b, bi, g, gi, t, ti, vn);
        return 0f;
      }
    };

    abstract void forward(float[] x, int xo, float[] o, int oo, int vn);

    abstract void backward(float[] x, int xo, float[] y, int yo, float[] g, int go, float[] o, int oo, int vn);

    private static final Unary[] BY_OP = new Unary[UnaryOp.values().length];

    static {
      for (UnaryOp op : UnaryOp.values()) BY_OP[op.ordinal()] = valueOf(op.name());
    }

    static Unary of(UnaryOp op) {
      return BY_OP[op.ordinal()];
    }
  }

  // ---------------------------------------------------------------- binary

  /**
   * Binary ops along one row: operand {@code a} starts at {@code ai} and is loaded when {@code av},
   * else it is the broadcast value {@code as} (likewise {@code b}). {@link #gradA} and {@link
   * #gradB} add {@code g * d op/da} (or {@code db}) into an elementwise target or, for a broadcast
   * target, return the row's sum over whole vectors ({@link Gemm#hsum}).
   */
  enum Binary implements Loop {
    ADD {
      void row(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] o, int oi, int vn) {
        FloatVector sa = FloatVector.broadcast(S, as), sb = FloatVector.broadcast(S, bs);
        for (int c = 0; c < vn; c += L) operand(a, ai + c, av, sa).add(operand(b, bi + c, bv, sb)).intoArray(o, oi + c);
      }
      float gradA(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] g, int gi,
          float[] t, int ti, boolean tv, int vn) {
        FloatVector one = FloatVector.broadcast(S, 1f), acc = FloatVector.zero(S);
        for (int c = 0; c < vn; c += L) acc = accumulate(t, ti + c, tv, acc, FloatVector.fromArray(S, g, gi + c).mul(one));
        return tv ? 0f : Gemm.hsum(acc);
      }
      float gradB(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] g, int gi,
          float[] t, int ti, boolean tv, int vn) {
        FloatVector one = FloatVector.broadcast(S, 1f), acc = FloatVector.zero(S);
        for (int c = 0; c < vn; c += L) acc = accumulate(t, ti + c, tv, acc, FloatVector.fromArray(S, g, gi + c).mul(one));
        return tv ? 0f : Gemm.hsum(acc);
      }
      @Override
      public float run(int mode, float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs,
          float[] g, int gi, float[] t, int ti, boolean tv, int vn) {
        if (mode == FORWARD) {
          row(a, ai, av, as, b, bi, bv, bs, t, ti, vn);
          return 0f;
        }
        return mode == GRAD_A ? gradA(a, ai, av, as, b, bi, bv, bs, g, gi, t, ti, tv, vn)
            : gradB(a, ai, av, as, b, bi, bv, bs, g, gi, t, ti, tv, vn);
      }
    },
    SUB {
      void row(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] o, int oi, int vn) {
        FloatVector sa = FloatVector.broadcast(S, as), sb = FloatVector.broadcast(S, bs);
        for (int c = 0; c < vn; c += L) operand(a, ai + c, av, sa).sub(operand(b, bi + c, bv, sb)).intoArray(o, oi + c);
      }
      float gradA(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] g, int gi,
          float[] t, int ti, boolean tv, int vn) {
        FloatVector one = FloatVector.broadcast(S, 1f), acc = FloatVector.zero(S);
        for (int c = 0; c < vn; c += L) acc = accumulate(t, ti + c, tv, acc, FloatVector.fromArray(S, g, gi + c).mul(one));
        return tv ? 0f : Gemm.hsum(acc);
      }
      float gradB(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] g, int gi,
          float[] t, int ti, boolean tv, int vn) {
        FloatVector minusOne = FloatVector.broadcast(S, 1f).neg(), acc = FloatVector.zero(S);
        for (int c = 0; c < vn; c += L) acc = accumulate(t, ti + c, tv, acc, FloatVector.fromArray(S, g, gi + c).mul(minusOne));
        return tv ? 0f : Gemm.hsum(acc);
      }
      @Override
      public float run(int mode, float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs,
          float[] g, int gi, float[] t, int ti, boolean tv, int vn) {
        if (mode == FORWARD) {
          row(a, ai, av, as, b, bi, bv, bs, t, ti, vn);
          return 0f;
        }
        return mode == GRAD_A ? gradA(a, ai, av, as, b, bi, bv, bs, g, gi, t, ti, tv, vn)
            : gradB(a, ai, av, as, b, bi, bv, bs, g, gi, t, ti, tv, vn);
      }
    },
    MUL {
      void row(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] o, int oi, int vn) {
        FloatVector sa = FloatVector.broadcast(S, as), sb = FloatVector.broadcast(S, bs);
        for (int c = 0; c < vn; c += L) operand(a, ai + c, av, sa).mul(operand(b, bi + c, bv, sb)).intoArray(o, oi + c);
      }
      float gradA(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] g, int gi,
          float[] t, int ti, boolean tv, int vn) {
        FloatVector sb = FloatVector.broadcast(S, bs), acc = FloatVector.zero(S);
        for (int c = 0; c < vn; c += L) acc = accumulate(t, ti + c, tv, acc, FloatVector.fromArray(S, g, gi + c).mul(operand(b, bi + c, bv, sb)));
        return tv ? 0f : Gemm.hsum(acc);
      }
      float gradB(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] g, int gi,
          float[] t, int ti, boolean tv, int vn) {
        FloatVector sa = FloatVector.broadcast(S, as), acc = FloatVector.zero(S);
        for (int c = 0; c < vn; c += L) acc = accumulate(t, ti + c, tv, acc, FloatVector.fromArray(S, g, gi + c).mul(operand(a, ai + c, av, sa)));
        return tv ? 0f : Gemm.hsum(acc);
      }
      @Override
      public float run(int mode, float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs,
          float[] g, int gi, float[] t, int ti, boolean tv, int vn) {
        if (mode == FORWARD) {
          row(a, ai, av, as, b, bi, bv, bs, t, ti, vn);
          return 0f;
        }
        return mode == GRAD_A ? gradA(a, ai, av, as, b, bi, bv, bs, g, gi, t, ti, tv, vn)
            : gradB(a, ai, av, as, b, bi, bv, bs, g, gi, t, ti, tv, vn);
      }
    },
    DIV {
      void row(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] o, int oi, int vn) {
        FloatVector sa = FloatVector.broadcast(S, as), sb = FloatVector.broadcast(S, bs);
        for (int c = 0; c < vn; c += L) operand(a, ai + c, av, sa).div(operand(b, bi + c, bv, sb)).intoArray(o, oi + c);
      }
      float gradA(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] g, int gi,
          float[] t, int ti, boolean tv, int vn) {
        FloatVector one = FloatVector.broadcast(S, 1f), sb = FloatVector.broadcast(S, bs), acc = FloatVector.zero(S);
        for (int c = 0; c < vn; c += L) {
          acc = accumulate(t, ti + c, tv, acc, FloatVector.fromArray(S, g, gi + c).mul(one.div(operand(b, bi + c, bv, sb))));
        }
        return tv ? 0f : Gemm.hsum(acc);
      }
      float gradB(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] g, int gi,
          float[] t, int ti, boolean tv, int vn) {
        FloatVector sa = FloatVector.broadcast(S, as), sb = FloatVector.broadcast(S, bs), acc = FloatVector.zero(S);
        for (int c = 0; c < vn; c += L) {
          FloatVector y = operand(b, bi + c, bv, sb);
          acc = accumulate(t, ti + c, tv, acc, FloatVector.fromArray(S, g, gi + c).mul(operand(a, ai + c, av, sa).neg().div(y.mul(y))));
        }
        return tv ? 0f : Gemm.hsum(acc);
      }
      @Override
      public float run(int mode, float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs,
          float[] g, int gi, float[] t, int ti, boolean tv, int vn) {
        if (mode == FORWARD) {
          row(a, ai, av, as, b, bi, bv, bs, t, ti, vn);
          return 0f;
        }
        return mode == GRAD_A ? gradA(a, ai, av, as, b, bi, bv, bs, g, gi, t, ti, tv, vn)
            : gradB(a, ai, av, as, b, bi, bv, bs, g, gi, t, ti, tv, vn);
      }
    },
    MAX {
      void row(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] o, int oi, int vn) {
        FloatVector sa = FloatVector.broadcast(S, as), sb = FloatVector.broadcast(S, bs);
        for (int c = 0; c < vn; c += L) operand(a, ai + c, av, sa).max(operand(b, bi + c, bv, sb)).intoArray(o, oi + c);
      }
      float gradA(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] g, int gi,
          float[] t, int ti, boolean tv, int vn) {
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S), acc = zero;
        FloatVector sa = FloatVector.broadcast(S, as), sb = FloatVector.broadcast(S, bs);
        for (int c = 0; c < vn; c += L) {
          FloatVector d = zero.blend(one, operand(a, ai + c, av, sa).compare(GE, operand(b, bi + c, bv, sb)));
          acc = accumulate(t, ti + c, tv, acc, FloatVector.fromArray(S, g, gi + c).mul(d));
        }
        return tv ? 0f : Gemm.hsum(acc);
      }
      float gradB(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] g, int gi,
          float[] t, int ti, boolean tv, int vn) {
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S), acc = zero;
        FloatVector sa = FloatVector.broadcast(S, as), sb = FloatVector.broadcast(S, bs);
        for (int c = 0; c < vn; c += L) {
          FloatVector d = one.blend(zero, operand(a, ai + c, av, sa).compare(GE, operand(b, bi + c, bv, sb)));
          acc = accumulate(t, ti + c, tv, acc, FloatVector.fromArray(S, g, gi + c).mul(d));
        }
        return tv ? 0f : Gemm.hsum(acc);
      }
      @Override
      public float run(int mode, float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs,
          float[] g, int gi, float[] t, int ti, boolean tv, int vn) {
        if (mode == FORWARD) {
          row(a, ai, av, as, b, bi, bv, bs, t, ti, vn);
          return 0f;
        }
        return mode == GRAD_A ? gradA(a, ai, av, as, b, bi, bv, bs, g, gi, t, ti, tv, vn)
            : gradB(a, ai, av, as, b, bi, bv, bs, g, gi, t, ti, tv, vn);
      }
    },
    MIN {
      void row(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] o, int oi, int vn) {
        FloatVector sa = FloatVector.broadcast(S, as), sb = FloatVector.broadcast(S, bs);
        for (int c = 0; c < vn; c += L) operand(a, ai + c, av, sa).min(operand(b, bi + c, bv, sb)).intoArray(o, oi + c);
      }
      float gradA(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] g, int gi,
          float[] t, int ti, boolean tv, int vn) {
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S), acc = zero;
        FloatVector sa = FloatVector.broadcast(S, as), sb = FloatVector.broadcast(S, bs);
        for (int c = 0; c < vn; c += L) {
          FloatVector d = zero.blend(one, operand(a, ai + c, av, sa).compare(LE, operand(b, bi + c, bv, sb)));
          acc = accumulate(t, ti + c, tv, acc, FloatVector.fromArray(S, g, gi + c).mul(d));
        }
        return tv ? 0f : Gemm.hsum(acc);
      }
      float gradB(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] g, int gi,
          float[] t, int ti, boolean tv, int vn) {
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S), acc = zero;
        FloatVector sa = FloatVector.broadcast(S, as), sb = FloatVector.broadcast(S, bs);
        for (int c = 0; c < vn; c += L) {
          FloatVector d = one.blend(zero, operand(a, ai + c, av, sa).compare(LE, operand(b, bi + c, bv, sb)));
          acc = accumulate(t, ti + c, tv, acc, FloatVector.fromArray(S, g, gi + c).mul(d));
        }
        return tv ? 0f : Gemm.hsum(acc);
      }
      @Override
      public float run(int mode, float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs,
          float[] g, int gi, float[] t, int ti, boolean tv, int vn) {
        if (mode == FORWARD) {
          row(a, ai, av, as, b, bi, bv, bs, t, ti, vn);
          return 0f;
        }
        return mode == GRAD_A ? gradA(a, ai, av, as, b, bi, bv, bs, g, gi, t, ti, tv, vn)
            : gradB(a, ai, av, as, b, bi, bv, bs, g, gi, t, ti, tv, vn);
      }
    };

    abstract void row(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] o, int oi, int vn);

    abstract float gradA(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] g, int gi,
        float[] t, int ti, boolean tv, int vn);

    abstract float gradB(float[] a, int ai, boolean av, float as, float[] b, int bi, boolean bv, float bs, float[] g, int gi,
        float[] t, int ti, boolean tv, int vn);

    private static final Binary[] BY_OP = new Binary[BinaryOp.values().length];

    static {
      for (BinaryOp op : BinaryOp.values()) BY_OP[op.ordinal()] = valueOf(op.name());
    }

    static Binary of(BinaryOp op) {
      return BY_OP[op.ordinal()];
    }
  }
}
