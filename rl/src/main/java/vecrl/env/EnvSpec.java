package vecrl.env;

import java.util.function.Supplier;

/**
 * A registered environment: its id, a factory for the bare environment and the time limit that
 * {@link EnvRegistry#make} wraps around it (0 for none).
 */
public record EnvSpec(String id, Supplier<? extends Env<?, ?>> factory, int maxEpisodeSteps) {
  public EnvSpec {
    if (id == null || id.isBlank()) throw new IllegalArgumentException("EnvSpec: id is empty");
    if (factory == null) throw new IllegalArgumentException("EnvSpec " + id + ": factory is null");
    if (maxEpisodeSteps < 0) throw new IllegalArgumentException("EnvSpec " + id + ": maxEpisodeSteps = " + maxEpisodeSteps + ", expected >= 0");
  }
}
