package vecrl.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link EnvRegistry#withProviders}: the test resources' provider, and providers that fail. */
public final class EnvProvidersTest {
  @TempDir Path tmp;

  /** Registers an id the standard registry already has. */
  public static final class TakesCartPole implements EnvProvider {
    /** For ServiceLoader. */
    public TakesCartPole() {}

    @Override
    public void register(EnvRegistry registry) {
      registry.register("CartPole-v1", () -> new DynamicsEnv<>(new Corridor()), 10);
    }
  }

  /** Throws while registering. */
  public static final class Throws implements EnvProvider {
    /** For ServiceLoader. */
    public Throws() {}

    @Override
    public void register(EnvRegistry registry) {
      throw new IllegalStateException("no licence for the simulator");
    }
  }

  /** Registers A-v0. */
  public static final class Zeta implements EnvProvider {
    /** For ServiceLoader. */
    public Zeta() {}

    @Override
    public void register(EnvRegistry registry) {
      registry.register("A-v0", () -> new DynamicsEnv<>(new Corridor()), 5);
    }
  }

  /** Registers Z-v0. */
  public static final class Alpha implements EnvProvider {
    /** For ServiceLoader. */
    public Alpha() {}

    @Override
    public void register(EnvRegistry registry) {
      registry.register("Z-v0", () -> new DynamicsEnv<>(new Corridor()), 5);
    }
  }

  /** A loader whose only provider configuration file lists {@code providers}; classes come from the test class path. */
  private ClassLoader listing(String... providers) throws IOException {
    Path file = tmp.resolve("vecrl.env.EnvProvider");
    Files.writeString(file, String.join("\n", providers) + "\n");
    URL url = file.toUri().toURL();
    return new ClassLoader(EnvProvidersTest.class.getClassLoader()) {
      @Override
      public Enumeration<URL> getResources(String name) throws IOException {
        return name.equals("META-INF/services/vecrl.env.EnvProvider") ? Collections.enumeration(List.of(url)) : super.getResources(name);
      }
    };
  }

  @Test
  void theTestProviderAddsCorridor() {
    EnvRegistry r = EnvRegistry.withProviders(EnvProvidersTest.class.getClassLoader());
    List<String> standard = EnvRegistry.standard().names();
    assertEquals(standard, r.names().subList(0, standard.size()));
    assertEquals(List.of("Corridor-v0"), r.names().subList(standard.size(), r.names().size()));
    assertEquals(50, r.spec("Corridor-v0").maxEpisodeSteps());
    Env<float[], Integer> env = r.make("Corridor-v0");
    assertArrayEquals(new float[] {5f}, env.reset(0L).observation());
    assertArrayEquals(new float[] {6f}, env.step(1).observation());
  }

  @Test
  void providersRunInTheOrderOfTheirClassNames() throws IOException {
    // listed Zeta first, but Alpha's class name sorts first: Z-v0 before A-v0
    EnvRegistry r = EnvRegistry.withProviders(listing(Zeta.class.getName(), Alpha.class.getName()));
    List<String> names = r.names();
    assertEquals(List.of("Z-v0", "A-v0"), names.subList(names.size() - 2, names.size()));
  }

  @Test
  void aFailingProviderIsNamed() throws IOException {
    IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> EnvRegistry.withProviders(listing(Throws.class.getName())));
    assertEquals("EnvRegistry: EnvProvider vecrl.env.EnvProvidersTest$Throws failed: IllegalStateException: no licence for the simulator",
        thrown.getMessage());
    IllegalStateException taken = assertThrows(IllegalStateException.class, () -> EnvRegistry.withProviders(listing(TakesCartPole.class.getName())));
    assertEquals("EnvRegistry: EnvProvider vecrl.env.EnvProvidersTest$TakesCartPole failed: IllegalArgumentException: EnvRegistry: "
        + "\"CartPole-v1\" is already registered", taken.getMessage());
    IllegalStateException missing = assertThrows(IllegalStateException.class, () -> EnvRegistry.withProviders(listing("vecrl.env.NoSuchProvider")));
    assertTrue(missing.getMessage().contains("vecrl.env.NoSuchProvider"), missing.getMessage());
  }
}
