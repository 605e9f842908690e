package vecrl.train;

import vecrl.env.DynamicsEnv;
import vecrl.env.Env;
import vecrl.env.Reset;
import vecrl.env.StepResult;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * The trainer's per-env wrapper: a time limit (truncation at {@code maxSteps}, 0 for none) and a
 * snapshot of everything that decides the env's future, so that a resumed run continues exactly:
 * the generator used for resets, the elapsed steps and, for a {@link DynamicsEnv}, the state itself
 * when {@link StateCodec} can copy it (numbers, booleans, enums, primitive arrays and records of
 * these; all built-in environments).
 *
 * <p>The wrapper keeps the generator handed to its first {@link #reset(Rng)} (the vector env's
 * per-env generator) and uses it for every later reset, or the restored one after {@link #restore}.
 */
final class SnapshotEnv<O, A> implements Env<O, A> {
  private final Env<O, A> inner;
  private final int maxSteps;
  private int elapsed;
  private Rng given;
  private Rng rng;

  SnapshotEnv(Env<O, A> inner, int maxSteps) {
    this.inner = inner;
    this.maxSteps = maxSteps;
  }

  @Override public Space<O> observationSpace() { return inner.observationSpace(); }
  @Override public Space<A> actionSpace() { return inner.actionSpace(); }
  @Override public Object actionMask() { return inner.actionMask(); }
  @Override public void close() { inner.close(); }

  @Override
  public Reset<O> reset(Rng r) {
    if (r != given) {
      given = r;
      rng = r;
    }
    elapsed = 0;
    return inner.reset(rng);
  }

  @Override
  public StepResult<O> step(A action) {
    StepResult<O> s = inner.step(action);
    elapsed++;
    if (maxSteps > 0 && elapsed >= maxSteps && !s.terminated() && !s.truncated()) {
      return new StepResult<>(s.observation(), s.reward(), false, true, s.info());
    }
    return s;
  }

  /**
   * The state as doubles: rng (2 longs as raw bits), elapsed, then the dynamics state as {@link
   * StateCodec} encodes it (for a record of primitive numbers, one double per component).
   */
  double[] snapshot() {
    Object state = dynamicsState();
    double[] body = codec().encode(state);
    double[] out = new double[3 + body.length];
    long[] rs = rng.state();
    out[0] = Double.longBitsToDouble(rs[0]);
    out[1] = Double.longBitsToDouble(rs[1]);
    out[2] = elapsed;
    System.arraycopy(body, 0, out, 3, body.length);
    return out;
  }

  /** Puts back a {@link #snapshot()}; the current state (after a reset) gives the types and array lengths. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  void restore(double[] snap) {
    Object state = dynamicsState();
    if (snap.length < 3) {
      throw new IllegalArgumentException("checkpoint: env snapshot of " + snap.length + " values, expected at least 3 (generator and elapsed steps) for " + inner);
    }
    Object restored = codec().decode(state, snap, 3);
    rng = Rng.restore(new long[] {Double.doubleToRawLongBits(snap[0]), Double.doubleToRawLongBits(snap[1])});
    elapsed = (int) snap[2];
    ((DynamicsEnv) inner).setState(restored);
  }

  private StateCodec codec() {
    return new StateCodec("environment " + inner);
  }

  private Object dynamicsState() {
    if (!(inner instanceof DynamicsEnv<?, ?, ?> d) || d.state() == null) {
      throw new IllegalStateException("checkpoint: environment " + inner + " cannot be saved (resumable training needs a"
          + " DynamicsEnv, after reset, whose state is a number or a public record of numbers, booleans, enums and primitive arrays)");
    }
    return d.state();
  }
}
