package vecrl.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import vecrl.env.EnvRegistry;
import vecrl.train.Callback;

/**
 * The commands of the optional {@code cluster} module ({@code vecrl-cluster}), found through {@link
 * java.util.ServiceLoader}: {@code worker}, {@code sweep}, and the learner's side of {@code train
 * --cluster}. No module depends on {@code cluster}; the {@code ./vecrl} launcher puts its jars on the
 * class path when it is built, and without it these commands say how to get it.
 */
public interface ClusterCommands {
  /** The options {@code train} passes on to {@link #learner} (each takes a value). */
  List<String> LEARNER_OPTIONS = List.of("--cluster", "--bind", "--cluster-name", "--secret-file", "--worker-timeout");

  /** {@code vecrl worker ...}: runs a rollout worker until it is stopped; returns the exit status. */
  int worker(List<String> args, EnvRegistry registry, PrintStream out) throws Exception;

  /** {@code vecrl sweep ...}: independent training runs across the members; returns the exit status. */
  int sweep(List<String> args, EnvRegistry registry, PrintStream out) throws Exception;

  /**
   * Joins the cluster as the learner with the given {@link #LEARNER_OPTIONS} (option to value); the
   * session's callback makes a trainer send its rollouts to the workers. Close it after training.
   */
  Session learner(Map<String, String> options, PrintStream out) throws Exception;

  /** The learner's membership. */
  interface Session extends AutoCloseable {
    /** A callback that, at the start of training, routes the trainer's rollouts to the workers (the bulk-sync plan). */
    Callback callback();

    /**
     * A callback that runs the trainer's iterations through execution plan {@code plan} ({@code
     * vecrl.plan.Plans#NAMES}) over the cluster's workers.
     */
    default Callback callback(String plan) {
      if (!plan.equals("bulk-sync")) throw new IllegalArgumentException("this cluster module runs the bulk-sync plan only, not " + plan);
      return callback();
    }

    @Override
    void close();
  }

  /** The implementation on the class path; a clear error when the cluster module is absent. */
  static ClusterCommands load() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    for (ClusterCommands c : java.util.ServiceLoader.load(ClusterCommands.class, loader == null ? ClusterCommands.class.getClassLoader() : loader)) {
      return c;
    }
    throw new IllegalStateException("the cluster module (vecrl-cluster) is not on the class path: build it with"
        + " './mvnw -B -DskipTests package' and run through ./vecrl, or add vecrl-cluster and its Hazelcast jar to the class path");
  }
}
