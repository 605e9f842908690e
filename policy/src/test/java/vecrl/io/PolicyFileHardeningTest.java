package vecrl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.policy.MlpActorCriticPolicy;
import vecrl.policy.MlpPolicyConfig;
import vecrl.tensor.Rng;

/** Issue 15's policy-file items: escaped and capped names, finite parameters, the whole fingerprint, stale temporary files. */
final class PolicyFileHardeningTest {
  @TempDir Path dir;

  private static MlpActorCriticPolicy policy(long seed) {
    return new MlpActorCriticPolicy(SerializationTest.OBS, SerializationTest.ACT, MlpPolicyConfig.lerax(), new Rng(seed));
  }

  /** Recomputes the trailing SHA-256 so that the parser behind the checksum sees the mutation. */
  static void reseal(byte[] b) {
    System.arraycopy(PolicyIO.sha256(b, 0, b.length - 32), 0, b, b.length - 32, 32);
  }

  private PolicyFormatException refused(byte[] b) throws IOException {
    Path f = dir.resolve("bad.vpol");
    Files.write(f, b);
    return assertThrows(PolicyFormatException.class, () -> PolicyIO.deserialize(f, policy(9)));
  }

  @Test
  void namesFromTheFileAreEscaped() throws IOException {
    byte[] b = PolicyIO.encode(policy(1));
    int nameLen = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(48);
    b[52] = 0x1b; // ESC: an ANSI escape sequence
    b[53] = '[';
    b[52 + nameLen - 1] = 0x07;
    reseal(b);
    String m = refused(b).getMessage();
    assertFalse(m.chars().anyMatch(c -> c < 0x20), m);
    assertTrue(m.contains("\\u001b[") && m.contains("\\u0007"), m);
  }

  /** Found by FileFormatFuzzTest: a last record of rank 0 (one value) with no bytes left for the value. */
  @Test
  void aRankZeroRecordWithoutItsValueIsRefused() {
    ByteBuffer b = ByteBuffer.allocate(32 + 8 + 4 + 4 + 4 + 1 + 4 + 32).order(ByteOrder.LITTLE_ENDIAN);
    b.position(32);
    b.put("VECRLPOL".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(1).putInt(1); // version 1, one parameter
    b.putInt(1).put((byte) 'x').putInt(0);                                                     // name "x", rank 0, then no value
    byte[] bytes = b.array();
    reseal(bytes);
    PolicyFormatException e = assertThrows(PolicyFormatException.class, () -> PolicyIO.records(bytes, "scalar.vpol"));
    assertTrue(e.getMessage().startsWith("scalar.vpol: parameter 'x' claims 1 values but only 0 bytes remain"), e.getMessage());
  }

  @Test
  void quotedTextIsCapped() {
    String q = Text.quote("x".repeat(35_176) + "\u001b[2J");
    assertTrue(q.length() < 140, q);
    assertTrue(q.endsWith("...' (35180 characters)"), q);
    assertEquals("'a\\u000a\\'b'", Text.quote("a\n'b"));
    assertEquals("'e\u00e9'", Text.quote("e\u00e9"));
  }

  @Test
  void nonFiniteParametersAreRefusedNamingThem() throws IOException {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      MlpActorCriticPolicy p = policy(1);
      p.parameters().get(0).value().data()[p.parameters().get(0).value().offset() + 3] = bad;
      String m = refused(PolicyIO.encode(p)).getMessage();
      assertTrue(m.contains("parameter '" + p.parameters().get(0).name() + "'") && m.contains("index 3") && m.contains("finite"), m);
    }
  }

  @Test
  void fingerprintMismatchShowsAllOfBoth() throws IOException {
    byte[] b = PolicyIO.encode(policy(1));
    b[31] ^= 1; // the last byte: the first 8 bytes of both are equal
    reseal(b);
    String m = refused(b).getMessage();
    byte[] fp = java.util.Arrays.copyOf(b, 32);
    assertTrue(m.contains("first difference at byte 31"), m);
    assertTrue(m.contains(HexFormat.of().formatHex(fp)), m);
    assertTrue(m.contains(HexFormat.of().formatHex(PolicyIO.fingerprint(policy(9)))), m);
  }

  @Test
  void staleTemporaryFilesAreRemovedOnTheNextSave() throws IOException {
    Path f = dir.resolve("policy.bin");
    Files.writeString(dir.resolve("policy.bin.123.tmp"), "left by a kill");
    Files.writeString(dir.resolve("other.bin.4.tmp"), "another file's");
    PolicyIO.serialize(policy(1), f);
    try (var s = Files.list(dir)) {
      assertEquals(java.util.List.of("other.bin.4.tmp", "policy.bin"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }
}
