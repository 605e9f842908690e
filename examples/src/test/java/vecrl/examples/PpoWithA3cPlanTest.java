package vecrl.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.env.EnvRegistry;
import vecrl.plan.Plans;
import vecrl.plan.TrainerTemplate;
import vecrl.tensor.Backends;
import vecrl.train.TrainingRun;

/** Example 8: PPO with A3C's asynchronous plan, on one worker (deterministic) so that its numbers can be pinned. */
final class PpoWithA3cPlanTest {
  @TempDir Path tmp;

  /**
   * withUpdates swapped the plan only: the policy template is PPO's. The example's plan, written
   * with the operators, gives the bytes of the library's {@link Plans#asyncGradients} (one worker).
   */
  @Test
  void theExamplesPlanIsA3csPlan() throws IOException {
    assertEquals(TrainerTemplate.ppo().defaultPolicy().name(), PpoWithA3cPlan.CUSTOM_TRAINER.defaultPolicy().name());
    assertEquals("PPO", PpoWithA3cPlan.CUSTOM_TRAINER.name());
    Path a = tmp.resolve("example"), b = tmp.resolve("library");
    PpoWithA3cPlan.CUSTOM_TRAINER.train(PpoWithA3cPlan.config(2_560, 1), EnvRegistry.standard(), a, List.of(), Backends.byName("scalar"), 1);
    TrainerTemplate.ppo().withUpdates(t -> t.executionPlan(Plans::asyncGradients))
        .train(PpoWithA3cPlan.config(2_560, 1), EnvRegistry.standard(), b, List.of(), Backends.byName("scalar"), 1);
    assertArrayEquals(Files.readAllBytes(a.resolve(TrainingRun.CHECKPOINT)), Files.readAllBytes(b.resolve(TrainingRun.CHECKPOINT)));
  }

  /**
   * One worker of 8 envs, a gradient per 256 steps, 40,000 steps on the scalar kernels
   * (deterministic): greedy mean 377.8 over 10 episodes (untrained: about 9 to 30); asserted >= 150.
   */
  @Test
  void oneWorkerLearnsCartPole() throws IOException {
    TrainingRun.Result r = PpoWithA3cPlan.CUSTOM_TRAINER.train(PpoWithA3cPlan.config(40_000, 1), EnvRegistry.standard(), tmp.resolve("learn"),
        List.of(), Backends.byName("scalar"), 1);
    double greedy = r.trainer().evaluate(10, 12345).mean();
    System.out.println("PPO with A3C's plan, 1 worker, 40,000 steps: greedy " + greedy + ", last mean return " + r.last().meanReturn());
    assertTrue(greedy >= 150, "greedy mean " + greedy);
  }
}
