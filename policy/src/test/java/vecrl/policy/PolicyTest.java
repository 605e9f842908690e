package vecrl.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.Tape;
import vecrl.distribution.Distribution;
import vecrl.nn.Activation;
import vecrl.nn.NetArch;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.MultiBinary;
import vecrl.space.MultiDiscrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

class PolicyTest {
  static final Box OBS = new Box(-5f, 5f, 6);

  static List<Space<?>> actionSpaces() {
    return List.of(new Discrete(5), new MultiDiscrete(3, 2, 4), new MultiBinary(3), new Box(-1f, 1f),
        new Box(new float[] {-1f, 0f}, new float[] {1f, 2f}, 2));
  }

  static List<MlpPolicyConfig> configs() {
    return List.of(MlpPolicyConfig.lerax(), MlpPolicyConfig.separate64(),
        MlpPolicyConfig.sb3(NetArch.parse("[32, {vf: [16], pi: [8]}]")).withActivation(Activation.RELU));
  }

  static Tensor obs(int b, long seed) {
    Tensor t = Tensor.zeros(b, 6);
    new Rng(seed).fillUniform(t, -2, 2);
    return t;
  }

  @Test
  void shapesOnEveryActionSpace() {
    for (MlpPolicyConfig cfg : configs()) {
      for (Space<?> as : actionSpaces()) {
        MlpActorCriticPolicy p = new MlpActorCriticPolicy(OBS, as, cfg, new Rng(1));
        int w = ActorCriticPolicy.actionWidth(as);
        assertEquals(w, p.actionWidth());
        BatchOutput out = p.newBatchOutput(7);
        p.actionAndValueBatch(obs(7, 2), new Rng(3), null, out);
        assertArrayEquals(new int[] {7, w}, out.actions().shape());
        assertArrayEquals(new int[] {7}, out.values().shape());
        for (float lp : out.logProbs().toArray()) assertTrue(Float.isFinite(lp));
        Tape t = new Tape();
        Evaluation e = p.evaluateActions(t, t.input(obs(7, 2)), out.actions(), null);
        assertArrayEquals(new int[] {7}, e.value().value().shape());
        assertArrayEquals(new int[] {7}, e.logProb().value().shape());
        assertArrayEquals(new int[] {7}, e.entropy().value().shape());
        // the tape's log-probs of the sampled actions equal the rollout's
        assertArrayEquals(out.logProbs().toArray(), e.logProb().value().toArray(), 1e-5f, as.toString());
        assertArrayEquals(out.values().toArray(), e.value().value().toArray(), 1e-6f);
        // backward reaches every parameter
        t.backward(e.logProb().add(e.value()).add(e.entropy()).sum());
        for (Parameter prm : p.parameters()) {
          boolean any = false;
          for (float g : prm.grad().toArray()) any |= g != 0f;
          if (!prm.name().endsWith("logStd") || as instanceof Box) assertTrue(any, prm.name() + " got no gradient for " + as);
        }
      }
    }
  }

  @Test
  void singleObservationPathAgreesWithTheBatchedTapePath() {
    for (MlpPolicyConfig cfg : configs()) {
      for (Space<?> as : actionSpaces()) {
        MlpActorCriticPolicy p = new MlpActorCriticPolicy(OBS, as, cfg, new Rng(11));
        Tensor o = obs(4, 12);
        BatchOutput out = p.newBatchOutput(4);
        p.actionAndValueBatch(o, null, null, out);
        PolicyState s = p.reset(new Rng(0));
        for (int r = 0; r < 4; r++) {
          p.actionAndValue(s, o.row(r), null, null);
          assertArrayEquals(out.actions().row(r).toArray(), s.action().toArray(), 1e-5f, as + " row " + r);
          assertEquals(out.values().get(r), s.value(), 1e-5f);
          assertEquals(out.logProbs().get(r), s.logProb(), 1e-4f);
          p.evaluateAction(s, o.row(r), out.actions().row(r), null);
          assertEquals(out.logProbs().get(r), s.logProb(), 1e-4f);
          assertEquals(out.values().get(r), p.value(s, o.row(r)).value(), 1e-5f);
        }
        // sampled: same rng seed, same draws, on both paths
        p.actionAndValueBatch(o.rows(0, 1), new Rng(42), null, p.newBatchOutput(1));
        BatchOutput one = p.actionAndValueBatch(o.rows(0, 1), new Rng(42), null, p.newBatchOutput(1));
        p.act(s, o.row(0), new Rng(42), null);
        assertArrayEquals(one.actions().toArray(), s.action().toArray(), 1e-5f, "sampled " + as);
        assertEquals(one.logProbs().get(0), s.logProb(), 1e-4f);
      }
    }
  }

  @Test
  void squashedBoxActionsAgreeOnBothPathsAndStayInBounds() {
    Box as = new Box(new float[] {-1f, 0f}, new float[] {1f, 2f}, 2);
    MlpActorCriticPolicy p = new MlpActorCriticPolicy(OBS, as, MlpPolicyConfig.lerax().withSquash(true).withLogStdInit(0.5f), new Rng(31));
    Tensor o = obs(4, 32);
    PolicyState s = p.reset(null);
    FrozenMlpPolicy f = p.freeze();
    PolicyState fs = f.reset(null);
    for (int r = 0; r < 4; r++) {
      for (int k = 0; k < 50; k++) {
        BatchOutput one = p.actionAndValueBatch(o.rows(r, r + 1), new Rng(k), null, p.newBatchOutput(1));
        p.act(s, o.row(r), new Rng(k), null);
        f.act(fs, o.row(r), new Rng(k), null);
        assertArrayEquals(one.actions().toArray(), s.action().toArray(), 1e-5f);
        assertArrayEquals(one.actions().toArray(), fs.action().toArray(), 1e-5f);
        assertEquals(one.logProbs().get(0), s.logProb(), 1e-4f);
        assertTrue(Float.isFinite(s.logProb()));
        assertTrue(s.action().get(0) >= -1f && s.action().get(0) <= 1f && s.action().get(1) >= 0f && s.action().get(1) <= 2f);
      }
    }
  }

  @Test
  void deterministicModeIsArgmaxOrMean() {
    MlpActorCriticPolicy d = new MlpActorCriticPolicy(OBS, new Discrete(5), new Rng(5));
    MlpActorCriticPolicy c = new MlpActorCriticPolicy(OBS, new Box(-1f, 1f, 2), new Rng(5));
    Tensor o = obs(6, 7);
    PolicyState sd = d.reset(null), sc = c.reset(null);
    Tape t = new Tape();
    Distribution dd = d.distribution(t, t.input(o), null);
    Distribution dc = c.distribution(t, t.input(o), null);
    Tensor probs = ((vecrl.distribution.Categorical) dd).probs().value();
    Tensor mean = dc.mean().value();
    for (int r = 0; r < 6; r++) {
      int best = 0;
      for (int i = 1; i < 5; i++) if (probs.get(r, i) > probs.get(r, best)) best = i;
      assertEquals(best, d.act(sd, o.row(r), null, null).discreteAction());
      c.act(sc, o.row(r), null, null);
      assertEquals(mean.get(r, 0), sc.action().get(0), 1e-5f);
      assertEquals(mean.get(r, 1), sc.action().get(1), 1e-5f);
    }
  }

  @Test
  void maskedActionsAreNeverChosen() {
    MlpActorCriticPolicy p = new MlpActorCriticPolicy(OBS, new Discrete(5), new Rng(8));
    Tensor o = obs(16, 9);
    Tensor masks = Tensor.zeros(16, 5);
    Rng mr = new Rng(10);
    for (int r = 0; r < 16; r++) {
      masks.set(r, mr.nextInt(5), 1f);
      masks.set(r, mr.nextInt(5), 1f);
    }
    Rng rng = new Rng(11);
    BatchOutput out = p.newBatchOutput(16);
    PolicyState s = p.reset(null);
    for (int it = 0; it < 100; it++) {
      p.actionAndValueBatch(o, it % 2 == 0 ? rng : null, masks, out);
      for (int r = 0; r < 16; r++) {
        assertEquals(1f, masks.get(r, (int) out.actions().get(r, 0)));
        p.act(s, o.row(r), it % 2 == 0 ? rng : null, masks.row(r));
        assertEquals(1f, masks.get(r, s.discreteAction()));
      }
    }
    MlpActorCriticPolicy md = new MlpActorCriticPolicy(OBS, new MultiDiscrete(3, 2), new Rng(8));
    Tensor m2 = Tensor.vector(0, 0, 1, 1, 0);
    PolicyState s2 = md.reset(null);
    for (int it = 0; it < 200; it++) {
      md.act(s2, o.row(it % 16), rng, m2);
      assertEquals(2f, s2.action().get(0));
      assertEquals(0f, s2.action().get(1));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.act(s, o.row(0), rng, Tensor.zeros(5)));
    assertTrue(e.getMessage().contains("allows no action"), e.getMessage());
  }

  @Test
  void frozenSnapshotAgreesWithTheLivePolicyAndIgnoresLaterTraining() {
    for (MlpPolicyConfig cfg : configs()) {
      for (Space<?> as : actionSpaces()) {
        MlpActorCriticPolicy p = new MlpActorCriticPolicy(OBS, as, cfg.withLogStdInit(-0.3f), new Rng(21));
        FrozenMlpPolicy f = p.freeze();
        Tensor o = obs(5, 22);
        PolicyState a = p.reset(null), b = f.reset(null);
        for (int r = 0; r < 5; r++) {
          p.actionAndValue(a, o.row(r), new Rng(r), null);
          f.actionAndValue(b, o.row(r), new Rng(r), null);
          assertArrayEquals(a.action().toArray(), b.action().toArray(), 1e-5f, as + " row " + r);
          assertEquals(a.value(), b.value(), 1e-5f);
          assertEquals(a.logProb(), b.logProb(), 1e-4f);
        }
        p.parameters().get(0).value().fill(0f);
        f.act(b, o.row(0), null, null);
        float before = b.logProb();
        p.act(a, o.row(0), null, null);
        f.act(b, o.row(0), null, null);
        assertEquals(before, b.logProb(), "the snapshot must not see the change");
      }
    }
  }

  @Test
  void actAllocatesNothingAfterWarmUp() throws Exception {
    // in a child JVM of its own (AllocationProbe.mlp): 50,000 calls, the least of 5 windows; the
    // allowance is for the measurement call itself (even 8 bytes a call would be 400 kB)
    long least = AllocationProbe.inChildJvm("mlp");
    assertTrue(least < 1024, "allocated " + least + " bytes in 50000 calls (the least of 5 windows)");
  }

  @Test
  void onePolicyServesManyThreadsWithIdenticalResults() throws Exception {
    MlpActorCriticPolicy p = new MlpActorCriticPolicy(OBS, new Box(-1f, 1f, 2), MlpPolicyConfig.separate64(), new Rng(3));
    Tensor o = obs(64, 4);
    float[] expected = new float[64 * 3];
    PolicyState s = p.reset(null);
    Rng rng = new Rng(77);
    for (int r = 0; r < 64; r++) {
      p.actionAndValue(s, o.row(r), rng, null);
      expected[3 * r] = s.action().get(0); expected[3 * r + 1] = s.action().get(1); expected[3 * r + 2] = s.value();
    }
    ExecutorService ex = Executors.newFixedThreadPool(4);
    try {
      List<Future<float[]>> fs = new java.util.ArrayList<>();
      for (int k = 0; k < 8; k++) {
        fs.add(ex.submit(() -> {
          PolicyState st = p.reset(null);
          Rng r2 = new Rng(77);
          float[] got = new float[64 * 3];
          for (int r = 0; r < 64; r++) {
            p.actionAndValue(st, o.row(r), r2, null);
            got[3 * r] = st.action().get(0); got[3 * r + 1] = st.action().get(1); got[3 * r + 2] = st.value();
          }
          return got;
        }));
      }
      for (Future<float[]> f : fs) assertArrayEquals(expected, f.get());
    } finally {
      ex.shutdown();
    }
  }

  @Test
  void wrongShapesAreClearErrors() {
    MlpActorCriticPolicy p = new MlpActorCriticPolicy(OBS, new Discrete(3), new Rng(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.act(p.reset(null), Tensor.zeros(5), null, null));
    assertTrue(e.getMessage().contains("expected [6]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> p.actionAndValueBatch(Tensor.zeros(2, 5), null, null, p.newBatchOutput(2)));
    assertTrue(e.getMessage().contains("expected [batch, 6]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MlpActorCriticPolicy(OBS, vecrl.space.Dict.of("a", new Discrete(2)), new Rng(1)));
  }

  @Test
  void leraxDefaultsAndSeparateLayoutHaveTheExpectedStructure() {
    MlpActorCriticPolicy lerax = new MlpActorCriticPolicy(new Box(-5f, 5f, 4), new Discrete(2), new Rng(1));
    assertEquals(List.of("features.layers.0.weight", "features.layers.0.bias", "features.layers.1.weight",
        "features.layers.1.bias", "features.layers.2.weight", "features.layers.2.bias",
        "action.layers.0.weight", "action.layers.0.bias", "action.layers.1.weight", "action.layers.1.bias",
        "action.layers.2.weight", "action.layers.2.bias",
        "value.layers.0.weight", "value.layers.0.bias", "value.layers.1.weight", "value.layers.1.bias",
        "value.layers.2.weight", "value.layers.2.bias"), lerax.parameters().names());
    assertArrayEquals(new int[] {4, 64, 64, 16}, lerax.shared().sizes());
    assertArrayEquals(new int[] {16, 64, 64, 2}, lerax.actionLayer().mlp().sizes());
    assertArrayEquals(new int[] {16, 64, 64, 1}, lerax.valueHead().sizes());
    MlpActorCriticPolicy sep = new MlpActorCriticPolicy(new Box(-5f, 5f, 4), new Discrete(2), MlpPolicyConfig.separate64(), new Rng(1));
    assertArrayEquals(new int[] {4, 64, 64}, sep.policyBranch().sizes());
    assertArrayEquals(new int[] {4, 64, 64}, sep.valueBranch().sizes());
    assertEquals(0, sep.shared().layers().size());
    // orthogonal heads: 0.01 policy gain, 1 value gain (rows of a [2, 64] head have norm 0.01)
    Tensor w = sep.actionLayer().mlp().layers().get(0).weight().value();
    double n0 = 0;
    for (int i = 0; i < 64; i++) n0 += w.get(0, i) * w.get(0, i);
    assertEquals(1e-4, n0, 1e-8);
    assertNotEquals(lerax.structure(), sep.structure());
  }

  @Test
  void registryLooksUpRejectsDuplicatesAndListsNames() {
    PolicyRegistry r = PolicyRegistry.withDefaults();
    assertTrue(r.create("MlpPolicy", OBS, new Discrete(2), new Rng(1)) instanceof MlpActorCriticPolicy);
    r.register("Tiny", (o, a, rng) -> new MlpActorCriticPolicy(o, a, MlpPolicyConfig.lerax().withFeatures(4, 8, 1), rng));
    assertEquals(List.of("MlpPolicy", "SeparateMlpPolicy", "CnnPolicy", "SeedCnnPolicy", "MultiInputPolicy", "Tiny"), r.names());
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> r.register("Tiny", (o, a, rng) -> null));
    assertTrue(dup.getMessage().contains("already registered"));
    IllegalArgumentException unk = assertThrows(IllegalArgumentException.class, () -> r.lookup("Nope"));
    assertTrue(unk.getMessage().contains("[MlpPolicy, SeparateMlpPolicy, CnnPolicy, SeedCnnPolicy, MultiInputPolicy, Tiny]"), unk.getMessage());
    assertTrue(PolicyRegistry.empty().names().isEmpty());
    assertTrue(!PolicyRegistry.withDefaults().contains("Tiny"), "registries are independent");
  }
}
