package vecrl.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import vecrl.tensor.Rng;

/**
 * The replay buffer on hand-made transitions: two envs, observations of 2 floats whose values encode
 * (env, step), so that every gathered value can be named. Env e at step t observes {@code [e, t]};
 * its next observation is {@code [e, t + 1]}, or the final observation {@code [e, 100 + t]} where
 * the episode ended.
 */
final class ReplayBufferTest {
  private static final int ENVS = 2, OBS = 2, ACT = 1;

  /** Step t of both envs: env 0 terminates at step 2, env 1 is truncated at step 3. */
  private static void addStep(ReplayBuffer b, int t) {
    float[] obs = {0, t, 1, t};
    float[] act = {10 + t, 20 + t};
    float[] rew = {t, -t};
    boolean[] term = {t == 2, false};
    boolean[] trunc = {false, t == 3};
    float[] next = {0, term[0] ? 100 + t : t + 1, 1, trunc[1] ? 100 + t : t + 1};
    b.add(obs, act, rew, next, term, trunc);
  }

  private static float[] row(ReplayBuffer b, int p) {
    int[] rows = new int[b.batchSize()];
    java.util.Arrays.fill(rows, p);
    b.gather(rows);
    var s = b.sampleBatch();
    return new float[] {s.floats(SampleBatch.OBS).get(0, 0), s.floats(SampleBatch.OBS).get(0, 1), s.floats(SampleBatch.ACTIONS).get(0, 0),
        s.floats(SampleBatch.REWARDS).get(0, 0), s.floats(SampleBatch.NEW_OBS).get(0, 0), s.floats(SampleBatch.NEW_OBS).get(0, 1),
        s.floats(SampleBatch.TERMINATEDS).get(0, 0), s.floats(SampleBatch.TRUNCATEDS).get(0, 0)};
  }

  @Test
  void keepsNextObservationsAndTheTwoEndsApartInBothModes() {
    for (boolean once : new boolean[] {false, true}) {
      ReplayBuffer b = new ReplayBuffer(8, ENVS, OBS, ACT, 1, once);
      for (int t = 0; t < 4; t++) addStep(b, t);
      assertEquals(8, b.size());
      // row 2t + e: obs [e, t], action, reward, next obs, terminated, truncated
      assertArrayEquals(new float[] {0, 0, 10, 0, 0, 1, 0, 0}, row(b, 0), "once " + once);
      assertArrayEquals(new float[] {1, 1, 21, -1, 1, 2, 0, 0}, row(b, 3), "once " + once);
      assertArrayEquals(new float[] {0, 2, 12, 2, 0, once ? 3 : 102, 1, 0}, row(b, 4),
          "terminated: the final observation (store-once: the next row's stands in, the target multiplies it by 0)");
      assertArrayEquals(new float[] {1, 3, 23, -3, 1, 103, 0, 1}, row(b, 7), "truncated: the final observation, kept in both modes");
      assertArrayEquals(new float[] {0, 3, 13, 3, 0, 4, 0, 0}, row(b, 6), "the newest step's next observation");
    }
  }

  @Test
  void overwritesTheOldestRowsWhenFull() {
    for (boolean once : new boolean[] {false, true}) {
      ReplayBuffer b = new ReplayBuffer(5, ENVS, OBS, ACT, 1, once); // rounded down to 4 rows: 2 steps of 2 envs
      assertEquals(4, b.capacity());
      for (int t = 0; t < 4; t++) addStep(b, t);
      assertEquals(4, b.size());
      assertEquals(8, b.added());
      assertArrayEquals(new float[] {0, 2, 12, 2, 0, once ? 3 : 102, 1, 0}, row(b, 0), "step 2 overwrote step 0");
      assertArrayEquals(new float[] {1, 3, 23, -3, 1, 103, 0, 1}, row(b, 3), "step 3 overwrote step 1");
      assertArrayEquals(new float[] {1, 2, 22, -2, 1, 3, 0, 0}, row(b, 1), "next of step 2 is step 3's row");
    }
  }

  @Test
  void samplesUniformlyWithReplacementFromTheGivenGenerator() {
    ReplayBuffer b = new ReplayBuffer(8, ENVS, OBS, ACT, 4, false);
    addStep(b, 0);
    addStep(b, 1); // 4 rows stored
    Rng check = new Rng(7);
    int[] expected = {check.nextInt(4), check.nextInt(4), check.nextInt(4), check.nextInt(4)};
    var s = b.sample(new Rng(7));
    assertArrayEquals(expected, b.sampledIndices());
    for (int k = 0; k < 4; k++) {
      int p = expected[k];
      assertEquals(p % 2, s.floats(SampleBatch.OBS).get(k, 0), "env of row " + p);
      assertEquals(p / 2, s.floats(SampleBatch.OBS).get(k, 1), "step of row " + p);
    }
    // 40,000 rows drawn from 4: each within 2% of 10,000
    int[] counts = new int[4];
    Rng rng = new Rng(3);
    for (int i = 0; i < 10_000; i++) {
      b.sample(rng);
      for (int p : b.sampledIndices()) counts[p]++;
    }
    for (int c : counts) assertTrue(Math.abs(c - 10_000) < 200, java.util.Arrays.toString(counts));
  }

  @Test
  void emptyBufferAndBadRowsAreNamed() {
    ReplayBuffer b = new ReplayBuffer(8, ENVS, OBS, ACT, 1, false);
    assertTrue(assertThrows(IllegalStateException.class, () -> b.sample(new Rng(1))).getMessage().contains("empty"));
    addStep(b, 0);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.gather(new int[] {2})).getMessage().contains("row 2 of 2"));
  }

  @Test
  void checkpointRoundTripGivesTheSameSamples() throws IOException {
    for (boolean once : new boolean[] {false, true}) {
      ReplayBuffer a = new ReplayBuffer(6, ENVS, OBS, ACT, 3, once);
      for (int t = 0; t < 5; t++) addStep(a, t); // wrapped: 10 added, 6 kept
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      a.write(new DataOutputStream(bytes));
      ReplayBuffer b = new ReplayBuffer(6, ENVS, OBS, ACT, 3, once);
      b.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), 10).run();
      for (int p = 0; p < 6; p++) assertArrayEquals(row(a, p), row(b, p), "row " + p + ", once " + once);
      addStep(a, 5);
      addStep(b, 5);
      for (int p = 0; p < 6; p++) assertArrayEquals(row(a, p), row(b, p), "after one more step, row " + p);
      IOException e = assertThrows(IOException.class,
          () -> new ReplayBuffer(6, ENVS, OBS, ACT, 3, once).read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), 12));
      assertTrue(e.getMessage().contains("10 transitions added, expected 12"), e.getMessage());
      IOException f = assertThrows(IOException.class,
          () -> new ReplayBuffer(8, ENVS, OBS, ACT, 3, once).read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), 10));
      assertTrue(f.getMessage().contains("capacity 6"), f.getMessage());
    }
  }
}
