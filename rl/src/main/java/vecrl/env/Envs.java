package vecrl.env;

import java.util.List;

/**
 * Static access to the standard environments ({@link EnvRegistry#standard()}), as {@code
 * gym.make}. The set behind these methods cannot be changed; to add environments, make an {@link
 * EnvRegistry} with {@code EnvRegistry.standard()} and register them there.
 */
public final class Envs {
  private static final EnvRegistry STANDARD = EnvRegistry.standard();

  private Envs() {}

  /** A new standard environment by Gymnasium id, with its time limit. */
  public static <O, A> Env<O, A> make(String id) {
    return STANDARD.make(id);
  }

  /** The standard ids. */
  public static List<String> names() {
    return STANDARD.names();
  }

  /** A new, mutable registry holding the standard environments. */
  public static EnvRegistry registry() {
    return EnvRegistry.standard();
  }
}
