package vecrl.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import vecrl.cli.ClusterCommands;
import vecrl.env.EnvRegistry;
import vecrl.plan.Plans;
import vecrl.plan.TrainerTemplate;
import vecrl.train.Callback;

/** The cluster module's commands ({@code worker}, {@code sweep}, {@code train --cluster}), found by rl's command line through {@link ClusterCommands}. */
public final class ClusterCli implements ClusterCommands {
  static final List<String> MEMBER_OPTIONS = List.of("--cluster", "--bind", "--cluster-name", "--secret-file");

  @Override
  public int worker(List<String> args, EnvRegistry registry, PrintStream out) throws InterruptedException {
    Map<String, String> o = options(args, MEMBER_OPTIONS, "worker");
    ClusterOptions c = ClusterOptions.parse(o, System.getenv(), "worker");
    WorkerRuntime rt = new WorkerRuntime(c.secret(), registry);
    HazelcastInstance hz = Members.start(c, Members.WORKER, rt, Boolean.getBoolean("vecrl.cluster.verbose"));
    CountDownLatch stopped = new CountDownLatch(1);
    hz.getLifecycleService().addLifecycleListener(e -> {
      if (e.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) stopped.countDown();
    });
    out.println(String.format(Locale.ROOT, "worker ready: member %s of cluster %s (%d members); stop it with Ctrl-C",
        Members.address(hz.getCluster().getLocalMember()), c.name(), hz.getCluster().getMembers().size()));
    out.flush();
    if (!hz.getLifecycleService().isRunning()) stopped.countDown();
    stopped.await();
    rt.close();
    return 0;
  }

  @Override
  public int sweep(List<String> args, EnvRegistry registry, PrintStream out) throws Exception {
    return Sweep.run(args, registry, out);
  }

  @Override
  public LearnerSession learner(Map<String, String> options, PrintStream out) {
    ClusterOptions c = ClusterOptions.parse(options, System.getenv(), "train");
    HazelcastInstance hz = Members.start(c, Members.LEARNER, null, Boolean.getBoolean("vecrl.cluster.verbose"));
    out.println(String.format(Locale.ROOT, "cluster: learner %s joined cluster %s with %d worker%s", Members.address(hz.getCluster().getLocalMember()),
        c.name(), Members.workers(hz).size(), Members.workers(hz).size() == 1 ? "" : "s"));
    return new LearnerSession(hz, new ClusterRollouts(hz, c.secret(), c.workerTimeoutSeconds(), out));
  }

  /** The learner's member and its rollouts. */
  static final class LearnerSession implements Session {
    final HazelcastInstance hz;
    final ClusterRollouts rollouts;

    LearnerSession(HazelcastInstance hz, ClusterRollouts rollouts) {
      this.hz = hz;
      this.rollouts = rollouts;
    }

    /**
     * Runs a trainer's iterations through the bulk-sync plan ({@link vecrl.plan.Plans#bulkSync}) over
     * this cluster's workers ({@link ClusterWorkerSet}); a new run id at the start, and the run's
     * weights removed from the map at the end.
     */
    @Override
    public Callback callback() {
      return callback("bulk-sync");
    }

    /** As {@link #callback()}, with execution plan {@code plan} ({@link Plans#byName}): {@code bulk-sync} or {@code async-gradients}. */
    @Override
    public Callback callback(String plan) {
      return TrainerTemplate.ppo().withUpdates(b -> b.executionPlan(Plans.byName(plan))).callback(t -> {
        rollouts.newRun();
        return new ClusterWorkerSet(t, rollouts, hz);
      });
    }

    @Override
    public void close() {
      hz.shutdown();
    }
  }

  /** Option to value for the options in {@code known}, each taking a value; anything else is an error naming the valid ones. */
  static Map<String, String> options(List<String> args, List<String> known, String cmd) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i), key = a, val = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        key = a.substring(0, eq);
        val = a.substring(eq + 1);
      }
      if (!known.contains(key)) throw new IllegalArgumentException(cmd + ": unknown option \"" + a + "\"; valid options: " + String.join(" ", known));
      if (val == null) {
        if (i + 1 >= args.size()) throw new IllegalArgumentException(cmd + ": option " + key + " needs a value");
        val = args.get(++i);
      }
      o.put(key, val);
    }
    return o;
  }
}
