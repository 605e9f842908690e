package vecrl.cluster;

import vecrl.env.DynamicsEnv;
import vecrl.env.EnvProvider;
import vecrl.env.EnvRegistry;
import vecrl.env.classic.CartPole;

/**
 * The environments of the scaling measurements: CartPole-v1 with a per-step latency ({@link
 * SlowDynamics}), {@code SlowCartPole-v1} with 200 us (the README's scaling table) and {@code
 * SlowerCartPole-v1} with 2 ms (the fault tests, whose iterations must last long enough to be killed
 * in the middle).
 */
public final class SlowEnvs implements EnvProvider {
  @Override
  public void register(EnvRegistry registry) {
    registry.register("SlowCartPole-v1", () -> new DynamicsEnv<>(new SlowDynamics<>(new CartPole(), 200)), 500);
    registry.register("SlowerCartPole-v1", () -> new DynamicsEnv<>(new SlowDynamics<>(new CartPole(), 2000)), 500);
  }
}
