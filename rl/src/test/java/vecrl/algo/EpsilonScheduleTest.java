package vecrl.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import vecrl.train.Presets;
import vecrl.train.TrainConfig;

/** The exploration schedule at its end points and in between, by hand. */
final class EpsilonScheduleTest {
  @Test
  void endPoints() {
    EpsilonSchedule s = new EpsilonSchedule(1.0, 0.04, 0.16, 100_000);
    assertEquals(1.0, s.value(0));
    assertEquals(0.04, s.value(16_000), 1e-15, "the end of the fall: 16% of 100,000 steps");
    assertEquals(0.04, s.value(16_001));
    assertEquals(0.04, s.value(100_000));
    assertEquals(0.52, s.value(8_000), 1e-15, "half way: (1 + 0.04) / 2");
  }

  @Test
  void dqnEpsilonIsOneBeforeLearningStarts() {
    TrainConfig c = Presets.forEnv("dqn", "CartPole-v1"); // learningStarts 1000, 1 -> 0.04 over 16% of 100,000
    assertEquals(1.0, Dqn.epsilon(c, 999));
    assertEquals(1.0 - 1000.0 / 16_000 * 0.96, Dqn.epsilon(c, 1000), 1e-15);
    assertEquals(0.04, Dqn.epsilon(c, 50_000));
  }

  @Test
  void badArgumentsAreNamed() {
    assertThrows(IllegalArgumentException.class, () -> new EpsilonSchedule(1.5, 0, 0.1, 10));
    assertThrows(IllegalArgumentException.class, () -> new EpsilonSchedule(1, 0, 0, 10));
  }
}
