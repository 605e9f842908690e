package vecrl.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts vecrl's Hazelcast members: embedded, TCP/IP join to the given addresses (multicast and
 * auto-detection off), bound to one interface ({@code hazelcast.socket.bind.any = false}), the cluster
 * name derived from the shared secret ({@link Secret}), vecrl's serialization factory, and failure
 * detection tuned so a killed member is noticed within seconds: a refused reconnection removes it at
 * once, and 4 s without a heartbeat at the latest.
 */
final class Members {
  static final String ROLE = "vecrl.role";
  static final String WORKER = "worker";
  static final String LEARNER = "learner";
  static final String EXECUTOR = "vecrl.rollouts";
  /** Seconds without a heartbeat after which a member is removed. */
  static final int NO_HEARTBEAT_SECONDS = 4;

  private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

  private Members() {}

  /** The Hazelcast config of a member with {@code role}. */
  static Config config(ClusterOptions o, String role, Object runtime) {
    Config c = new Config();
    c.setClusterName(o.secret().clusterName(o.name()));
    c.setInstanceName("vecrl-" + role + "-" + java.util.UUID.randomUUID());
    c.setProperty("hazelcast.logging.type", "jdk");
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.socket.bind.any", "false");
    c.setProperty("hazelcast.wait.seconds.before.join", "1");
    c.setProperty("hazelcast.max.wait.seconds.before.join", "3");
    c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    c.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(NO_HEARTBEAT_SECONDS));
    c.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    c.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    c.setProperty("hazelcast.operation.call.timeout.millis", "30000");
    NetworkConfig net = c.getNetworkConfig();
    net.setPort(o.bindPort()).setPortAutoIncrement(o.autoPort()).setPortCount(50);
    net.getInterfaces().setEnabled(true).addInterface(o.bindHost());
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(o.members())).setConnectionTimeoutSeconds(2);
    c.getMemberAttributeConfig().setAttribute(ROLE, role);
    c.getSerializationConfig().addDataSerializableFactory(Wire.FACTORY_ID, new Wire());
    c.getExecutorConfig(EXECUTOR).setPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors()));
    c.getJetConfig().setEnabled(false);
    if (runtime != null) c.getUserContext().put(WorkerRuntime.KEY, runtime);
    return c;
  }

  /** Starts a member; Hazelcast's own log shows errors only unless {@code verbose}. */
  static HazelcastInstance start(ClusterOptions o, String role, Object runtime, boolean verbose) {
    HAZELCAST_LOG.setLevel(verbose ? Level.INFO : Level.SEVERE);
    try {
      return Hazelcast.newHazelcastInstance(config(o, role, runtime));
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot start a cluster member on " + o.bindHost() + ":" + o.bindPort() + (o.autoPort() ? "+" : "") + ": "
          + e.getMessage(), e);
    }
  }

  /** The worker members, in a fixed order (by address). */
  static List<Member> workers(HazelcastInstance hz) {
    List<Member> w = new ArrayList<>();
    for (Member m : hz.getCluster().getMembers()) if (WORKER.equals(m.getAttribute(ROLE))) w.add(m);
    w.sort(Comparator.comparing((Member m) -> m.getAddress().toString()));
    return w;
  }

  /** {@code host:port} of a member. */
  static String address(Member m) {
    return m.getAddress().getHost() + ":" + m.getAddress().getPort();
  }
}
