package vecrl.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The member options' errors, the secret's derivations and signatures, and the env split. */
class ClusterOptionsTest {
  private static final Map<String, String> SECRET = Map.of(Secret.ENV, "0123456789abcdef");

  private static String error(Map<String, String> o, Map<String, String> env) {
    return assertThrows(IllegalArgumentException.class, () -> ClusterOptions.parse(o, env, "worker")).getMessage();
  }

  @Test
  void badAddressesAndMissingSecretsAreNamed() {
    assertTrue(error(Map.of(), SECRET).contains("--cluster HOST:PORT"));
    assertTrue(error(Map.of("--cluster", "127.0.0.1"), SECRET).contains("\"127.0.0.1\" is not HOST:PORT"));
    assertTrue(error(Map.of("--cluster", "127.0.0.1:99999"), SECRET).contains("port \"99999\" is not a number in [1, 65535]"));
    assertTrue(error(Map.of("--cluster", "127.0.0.1:5701", "--bind", "0.0.0.0"), SECRET).contains("wildcard"));
    assertTrue(error(Map.of("--cluster", "127.0.0.1:5701", "--bind", "192.0.2.77"), SECRET).contains("not an address of this machine"));
    assertTrue(error(Map.of("--cluster", "192.0.2.1:5701"), SECRET).contains("give --bind"));
    assertTrue(error(Map.of("--cluster", "127.0.0.1:5701"), Map.of()).contains(Secret.ENV));
    assertTrue(error(Map.of("--cluster", "127.0.0.1:5701"), Map.of(Secret.ENV, "short")).contains("at least 12"));
    assertTrue(error(Map.of("--cluster", "127.0.0.1:5701", "--secret-file", "/nonexistent/secret"), Map.of()).contains("cannot read it"));
    assertTrue(error(Map.of("--cluster", "127.0.0.1:5701", "--worker-timeout", "-3"), SECRET).contains("--worker-timeout"));
  }

  @Test
  void defaultsBindToLoopbackNeverTheWildcard() {
    ClusterOptions o = ClusterOptions.parse(Map.of("--cluster", "127.0.0.1:5701,localhost:5702"), SECRET, "worker");
    assertEquals("127.0.0.1", o.bindHost());
    assertEquals(List.of("127.0.0.1:5701", "localhost:5702"), o.members());
    assertTrue(o.autoPort());
    ClusterOptions p = ClusterOptions.parse(Map.of("--cluster", "127.0.0.1:5701", "--bind", "127.0.0.1:6000"), SECRET, "worker");
    assertEquals(6000, p.bindPort());
    assertTrue(!p.autoPort());
  }

  @Test
  void theSecretDecidesTheClusterNameAndSignsPayloads() {
    Secret a = Secret.of("0123456789abcdef", "a"), a2 = Secret.of("0123456789abcdef\n", "a2"), b = Secret.of("0123456789abcdeg", "b");
    assertEquals(a.clusterName("vecrl"), a2.clusterName("vecrl"));
    assertNotEquals(a.clusterName("vecrl"), b.clusterName("vecrl"));
    assertTrue(a.clusterName("vecrl").startsWith("vecrl-"));
    byte[] body = "weights".getBytes(StandardCharsets.UTF_8);
    a.verify(body, a2.sign(body), "x");
    var e = assertThrows(SecurityException.class, () -> a.verify(body, b.sign(body), "rollout task"));
    assertTrue(e.getMessage().startsWith("rollout task: signature does not verify"), e.getMessage());
    byte[] tampered = body.clone();
    tampered[0] ^= 1;
    assertThrows(SecurityException.class, () -> a.verify(tampered, a.sign(body), "x"));
  }

  @Test
  void envsSplitIntoContiguousNearlyEqualRanges() {
    List<int[]> s = ClusterRollouts.split(new int[] {0, 7}, 3);
    assertArrayEquals(new int[] {0, 3}, s.get(0));
    assertArrayEquals(new int[] {3, 5}, s.get(1));
    assertArrayEquals(new int[] {5, 7}, s.get(2));
    assertEquals(2, ClusterRollouts.split(new int[] {4, 6}, 5).size(), "never an empty range");
  }
}
