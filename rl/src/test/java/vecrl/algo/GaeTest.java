package vecrl.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import vecrl.tensor.Tensor;

/** GAE against the CleanRL-convention float64 reference in fixtures/gae_ppo.json (16 steps x 3 envs). */
final class GaeTest {
  static final Map<String, Object> FIX = Json.obj(Json.resource("/fixtures/gae_ppo.json"));

  @Test
  void matchesFixture() {
    float[] rewards = Json.flatF(FIX.get("rewards"));
    float[] values = Json.flatF(FIX.get("values"));
    float[] dones = Json.flatF(FIX.get("dones"));
    float[] nextValue = Json.flatF(FIX.get("next_value"));
    float[] nextDone = Json.flatF(FIX.get("next_done"));
    int envs = nextValue.length;
    int steps = rewards.length / envs;
    assertEquals(16, steps);
    float gamma = ((Number) FIX.get("gamma")).floatValue();
    float lambda = ((Number) FIX.get("lambda")).floatValue();
    float[] adv = new float[steps * envs];
    float[] ret = new float[steps * envs];
    Gae.compute(rewards, values, dones, nextValue, nextDone, steps, envs, gamma, lambda, adv, ret);
    double[] expAdv = Json.flat(FIX.get("advantages"));
    double[] expRet = Json.flat(FIX.get("returns"));
    for (int k = 0; k < adv.length; k++) {
      assertEquals(expAdv[k], adv[k], 2e-5 * Math.max(1, Math.abs(expAdv[k])), "advantage " + k);
      assertEquals(expRet[k], ret[k], 2e-5 * Math.max(1, Math.abs(expRet[k])), "return " + k);
    }
  }

  @Test
  void bufferRunsTheSameGae() {
    float[] rewards = Json.flatF(FIX.get("rewards"));
    float[] values = Json.flatF(FIX.get("values"));
    float[] dones = Json.flatF(FIX.get("dones"));
    float[] nextValue = Json.flatF(FIX.get("next_value"));
    float[] nextDone = Json.flatF(FIX.get("next_done"));
    int envs = 3;
    int steps = 16;
    RolloutBuffer b = new RolloutBuffer(steps, envs, 1, 1);
    for (int t = 0; t < steps; t++) {
      float[] d = new float[envs], v = new float[envs], r = new float[envs];
      System.arraycopy(dones, t * envs, d, 0, envs);
      System.arraycopy(values, t * envs, v, 0, envs);
      System.arraycopy(rewards, t * envs, r, 0, envs);
      b.put(t, Tensor.zeros(envs, 1), d, Tensor.zeros(envs, 1), new float[envs], v);
      b.putRewards(t, r);
    }
    b.putNext(nextValue, nextDone);
    b.computeAdvantages(0.99f, 0.95f);
    double[] expAdv = Json.flat(FIX.get("advantages"));
    for (int k = 0; k < expAdv.length; k++) assertEquals(expAdv[k], b.advantages[k], 2e-5 * Math.max(1, Math.abs(expAdv[k])));
  }

  /** Hand-computed: one env, rewards 1, values 0, gamma 0.5, lambda 1; a truncation at step 1 bootstraps V(final) = 4. */
  @Test
  void truncationBootstrapAddsDiscountedFinalValue() {
    RolloutBuffer b = new RolloutBuffer(3, 1, 1, 1);
    for (int t = 0; t < 3; t++) {
      b.put(t, Tensor.zeros(1, 1), new float[] {t == 2 ? 1 : 0}, Tensor.zeros(1, 1), new float[1], new float[1]);
      b.putRewards(t, new float[] {1});
    }
    b.addTruncationBootstrap(1, 0, 0.5f, 4f);
    b.putNext(new float[] {0}, new float[] {0});
    b.computeAdvantages(0.5f, 1f);
    // step 2: 1; step 1 ends the episode (dones[2]=1): r = 1 + 0.5*4 = 3; step 0: 1 + 0.5*3 = 2.5
    assertEquals(1.0, b.advantages[2], 0);
    assertEquals(3.0, b.advantages[1], 0);
    assertEquals(2.5, b.advantages[0], 0);
  }
}
