package vecrl.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import vecrl.env.EnvRegistry;
import vecrl.train.Rollouts;

/**
 * Members in this JVM on 127.0.0.1: a learner with another secret does not join the worker's
 * cluster and says so within its worker timeout; a task signed with another secret is refused by
 * the worker before it runs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecretJoinTest {
  @Test
  void aMemberWithAnotherSecretCannotJoinOrSendTasks() throws Exception {
    int pw = Children.freePort(), pl = Children.freePort(), pc = Children.freePort();
    String members = "127.0.0.1:" + pw + ",127.0.0.1:" + pl + ",127.0.0.1:" + pc;
    ClusterOptions wo = ClusterOptions.parse(Map.of("--cluster", members, "--bind", "127.0.0.1:" + pw), Map.of(Secret.ENV, "right-secret-123"), "worker");
    HazelcastInstance worker = Members.start(wo, Members.WORKER, new WorkerRuntime(wo.secret(), EnvRegistry.standard()), false);
    HazelcastInstance stranger = null, insider = null;
    try {
      ClusterOptions so = ClusterOptions.parse(Map.of("--cluster", members, "--bind", "127.0.0.1:" + pl, "--worker-timeout", "2"),
          Map.of(Secret.ENV, "wrong-secret-456"), "train");
      stranger = Members.start(so, Members.LEARNER, null, false);
      assertEquals(1, stranger.getCluster().getMembers().size(), "the stranger is alone in its own cluster");
      assertEquals(1, worker.getCluster().getMembers().size(), "the worker's cluster did not take it in");
      ClusterRollouts r = new ClusterRollouts(stranger, so.secret(), 2, null);
      var e = assertThrows(IllegalStateException.class, () -> r.collect(new Rollouts.Request("env = CartPole-v1\n", "scalar", 0, new float[1],
          new long[] {1, 1}, new double[][] {{0}}, new float[4], new float[1])));
      assertTrue(e.getMessage().contains("no worker joined within 2 s"), e.getMessage());

      // a member with the right cluster name but another signing key: its task is refused unread
      ClusterOptions io = ClusterOptions.parse(Map.of("--cluster", members, "--bind", "127.0.0.1:" + pc), Map.of(Secret.ENV, "right-secret-123"), "train");
      insider = Members.start(io, Members.LEARNER, null, false);
      assertEquals(2, worker.getCluster().getMembers().size());
      ShardTask forged = new ShardTask(new byte[] {1, 2, 3}, Secret.of("wrong-secret-456", "test"));
      var f = insider.getExecutorService(Members.EXECUTOR).submitToMember(forged, Members.workers(insider).get(0));
      var ex = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
      assertTrue(ex.getCause() instanceof SecurityException && ex.getCause().getMessage().contains("rollout task: signature does not verify"),
          String.valueOf(ex.getCause()));
    } finally {
      if (insider != null) insider.getLifecycleService().terminate();
      if (stranger != null) stranger.getLifecycleService().terminate();
      worker.getLifecycleService().terminate();
    }
  }
}
