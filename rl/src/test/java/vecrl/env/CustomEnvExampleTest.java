package vecrl.env;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import vecrl.tensor.Tensor;

/** The "plug in your own environment" example from the documentation ({@link Corridor}), as a running test. */
class CustomEnvExampleTest {

  @Test
  void registerAndStepACustomEnvironment() {
    EnvRegistry registry = EnvRegistry.standard();
    registry.register("Corridor-v0", () -> new DynamicsEnv<>(new Corridor()), 50);

    Env<float[], Integer> env = registry.make("Corridor-v0");
    assertArrayEquals(new float[] {5f}, env.reset(0L).observation());
    StepResult<float[]> r = null;
    for (int k = 0; k < 5; k++) r = env.step(1);
    assertTrue(r.terminated());
    assertEquals(1.0, r.reward());

    // Pure dynamics: test any state directly.
    Corridor c = new Corridor();
    assertEquals(0, c.step(0, 0).state());
    assertArrayEquals(new boolean[] {false, true}, (boolean[]) c.actionMask(0));

    // In a vector env, with the registry's time limit.
    try (SyncVectorEnv<float[], Integer> venv = new SyncVectorEnv<float[], Integer>(() -> registry.make("Corridor-v0"), 4)) {
      venv.reset(1);
      for (int k = 0; k < 50; k++) venv.step(Tensor.vector(0, 0, 0, 0));
      for (int i = 0; i < 4; i++) assertTrue(venv.truncated()[i], "the 50-step limit truncates");
    }

    assertTrue(registry.names().contains("Corridor-v0"));
    assertThrows(IllegalArgumentException.class, () -> registry.register("Corridor-v0", () -> new DynamicsEnv<>(new Corridor()), 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.make("Nope-v0"));
    assertEquals("unknown environment \"Nope-v0\"; valid names: CartPole-v1, Pendulum-v1, Acrobot-v1, MountainCar-v0, "
        + "MountainCarContinuous-v0, GridMaze-v0, CartPoleNoVel-v1, MultiTarget-v0, BitMatch-v0, Catch-v0, Corridor-v0", e.getMessage());
    assertFalse(Envs.names().contains("Corridor-v0"), "the static standard set is not changed");
  }

  @Test
  void describeListsNamesWithSpaces() {
    java.util.List<String> lines = Envs.registry().describe();
    assertEquals(10, lines.size());
    assertEquals("CartPole-v1  observation Box([-4.8, -inf, -0.41887903, -inf]..[4.8, inf, 0.41887903, "
        + "inf], [4])  action Discrete(2)  max steps 500", lines.get(0));
    assertTrue(lines.get(4).startsWith("MountainCarContinuous-v0  observation Box([-1.2, -0.07]..[0.6, 0.07], [2])  action Box(-1.0..1.0, [1])"), lines.get(4));
    assertEquals("GridMaze-v0  observation Box(0.0..1.0, [49])  action Discrete(4)  max steps 100", lines.get(5));
    assertEquals("CartPoleNoVel-v1  observation Box([-4.8, -0.41887903]..[4.8, 0.41887903], [2])  action Discrete(2)  max steps 500", lines.get(6));
    assertEquals("MultiTarget-v0  observation Box(0.0..1.0, [13])  action MultiDiscrete([4, 4, 4])  max steps none", lines.get(7));
    assertEquals("BitMatch-v0  observation Box(0.0..1.0, [9])  action MultiBinary(8)  max steps none", lines.get(8));
    assertEquals("Catch-v0  observation Box(0.0..255.0, [40, 40, 1], uint8)  action Discrete(3)  max steps none", lines.get(9));
  }
}
