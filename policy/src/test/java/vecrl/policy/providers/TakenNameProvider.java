package vecrl.policy.providers;

import vecrl.policy.PolicyProvider;
import vecrl.policy.PolicyRegistry;

/** A provider that registers a built-in name again. */
public final class TakenNameProvider implements PolicyProvider {
  /** Registers {@code MlpPolicy}, which the defaults already hold. */
  @Override
  public void register(PolicyRegistry registry) {
    registry.register("MlpPolicy", (o, a, rng) -> null);
  }
}
