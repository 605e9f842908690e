package vecrl.policy.providers;

import vecrl.policy.MlpActorCriticPolicy;
import vecrl.policy.MlpPolicyConfig;
import vecrl.policy.PolicyProvider;
import vecrl.policy.PolicyRegistry;

/** A provider whose class name sorts before the examples' one; registers {@code Early}. */
public final class EarlyProvider implements PolicyProvider {
  /** Registers {@code Early}, a small Lerax-layout MLP policy. */
  @Override
  public void register(PolicyRegistry registry) {
    registry.register("Early", (o, a, rng) -> new MlpActorCriticPolicy(o, a, MlpPolicyConfig.lerax().withFeatures(4, 8, 1), rng));
  }
}
