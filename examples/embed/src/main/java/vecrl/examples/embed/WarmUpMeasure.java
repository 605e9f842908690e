package vecrl.examples.embed;

import java.io.InputStream;
import java.util.Locale;
import vecrl.policy.SavedPolicy;

/**
 * Measures what {@link SavedPolicy#warmUp()} buys, in a fresh JVM per run: {@code WarmUpMeasure
 * cold|warm|warm-linked [LAUNCH_EPOCH_NANOS]}. It loads the committed CartPole fixture (a 64-64 tanh
 * actor-critic with its observation normaliser, the file {@link EmbedMain} loads) with {@link
 * SavedPolicy#decode}; then, with {@code warm}, runs {@code warmUp()}. It prints the latency of the
 * first three {@code act} calls (the first from a call site this class has never run, as an
 * application's first call is: it includes the JVM linking that call site; {@code warm-linked}
 * runs that call site once on another policy loaded from the same bytes, before warming this one, to
 * show the call without the linking), the time and calls
 * until a window of 1,000 consecutive calls first averages at most 1 µs, and the steady per-call
 * time. Given the launch time ({@code date +%s%N} just before {@code java}), it also prints the time
 * from launch to the loaded policy. No assertion: a measurement to run by hand (the README quotes
 * it; {@code examples/embed/measure-startup.sh} runs it with and without an AOT cache), e.g.
 *
 * <pre>
 * for m in cold warm cold warm; do java --add-modules jdk.incubator.vector -cp ... vecrl.examples.embed.WarmUpMeasure $m; done
 * </pre>
 */
public final class WarmUpMeasure {
  private WarmUpMeasure() {}

  /** Times {@code first.length} calls, from one call site: the first call of all is its first execution, unless warm-linked ran it before. */
  private static void firstCalls(SavedPolicy p, float[] x, float[] a, long[] first) {
    for (int k = 0; k < first.length; k++) {
      long s = System.nanoTime();
      p.act(x, a);
      first[k] = System.nanoTime() - s;
      x[1] = -x[1];
    }
  }

  public static void main(String[] args) throws Exception {
    long launched = args.length > 1 ? Long.parseLong(args[1]) : -1;
    String mode = args.length > 0 ? args[0] : "cold";
    if (!mode.equals("cold") && !mode.equals("warm") && !mode.equals("warm-linked")) {
      throw new IllegalArgumentException("WarmUpMeasure: mode '" + mode + "', expected cold, warm or warm-linked");
    }
    boolean warm = !mode.equals("cold"), linked = mode.equals("warm-linked");
    long t0 = System.nanoTime();
    SavedPolicy p;
    try (InputStream in = WarmUpMeasure.class.getResourceAsStream("/cartpole-v2.vpol")) {
      p = SavedPolicy.decode(in.readAllBytes(), "cartpole-v2.vpol");
    }
    long loaded = System.nanoTime();
    java.time.Instant loadedAt = java.time.Instant.now();
    if (linked) {
      // run the timing call site once, on another policy loaded from the same bytes, before warming this one
      try (InputStream in = WarmUpMeasure.class.getResourceAsStream("/cartpole-v2.vpol")) {
        firstCalls(SavedPolicy.decode(in.readAllBytes(), "other"), new float[4], new float[1], new long[3]);
      }
    }
    if (warm) p.warmUp();
    long ready = System.nanoTime();
    float[] x = {0.01f, -0.2f, 0.03f, 0.4f}, a = new float[1];
    long[] first = new long[3];
    firstCalls(p, x, a, first);
    final int window = 1_000;
    long calls = first.length, start = System.nanoTime(), reached = -1;
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
    String start2load = launched < 0 ? "" : String.format(Locale.ROOT, "launch to loaded %.1f ms, ",
        (loadedAt.getEpochSecond() * 1_000_000_000L + loadedAt.getNano() - launched) / 1e6);
    System.out.printf(Locale.ROOT, "%s: %sload %.1f ms, warmUp %.1f ms, first act %.2f us, then %.2f, %.2f us, <= 1 us per call after %.1f ms (%d calls), then %.3f us per call%n",
        mode, start2load, (loaded - t0) / 1e6, (ready - loaded) / 1e6, first[0] / 1e3, first[1] / 1e3, first[2] / 1e3,
        reached / 1e6, calls, steady);
  }
}
