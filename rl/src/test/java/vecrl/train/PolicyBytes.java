package vecrl.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import vecrl.io.PolicyIO;
import vecrl.policy.SavedPolicy;

/** A policy file's bytes without its provenance (which names the date and the config): for comparing runs bit for bit. */
final class PolicyBytes {
  private PolicyBytes() {}

  /**
   * The version-1 bytes of the policy in {@code f} (fingerprint, parameter records, checksum): for a
   * version-2 file, what vecrl wrote before the self-describing format, so hashes recorded then
   * still hold.
   */
  static byte[] weights(Path f) throws IOException {
    byte[] b = Files.readAllBytes(f);
    if (PolicyIO.checkHeader(b, f.toString()) == PolicyIO.VERSION) return b;
    return PolicyIO.encode(SavedPolicy.decode(b, f.toString()).policy());
  }
}
