package vecrl.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Policies by name, as Stable-Baselines' {@code register_policy}. Not a global singleton: make a
 * registry with {@link #withDefaults()} (the built-in names) or {@link #empty()} and pass it where
 * names are resolved. Thread-safe.
 *
 * <p>Built-in names: {@code MlpPolicy} (Lerax defaults, {@link MlpPolicyConfig#lerax()}) and
 * {@code SeparateMlpPolicy} (separate 64-64 tanh actor and critic, orthogonal init: {@link
 * MlpPolicyConfig#separate64()}).
 */
public final class PolicyRegistry {
  /** Builds a policy for the given spaces. */
  @FunctionalInterface
  public interface Factory {
    ActorCriticPolicy create(Space<?> observationSpace, Space<?> actionSpace, Rng rng);
  }

  private final Map<String, Factory> factories = new LinkedHashMap<>();

  private PolicyRegistry() {}

  public static PolicyRegistry empty() {
    return new PolicyRegistry();
  }

  public static PolicyRegistry withDefaults() {
    PolicyRegistry r = new PolicyRegistry();
    r.register("MlpPolicy", (o, a, rng) -> new MlpActorCriticPolicy(o, a, MlpPolicyConfig.lerax(), rng));
    r.register("SeparateMlpPolicy", (o, a, rng) -> new MlpActorCriticPolicy(o, a, MlpPolicyConfig.separate64(), rng));
    return r;
  }

  /** Registers {@code factory} under {@code name}; a name already taken is an error. Returns this. */
  public synchronized PolicyRegistry register(String name, Factory factory) {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("PolicyRegistry: a name is required");
    if (factory == null) throw new IllegalArgumentException("PolicyRegistry: factory for '" + name + "' is null");
    if (factories.containsKey(name)) {
      throw new IllegalArgumentException("PolicyRegistry: a policy named '" + name + "' is already registered");
    }
    factories.put(name, factory);
    return this;
  }

  /** The factory registered as {@code name}; an unknown name is an error listing the known names. */
  public synchronized Factory lookup(String name) {
    Factory f = factories.get(name);
    if (f == null) throw new IllegalArgumentException("PolicyRegistry: no policy named '" + name + "'; registered: " + names());
    return f;
  }

  /** Builds the policy registered as {@code name}. */
  public ActorCriticPolicy create(String name, Space<?> observationSpace, Space<?> actionSpace, Rng rng) {
    return lookup(name).create(observationSpace, actionSpace, rng);
  }

  public synchronized boolean contains(String name) {
    return factories.containsKey(name);
  }

  /** The names, in registration order. */
  public synchronized List<String> names() {
    return new ArrayList<>(factories.keySet());
  }
}
