package vecrl.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecrl.space.Box;
import vecrl.tensor.Backends;
import vecrl.tensor.Rng;
import vecrl.tensor.VectorSupport;

/**
 * A JVM started without {@code --add-modules jdk.incubator.vector} (a child JVM): with {@code
 * -Dvecrl.backend=scalar} a saved MLP and a recurrent policy load and act; with the default backend,
 * first use is one clear error naming the flag, not a NoClassDefFoundError.
 */
final class NoVectorModuleTest {
  private static String child(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NoVectorModuleTest.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    p.getInputStream().transferTo(buf);
    assertEquals(0, p.waitFor(), buf.toString(StandardCharsets.UTF_8));
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void scalarRunsWithoutTheModule() throws Exception {
    String out = child("-Dvecrl.backend=scalar");
    assertTrue(out.contains("module false") && out.contains("backend scalar") && out.contains("mlp [1.0]") && out.contains("recurrent ok"), out);
    assertTrue(!out.contains("NoClassDefFoundError"), out);
  }

  @Test
  void theDefaultBackendNamesTheFlag() throws Exception {
    String out = child();
    assertTrue(out.contains("module false"), out);
    assertTrue(out.contains("IllegalStateException") && out.contains("--add-modules jdk.incubator.vector") && out.contains("-Dvecrl.backend=scalar"), out);
    assertTrue(!out.contains("NoClassDefFoundError"), out);
  }

  /** The child: reports the module, then acts (scalar) or reports the first-use error (default backend). */
  public static void main(String[] args) throws Exception {
    System.out.println("module " + VectorSupport.available());
    try {
      System.out.println("backend " + Backends.kernels().name());
    } catch (IllegalStateException e) {
      System.out.println(e);
      return;
    }
    byte[] b;
    try (InputStream in = NoVectorModuleTest.class.getResourceAsStream(NewFormatFixture.RESOURCE)) {
      b = in.readAllBytes();
    }
    System.out.println("mlp " + java.util.Arrays.toString(SavedPolicy.decode(b, "fixture").warmUp(100).act(NewFormatFixture.OBSERVATIONS[1])));
    var rnn = new RecurrentActorCriticPolicy(new Box(-1, 1, 3), new Box(-1, 1, 2), RecurrentPolicyConfig.of("[lstm:5, {pi: [4], vf: [4]}]", true), new Rng(1));
    SavedPolicy r = SavedPolicy.decode(SavedPolicy.encode(rnn, null, Map.of()), "rnn");
    r.act(new float[] {0.1f, 0.2f, 0.3f});
    System.out.println("recurrent ok");
  }
}
