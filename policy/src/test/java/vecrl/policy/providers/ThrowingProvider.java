package vecrl.policy.providers;

import vecrl.policy.PolicyProvider;
import vecrl.policy.PolicyRegistry;

/** A provider that fails while registering. */
public final class ThrowingProvider implements PolicyProvider {
  /** Throws. */
  @Override
  public void register(PolicyRegistry registry) {
    throw new IllegalStateException("no GPU here");
  }
}
