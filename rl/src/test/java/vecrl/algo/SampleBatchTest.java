package vecrl.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

final class SampleBatchTest {
  private static SampleBatch batch(int rows, float base) {
    SampleBatch b = new SampleBatch(rows);
    float[] obs = new float[rows * 2];
    int[] t = new int[rows];
    for (int r = 0; r < rows; r++) {
      obs[2 * r] = base + r;
      obs[2 * r + 1] = -(base + r);
      t[r] = r;
    }
    b.put(SampleBatch.OBS, SampleBatch.Floats.of(obs, 2));
    b.put(SampleBatch.T, new SampleBatch.Ints(t, 0, rows, 1));
    return b;
  }

  @Test
  void slicesAreViewsAndConcatCopiesInOrder() {
    SampleBatch b = batch(5, 10);
    SampleBatch s = b.slice(1, 4);
    assertEquals(3, s.rows());
    assertSame(b.floats(SampleBatch.OBS).data(), s.floats(SampleBatch.OBS).data(), "a slice shares the array");
    assertEquals(11f, s.floats(SampleBatch.OBS).get(0, 0));
    assertEquals(-13f, s.floats(SampleBatch.OBS).get(2, 1));
    s.floats(SampleBatch.OBS).set(0, 0, 99f);
    assertEquals(99f, b.floats(SampleBatch.OBS).get(1, 0), "writes through the view");
    SampleBatch c = SampleBatch.concat(List.of(batch(2, 0), batch(3, 100)));
    assertEquals(5, c.rows());
    assertArrayEquals(new float[] {0, -0f, 1, -1, 100, -100, 101, -101, 102, -102}, c.floats(SampleBatch.OBS).data());
    assertEquals(2, c.ints(SampleBatch.T).get(4, 0));
  }

  @Test
  void errorsNameTheColumnAndTheSizes() {
    SampleBatch b = batch(3, 0);
    var e = assertThrows(IllegalArgumentException.class, () -> b.floats("advantages"));
    assertEquals("SampleBatch: no float column \"advantages\"; columns: [obs, t]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> b.put("x", SampleBatch.Floats.of(new float[4], 1)));
    assertEquals("SampleBatch.put: column x has 4 rows, the batch 3", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SampleBatch.Floats(new float[5], 2, 2, 2));
    assertTrue(e.getMessage().contains("do not fit an array of 5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> b.slice(2, 4));
    assertEquals("SampleBatch: slice [2, 4) of 3 rows", e.getMessage());
  }

  /** concat: the batches must have the same columns (an error names the missing or extra one); side arrays concatenate per name when every batch has the same names, and are dropped otherwise. */
  @Test
  void concatChecksColumnsAndKeepsSideArrays() {
    SampleBatch a = batch(2, 0), b = batch(3, 100);
    b.put(SampleBatch.REWARDS, SampleBatch.Floats.of(new float[3], 1));
    var e = assertThrows(IllegalArgumentException.class, () -> SampleBatch.concat(List.of(a, b)));
    assertTrue(e.getMessage().contains("rewards") && e.getMessage().contains("batch 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SampleBatch.concat(List.of(b, a)));
    assertTrue(e.getMessage().contains("rewards") && e.getMessage().contains("batch 1"), e.getMessage());
    SampleBatch c = batch(2, 0).putSide("v", new float[] {1, 2}), d = batch(3, 100).putSide("v", new float[] {3});
    SampleBatch cd = SampleBatch.concat(List.of(c, d));
    assertArrayEquals(new float[] {1, 2, 3}, cd.side("v"));
    d.putSide("w", new float[] {4});
    assertEquals(List.of(), SampleBatch.concat(List.of(c, d)).sideNames(), "different side array names: none kept");
    e = assertThrows(IllegalArgumentException.class, () -> SampleBatch.Floats.of(new float[5], 2));
    assertTrue(e.getMessage().contains("5") && e.getMessage().contains("width 2"), e.getMessage());
  }

  /** Discounted returns by hand: one env, rewards 1, 2, 3, an episode boundary before step 2, gamma 0.5. */
  @Test
  void discountedReturnsRestartAtEpisodesAndBootstrapOnlyWithABaseline() {
    for (boolean baseline : new boolean[] {false, true}) {
      RolloutBuffer buf = new RolloutBuffer(3, 1, 1, 1);
      buf.rewards[0] = 1;
      buf.rewards[1] = 2;
      buf.rewards[2] = 3;
      buf.dones[2] = 1; // step 2's observation starts a new episode
      buf.values[0] = 0.5f;
      buf.values[1] = 0.25f;
      buf.values[2] = 1f;
      buf.putNext(new float[] {4f}, new float[] {0f});
      Returns.discounted(buf.batch(), 0.5f, baseline);
      float g2 = baseline ? 3 + 0.5f * 4 : 3;   // bootstraps from V(next) = 4 only with a baseline
      float g1 = 2, g0 = 1 + 0.5f * 2;
      assertArrayEquals(new float[] {g0, g1, g2}, buf.returns, "baseline " + baseline);
      assertArrayEquals(baseline ? new float[] {g0 - 0.5f, g1 - 0.25f, g2 - 1f} : new float[] {g0, g1, g2}, buf.advantages);
    }
  }
}
