package vecrl.cluster;

import java.util.concurrent.locks.LockSupport;
import vecrl.env.Dynamics;
import vecrl.env.Transition;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Any environment's dynamics with a fixed latency added to every step, as a remote simulator or a
 * game server would add: the thread waits ({@link LockSupport#parkNanos}), using no CPU, so the
 * scaling of rollout workers can be measured on a machine with few cores. The states, observations
 * and rewards are the inner dynamics', so snapshots and the bits of a run are unchanged.
 */
public final class SlowDynamics<S, O, A> implements Dynamics<S, O, A> {
  private final Dynamics<S, O, A> inner;
  private final long stepNanos;

  /** {@code inner} with {@code stepMicros} microseconds added to each step. */
  public SlowDynamics(Dynamics<S, O, A> inner, long stepMicros) {
    if (stepMicros < 0) throw new IllegalArgumentException("SlowDynamics: latency " + stepMicros + " us, expected >= 0");
    this.inner = java.util.Objects.requireNonNull(inner, "inner");
    this.stepNanos = stepMicros * 1000;
  }

  @Override public Space<O> observationSpace() { return inner.observationSpace(); }
  @Override public Space<A> actionSpace() { return inner.actionSpace(); }
  @Override public S initialState(Rng rng) { return inner.initialState(rng); }
  @Override public O observation(S state) { return inner.observation(state); }
  @Override public Object actionMask(S state) { return inner.actionMask(state); }

  @Override
  public Transition<S> step(S state, A action) {
    long end = System.nanoTime() + stepNanos;
    Transition<S> t = inner.step(state, action);
    for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) LockSupport.parkNanos(left);
    return t;
  }

  @Override
  public String toString() {
    return "Slow(" + stepNanos / 1000 + " us, " + inner + ")";
  }
}
