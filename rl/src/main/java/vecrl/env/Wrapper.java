package vecrl.env;

/**
 * Base of the wrappers: holds the inner environment and forwards {@link #actionMask()} and {@link
 * #close()}. Subclasses are final and say what they change.
 *
 * @param <O> observation type seen outside
 * @param <A> action type taken outside
 * @param <IO> the inner environment's observation type
 * @param <IA> the inner environment's action type
 */
public abstract class Wrapper<O, A, IO, IA> implements Env<O, A> {
  protected final Env<IO, IA> env;

  protected Wrapper(Env<IO, IA> env) {
    if (env == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": inner env is null");
    this.env = env;
  }

  /** The wrapped environment. */
  public Env<IO, IA> inner() {
    return env;
  }

  @Override
  public Object actionMask() {
    return env.actionMask();
  }

  @Override
  public void close() {
    env.close();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "<" + env + ">";
  }
}
