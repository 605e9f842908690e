package vecrl.env;

import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/** A {@link VectorEnv} that steps its envs one after another on the calling thread. */
public final class SyncVectorEnv<O, A> extends VectorEnv<O, A> {

  public SyncVectorEnv(List<? extends Env<O, A>> envs) {
    super(envs);
  }

  /** {@code count} envs made by {@code factory}. */
  public SyncVectorEnv(Supplier<? extends Env<O, A>> factory, int count) {
    super(build(factory, count));
  }

  /** {@code count} copies of a standard environment ({@link Envs#make}). */
  public static <O, A> SyncVectorEnv<O, A> make(String id, int count) {
    return new SyncVectorEnv<O, A>(() -> Envs.<O, A>make(id), count);
  }

  @Override
  protected void forEachEnv(IntConsumer task) {
    for (int i = 0, n = numEnvs(); i < n; i++) task.accept(i);
  }
}
