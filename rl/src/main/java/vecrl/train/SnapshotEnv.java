package vecrl.train;

import vecrl.env.DynamicsEnv;
import vecrl.env.Env;
import vecrl.env.Reset;
import vecrl.env.StepResult;
import vecrl.env.TimeLimit;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * The trainer's innermost per-env wrapper: a snapshot of everything that decides the env's future, so
 * that a resumed run continues exactly: the generator used for resets, the elapsed steps of the
 * {@link TimeLimit} around it ({@link #limited}) and, for a {@link DynamicsEnv}, the state itself
 * when {@link StateCodec} can copy it (numbers, booleans, enums, primitive arrays and records of
 * these; all built-in environments).
 *
 * <p>The wrapper keeps the generator handed to its first {@link #reset(Rng)} (the vector env's
 * per-env generator) and uses it for every later reset, or the restored one after {@link #restore}.
 */
final class SnapshotEnv<O, A> implements Env<O, A> {
  private final Env<O, A> inner;
  private TimeLimit<O, A> limit;
  private Rng given;
  private Rng rng;

  SnapshotEnv(Env<O, A> inner) {
    this.inner = inner;
  }

  /**
   * This env inside a {@link TimeLimit} of {@code maxSteps} (itself when 0: no limit), whose step
   * count the snapshot saves and restores.
   */
  Env<O, A> limited(int maxSteps) {
    if (maxSteps <= 0) return this;
    limit = new TimeLimit<>(this, maxSteps);
    return limit;
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
    return inner.reset(rng);
  }

  @Override
  public StepResult<O> step(A action) {
    return inner.step(action);
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
    out[2] = limit == null ? 0 : limit.elapsedSteps();
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
    if (snap[2] < 0 || snap[2] > Integer.MAX_VALUE || snap[2] != Math.rint(snap[2])) {
      throw new IllegalArgumentException("checkpoint: env snapshot with " + snap[2] + " elapsed steps, expected a whole number >= 0 for " + inner);
    }
    if (limit != null) limit.setElapsedSteps((int) snap[2]);
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
