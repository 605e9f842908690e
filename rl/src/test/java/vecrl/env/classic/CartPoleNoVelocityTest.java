package vecrl.env.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import vecrl.env.Env;
import vecrl.env.EnvRegistry;
import vecrl.env.StepResult;
import vecrl.tensor.Rng;

/** CartPoleNoVel-v1 is CartPole-v1 with the two velocities left out of the observation. */
final class CartPoleNoVelocityTest {
  @Test
  void sameDynamicsAndRewardsObservingOnlyPositionAndAngle() {
    CartPole full = new CartPole();
    CartPoleNoVelocity partial = new CartPoleNoVelocity();
    Rng rng = new Rng(4);
    for (int i = 0; i < 200; i++) {
      CartPole.State s = new CartPole.State(rng.uniformDouble() * 4 - 2, rng.uniformDouble() * 2 - 1, rng.uniformDouble() * 0.4 - 0.2,
          rng.uniformDouble() * 2 - 1);
      int a = rng.nextInt(2);
      assertEquals(full.step(s, a), partial.step(s, a));
      float[] o = full.observation(s);
      assertArrayEquals(new float[] {o[0], o[2]}, partial.observation(s));
    }
    Env<float[], Integer> a = EnvRegistry.standard().make("CartPole-v1"), b = EnvRegistry.standard().make("CartPoleNoVel-v1");
    float[] oa = a.reset(new Rng(9)).observation(), ob = b.reset(new Rng(9)).observation();
    assertArrayEquals(new float[] {oa[0], oa[2]}, ob);
    int steps = 0;
    while (true) {
      int act = steps % 3 == 0 ? 0 : 1;
      StepResult<float[]> ra = a.step(act), rb = b.step(act);
      steps++;
      assertArrayEquals(new float[] {ra.observation()[0], ra.observation()[2]}, rb.observation());
      assertEquals(ra.reward(), rb.reward());
      assertEquals(ra.terminated(), rb.terminated());
      assertEquals(ra.truncated(), rb.truncated());
      if (ra.done()) break;
    }
    assertEquals(2, b.observationSpace().flatSize());
  }
}
