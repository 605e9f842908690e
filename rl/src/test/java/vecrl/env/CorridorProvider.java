package vecrl.env;

/**
 * Registers the README's {@link Corridor} as Corridor-v0 with a 50-step limit; listed in the test
 * resources' {@code META-INF/services/vecrl.env.EnvProvider}.
 */
public final class CorridorProvider implements EnvProvider {
  /** The no-argument constructor ServiceLoader calls. */
  public CorridorProvider() {}

  @Override
  public void register(EnvRegistry registry) {
    registry.register("Corridor-v0", () -> new DynamicsEnv<>(new Corridor()), 50);
  }
}
