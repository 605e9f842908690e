package vecrl.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * vecrl's own fork-join pool for kernels: {@code threads - 1} daemon worker threads plus the
 * calling thread. (The JDK common pool has parallelism 1 on a 2-core machine, so it is not used.)
 *
 * <p>{@link #run} hands out task indices {@code 0 .. count-1}; the caller runs tasks too and returns
 * once all are done. Kernels split work by output rows, so every output element is computed by the
 * same instructions whichever thread runs it: results never depend on the thread count.
 *
 * <p>One job runs at a time per pool. A caller that finds the pool busy (another thread is using
 * it) runs all tasks itself, which gives the same result. Splitting costs a few microseconds
 * (waking the workers), so kernels only split work well above that cost.
 */
public final class Parallel {
  /** The system property that sets the default pool's size (default: available processors). */
  public static final String THREADS_PROPERTY = "vecrl.threads";

  /** One task of a split job. */
  @FunctionalInterface
  public interface Task {
    /** Runs task {@code index} of the job. */
    void run(int index);
  }

  private static final class Job {
    final Task task;
    final int count;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger remaining;
    volatile Throwable failure;

    Job(Task task, int count) {
      this.task = task;
      this.count = count;
      this.remaining = new AtomicInteger(count);
    }

    void drain() {
      int i;
      while ((i = next.getAndIncrement()) < count) {
        try {
          task.run(i);
        } catch (Throwable t) {
          failure = t;
        } finally {
          remaining.decrementAndGet();
        }
      }
    }
  }

  private static final class Holder {
    static final Parallel DEFAULT = new Parallel(defaultThreads());
  }

  private final int threads;
  private final Thread[] workers;
  private final AtomicInteger busy = new AtomicInteger();
  private volatile Job current;

  /** A pool that runs jobs on {@code threads} threads in all (the caller included). */
  public Parallel(int threads) {
    if (threads < 1) throw new IllegalArgumentException("Parallel: thread count " + threads + " must be at least 1");
    this.threads = threads;
    this.workers = new Thread[threads - 1];
    for (int w = 0; w < workers.length; w++) {
      Thread t = new Thread(this::workLoop, "vecrl-kernel-" + (w + 1));
      t.setDaemon(true);
      workers[w] = t;
      t.start();
    }
  }

  /** The shared default pool, sized by {@value #THREADS_PROPERTY} (read once, on first use). */
  public static Parallel defaultPool() {
    return Holder.DEFAULT;
  }

  /** The value of {@value #THREADS_PROPERTY}, or the number of available processors. */
  public static int defaultThreads() {
    String s = System.getProperty(THREADS_PROPERTY);
    if (s == null || s.isBlank()) return Runtime.getRuntime().availableProcessors();
    try {
      int n = Integer.parseInt(s.trim());
      if (n >= 1) return n;
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException("-D" + THREADS_PROPERTY + "=" + s + ": expected a positive thread count");
  }

  /** The number of threads a job may run on (the caller included). */
  public int threads() {
    return threads;
  }

  /** Runs {@code task} for indices 0 .. count-1, spread over the pool; returns when all are done. */
  public void run(int count, Task task) {
    if (count <= 0) return;
    if (count == 1 || workers.length == 0 || !busy.compareAndSet(0, 1)) {
      for (int i = 0; i < count; i++) task.run(i);
      return;
    }
    try {
      Job job = new Job(task, count);
      current = job;
      for (Thread w : workers) LockSupport.unpark(w);
      job.drain();
      while (job.remaining.get() > 0) Thread.onSpinWait();
      current = null;
      Throwable f = job.failure;
      if (f instanceof RuntimeException re) throw re;
      if (f instanceof Error er) throw er;
      if (f != null) throw new IllegalStateException("kernel task failed", f);
    } finally {
      busy.set(0);
    }
  }

  private void workLoop() {
    Job last = null;
    while (true) {
      Job job = current;
      if (job == null || job == last) {
        // Spin briefly (a job often follows soon), then sleep until run() unparks us.
        for (int spin = 0; spin < 2000 && ((job = current) == null || job == last); spin++) Thread.onSpinWait();
        if (job == null || job == last) {
          LockSupport.park(this);
          continue;
        }
      }
      last = job;
      job.drain();
    }
  }
}
