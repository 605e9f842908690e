package vecrl.policy.examples;

import vecrl.policy.PolicyProvider;
import vecrl.policy.PolicyRegistry;

/** Registers {@link LeraxCustomPolicy} as {@code LeraxCustomPolicy}; declared in the test resources' services file. */
public final class LeraxPolicyProvider implements PolicyProvider {
  /** Registers the one policy. */
  @Override
  public void register(PolicyRegistry registry) {
    registry.register("LeraxCustomPolicy", LeraxCustomPolicy::new);
  }
}
