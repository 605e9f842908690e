package vecrl.env;

/**
 * Adds a library's environments to a registry, found through {@link java.util.ServiceLoader}: list
 * the implementing class (public, with a public no-argument constructor) in {@code
 * META-INF/services/vecrl.env.EnvProvider}, and {@link EnvRegistry#withProviders(ClassLoader)}
 * calls it.
 */
public interface EnvProvider {

  /** Registers this provider's environments in {@code registry}, with ids not already taken. */
  void register(EnvRegistry registry);
}
