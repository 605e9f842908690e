package vecrl.policy;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * The policies' allocation checks, each run in a child JVM of its own with {@code -Xbatch}
 * (compilation finishes before the code runs on), so that what is measured is the code C2 compiles
 * for these calls alone: in the test JVM, after other tests, C2 can compile {@code act} with their
 * type profiles and keep Vector API boxes it would otherwise remove (seen in CI as 134 bytes a call,
 * in every window), which says nothing about an application's steady state.
 */
final class AllocationProbe {
  private static final com.sun.management.ThreadMXBean MX = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** Runs {@code probe} in a child JVM and returns the least bytes it allocated over its windows. */
  static long inChildJvm(String probe) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xbatch", "--add-modules", "jdk.incubator.vector", "-Dvecrl.threads=1", "-cp",
        System.getProperty("java.class.path"), AllocationProbe.class.getName(), probe).redirectErrorStream(true).start();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> {
      try {
        p.getInputStream().transferTo(buf);
      } catch (java.io.IOException ignored) {
        // the process ended
      }
    });
    reader.start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("allocation probe " + probe + " did not finish in 300 s");
    }
    reader.join(10_000);
    String text = buf.toString(StandardCharsets.UTF_8);
    if (p.exitValue() != 0) throw new AssertionError("allocation probe " + probe + " exited with " + p.exitValue() + ": " + text);
    for (String line : text.split("\\R")) {
      if (line.startsWith("ALLOCATED ")) return Long.parseLong(line.substring("ALLOCATED ".length()).trim());
    }
    throw new AssertionError("allocation probe " + probe + " printed no result: " + text);
  }

  public static void main(String[] args) {
    long least = switch (args[0]) {
      case "mlp" -> mlp();
      case "recurrent" -> recurrent();
      default -> throw new IllegalArgumentException("unknown probe " + args[0] + "; expected mlp or recurrent");
    };
    System.out.println("ALLOCATED " + least);
  }

  /** MLP act / actionAndValue, then the frozen policy's: 50,000 calls a window, the least of 5 windows. */
  static long mlp() {
    MlpActorCriticPolicy p = new MlpActorCriticPolicy(new Box(-5f, 5f, 4), new Discrete(2), new Rng(1));
    PolicyState s = p.reset(null);
    Tensor o = Tensor.vector(0.1f, -0.2f, 0.03f, 0.4f);
    Rng rng = new Rng(2);
    for (int i = 0; i < 20000; i++) { p.act(s, o, rng, null); p.act(s, o, null, null); }
    FrozenMlpPolicy f = p.freeze();
    for (int i = 0; i < 20000; i++) { f.act(s, o, rng, null); f.actionAndValue(s, o, null, null); }
    long least = Long.MAX_VALUE;
    for (int w = 0; w < 5; w++) {
      long before = MX.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 10000; i++) { p.act(s, o, rng, null); p.act(s, o, null, null); p.actionAndValue(s, o, rng, null); }
      for (int i = 0; i < 10000; i++) { f.act(s, o, rng, null); f.actionAndValue(s, o, null, null); }
      least = Math.min(least, MX.getCurrentThreadAllocatedBytes() - before);
    }
    return least;
  }

  /** Recurrent act / actionAndValue / value with episode starts, two configs: 30,000 calls a window each, the larger of their leasts. */
  static long recurrent() {
    long worst = 0;
    for (RecurrentPolicyConfig cfg : List.of(RecurrentPolicyConfig.of("[lstm:64, {pi: [64], vf: [64]}]", true), RecurrentPolicyTest.configs().get(3))) {
      RecurrentActorCriticPolicy p = new RecurrentActorCriticPolicy(RecurrentPolicyTest.OBS, new Discrete(2), cfg, new Rng(1));
      PolicyState s = p.reset(null);
      Tensor o = Tensor.vector(0.1f, -0.2f, 0.03f);
      Rng rng = new Rng(2);
      for (int i = 0; i < 20000; i++) { p.act(s, o, rng, null); p.actionAndValue(s, o, null, null); p.value(s, o); }
      long least = Long.MAX_VALUE;
      for (int w = 0; w < 5; w++) {
        long before = MX.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10000; i++) {
          p.act(s, o, rng, null);
          p.actionAndValue(s, o, null, null);
          p.value(s, o);
          if (i % 100 == 0) p.startEpisode(s);
        }
        least = Math.min(least, MX.getCurrentThreadAllocatedBytes() - before);
      }
      worst = Math.max(worst, least);
    }
    return worst;
  }

  private AllocationProbe() {}
}
