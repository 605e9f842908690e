package vecrl.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.MultiBinary;
import vecrl.space.MultiDiscrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

final class ActionMasksTest {

  private static float[] row(Space<?> s, Object mask) {
    float[] out = new float[ActorCriticPolicy.maskWidth(s) + 2];
    out[0] = -7f;
    out[out.length - 1] = -7f;
    ActionMasks.write(s, mask, out, 1);
    assertEquals(-7f, out[0], "writes nothing before the offset");
    assertEquals(-7f, out[out.length - 1], "writes nothing past the row");
    return java.util.Arrays.copyOfRange(out, 1, out.length - 1);
  }

  private static void error(String expected, Space<?> s, Object mask) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ActionMasks.write(s, mask, new float[64], 0));
    assertEquals(expected, e.getMessage());
  }

  @Test
  void rowsFollowThePolicyLayout() {
    assertArrayEquals(new float[] {1, 0, 1, 0}, row(new Discrete(4), new boolean[] {true, false, true, false}));
    assertArrayEquals(new float[] {1, 1, 1}, row(new Discrete(3), null));
    MultiDiscrete md = new MultiDiscrete(3, 2, 2);
    assertArrayEquals(new float[] {0, 1, 1, 1, 1, 1, 0}, row(md, new boolean[][] {{false, true, true}, null, {true, false}}));
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1}, row(md, null));
    assertArrayEquals(new float[] {0, 1, 2}, row(new MultiBinary(3), new int[] {0, 1, 2}));
    assertArrayEquals(new float[] {2, 2, 2}, row(new MultiBinary(3), null));
    assertEquals(0, row(new Box(-1f, 1f, 2), null).length);
    assertNull(ActionMasks.row(new Discrete(2), null));
    assertArrayEquals(new float[] {0, 1}, ActionMasks.row(new Discrete(2), new boolean[] {false, true}).toArray());
  }

  @Test
  void badMasksNameTheProblemAndTheSpace() {
    error("action mask allows no action (Discrete(4))", new Discrete(4), new boolean[4]);
    error("action mask has 3 entries, expected 4 for Discrete(4)", new Discrete(4), new boolean[3]);
    error("action mask must be a boolean[4] for Discrete(4), got int[4]", new Discrete(4), new int[4]);
    MultiDiscrete md = new MultiDiscrete(3, 2);
    error("action mask of component 1 allows no action (" + md + ")", md, new boolean[][] {{true, false, false}, {false, false}});
    error("action mask of component 0 has 2 entries, expected 3 for " + md, md, new boolean[][] {{true, false}, null});
    error("action mask must be a boolean[2][] for " + md + ", got boolean[3][]", md, new boolean[3][]);
    error("action mask bit 1 has code 3, expected 0 (bit 0), 1 (bit 1) or 2 (free) for MultiBinary(2)", new MultiBinary(2), new int[] {2, 3});
    error("action mask must be an int[2] of codes 0, 1, 2 for MultiBinary(2), got int[3]", new MultiBinary(2), new int[3]);
    Box box = new Box(-1f, 1f, 2);
    error("action space " + box + " takes no action mask, got boolean[2]", box, new boolean[2]);
  }

  /** The row says exactly what the space's own masked sampler may produce. */
  @Test
  void allowsAgreesWithTheSpacesMaskedSampler() {
    Rng rng = new Rng(3);
    Discrete d = new Discrete(5);
    for (int trial = 0; trial < 20; trial++) {
      boolean[] m = new boolean[5];
      m[rng.nextInt(5)] = true;
      for (int i = 0; i < 5; i++) m[i] |= rng.nextInt(3) == 0;
      float[] r = row(d, m);
      boolean[] seen = new boolean[5];
      for (int k = 0; k < 400; k++) seen[d.sample(rng, m)] = true;
      for (int i = 0; i < 5; i++) {
        assertEquals(m[i], seen[i], "sampled support, value " + i);
        assertEquals(m[i], ActionMasks.allows(d, r, 0, new float[] {i}, 0), "allows, value " + i);
      }
    }
    MultiDiscrete md = new MultiDiscrete(3, 1, 4);
    MultiBinary mb = new MultiBinary(6);
    for (int trial = 0; trial < 20; trial++) {
      boolean[][] m = {{true, rng.nextInt(2) == 0, false}, null, {false, false, rng.nextInt(2) == 0, true}};
      int[] codes = new int[6];
      for (int i = 0; i < 6; i++) codes[i] = rng.nextInt(3);
      float[] rm = row(md, m);
      float[] rb = row(mb, codes);
      for (int k = 0; k < 50; k++) {
        assertTrue(ActionMasks.allows(md, rm, 0, floats(md.sample(rng, m)), 0));
        assertTrue(ActionMasks.allows(mb, rb, 0, floats(mb.sample(rng, codes)), 0));
      }
      assertFalse(ActionMasks.allows(md, rm, 0, new float[] {2, 0, 0}, 0), "component 0 value 2 is masked");
      int forced = -1;
      for (int i = 0; i < 6 && forced < 0; i++) if (codes[i] != 2) forced = i;
      if (forced >= 0) {
        float[] bits = floats(mb.sample(rng, codes));
        bits[forced] = 1 - codes[forced];
        assertFalse(ActionMasks.allows(mb, rb, 0, bits, 0), "bit " + forced + " flipped against its code");
      }
    }
  }

  private static float[] floats(int[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) f[i] = v[i];
    return f;
  }

  /** A row from a mask object keeps a policy's sampled and greedy actions inside the mask, for each maskable space. */
  @Test
  void policiesGivenTheRowOnlyTakeAllowedActions() {
    Box obs = new Box(-1f, 1f, 3);
    Rng rng = new Rng(5);
    Tensor o = Tensor.zeros(3);
    Object[][] cases = {
        {new Discrete(4), new boolean[] {false, true, false, true}},
        {new MultiDiscrete(3, 2), new boolean[][] {{false, false, true}, {true, true}}},
        {new MultiBinary(3), new int[] {1, 2, 0}},
    };
    for (Object[] c : cases) {
      Space<?> as = (Space<?>) c[0];
      MlpActorCriticPolicy p = new MlpActorCriticPolicy(obs, as, new Rng(8));
      Tensor mask = ActionMasks.row(as, c[1]);
      PolicyState s = p.reset(null);
      for (int k = 0; k < 100; k++) {
        rng.fillUniform(o, -1f, 1f);
        p.act(s, o, k % 4 == 0 ? null : rng, mask);
        assertTrue(ActionMasks.allows(as, mask.data(), 0, s.action().toArray(), 0), as + " action " + s.action());
      }
    }
  }
}
