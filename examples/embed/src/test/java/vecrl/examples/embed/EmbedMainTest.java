package vecrl.examples.embed;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the example application's main on the committed fixture, with vecrl-policy as its only vecrl dependency. */
final class EmbedMainTest {
  @Test
  void mainLoadsTheSelfDescribingFileAndActs() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      EmbedMain.run(new String[0], out);
    }
    String s = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(s.contains("env: CartPole-v1") && s.contains("MlpActorCriticPolicy") && s.contains("normaliser   4 components"), s);
    // the greedy actions the fixture's generator printed (NewFormatFixture in the policy module)
    assertTrue(s.contains("act([0.0, 0.0, 0.0, 0.0]) = [0.0]"), s);
    assertTrue(s.contains("act([0.1, 1.0, -0.05, -1.0]) = [1.0]"), s);
    assertTrue(s.contains("act([-0.2, -1.5, 0.1, 2.0]) = [0.0]"), s);
    assertTrue(s.contains("act([1.0, 0.5, -0.2, 0.3]) = [1.0]"), s);
  }

  @Test
  void theTrainerIsNotOnTheClassPath() {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("vecrl.train.Trainer"));
    assertThrows(ClassNotFoundException.class, () -> Class.forName("vecrl.env.RunningMeanStd"));
  }
}
