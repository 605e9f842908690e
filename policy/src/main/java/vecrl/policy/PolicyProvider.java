package vecrl.policy;

/**
 * Adds a library's or application's policies to a {@link PolicyRegistry}. Declare an
 * implementation (a public class with a public no-argument constructor) in {@code
 * META-INF/services/vecrl.policy.PolicyProvider}, and {@link PolicyRegistry#withProviders} finds
 * it with {@link java.util.ServiceLoader}.
 */
public interface PolicyProvider {

  /** Registers this provider's policies in {@code registry}, under names not already taken. */
  void register(PolicyRegistry registry);
}
