package vecrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecrl.env.Env;
import vecrl.env.EnvRegistry;
import vecrl.env.Reset;
import vecrl.env.StepResult;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/** {@code vecrl check-env}: through {@link Main} on the standard registry, and on a registry with a broken environment. */
final class CheckEnvCliTest {

  /** Observes [2.0] in a Box(0..1, [1]) at every step and never ends. */
  private static final class OutOfBox implements Env<float[], Integer> {
    @Override public Space<float[]> observationSpace() { return new Box(0f, 1f, 1); }
    @Override public Space<Integer> actionSpace() { return new Discrete(2); }
    @Override public Reset<float[]> reset(Rng rng) { return Reset.of(new float[] {0f}); }
    @Override public StepResult<float[]> step(Integer a) { return new StepResult<>(new float[] {2f}, 0.0, false, false, Map.of()); }
  }

  private static CliRun direct(EnvRegistry registry, String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code = CheckEnvCommand.run(List.of(args), registry, new PrintStream(o, true, StandardCharsets.UTF_8),
        new PrintStream(e, true, StandardCharsets.UTF_8));
    return new CliRun(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aStandardEnvironmentIsOk() {
    CliRun r = CliRun.of("check-env", "GridMaze-v0", "--seed", "4", "--steps=250");
    assertEquals(0, r.code(), r.err());
    assertEquals("GridMaze-v0: ok (250 steps checked)\n", r.out().replace("\r\n", "\n"));
    assertTrue(CliRun.of("help").out().contains("check-env ID"));
  }

  @Test
  void problemsArePrintedOnePerLine() {
    EnvRegistry registry = new EnvRegistry().register("OutOfBox-v0", OutOfBox::new, 3);
    CliRun r = direct(registry, "OutOfBox-v0", "--steps", "7");
    assertEquals(1, r.code(), r.err());
    // steps 1 to 7 each observe [2.0] (the resets after steps 3 and 6 observe [0.0]): the first and six more
    assertEquals("OutOfBox-v0: step 1: observation [2.0] is not in the observation space Box(0.0..1.0, [1]) (and 6 more like it)\n",
        r.out().replace("\r\n", "\n"));
  }

  @Test
  void badArgumentsNameTheValueAndTheChoices() {
    CliRun unknown = CliRun.of("check-env", "Nope-v0");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("unknown environment \"Nope-v0\"; valid names: CartPole-v1, "), unknown.err());
    CliRun flag = CliRun.of("check-env", "CartPole-v1", "--stepz", "3");
    assertEquals(2, flag.code());
    assertTrue(flag.err().contains("unknown option \"--stepz\"; valid options: --seed --steps"), flag.err());
    CliRun steps = CliRun.of("check-env", "CartPole-v1", "--steps", "0");
    assertEquals(2, steps.code());
    assertTrue(steps.err().contains("--steps 0: expected an integer from 1 to 2147483647"), steps.err());
    CliRun missing = CliRun.of("check-env");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("missing environment id; valid names: CartPole-v1"), missing.err());
  }
}
