package vecrl.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.Tape;
import vecrl.io.PolicyFormatException;
import vecrl.io.PolicyIO;
import vecrl.nn.NetArch;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.MultiDiscrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

class RecurrentPolicyTest {
  static final Box OBS = new Box(-5f, 5f, 3);
  @TempDir Path tmp;

  static List<RecurrentPolicyConfig> configs() {
    return List.of(RecurrentPolicyConfig.of("[8, lstm:7, {vf: [5, 10], pi: [10]}]", true),
        RecurrentPolicyConfig.of("[gru:9, {pi: [6], vf: [6]}]", true),
        RecurrentPolicyConfig.of("[lstm:5, {pi: [], vf: [4]}]", false),
        RecurrentPolicyConfig.of("[4, gru:17, {}]", false));
  }

  static List<Space<?>> actionSpaces() {
    return List.of(new Discrete(4), new Box(-1f, 1f, 2), new MultiDiscrete(3, 2));
  }

  static Tensor obs(int rows, long seed) {
    Tensor t = Tensor.zeros(rows, 3);
    new Rng(seed).fillUniform(t, -2f, 2f);
    return t;
  }

  @Test
  void specAcceptsOneRecurrentEntryInTheSharedPart() {
    NetArch a = NetArch.parse("[8, lstm, {vf: [5, 10], pi: [10]}]");
    assertEquals(new NetArch.Cell("lstm", NetArch.DEFAULT_CELL_SIZE), a.cell());
    assertArrayEquals(new int[] {8}, a.shared());
    assertEquals("[8, lstm:256, {pi: [10], vf: [5, 10]}]", a.toString());
    assertEquals(a, NetArch.parse(a.toString()));
    assertEquals(new NetArch.Cell("gru", 64), NetArch.parse("['gru' : 64, {\"pi\": [64], vf: [64]}]").cell());
    assertNull(NetArch.parse("[64, {pi: [64]}]").cell());
    assertEquals("[64, {pi: [64], vf: []}]", NetArch.parse("[64, {pi: [64]}]").toString(), "feed-forward specs print as before");
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("[8, lsmt, {pi: [4]}]", "the entry 'lsmt' (expected a layer width, lstm, gru, lstm:SIZE, gru:SIZE or the {pi, vf} dict)");
    bad.put("[lstm, 8, {pi: [4]}]", "a shared layer after the lstm entry");
    bad.put("[lstm, gru]", "a second recurrent entry");
    bad.put("[lstm:0]", "lstm hidden size 0");
    bad.put("[{pi: [4]}, gru]", "a recurrent entry after the {pi, vf} dict");
    for (var e : bad.entrySet()) {
      IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> NetArch.parse(e.getKey()), e.getKey());
      assertTrue(ex.getMessage().contains(e.getValue()), ex.getMessage());
    }
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> MlpPolicyConfig.sb3(NetArch.parse("[lstm:4]")));
    assertTrue(ex.getMessage().contains("RecurrentActorCriticPolicy"), ex.getMessage());
    ex = assertThrows(IllegalArgumentException.class, () -> RecurrentPolicyConfig.of("[64]", true));
    assertTrue(ex.getMessage().contains("has no recurrent entry"), ex.getMessage());
  }

  @Test
  void parametersAndMemoryLayout() {
    var shared = new RecurrentActorCriticPolicy(OBS, new Discrete(2), configs().get(0), new Rng(1));
    assertEquals(List.of("shared.layers.0.weight", "shared.layers.0.bias", "lstm.ih.weight", "lstm.ih.bias", "lstm.hh.weight",
        "lstm.hh.bias", "pi.layers.0.weight", "pi.layers.0.bias", "action.layers.0.weight", "action.layers.0.bias",
        "vf.layers.0.weight", "vf.layers.0.bias", "vf.layers.1.weight", "vf.layers.1.bias", "value.layers.0.weight",
        "value.layers.0.bias"), shared.parameters().names());
    assertEquals(14, shared.memorySize());
    assertArrayEquals(new int[] {7, 7}, shared.stateSizes());
    var sep = new RecurrentActorCriticPolicy(OBS, new Discrete(2), configs().get(2), new Rng(1));
    assertEquals(List.of("actor.lstm.ih.weight", "actor.lstm.ih.bias", "actor.lstm.hh.weight", "actor.lstm.hh.bias",
        "critic.lstm.ih.weight", "critic.lstm.ih.bias", "critic.lstm.hh.weight", "critic.lstm.hh.bias"),
        sep.parameters().names().subList(0, 8));
    assertEquals(20, sep.memorySize());
    var gru = new RecurrentActorCriticPolicy(OBS, new Discrete(2), configs().get(3), new Rng(1));
    assertEquals(34, gru.memorySize());
    assertArrayEquals(new int[] {17, 17}, gru.stateSizes());
    PolicyState s = gru.reset(new Rng(3));
    assertArrayEquals(new float[34], s.memory().toArray(), "reset gives zeros");
  }

  /**
   * The tape-free single-step path, carried across calls, equals the batched tape definition run
   * over the whole sequence, including an episode start in the middle; and so does the per-env
   * batched step with its memory rows.
   */
  @Test
  void singleStepsCarryTheStateAndEqualTheSequencePass() {
    int steps = 6, restart = 4;
    for (RecurrentPolicyConfig cfg : configs()) {
      for (Space<?> as : actionSpaces()) {
        RecurrentActorCriticPolicy p = new RecurrentActorCriticPolicy(OBS, as, cfg.withLogStdInit(-0.4f), new Rng(21));
        Tensor o = obs(steps, 22);
        Tensor keep = Tensor.full(1f, steps);
        keep.set(restart, 0f);
        Tape t = new Tape();
        RecurrentActorCriticPolicy.Pass pass = p.forward(t, t.input(o), steps, Tensor.zeros(1, p.memorySize()), keep, null);
        Tensor modes = Tensor.zeros(steps, p.actionWidth());
        pass.distribution().mode(modes);
        Tensor lp = pass.distribution().logProb(modes).value();
        PolicyState s = p.reset(null);
        Tensor mem = Tensor.zeros(2, p.memorySize());
        BatchOutput out = p.newBatchOutput(2);
        for (int k = 0; k < steps; k++) {
          if (k == restart) p.startEpisode(s);
          float v = p.value(s, o.row(k)).value();
          p.actionAndValue(s, o.row(k), null, null);
          String where = cfg.netArch() + " " + as + " step " + k;
          assertArrayEquals(modes.row(k).toArray(), s.action().toArray(), 1e-5f, where);
          assertEquals(pass.value().value().get(k), s.value(), 1e-5f, where);
          assertEquals(v, s.value(), 1e-6f, "value() peeks at the next step: " + where);
          assertEquals(lp.get(k), s.logProb(), 1e-4f, where);
          // the per-env batched step: two environments with the same observations and starts
          Tensor two = Tensor.zeros(2, 3);
          two.row(0).copyFrom(o.row(k));
          two.row(1).copyFrom(o.row(k));
          Tensor starts = Tensor.vector(k == restart ? 1f : 0f, k == restart ? 1f : 0f);
          p.actionAndValueBatch(two, mem, starts, null, null, out);
          for (int e = 0; e < 2; e++) {
            assertArrayEquals(modes.row(k).toArray(), out.actions().row(e).toArray(), 1e-5f, where);
            assertEquals(pass.value().value().get(k), out.values().get(e), 1e-5f, where);
          }
        }
        assertArrayEquals(pass.memory().value().toArray(), s.memory().toArray(), 1e-5f, "final memory");
        assertArrayEquals(pass.memory().value().toArray(), mem.row(0).toArray(), 1e-6f, "final memory (batched)");
        p.evaluateAction(s, o.row(0), s.action(), null);
        assertTrue(Float.isFinite(s.logProb()) && Float.isFinite(s.entropy()));
      }
    }
  }

  @Test
  void gradientsReachEveryParameterThroughTheSequence() {
    for (RecurrentPolicyConfig cfg : configs()) {
      RecurrentActorCriticPolicy p = new RecurrentActorCriticPolicy(OBS, new Box(-1f, 1f, 2), cfg, new Rng(5));
      Tape t = new Tape();
      Tensor mem = Tensor.zeros(2, p.memorySize());
      new Rng(6).fillUniform(mem, -0.5f, 0.5f);
      RecurrentActorCriticPolicy.Pass pass = p.forward(t, t.input(obs(8, 7)), 4, mem, null, null);
      Tensor a = Tensor.zeros(8, 2);
      pass.distribution().sample(new Rng(8), a);
      t.backward(pass.distribution().logProb(a).add(pass.value()).sum());
      for (Parameter prm : p.parameters()) {
        boolean any = false;
        for (float g : prm.grad().toArray()) any |= g != 0f;
        assertTrue(any, prm.name() + " got no gradient for " + cfg.netArch());
      }
    }
  }

  @Test
  void maskedActionsAreNeverChosen() {
    RecurrentActorCriticPolicy p = new RecurrentActorCriticPolicy(OBS, new Discrete(5), configs().get(1), new Rng(8));
    Tensor o = obs(16, 9);
    Tensor masks = Tensor.zeros(16, 5);
    Rng mr = new Rng(10);
    for (int r = 0; r < 16; r++) {
      masks.set(r, mr.nextInt(5), 1f);
      masks.set(r, mr.nextInt(5), 1f);
    }
    Rng rng = new Rng(11);
    BatchOutput out = p.newBatchOutput(16);
    Tensor mem = Tensor.zeros(16, p.memorySize());
    PolicyState s = p.reset(null);
    for (int it = 0; it < 50; it++) {
      p.actionAndValueBatch(o, mem, null, it % 2 == 0 ? rng : null, masks, out);
      for (int r = 0; r < 16; r++) {
        assertEquals(1f, masks.get(r, (int) out.actions().get(r, 0)));
        p.act(s, o.row(r), it % 2 == 0 ? rng : null, masks.row(r));
        assertEquals(1f, masks.get(r, s.discreteAction()));
      }
    }
    var res = p.computeActions(o, List.of(Tensor.zeros(16, 9)), true, rng, masks);
    for (int r = 0; r < 16; r++) assertEquals(1f, masks.get(r, (int) res.actions().get(r, 0)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.act(s, o.row(0), rng, Tensor.zeros(5)));
    assertTrue(e.getMessage().contains("allows no action"), e.getMessage());
  }

  /** RLlib's calls: the state batches flow from one call to the next exactly as the two-step sequence pass. */
  @Test
  void computeActionsReturnsTheNextStateBatches() {
    for (RecurrentPolicyConfig cfg : configs()) {
      RecurrentActorCriticPolicy p = new RecurrentActorCriticPolicy(OBS, new Discrete(4), cfg, new Rng(31));
      List<Tensor> init = p.getInitialState();
      assertEquals(p.stateSizes().length, init.size());
      Tensor o = obs(6, 32); // 3 envs x 2 steps, sequence-major
      Tensor step0 = Tensor.zeros(3, 3), step1 = Tensor.zeros(3, 3);
      for (int e = 0; e < 3; e++) { step0.row(e).copyFrom(o.row(2 * e)); step1.row(e).copyFrom(o.row(2 * e + 1)); }
      List<Tensor> states = new java.util.ArrayList<>();
      for (Tensor i : init) {
        Tensor b = Tensor.zeros(3, i.size());
        states.add(b);
      }
      var r0 = p.computeActions(step0, states, false, null, null);
      var r1 = p.computeActions(step1, r0.stateOut(), false, null, null);
      Tape t = new Tape();
      RecurrentActorCriticPolicy.Pass pass = p.forward(t, t.input(o), 2, Tensor.zeros(3, p.memorySize()), null, null);
      Tensor modes = Tensor.zeros(6, 1);
      pass.distribution().mode(modes);
      for (int e = 0; e < 3; e++) {
        assertEquals(modes.get(2 * e, 0), r0.actions().get(e, 0));
        assertEquals(modes.get(2 * e + 1, 0), r1.actions().get(e, 0));
        assertEquals(pass.value().value().get(2 * e + 1), r1.extraFetches().get("vf_preds").get(e), 1e-6f);
        assertEquals(pass.distributionInputs().value().get(2 * e + 1, 2), r1.extraFetches().get("action_dist_inputs").get(e, 2), 1e-6f);
      }
      Tensor last = pass.memory().value();
      int col = 0;
      for (int i = 0; i < p.stateSizes().length; i++) {
        for (int e = 0; e < 3; e++) for (int k = 0; k < p.stateSizes()[i]; k++) assertEquals(last.get(e, col + k), r1.stateOut().get(i).get(e, k), 1e-6f);
        col += p.stateSizes()[i];
      }
      assertEquals(List.of("vf_preds", "action_dist_inputs", "action_logp"), List.copyOf(r1.extraFetches().keySet()));
    }
    RecurrentActorCriticPolicy p = new RecurrentActorCriticPolicy(OBS, new Discrete(4), configs().get(0), new Rng(31));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> p.computeActions(obs(2, 1), List.of(Tensor.zeros(2, 7)), false, null, null));
    assertTrue(e.getMessage().contains("1 state batches, expected 2 (h of the lstm, c of the lstm)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> p.computeActions(obs(2, 1), List.of(Tensor.zeros(2, 7), Tensor.zeros(3, 7)), false, null, null));
    assertTrue(e.getMessage().contains("state batch 1 (c of the lstm) is [3, 7], expected [2, 7]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> p.forward(new Tape(), new Tape().input(obs(4, 1)), 2, Tensor.zeros(3, 14), null, null));
    assertTrue(e.getMessage().contains("memory [3, 14], expected [2, 14]"), e.getMessage());
    PolicyState foreign = new MlpActorCriticPolicy(OBS, new Discrete(4), new Rng(1)).reset(null);
    e = assertThrows(IllegalArgumentException.class, () -> p.act(foreign, obs(1, 1).row(0), null, null));
    assertTrue(e.getMessage().contains("make states with this policy's reset()"), e.getMessage());
  }

  @Test
  void singleStepInferenceAllocatesNothingAfterWarmUp() throws Exception {
    // in a child JVM of its own (AllocationProbe.recurrent): two configs, 30,000 calls a window, the least of 5 windows each
    long least = AllocationProbe.inChildJvm("recurrent");
    assertTrue(least < 1024, "allocated " + least + " bytes in 30000 calls (the least of 5 windows, the worse config)");
  }

  @Test
  void serializationRoundTripsAndTheFingerprintCoversTheRecurrentStructure() throws Exception {
    RecurrentPolicyConfig base = RecurrentPolicyConfig.of("[lstm:8, {pi: [6], vf: [6]}]", true);
    RecurrentActorCriticPolicy p = new RecurrentActorCriticPolicy(OBS, new Discrete(3), base, new Rng(41));
    Path f = tmp.resolve("rec.bin");
    p.serialize(f);
    RecurrentActorCriticPolicy q = RecurrentActorCriticPolicy.deserialize(f, OBS, new Discrete(3), base);
    PolicyState a = p.reset(null), b = q.reset(null);
    Tensor o = obs(5, 42);
    for (int k = 0; k < 5; k++) {
      p.actionAndValue(a, o.row(k), new Rng(k), null);
      q.actionAndValue(b, o.row(k), new Rng(k), null);
      assertArrayEquals(a.action().toArray(), b.action().toArray());
      assertEquals(a.value(), b.value());
      assertArrayEquals(a.memory().toArray(), b.memory().toArray());
    }
    Map<String, RecurrentPolicyConfig> variants = new LinkedHashMap<>();
    variants.put("cell type", RecurrentPolicyConfig.of("[gru:8, {pi: [6], vf: [6]}]", true));
    variants.put("hidden size", RecurrentPolicyConfig.of("[lstm:9, {pi: [6], vf: [6]}]", true));
    variants.put("shared or separate", RecurrentPolicyConfig.of("[lstm:8, {pi: [6], vf: [6]}]", false));
    for (var e : variants.entrySet()) {
      var other = new RecurrentActorCriticPolicy(OBS, new Discrete(3), e.getValue(), new Rng(41));
      PolicyFormatException ex = assertThrows(PolicyFormatException.class, () -> PolicyIO.deserialize(f, other), e.getKey());
      assertTrue(ex.getMessage().contains("constructor arguments do not reproduce the saved structure"), ex.getMessage());
    }
    PolicyFormatException ex = assertThrows(PolicyFormatException.class,
        () -> PolicyIO.deserialize(f, new MlpActorCriticPolicy(OBS, new Discrete(3), MlpPolicyConfig.sb3(NetArch.parse("[{pi: [6], vf: [6]}]")), new Rng(1))));
    assertTrue(ex.getMessage().contains("constructor arguments do not reproduce the saved structure"), ex.getMessage());
  }
}
