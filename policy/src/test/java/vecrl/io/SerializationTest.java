package vecrl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.autodiff.Parameter;
import vecrl.nn.Activation;
import vecrl.nn.NetArch;
import vecrl.policy.MlpActorCriticPolicy;
import vecrl.policy.MlpPolicyConfig;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;

class SerializationTest {
  @TempDir Path dir;

  static final Box OBS = new Box(-4.8f, 4.8f, 4);
  static final Discrete ACT = new Discrete(2);

  static MlpActorCriticPolicy policy(Space<?> obs, Space<?> act, MlpPolicyConfig cfg, long seed) {
    return new MlpActorCriticPolicy(obs, act, cfg, new Rng(seed));
  }

  @Test
  void roundTripIsBitExact() throws IOException {
    for (MlpPolicyConfig cfg : new MlpPolicyConfig[] {MlpPolicyConfig.lerax(), MlpPolicyConfig.separate64()}) {
      MlpActorCriticPolicy p = policy(OBS, new Box(-1f, 1f, 3), cfg, 5);
      Path f = dir.resolve("p.vpol");
      p.serialize(f);
      MlpActorCriticPolicy q = MlpActorCriticPolicy.deserialize(f, OBS, new Box(-1f, 1f, 3), cfg);
      for (int i = 0; i < p.parameters().size(); i++) {
        float[] a = p.parameters().get(i).value().toArray(), b = q.parameters().get(i).value().toArray();
        assertEquals(a.length, b.length);
        for (int j = 0; j < a.length; j++) assertEquals(Float.floatToRawIntBits(a[j]), Float.floatToRawIntBits(b[j]));
      }
      assertArrayEquals(Files.readAllBytes(f), PolicyIO.encode(q));
    }
  }

  @Test
  void layoutIsReadableFromTheDocumentedDescription() throws IOException {
    MlpActorCriticPolicy p = policy(OBS, ACT, MlpPolicyConfig.lerax(), 1);
    Path f = dir.resolve("p.vpol");
    p.serialize(f);
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] fp = new byte[32];
    b.get(fp);
    assertArrayEquals(Structure.fingerprint(p.structure()), fp);
    byte[] magic = new byte[8];
    b.get(magic);
    assertEquals("VECRLPOL", new String(magic, StandardCharsets.US_ASCII));
    assertEquals(1, b.getInt());
    int n = b.getInt();
    assertEquals(p.parameters().size(), n);
    for (Parameter prm : p.parameters()) {
      byte[] name = new byte[b.getInt()];
      b.get(name);
      assertEquals(prm.name(), new String(name, StandardCharsets.UTF_8));
      int rank = b.getInt();
      int[] shape = new int[rank];
      for (int r = 0; r < rank; r++) shape[r] = b.getInt();
      assertArrayEquals(prm.value().shape(), shape);
      for (float v : prm.value().toArray()) assertEquals(v, b.getFloat());
    }
    assertEquals(32, b.remaining());
  }

  /** Each covered property, changed alone, must change the fingerprint and refuse to load. */
  @Test
  void fingerprintMismatchForEachCoveredProperty() throws IOException {
    MlpPolicyConfig base = MlpPolicyConfig.lerax();
    Box act = new Box(-1f, 1f, 2);
    Path f = dir.resolve("p.vpol");
    policy(OBS, act, base, 1).serialize(f);
    java.util.Map<String, Supplier<vecrl.io.Savable>> variants = new java.util.LinkedHashMap<>();
    variants.put("class", () -> new vecrl.policy.examples.LeraxCustomPolicy(OBS, new Discrete(2), new Rng(1)));
    variants.put("hyperparameter logStdInit", () -> policy(OBS, act, base.withLogStdInit(-0.5f), 1));
    variants.put("hyperparameter featureSize (shape)", () -> policy(OBS, act, base.withFeatures(8, 64, 2), 1));
    variants.put("depth", () -> policy(OBS, act, base.withValueHead(64, 1), 1));
    variants.put("activation", () -> policy(OBS, act, base.withActivation(Activation.RELU), 1));
    variants.put("orthogonal init", () -> policy(OBS, act, base.withOrthogonalInit(true), 1));
    variants.put("squash", () -> policy(OBS, act, base.withSquash(true), 1));
    variants.put("observation space size", () -> policy(new Box(-4.8f, 4.8f, 5), act, base, 1));
    variants.put("observation Box bounds", () -> policy(new Box(-4.8f, 4.9f, 4), act, base, 1));
    variants.put("action Box bounds", () -> policy(OBS, new Box(-1f, 2f, 2), act == null ? base : base, 1));
    variants.put("action space kind", () -> policy(OBS, new Discrete(2), base, 1));
    variants.put("net arch", () -> policy(OBS, act, MlpPolicyConfig.sb3(NetArch.separate(64, 64)), 1));
    String baseStructure = policy(OBS, act, base, 1).structure();
    for (var e : variants.entrySet()) {
      vecrl.io.Savable s = e.getValue().get();
      assertTrue(!s.structure().equals(baseStructure), e.getKey());
      PolicyFormatException ex = assertThrows(PolicyFormatException.class, () -> PolicyIO.deserialize(f, s), e.getKey());
      assertTrue(ex.getMessage().contains("constructor arguments do not reproduce the saved structure"), ex.getMessage());
    }
    // a different seed is not a structural change
    PolicyIO.deserialize(f, policy(OBS, act, base, 99));
  }

  @Test
  void truncatedCorruptedAndForeignFilesAreClearErrors() throws IOException {
    MlpActorCriticPolicy p = policy(OBS, ACT, MlpPolicyConfig.lerax(), 1);
    Path f = dir.resolve("p.vpol");
    p.serialize(f);
    byte[] good = Files.readAllBytes(f);
    Path bad = dir.resolve("bad.vpol");
    for (int len : new int[] {0, 10, 40, 79, 80, 200, good.length / 2, good.length - 1}) {
      Files.write(bad, java.util.Arrays.copyOf(good, len));
      PolicyFormatException e = assertThrows(PolicyFormatException.class, () -> PolicyIO.deserialize(bad, fresh()), "length " + len);
      assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("not a vecrl policy"), e.getMessage());
    }
    for (int pos : new int[] {0, 45, 60, good.length / 2, good.length - 1}) {
      byte[] c = good.clone();
      c[pos] ^= 0x10;
      Files.write(bad, c);
      PolicyFormatException e = assertThrows(PolicyFormatException.class, () -> PolicyIO.deserialize(bad, fresh()), "byte " + pos);
      assertTrue(e.getMessage().contains("corrupted") || e.getMessage().contains("version"), e.getMessage());
    }
    Files.writeString(bad, "this is a text file, certainly not a policy; ".repeat(10));
    PolicyFormatException e = assertThrows(PolicyFormatException.class, () -> PolicyIO.deserialize(bad, fresh()));
    assertTrue(e.getMessage().contains("not a vecrl policy file"), e.getMessage());
    // a failed load leaves the skeleton untouched
    MlpActorCriticPolicy skel = fresh();
    float before = skel.parameters().get(0).value().get(0);
    byte[] c = good.clone();
    c[good.length - 40] ^= 1;
    Files.write(bad, c);
    assertThrows(PolicyFormatException.class, () -> PolicyIO.deserialize(bad, skel));
    assertEquals(before, skel.parameters().get(0).value().get(0));
  }

  @Test
  void hugeClaimedSizesNeverAllocate() throws IOException {
    // A file with a valid checksum and fingerprint but a record claiming 2^31 floats.
    MlpActorCriticPolicy p = policy(OBS, ACT, MlpPolicyConfig.lerax(), 1);
    byte[] good = PolicyIO.encode(p);
    ByteBuffer b = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
    int nameLen = b.getInt(48);
    int dimPos = 48 + 4 + nameLen + 4;
    b.putInt(dimPos, Integer.MAX_VALUE);
    byte[] sum = PolicyIO.sha256(good, 0, good.length - 32);
    System.arraycopy(sum, 0, good, good.length - 32, 32);
    Path f = dir.resolve("huge.vpol");
    Files.write(f, good);
    PolicyFormatException e = assertThrows(PolicyFormatException.class, () -> PolicyIO.deserialize(f, fresh()));
    assertTrue(e.getMessage().contains("bytes remain"), e.getMessage());
  }

  @Test
  void writesAreAtomicAndLeaveNoTemporaryFiles() throws IOException {
    Path f = dir.resolve("p.vpol");
    policy(OBS, ACT, MlpPolicyConfig.lerax(), 1).serialize(f);
    MlpActorCriticPolicy second = policy(OBS, ACT, MlpPolicyConfig.lerax(), 2);
    second.serialize(f);
    assertArrayEquals(PolicyIO.encode(second), Files.readAllBytes(f));
    try (var s = Files.list(dir)) {
      assertEquals(java.util.List.of(f), s.toList());
    }
  }

  /** A file written by format version 1 (committed; regenerate only with {@link OldFormatFixture}). */
  @Test
  void oldFormatFileStillLoadsWithItsValues() throws IOException {
    Path f = dir.resolve("old.vpol");
    try (InputStream in = getClass().getResourceAsStream(OldFormatFixture.RESOURCE)) {
      Files.copy(in, f);
    }
    MlpActorCriticPolicy q = PolicyIO.deserialize(f, OldFormatFixture.skeleton());
    // Values written by the generator: the policy from seed 2024, spot-checked here as literals.
    assertEquals(OldFormatFixture.EXPECTED_FIRST, q.parameters().get(0).value().get(0));
    Parameter last = q.parameters().get(q.parameters().size() - 1);
    assertEquals(OldFormatFixture.EXPECTED_LAST, last.value().get(last.value().size() - 1));
    MlpActorCriticPolicy regenerated = OldFormatFixture.policy();
    for (int i = 0; i < q.parameters().size(); i++) {
      assertArrayEquals(regenerated.parameters().get(i).value().toArray(), q.parameters().get(i).value().toArray());
    }
  }

  private static MlpActorCriticPolicy fresh() {
    return policy(OBS, ACT, MlpPolicyConfig.lerax(), 3);
  }
}
