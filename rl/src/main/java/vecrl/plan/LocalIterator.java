package vecrl.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A pull-based stream of items, RLlib's {@code LocalIterator}: an execution plan is a chain of
 * these, each step a function of the items of the step before. Nothing runs until {@link #next}
 * pulls: a step's function is called once per item it receives, on the caller's thread, in order,
 * and the step before it is pulled only when the step needs another item (so a downstream step has
 * finished with an item before the source produces the next one).
 *
 * <p>Every iterator of one plan shares its {@link PlanContext} (counters such as steps sampled and
 * trained, the learner's last statistics). A source returns {@code null} to end the stream.
 *
 * @param <T> the items
 */
public final class LocalIterator<T> implements Iterator<T> {
  private final PlanContext context;
  private final Supplier<? extends T> source;
  private T peeked;
  private boolean ended;

  /** A stream of what {@code source} returns, until it returns null, sharing {@code context}. */
  public LocalIterator(PlanContext context, Supplier<? extends T> source) {
    this.context = java.util.Objects.requireNonNull(context, "context");
    this.source = java.util.Objects.requireNonNull(source, "source");
  }

  /** The plan's shared counters and statistics. */
  public PlanContext context() {
    return context;
  }

  @Override
  public boolean hasNext() {
    if (peeked == null && !ended) {
      peeked = source.get();
      if (peeked == null) ended = true;
    }
    return peeked != null;
  }

  @Override
  public T next() {
    if (!hasNext()) throw new NoSuchElementException("the plan's stream has ended");
    T t = peeked;
    peeked = null;
    return t;
  }

  /** Each item mapped by {@code f} (RLlib's {@code for_each}); {@code f} must not return null. */
  public <R> LocalIterator<R> forEach(Function<? super T, ? extends R> f) {
    return new LocalIterator<>(context, () -> {
      if (!hasNext()) return null;
      R r = f.apply(next());
      if (r == null) throw new IllegalStateException("forEach: " + f + " returned null; return the item (or a new one)");
      return r;
    });
  }

  /**
   * Each item turned into zero or more items by {@code f} (RLlib's {@code combine}, a flat map):
   * {@code f} may keep items and return an empty list until it has enough, as {@link ConcatBatches}
   * does.
   */
  public <R> LocalIterator<R> combine(Function<? super T, ? extends List<? extends R>> f) {
    Deque<R> ready = new ArrayDeque<>();
    return new LocalIterator<>(context, () -> {
      while (ready.isEmpty()) {
        if (!hasNext()) return null;
        List<? extends R> out = f.apply(next());
        for (R r : out) ready.add(java.util.Objects.requireNonNull(r, "combine: a null item"));
      }
      return ready.poll();
    });
  }

  /** The items {@code keep} accepts. */
  public LocalIterator<T> filter(Predicate<? super T> keep) {
    return new LocalIterator<>(context, () -> {
      while (hasNext()) {
        T t = next();
        if (keep.test(t)) return t;
      }
      return null;
    });
  }

  /** Pulls up to {@code n} items (fewer when the stream ends). */
  public List<T> take(int n) {
    List<T> out = new ArrayList<>();
    while (out.size() < n && hasNext()) out.add(next());
    return out;
  }
}
