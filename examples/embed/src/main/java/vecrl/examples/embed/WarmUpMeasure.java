package vecrl.examples.embed;

import java.util.Map;
import vecrl.nn.NetArch;
import vecrl.policy.MlpActorCriticPolicy;
import vecrl.policy.MlpPolicyConfig;
import vecrl.policy.SavedPolicy;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Rng;

/**
 * Measures what {@link SavedPolicy#warmUp()} buys, in a fresh JVM per run: {@code WarmUpMeasure
 * cold|warm}. A CleanRL-shaped CartPole actor-critic (separate 64-64 tanh) is encoded as a
 * version-2 file and loaded with {@link SavedPolicy#decode}; then, with {@code warm}, {@code
 * warmUp()} runs. It prints the first {@code act}'s latency, and the time and calls until a window
 * of 1,000 consecutive calls first averages at most 1 µs. No assertion: a measurement to run by
 * hand (the README quotes it), e.g.
 *
 * <pre>
 * for m in cold warm cold warm; do java --add-modules jdk.incubator.vector -cp ... vecrl.examples.embed.WarmUpMeasure $m; done
 * </pre>
 */
public final class WarmUpMeasure {
  private WarmUpMeasure() {}

  public static void main(String[] args) throws Exception {
    boolean warm = args.length > 0 && args[0].equals("warm");
    long t0 = System.nanoTime();
    byte[] file = SavedPolicy.encode(new MlpActorCriticPolicy(new Box(-4.8f, 4.8f, 4), new Discrete(2),
        MlpPolicyConfig.sb3(NetArch.separate(64, 64)), new Rng(1)), null, Map.of());
    SavedPolicy p = SavedPolicy.decode(file, "measure");
    long loaded = System.nanoTime();
    if (warm) p.warmUp();
    long ready = System.nanoTime();
    float[] x = {0.01f, -0.02f, 0.03f, 0.04f}, a = new float[1];
    long s = System.nanoTime();
    p.act(x, a);
    long first = System.nanoTime() - s;
    final int window = 1_000;
    long calls = 1, start = System.nanoTime(), reached = -1;
    while (reached < 0 && System.nanoTime() - start < 30_000_000_000L) {
      long w = System.nanoTime();
      for (int i = 0; i < window; i++) {
        x[0] = (i & 15) * 0.01f;
        p.act(x, a);
      }
      calls += window;
      if ((System.nanoTime() - w) / (double) window <= 1_000) reached = System.nanoTime() - start;
    }
    long w = System.nanoTime();
    for (int i = 0; i < 100_000; i++) {
      x[0] = (i & 15) * 0.01f;
      p.act(x, a);
    }
    double steady = (System.nanoTime() - w) / 1e5 / 1e3;
    System.out.printf(java.util.Locale.ROOT, "%s: load %.1f ms, warmUp %.1f ms, first act %.1f us, <= 1 us per call after %.1f ms (%d calls), then %.3f us per call%n",
        warm ? "warm" : "cold", (loaded - t0) / 1e6, (ready - loaded) / 1e6, first / 1e3, reached / 1e6, calls, steady);
  }
}
