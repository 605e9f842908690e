package vecrl.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a member joins: the addresses of members to contact ({@code --cluster HOST:PORT,...}), the
 * address it binds to ({@code --bind HOST[:PORT]}: one interface, never the wildcard), the cluster
 * name ({@code --cluster-name}, default {@code vecrl}), the shared secret ({@code --secret-file FILE},
 * else the environment variable {@value Secret#ENV}), and how long a learner waits for workers.
 */
record ClusterOptions(List<String> members, String bindHost, int bindPort, boolean autoPort, String name, Secret secret, double workerTimeoutSeconds) {
  static final int DEFAULT_PORT = 5701;

  /** Parses the options (option to value) of {@code command}; errors name the option and the bad value. */
  static ClusterOptions parse(Map<String, String> o, Map<String, String> env, String command) {
    String cluster = o.get("--cluster");
    if (cluster == null || cluster.isBlank()) throw new IllegalArgumentException(command + ": --cluster HOST:PORT[,HOST:PORT...] is required (the members to join)");
    List<String> members = new ArrayList<>();
    boolean allLoopback = true;
    for (String part : cluster.split(",")) {
      String a = part.strip();
      if (a.isEmpty()) continue;
      int colon = a.lastIndexOf(':');
      if (colon <= 0 || colon == a.length() - 1) throw new IllegalArgumentException("--cluster " + cluster + ": \"" + a + "\" is not HOST:PORT");
      String host = a.substring(0, colon);
      int port = port("--cluster " + cluster, a.substring(colon + 1));
      InetAddress addr = resolve("--cluster", host);
      allLoopback &= addr.isLoopbackAddress();
      members.add(host + ":" + port);
    }
    if (members.isEmpty()) throw new IllegalArgumentException("--cluster " + cluster + ": no address");
    String bind = o.get("--bind");
    String bindHost;
    int bindPort = DEFAULT_PORT;
    boolean auto = true;
    if (bind == null) {
      if (!allLoopback) {
        throw new IllegalArgumentException(command + ": --cluster names another machine; give --bind ADDRESS[:PORT], this machine's address on the"
            + " network the other members reach (vecrl never binds to all interfaces)");
      }
      bindHost = "127.0.0.1";
    } else {
      int colon = bind.lastIndexOf(':');
      bindHost = colon > 0 && bind.indexOf(':') == colon ? bind.substring(0, colon) : bind;
      if (colon > 0 && bind.indexOf(':') == colon) {
        bindPort = port("--bind " + bind, bind.substring(colon + 1));
        auto = false;
      }
      InetAddress addr = resolve("--bind", bindHost);
      if (addr.isAnyLocalAddress()) {
        throw new IllegalArgumentException("--bind " + bind + ": the wildcard address binds to every interface; give the address of one interface");
      }
      try {
        if (!addr.isLoopbackAddress() && NetworkInterface.getByInetAddress(addr) == null) {
          throw new IllegalArgumentException("--bind " + bind + ": " + addr.getHostAddress() + " is not an address of this machine");
        }
      } catch (SocketException e) {
        throw new IllegalArgumentException("--bind " + bind + ": cannot list this machine's interfaces: " + e.getMessage(), e);
      }
      bindHost = addr.getHostAddress();
    }
    String name = o.getOrDefault("--cluster-name", "vecrl");
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) throw new IllegalArgumentException("--cluster-name " + name + ": expected 1 to 64 letters, digits, '.', '_' or '-'");
    Secret secret;
    if (o.get("--secret-file") != null) {
      Path f = Path.of(o.get("--secret-file"));
      try {
        secret = Secret.of(Files.readString(f, StandardCharsets.UTF_8), "--secret-file " + f);
      } catch (IOException e) {
        throw new IllegalArgumentException("--secret-file " + f + ": cannot read it (" + e.getMessage() + ")", e);
      }
    } else if (env.get(Secret.ENV) != null) {
      secret = Secret.of(env.get(Secret.ENV), "the environment variable " + Secret.ENV);
    } else {
      throw new IllegalArgumentException(command + ": no shared secret: give --secret-file FILE or set " + Secret.ENV
          + " (the same on every member; members with another secret cannot join)");
    }
    double wait = 60;
    if (o.get("--worker-timeout") != null) {
      try {
        wait = Double.parseDouble(o.get("--worker-timeout"));
      } catch (NumberFormatException e) {
        wait = -1;
      }
      if (!(wait > 0) || wait > 86_400) throw new IllegalArgumentException("--worker-timeout " + o.get("--worker-timeout") + ": expected seconds in (0, 86400]");
    }
    return new ClusterOptions(List.copyOf(members), bindHost, bindPort, auto, name, secret, wait);
  }

  private static int port(String what, String text) {
    try {
      int p = Integer.parseInt(text);
      if (p >= 1 && p <= 65535) return p;
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException(what + ": port \"" + text + "\" is not a number in [1, 65535]");
  }

  private static InetAddress resolve(String option, String host) {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(option + ": unknown host \"" + host + "\"", e);
    }
  }
}
