package vecrl.train;

import java.lang.reflect.RecordComponent;
import vecrl.env.DynamicsEnv;
import vecrl.env.Env;
import vecrl.env.Reset;
import vecrl.env.StepResult;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * The trainer's per-env wrapper: a time limit (truncation at {@code maxSteps}, 0 for none) and a
 * snapshot of everything that decides the env's future, so that a resumed run continues exactly:
 * the generator used for resets, the elapsed steps and, for a {@link DynamicsEnv} whose state is a
 * record of primitive numbers (all built-in environments), the state itself.
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

  /** The state as doubles: rng (2 longs as raw bits), elapsed, then the dynamics state's components. */
  double[] snapshot() {
    Object state = dynamicsState();
    RecordComponent[] comps = state.getClass().getRecordComponents();
    double[] out = new double[3 + comps.length];
    long[] rs = rng.state();
    out[0] = Double.longBitsToDouble(rs[0]);
    out[1] = Double.longBitsToDouble(rs[1]);
    out[2] = elapsed;
    for (int i = 0; i < comps.length; i++) {
      try {
        out[3 + i] = ((Number) comps[i].getAccessor().invoke(state)).doubleValue();
      } catch (ReflectiveOperationException | ClassCastException e) {
        throw new IllegalStateException("checkpoint: the state of " + inner + " has a component " + comps[i].getName()
            + " that is not a number; resumable training needs a record of numbers");
      }
    }
    return out;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  void restore(double[] snap) {
    Object state = dynamicsState();
    RecordComponent[] comps = state.getClass().getRecordComponents();
    if (snap.length != 3 + comps.length) {
      throw new IllegalArgumentException("checkpoint: env snapshot of " + snap.length + " values, expected " + (3 + comps.length) + " for " + inner);
    }
    rng = Rng.restore(new long[] {Double.doubleToRawLongBits(snap[0]), Double.doubleToRawLongBits(snap[1])});
    elapsed = (int) snap[2];
    Class<?>[] types = new Class<?>[comps.length];
    Object[] args = new Object[comps.length];
    for (int i = 0; i < comps.length; i++) {
      types[i] = comps[i].getType();
      double v = snap[3 + i];
      args[i] = switch (types[i].getName()) {
        case "double" -> v;
        case "float" -> (float) v;
        case "int" -> (int) v;
        case "long" -> (long) v;
        default -> throw new IllegalStateException("checkpoint: unsupported state component type " + types[i]);
      };
    }
    try {
      var ctor = state.getClass().getDeclaredConstructor(types);
      ctor.setAccessible(true);
      ((DynamicsEnv) inner).setState(ctor.newInstance(args));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("checkpoint: cannot rebuild the state of " + inner + ": " + e);
    }
  }

  private Object dynamicsState() {
    if (!(inner instanceof DynamicsEnv<?, ?, ?> d) || d.state() == null || !d.state().getClass().isRecord()) {
      throw new IllegalStateException("checkpoint: environment " + inner + " cannot be saved (resumable training needs a"
          + " DynamicsEnv with a record state, after reset)");
    }
    return d.state();
  }

}
