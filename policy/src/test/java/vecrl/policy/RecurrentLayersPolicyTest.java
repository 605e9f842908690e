package vecrl.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.autodiff.Tape;
import vecrl.io.PolicyFormatException;
import vecrl.io.PolicyIO;
import vecrl.nn.LayerNormLSTMCell;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * The recurrent policy with layer-normalised LSTM cells and stacked layers ({@link
 * RecurrentPolicyConfig#layerNorm()}, {@link RecurrentPolicyConfig#layers()}): the structure and
 * memory, single steps against the sequence pass, serialization in both file versions with the
 * fingerprint covering both options, and the fingerprints of one-layer plain policies unchanged.
 */
class RecurrentLayersPolicyTest {
  static final Box OBS = new Box(-5f, 5f, 3);
  @TempDir Path tmp;

  static Tensor obs(int rows, long seed) {
    Tensor t = Tensor.zeros(rows, 3);
    new Rng(seed).fillUniform(t, -2f, 2f);
    return t;
  }

  /**
   * Fingerprints of three one-layer plain policies computed by main's build before these options
   * existed (commit 28b6f94): saved recurrent policies still load.
   */
  @Test
  void oneLayerPlainPoliciesKeepTheirFingerprints() {
    Object[][] cases = {
        {"[8, lstm:7, {vf: [5, 10], pi: [10]}]", true, "5ebe4071cecc9e9b2e922e71a9b80aeae9df520936b406f36afc69547c0192eb"},
        {"[gru:9, {pi: [6], vf: [6]}]", true, "03a10bc15be5a79806411bb33fb7671038178c5aeee4fd6f7059cd578d286a4f"},
        {"[lstm:5, {pi: [], vf: [4]}]", false, "2a8202508b9cf56b98dc14fda7800bdd93bc87e42f20a2a50b93fb9ad543d0c4"}};
    for (Object[] c : cases) {
      RecurrentPolicyConfig config = RecurrentPolicyConfig.of((String) c[0], (Boolean) c[1]);
      assertEquals(config, config.withLayerNorm(false).withLayers(1));
      var p = new RecurrentActorCriticPolicy(OBS, new Discrete(3), config, new Rng(41));
      assertEquals(c[2], HexFormat.of().formatHex(PolicyIO.fingerprint(p)), (String) c[0]);
      assertFalse(PolicySpec.write(p, null, Map.of()).contains("layer"), "a plain one-layer spec names no new keys");
    }
  }

  @Test
  void structureAndMemoryOfStackedLayerNormalisedCells() {
    var config = RecurrentPolicyConfig.of("[4, lstm:6, {pi: [5], vf: [5]}]", false).withLayerNorm(true).withLayers(2);
    var p = new RecurrentActorCriticPolicy(OBS, new Discrete(3), config, new Rng(3));
    assertEquals(2 * 2 * 2 * 6, p.memorySize()); // actor and critic, 2 layers each, [h | c] of 6
    assertEquals(2, p.stack().layerCount());
    assertTrue(p.stack().layer(1) instanceof LayerNormLSTMCell);
    assertEquals(6, p.stack().layer(1).inputSize());
    assertArrayEquals(new int[] {6, 6, 6, 6, 6, 6, 6, 6}, p.stateSizes());
    List<String> names = p.parameters().names();
    for (String n : List.of("actor.lstm.l0.ih.weight", "actor.lstm.l0.ln_c.bias", "actor.lstm.l1.hh.weight", "critic.lstm.l1.ln_ih.weight")) {
      assertTrue(names.contains(n), n + " in " + names);
    }
    var e = assertThrows(IllegalArgumentException.class, () -> RecurrentPolicyConfig.of("[gru:4, {}]", true).withLayerNorm(true));
    assertTrue(e.getMessage().contains("layerNorm") && e.getMessage().contains("gru"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RecurrentPolicyConfig.of("[lstm:4, {}]", true).withLayers(0));
    assertTrue(e.getMessage().contains("layers 0"), e.getMessage());
  }

  /** act() step by step (tape-free) equals the batched sequence pass on a tape, with a reset inside. */
  @Test
  void singleStepsEqualTheSequencePass() {
    for (boolean shared : new boolean[] {true, false}) {
      for (int layers : new int[] {1, 3}) {
        var config = RecurrentPolicyConfig.of("[lstm:9, {pi: [7], vf: [7]}]", shared).withLayerNorm(true).withLayers(layers);
        var p = new RecurrentActorCriticPolicy(OBS, new Discrete(4), config, new Rng(11));
        int steps = 6;
        Tensor o = obs(steps, 5);
        float[] keep = {1, 1, 1, 0, 1, 1}; // an episode starts at step 3
        Tape t = new Tape();
        RecurrentActorCriticPolicy.Pass pass;
        try (var ng = t.noGrad()) {
          pass = p.forward(t, t.input(o), steps, Tensor.zeros(1, p.memorySize()), Tensor.wrap(keep, new int[] {steps}), null);
        }
        PolicyState s = p.reset(null);
        for (int k = 0; k < steps; k++) {
          if (keep[k] == 0f) p.startEpisode(s);
          p.actionAndValue(s, o.row(k), null, null);
          String at = "shared " + shared + ", " + layers + " layers, step " + k;
          assertEquals(pass.value().value().get(k), s.value(), 1e-4f, at);
          float[] logits = pass.distributionInputs().value().row(k).toArray();
          int best = 0;
          for (int a = 1; a < logits.length; a++) if (logits[a] > logits[best]) best = a;
          assertEquals(best, s.discreteAction(), at);
        }
        float[] last = pass.memory().value().toArray(), mem = s.memory().toArray();
        for (int i = 0; i < mem.length; i++) assertEquals(last[i], mem[i], 1e-4f, "memory " + i);
      }
    }
  }

  @Test
  void serializationRoundTripsAndTheFingerprintCoversLayerNormAndLayers() throws Exception {
    List<RecurrentPolicyConfig> variants = new ArrayList<>();
    RecurrentPolicyConfig base = RecurrentPolicyConfig.of("[lstm:8, {pi: [6], vf: [6]}]", true);
    variants.add(base);
    variants.add(base.withLayerNorm(true));
    variants.add(base.withLayers(2));
    variants.add(base.withLayerNorm(true).withLayers(2));
    variants.add(base.withLayerNorm(true).withLayers(3));
    List<String> prints = new ArrayList<>();
    for (RecurrentPolicyConfig c : variants) {
      var p = new RecurrentActorCriticPolicy(OBS, new Discrete(3), c, new Rng(41));
      prints.add(HexFormat.of().formatHex(PolicyIO.fingerprint(p)));
      Path f = tmp.resolve("rec-" + prints.size() + ".bin");
      p.serialize(f);
      // version 1 (skeleton from the constructor arguments) and version 2 (self-describing)
      var q = RecurrentActorCriticPolicy.deserialize(f, OBS, new Discrete(3), c);
      var r = (RecurrentActorCriticPolicy) SavedPolicy.decode(SavedPolicy.encode(p, null, Map.of()), "test").policy();
      assertEquals(c, r.config());
      PolicyState a = p.reset(null), b = q.reset(null), d = r.reset(null);
      Tensor o = obs(5, 42);
      for (int k = 0; k < 5; k++) {
        p.actionAndValue(a, o.row(k), new Rng(k), null);
        q.actionAndValue(b, o.row(k), new Rng(k), null);
        r.actionAndValue(d, o.row(k), new Rng(k), null);
        assertArrayEquals(a.memory().toArray(), b.memory().toArray());
        assertArrayEquals(a.memory().toArray(), d.memory().toArray());
        assertEquals(a.value(), d.value());
      }
    }
    assertEquals(variants.size(), prints.stream().distinct().count(), "every variant has its own fingerprint: " + prints);
    // a file of one variant does not load into the skeleton of another
    Path f = tmp.resolve("rec-4.bin"); // layer norm, 2 layers
    for (RecurrentPolicyConfig other : List.of(base.withLayers(2), base.withLayerNorm(true), base.withLayerNorm(true).withLayers(3))) {
      var skeleton = new RecurrentActorCriticPolicy(OBS, new Discrete(3), other, new Rng(1));
      PolicyFormatException ex = assertThrows(PolicyFormatException.class, () -> PolicyIO.deserialize(f, skeleton), other.toString());
      assertTrue(ex.getMessage().contains("constructor arguments do not reproduce the saved structure"), ex.getMessage());
    }
  }
}
