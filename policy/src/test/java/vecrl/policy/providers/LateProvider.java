package vecrl.policy.providers;

import vecrl.policy.PolicyProvider;
import vecrl.policy.PolicyRegistry;
import vecrl.policy.examples.LeraxCustomPolicy;

/** A provider whose class name sorts after {@link EarlyProvider}'s; registers {@code Late}. */
public final class LateProvider implements PolicyProvider {
  /** Registers {@code Late}, the examples' custom policy under another name. */
  @Override
  public void register(PolicyRegistry registry) {
    registry.register("Late", LeraxCustomPolicy::new);
  }
}
