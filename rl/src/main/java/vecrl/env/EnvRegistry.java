package vecrl.env;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import vecrl.env.classic.Acrobot;
import vecrl.env.classic.CartPole;
import vecrl.env.classic.CartPoleNoVelocity;
import vecrl.env.classic.MountainCar;
import vecrl.env.classic.MountainCarContinuous;
import vecrl.env.classic.Pendulum;
import vecrl.env.grid.GridMaze;
import vecrl.env.pixels.Catch;
import vecrl.env.proof.BitMatch;
import vecrl.env.proof.MultiTarget;

/**
 * Environments by name, as Gymnasium's registry. A registry is an ordinary object (there is no
 * global mutable one): {@link #standard()} gives a new registry holding the classic-control
 * environments, to which users add their own with {@link #register}. {@link Envs} offers the
 * standard set through static methods.
 */
public final class EnvRegistry {
  private final LinkedHashMap<String, EnvSpec> specs = new LinkedHashMap<>();

  /** An empty registry. */
  public EnvRegistry() {}

  /**
   * A new registry with CartPole-v1, Pendulum-v1, Acrobot-v1, MountainCar-v0 and
   * MountainCarContinuous-v0, vecrl's action-masking task GridMaze-v0 ({@link GridMaze}), the memory
   * task CartPoleNoVel-v1 (CartPole-v1 observing only cart position and pole angle), and two proof
   * tasks for multi-component actions: MultiTarget-v0 ({@link MultiTarget}, MultiDiscrete actions
   * with masks) and BitMatch-v0 ({@link BitMatch}, MultiBinary actions), whose 16-step episodes end
   * by termination (no time limit), and the pixel task Catch-v0 ({@link Catch}: 40 x 40 grayscale
   * images, 9-step episodes ended by termination).
   */
  public static EnvRegistry standard() {
    EnvRegistry r = new EnvRegistry();
    r.register("CartPole-v1", () -> new DynamicsEnv<>(new CartPole()), 500);
    r.register("Pendulum-v1", () -> new DynamicsEnv<>(new Pendulum()), 200);
    r.register("Acrobot-v1", () -> new DynamicsEnv<>(new Acrobot()), 500);
    r.register("MountainCar-v0", () -> new DynamicsEnv<>(new MountainCar()), 200);
    r.register("MountainCarContinuous-v0", () -> new DynamicsEnv<>(new MountainCarContinuous()), 999);
    r.register("GridMaze-v0", () -> new DynamicsEnv<>(new GridMaze()), 100);
    r.register("CartPoleNoVel-v1", () -> new DynamicsEnv<>(new CartPoleNoVelocity()), 500);
    r.register("MultiTarget-v0", () -> new DynamicsEnv<>(new MultiTarget()), 0);
    r.register("BitMatch-v0", () -> new DynamicsEnv<>(new BitMatch()), 0);
    r.register("Catch-v0", () -> new DynamicsEnv<>(new Catch()), 0);
    return r;
  }

  /**
   * {@link #standard()} plus the environments of every {@link EnvProvider} that {@link
   * java.util.ServiceLoader} finds through {@code loader}, called in the order of their class names
   * (so the registry's order does not depend on the class path's).
   *
   * @throws IllegalStateException naming the provider class when a provider cannot be loaded, throws,
   *     or registers an id that is already taken
   */
  public static EnvRegistry withProviders(ClassLoader loader) {
    EnvRegistry r = standard();
    List<java.util.ServiceLoader.Provider<EnvProvider>> providers;
    try {
      providers = new ArrayList<>(java.util.ServiceLoader.load(EnvProvider.class, loader).stream().toList());
    } catch (java.util.ServiceConfigurationError e) {
      throw new IllegalStateException("EnvRegistry: cannot list the EnvProviders: " + e.getMessage(), e);
    }
    providers.sort(java.util.Comparator.comparing(p -> p.type().getName()));
    for (java.util.ServiceLoader.Provider<EnvProvider> p : providers) {
      String name = p.type().getName();
      try {
        p.get().register(r);
      } catch (RuntimeException | java.util.ServiceConfigurationError e) {
        throw new IllegalStateException("EnvRegistry: EnvProvider " + name + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
      }
    }
    return r;
  }

  /** Adds {@code spec}; an id already present is an error. */
  public EnvRegistry register(EnvSpec spec) {
    if (specs.containsKey(spec.id())) throw new IllegalArgumentException("EnvRegistry: \"" + spec.id() + "\" is already registered");
    specs.put(spec.id(), spec);
    return this;
  }

  /** Adds an environment made by {@code factory}, truncated at {@code maxEpisodeSteps} (0: never). */
  public EnvRegistry register(String id, java.util.function.Supplier<? extends Env<?, ?>> factory, int maxEpisodeSteps) {
    return register(new EnvSpec(id, factory, maxEpisodeSteps));
  }

  /** The spec registered as {@code id}; an unknown id is an error listing the valid ones. */
  public EnvSpec spec(String id) {
    EnvSpec s = specs.get(id);
    if (s == null) throw new IllegalArgumentException("unknown environment \"" + id + "\"; valid names: " + String.join(", ", specs.keySet()));
    return s;
  }

  /** Whether {@code id} is registered. */
  public boolean contains(String id) {
    return specs.containsKey(id);
  }

  /**
   * A new environment: the factory's, wrapped in a {@link TimeLimit} when the spec has one (as
   * {@code gym.make}). The type arguments are the caller's claim and are not checked.
   */
  @SuppressWarnings("unchecked")
  public <O, A> Env<O, A> make(String id) {
    EnvSpec s = spec(id);
    Env<O, A> env = (Env<O, A>) s.factory().get();
    if (env == null) throw new IllegalStateException("EnvRegistry: the factory of \"" + id + "\" returned null");
    return s.maxEpisodeSteps() > 0 ? new TimeLimit<>(env, s.maxEpisodeSteps()) : env;
  }

  /** The registered ids, in registration order. */
  public List<String> names() {
    return new ArrayList<>(specs.keySet());
  }

  /**
   * One line per environment: id, observation space, action space and time limit, e.g. {@code
   * CartPole-v1  observation Box(...)  action Discrete(2)  max steps 500}. Makes one instance of each.
   */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    for (EnvSpec s : specs.values()) {
      Env<?, ?> e = s.factory().get();
      lines.add(s.id() + "  observation " + e.observationSpace() + "  action " + e.actionSpace()
          + "  max steps " + (s.maxEpisodeSteps() > 0 ? s.maxEpisodeSteps() : "none"));
      e.close();
    }
    return lines;
  }
}
