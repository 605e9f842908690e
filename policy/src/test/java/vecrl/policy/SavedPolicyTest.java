package vecrl.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.io.ObservationNormalizer;
import vecrl.io.PolicyFormatException;
import vecrl.io.PolicyIO;
import vecrl.io.SpaceText;
import vecrl.io.Structure;
import vecrl.nn.Activation;
import vecrl.nn.NetArch;
import vecrl.space.Box;
import vecrl.space.Dict;
import vecrl.space.Discrete;
import vecrl.space.MultiBinary;
import vecrl.space.MultiDiscrete;
import vecrl.space.Space;
import vecrl.space.Tuple;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/** The self-describing (version-2) policy file and {@link SavedPolicy}. */
final class SavedPolicyTest {
  @TempDir Path dir;

  private static float[] greedy(ActorCriticPolicy p, float[] normalised) {
    PolicyState s = p.reset(new Rng(0));
    p.act(s, Tensor.of(normalised.clone(), normalised.length), null, null);
    return s.action().toArray();
  }

  @Test
  void mlpRoundTripAppliesTheNormaliserAndDescribesItsProvenance() throws IOException {
    MlpActorCriticPolicy p = NewFormatFixture.policy();
    ObservationNormalizer n = NewFormatFixture.normalizer();
    Path f = dir.resolve("policy.bin");
    SavedPolicy.save(f, p, n, NewFormatFixture.provenance());
    SavedPolicy q = SavedPolicy.load(f);
    assertEquals(p.structure(), q.policy().structure());
    for (int i = 0; i < p.parameters().size(); i++) {
      assertArrayEquals(p.parameters().get(i).value().toArray(), q.policy().parameters().get(i).value().toArray());
    }
    assertArrayEquals(n.mean(), q.normalizer().mean());
    assertArrayEquals(n.var(), q.normalizer().var());
    Random r = new Random(3);
    for (int k = 0; k < 200; k++) {
      float[] x = new float[4];
      for (int i = 0; i < 4; i++) x[i] = (float) r.nextGaussian();
      float[] z = new float[4];
      n.normalize(x, z);
      assertArrayEquals(greedy(p, z), q.act(x), "observation " + Arrays.toString(x));
    }
    assertEquals(NewFormatFixture.provenance(), q.provenance());
    String d = q.describe();
    assertTrue(d.contains("env: CartPole-v1") && d.contains("seed: 2026") && d.contains("MlpActorCriticPolicy") && d.contains("parameters"), d);
    assertTrue(d.contains("    seed = 2026"), "multi-line provenance is indented: " + d);
  }

  @Test
  void recurrentPolicyCarriesItsMemoryUntilReset() throws IOException {
    var p = new RecurrentActorCriticPolicy(new Box(-1, 1, 3), Box.of(new float[] {-2, -1}, new float[] {2, 1}),
        RecurrentPolicyConfig.of("[4, gru:6, {pi: [5], vf: [5]}]", false).withLogStdInit(-0.5f).withSquash(true), new Rng(5));
    Path f = dir.resolve("rnn.bin");
    SavedPolicy.save(f, p, null, Map.of());
    SavedPolicy q = SavedPolicy.load(f);
    assertEquals(p.structure(), q.policy().structure());
    PolicyState s = p.reset(new Rng(0));
    float[][] xs = {{0.1f, 0.2f, 0.3f}, {-0.5f, 0.5f, 0}, {1, -1, 0.25f}};
    for (float[] x : xs) {
      p.act(s, Tensor.of(x.clone(), 3), null, null);
      assertArrayEquals(s.action().toArray(), q.act(x));
    }
    q.reset();
    assertArrayEquals(greedy(p, xs[0]), q.act(xs[0]));
    assertTrue(q.describe().contains("(none recorded)"));
  }

  @Test
  void everySpaceAndConfigRoundTripsExactly() throws IOException {
    Space<?> obs = Dict.of("pos", Box.of(new float[] {-0f, Float.NEGATIVE_INFINITY, 1e-38f}, new float[] {0f, 3.4028235e38f, Float.POSITIVE_INFINITY}),
        "mode", new Discrete(3, -1), "bits", new MultiBinary(2), "t", Tuple.of(new MultiDiscrete(2, 3), new Box(0, 1, 2, 1)));
    assertEquals(Structure.describe(obs), Structure.describe(SpaceText.parse(Structure.describe(obs))));
    for (Space<?> act : new Space<?>[] {new Discrete(4, 1), new MultiDiscrete(3, 2), new MultiBinary(3), new Box(-1, 1, 2)}) {
      MlpPolicyConfig c = MlpPolicyConfig.lerax().withFeatures(5, 7, 1).withValueHead(3, 0).withActionHead(6, 2).withActivation(Activation.RELU)
          .withLogStdInit(-0.3f);
      for (MlpPolicyConfig config : new MlpPolicyConfig[] {c, c.withNetArch(NetArch.parse("[6, {pi: [5], vf: []}]")).withOrthogonalInit(true)}) {
        MlpActorCriticPolicy p = new MlpActorCriticPolicy(obs, act, config, new Rng(7));
        SavedPolicy q = SavedPolicy.decode(SavedPolicy.encode(p, null, Map.of("note", "a\\b=c\nd")), "mem");
        assertEquals(p.structure(), q.policy().structure());
        assertEquals("a\\b=c\nd", q.provenance().get("note"));
      }
    }
  }

  @Test
  void versionsOneAndTwoAreTold() throws IOException {
    MlpActorCriticPolicy p = NewFormatFixture.policy();
    Path v1 = dir.resolve("v1.bin");
    PolicyIO.serialize(p, v1);
    String m = assertThrows(PolicyFormatException.class, () -> SavedPolicy.load(v1)).getMessage();
    assertTrue(m.contains("version-1") && m.contains("PolicyIO.deserialize"), m);
    Path v2 = dir.resolve("v2.bin");
    SavedPolicy.save(v2, p, null, Map.of());
    MlpActorCriticPolicy back = PolicyIO.deserialize(v2, NewFormatFixture.policy());
    assertArrayEquals(p.parameters().get(0).value().toArray(), back.parameters().get(0).value().toArray());
    var r1 = PolicyIO.records(Files.readAllBytes(v1), "v1");
    var r2 = PolicyIO.records(Files.readAllBytes(v2), "v2");
    assertEquals(r1.size(), r2.size());
    for (int i = 0; i < r1.size(); i++) {
      assertEquals(r1.get(i).name(), r2.get(i).name());
      assertArrayEquals(r1.get(i).shape(), r2.get(i).shape());
    }
  }

  @Test
  void theCommittedVersionTwoFixtureStillLoadsAndActs() throws IOException {
    byte[] b;
    try (InputStream in = getClass().getResourceAsStream(NewFormatFixture.RESOURCE)) {
      b = in.readAllBytes();
    }
    SavedPolicy q = SavedPolicy.decode(b, NewFormatFixture.RESOURCE);
    assertEquals(NewFormatFixture.provenance(), q.provenance());
    assertEquals(NewFormatFixture.policy().structure(), q.policy().structure());
    SavedPolicy fresh = SavedPolicy.decode(SavedPolicy.encode(NewFormatFixture.policy(), NewFormatFixture.normalizer(), NewFormatFixture.provenance()), "now");
    for (float[] x : NewFormatFixture.OBSERVATIONS) assertArrayEquals(fresh.act(x), q.act(x));
    assertArrayEquals(SavedPolicy.encode(NewFormatFixture.policy(), NewFormatFixture.normalizer(), NewFormatFixture.provenance()), b,
        "this build writes the committed fixture byte for byte");
  }

  @Test
  void aHostileSpecIsRefusedBeforeAllocating() throws IOException {
    byte[] b = SavedPolicy.encode(NewFormatFixture.policy(), null, Map.of());
    String spec = PolicyIO.spec(b, "x").replace("config.netArch=[{pi: [8, 8], vf: [8, 8]}]", "config.netArch=[{pi: [100000, 100000], vf: [8, 8]}]");
    String m = assertThrows(IllegalArgumentException.class, () -> PolicySpec.parse(spec, 200)).getMessage();
    assertTrue(m.contains("refused before allocating"), m);
    for (String bad : new String[] {"kind=Evil", "observationSpace=Box(shape=[1]", "config.activation=nope", "config.squash=maybe", "x"}) {
      String key = bad.contains("=") ? bad.substring(0, bad.indexOf('=') + 1) : null;
      String t = key == null ? spec + bad + "\n" : spec.lines().map(l -> l.startsWith(key) ? bad : l).reduce("", (a, l) -> a + l + "\n");
      assertThrows(IllegalArgumentException.class, () -> PolicySpec.parse(t, 1 << 20), bad);
    }
  }

  /** Seeded mutation fuzzing of version-2 files: only PolicyFormatException escapes, and only resealed mutants may load. */
  @Test
  void damagedVersionTwoFilesAreRefusedCleanly() {
    byte[] valid = SavedPolicy.encode(NewFormatFixture.policy(), NewFormatFixture.normalizer(), NewFormatFixture.provenance());
    Random r = new Random(16);
    int accepted = 0;
    for (int i = 0; i < 3_000; i++) {
      byte[] b = valid.clone();
      int kind = r.nextInt(3);
      if (kind == 0) {
        b = Arrays.copyOf(valid, r.nextInt(valid.length));
      } else {
        int specEnd = 48 + java.nio.ByteBuffer.wrap(valid).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(44);
        for (int k = 1 + r.nextInt(4); k > 0; k--) {
          int at = r.nextInt(4) == 0 ? r.nextInt(b.length - 32) : 40 + r.nextInt(specEnd - 40);
          if (r.nextBoolean()) b[at] ^= (byte) (1 << r.nextInt(8)); else b[at] = (byte) ALPHABET.charAt(r.nextInt(ALPHABET.length()));
        }
        if (kind == 2) System.arraycopy(sha256(b), 0, b, b.length - 32, 32);
      }
      try {
        SavedPolicy q = SavedPolicy.decode(b, "fuzz");
        if (kind != 2 && !Arrays.equals(b, valid)) fail("input " + i + ": accepted without a valid checksum");
        q.act(new float[q.observationSize()]);
        accepted++;
      } catch (PolicyFormatException e) {
        assertTrue(e.getMessage().startsWith("fuzz: "), e.getMessage());
      } catch (RuntimeException e) {
        throw new AssertionError("input " + i + " (kind " + kind + "): " + e, e);
      }
    }
    assertTrue(accepted > 0 && accepted < 3_000, "accepted " + accepted);
  }

  private static final String ALPHABET = "0123456789[],:=\n\\-abcefx ";

  private static byte[] sha256(byte[] b) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(b, b.length - 32));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void warmUpLeavesTheResultsUnchanged() throws IOException {
    SavedPolicy q = SavedPolicy.decode(SavedPolicy.encode(NewFormatFixture.policy(), NewFormatFixture.normalizer(), Map.of()), "m");
    float[] before = q.act(NewFormatFixture.OBSERVATIONS[1]);
    assertArrayEquals(before, q.warmUp(2_000).act(NewFormatFixture.OBSERVATIONS[1]));
    assertEquals(new String(PolicyIO.spec(SavedPolicy.encode(NewFormatFixture.policy(), null, Map.of()), "s").getBytes(StandardCharsets.UTF_8),
        StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("provenance.")).count(), 0);
  }
}
