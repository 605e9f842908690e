package vecrl.env;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * A {@link VectorEnv} that steps its envs on a pool of its own threads: the envs are split into
 * {@code threads} contiguous blocks, one task per block. Each env writes only its own rows and keeps
 * its own generator, so results are identical to {@link SyncVectorEnv} for the same seed. {@link
 * #close()} stops the threads.
 */
public final class ThreadedVectorEnv<O, A> extends VectorEnv<O, A> {
  private final ExecutorService pool;
  private final int threads;

  public ThreadedVectorEnv(List<? extends Env<O, A>> envs, int threads) {
    super(envs);
    if (threads <= 0) throw new IllegalArgumentException("ThreadedVectorEnv: threads = " + threads + ", expected > 0");
    this.threads = Math.min(threads, envs.size());
    this.pool = Executors.newFixedThreadPool(this.threads, r -> {
      Thread t = new Thread(r, "vecrl-vector-env");
      t.setDaemon(true);
      return t;
    });
  }

  /** {@code count} envs made by {@code factory}, stepped on {@code threads} threads. */
  public ThreadedVectorEnv(Supplier<? extends Env<O, A>> factory, int count, int threads) {
    this(build(factory, count), threads);
  }

  /** {@code count} copies of a standard environment ({@link Envs#make}) on {@code threads} threads. */
  public static <O, A> ThreadedVectorEnv<O, A> make(String id, int count, int threads) {
    return new ThreadedVectorEnv<O, A>(() -> Envs.<O, A>make(id), count, threads);
  }

  public int threads() {
    return threads;
  }

  @Override
  protected void forEachEnv(IntConsumer task) {
    int n = numEnvs();
    List<Future<?>> futures = new ArrayList<>(threads);
    for (int t = 0; t < threads; t++) {
      int from = (int) ((long) n * t / threads);
      int to = (int) ((long) n * (t + 1) / threads);
      futures.add(pool.submit(() -> {
        for (int i = from; i < to; i++) task.accept(i);
      }));
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("ThreadedVectorEnv: interrupted while stepping", e);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException re) throw re;
        if (c instanceof Error err) throw err;
        throw new IllegalStateException("ThreadedVectorEnv: an env failed", c);
      }
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
    super.close();
  }
}
