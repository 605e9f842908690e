package vecrl.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's shared secret, and the two things vecrl derives from it (Hazelcast's community
 * edition has no member authentication of its own):
 *
 * <ul>
 *   <li>the Hazelcast cluster name, {@code NAME-} and 16 hex digits of HMAC-SHA256(secret, NAME): a
 *       member started with another secret (or none) asks to join a different cluster, and
 *       Hazelcast's join check turns it away;
 *   <li>a key that signs every payload vecrl sends (rollout tasks, weights, results) with
 *       HMAC-SHA256: a payload that does not verify is refused before any of it is decoded.
 * </ul>
 *
 * <p>What it does not do: encrypt anything (traffic is plain TCP), or keep out someone who can read
 * the traffic (the derived name travels in the join request). See the README's Scaling out.
 */
final class Secret {
  /** The environment variable read when no secret file is given. */
  static final String ENV = "VECRL_CLUSTER_SECRET";
  static final int MIN_LENGTH = 12;

  private final byte[] nameKey;
  private final byte[] payloadKey;

  private Secret(byte[] secret) {
    this.nameKey = hmac(secret, "vecrl cluster name".getBytes(StandardCharsets.UTF_8));
    this.payloadKey = hmac(secret, "vecrl payload signature".getBytes(StandardCharsets.UTF_8));
  }

  /** A secret from its text (trimmed); at least {@value #MIN_LENGTH} characters. */
  static Secret of(String text, String source) {
    String s = text.strip();
    if (s.length() < MIN_LENGTH) {
      throw new IllegalArgumentException(source + ": the shared secret has " + s.length() + " characters, expected at least " + MIN_LENGTH
          + " (for example the output of 'openssl rand -hex 16')");
    }
    return new Secret(s.getBytes(StandardCharsets.UTF_8));
  }

  /** The Hazelcast cluster name of {@code name} under this secret. */
  String clusterName(String name) {
    return name + "-" + HexFormat.of().formatHex(hmac(nameKey, name.getBytes(StandardCharsets.UTF_8)), 0, 8);
  }

  /** The signature of {@code payload}. */
  byte[] sign(byte[] payload) {
    return hmac(payloadKey, payload);
  }

  /** Throws, naming {@code what}, unless {@code mac} is {@code payload}'s signature. */
  void verify(byte[] payload, byte[] mac, String what) {
    if (mac == null || !MessageDigest.isEqual(sign(payload), mac)) {
      throw new SecurityException(what + ": signature does not verify (a member with a different secret, or a damaged message); refused");
    }
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return m.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
    }
  }
}
