package vecrl.multi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Multi-agent environments by id, as {@link vecrl.env.EnvRegistry} is for single-agent ones (kept
 * apart because the two interfaces differ): {@link #standard()} holds {@code RockPaperScissors-v0}
 * (10 rounds) and {@code Signaling-v0} (3 targets); users {@link #register} their own.
 */
public final class MultiAgentEnvRegistry {
  private final Map<String, Supplier<? extends MultiAgentEnv>> factories = new LinkedHashMap<>();

  public MultiAgentEnvRegistry() {}

  /** The built-in environments. */
  public static MultiAgentEnvRegistry standard() {
    return new MultiAgentEnvRegistry()
        .register("RockPaperScissors-v0", () -> new RockPaperScissors(10))
        .register("Signaling-v0", () -> new SignalingGame(3));
  }

  /** Registers {@code factory} as {@code id}; a taken id is an error. Returns this. */
  public MultiAgentEnvRegistry register(String id, Supplier<? extends MultiAgentEnv> factory) {
    if (id == null || id.isBlank()) throw new IllegalArgumentException("MultiAgentEnvRegistry: an id is required");
    if (factories.containsKey(id)) throw new IllegalArgumentException("MultiAgentEnvRegistry: \"" + id + "\" is already registered");
    factories.put(id, factory);
    return this;
  }

  public boolean contains(String id) {
    return factories.containsKey(id);
  }

  /** A new environment {@code id}; an unknown id is an error listing the registered ones. */
  public MultiAgentEnv make(String id) {
    return factory(id).get();
  }

  /** The factory of {@code id}; an unknown id is an error listing the registered ones. */
  public Supplier<? extends MultiAgentEnv> factory(String id) {
    var f = factories.get(id);
    if (f == null) throw new IllegalArgumentException("unknown multi-agent environment \"" + id + "\"; registered: " + names());
    return f;
  }

  public List<String> names() {
    return new ArrayList<>(factories.keySet());
  }
}
