package vecrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.env.EnvRegistry;
import vecrl.train.TrainConfig;
import vecrl.train.TrainingRun;

/** The command line on users' policies and environments, and on extending runs. */
final class OpenCliTest {
  @TempDir Path tmp;

  private static CliRun run(EnvRegistry registry, String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code = new Main(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8), registry).run(args);
    return new CliRun(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  @Test
  void registryAndClassPoliciesTrainFromTheCommandLine() throws IOException {
    Path out = tmp.resolve("runs");
    CliRun r = CliRun.of("train", "--policy", "MlpPolicy", "--steps", "1024", "--out", out.toString(), "--set", "evalEpisodes=1", "--quiet");
    assertEquals(0, r.code(), r.err());
    assertEquals("MlpPolicy", TrainConfig.load(out.resolve("CartPole-v1_ppo_s1").resolve(TrainingRun.CONFIG)).policy());
    r = CliRun.of("train", "--policy", "class:vecrl.policy.examples.LeraxCustomPolicy", "--steps", "1024", "--seed", "2", "--out",
        out.toString(), "--set", "evalEpisodes=1", "--quiet");
    assertEquals(0, r.code(), r.err());
    CliRun e = CliRun.of("eval", out.resolve("CartPole-v1_ppo_s2").toString(), "--episodes", "1");
    assertEquals(0, e.code(), e.err());
    CliRun bad = CliRun.of("train", "--policy", "NoSuch");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--policy NoSuch") && bad.err().contains("MlpPolicy, SeparateMlpPolicy, CnnPolicy, SeedCnnPolicy, MultiInputPolicy") && bad.err().contains("class:NAME"),
        bad.err());
  }

  @Test
  void resumeWithStepsExtendsARunAndSaysWhenThereIsNothingToDo() {
    Path out = tmp.resolve("runs");
    CliRun r = CliRun.of("train", "--steps", "1024", "--out", out.toString(), "--set", "evalEpisodes=1", "--quiet");
    assertEquals(0, r.code(), r.err());
    String dir = out.resolve("CartPole-v1_ppo_s1").toString();
    r = CliRun.of("train", "--resume", dir, "--quiet");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("nothing to train: the run already has 1,024 steps") && r.out().contains("--steps N"), r.out());
    r = CliRun.of("train", "--resume", dir, "--steps", "2048", "--quiet");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("trained 1,024 steps in") && r.out().contains("run total: 2,048 steps in"), r.out());
    CliRun bad = CliRun.of("train", "--resume", dir, "--seed", "3");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--seed cannot be combined with --resume"), bad.err());
  }

  /**
   * {@code --classpath}: a jar-like folder compiled here, holding an environment and a policy with
   * their META-INF/services entries and nothing else, is what makes them visible.
   */
  @Test
  void environmentsAndPoliciesComeFromTheClasspath() throws Exception {
    Path src = tmp.resolve("src/my"), classes = tmp.resolve("classes");
    Files.createDirectories(src);
    Files.createDirectories(classes.resolve("META-INF/services"));
    Files.writeString(src.resolve("Walk.java"), """
        package my;
        import vecrl.env.*;
        import vecrl.space.*;
        import vecrl.tensor.Rng;
        public final class Walk implements Dynamics<Integer, float[], Integer> {
          public Space<float[]> observationSpace() { return new Box(0f, 6f, 1); }
          public Space<Integer> actionSpace() { return new Discrete(2); }
          public Integer initialState(Rng rng) { return 3; }
          public Transition<Integer> step(Integer s, Integer a) {
            int n = Math.max(0, s + (a == 1 ? 1 : -1));
            return new Transition<>(n, n == 6 ? 1.0 : 0.0, n == 6);
          }
          public float[] observation(Integer s) { return new float[] {s}; }
        }
        """);
    Files.writeString(src.resolve("Plugin.java"), """
        package my;
        import vecrl.env.*;
        import vecrl.policy.*;
        public final class Plugin implements EnvProvider, PolicyProvider {
          public void register(EnvRegistry r) { r.register("Walk-v0", () -> new DynamicsEnv<>(new Walk()), 30); }
          public void register(PolicyRegistry r) { r.register("MyPolicy", vecrl.policy.examples.LeraxCustomPolicy::new); }
        }
        """);
    Files.writeString(classes.resolve("META-INF/services/vecrl.env.EnvProvider"), "my.Plugin\n");
    Files.writeString(classes.resolve("META-INF/services/vecrl.policy.PolicyProvider"), "my.Plugin\n");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "a JDK compiler");
    int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
        src.resolve("Walk.java").toString(), src.resolve("Plugin.java").toString());
    assertEquals(0, rc, "compiling the plugin");

    assertTrue(!EnvRegistry.standard().contains("Walk-v0"));
    ClassLoader loader = Main.loaderFor(classes.toString());
    EnvRegistry registry = EnvRegistry.withProviders(loader);
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(loader);
    try {
      CliRun check = run(registry, "check-env", "Walk-v0");
      assertEquals(0, check.code(), check.out() + check.err());
      Path out = tmp.resolve("runs");
      CliRun r = run(registry, "train", "--env", "Walk-v0", "--policy", "MyPolicy", "--steps", "2048", "--out", out.toString(), "--set",
          "evalEpisodes=2", "--quiet");
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("greedy evaluation: "), r.out());
      assertEquals("MyPolicy", TrainConfig.load(out.resolve("Walk-v0_ppo_s1").resolve(TrainingRun.CONFIG)).policy());
      CliRun resumed = run(registry, "train", "--resume", out.resolve("Walk-v0_ppo_s1").toString(), "--steps", "4096", "--quiet");
      assertEquals(0, resumed.code(), resumed.err());
    } finally {
      Thread.currentThread().setContextClassLoader(before);
    }
    var e = assertThrows(IllegalArgumentException.class, () -> Main.loaderFor(tmp.resolve("nope.jar").toString()));
    assertTrue(e.getMessage().contains("nope.jar does not exist"), e.getMessage());
  }
}
