package vecrl.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import vecrl.env.EnvRegistry;
import vecrl.io.AtomicFiles;
import vecrl.tensor.Backends;
import vecrl.train.Metrics;
import vecrl.train.Presets;
import vecrl.train.TrainConfig;
import vecrl.train.TrainingRun;

/**
 * {@code vecrl sweep}: independent training runs, one per grid point and seed, spread over the
 * cluster's workers (one run per worker at a time). Each finished run's directory comes back to
 * {@code --out/NAME}, with {@value #RESULT} written last; a sweep started again skips the runs that
 * have it, so a half-finished sweep resumes without redoing finished runs. A run lost with its worker
 * goes back in the queue. At the end, one table row per run and one line per grid point.
 */
final class Sweep {
  static final String RESULT = "sweep_result.properties";
  static final List<String> OPTIONS = List.of("--cluster", "--bind", "--cluster-name", "--secret-file", "--worker-timeout", "--grid", "--seeds",
      "--env", "--algo", "--steps", "--set", "--out");

  private Sweep() {}

  /** One run: its directory name, the grid values and seed, the config. */
  record Run(String name, Map<String, String> point, long seed, TrainConfig config) {}

  static int run(List<String> args, EnvRegistry registry, PrintStream out) throws IOException, InterruptedException {
    Map<String, List<String>> o = multiOptions(args);
    List<Run> runs = plan(o, registry);
    Path dir = Path.of(one(o, "--out", "runs/sweep"));
    Files.createDirectories(dir);
    Deque<Run> todo = new ArrayDeque<>();
    for (Run r : runs) if (!Files.exists(dir.resolve(r.name()).resolve(RESULT))) todo.add(r);
    out.println(String.format(Locale.ROOT, "sweep: %d runs (%d grid points x %d seeds) in %s; %d finished before, %d to run", runs.size(),
        runs.stream().map(Run::point).distinct().count(), runs.stream().map(Run::seed).distinct().count(), dir, runs.size() - todo.size(), todo.size()));
    if (!todo.isEmpty()) {
      Map<String, String> member = new HashMap<>();
      for (String k : ClusterCli.MEMBER_OPTIONS) if (o.containsKey(k)) member.put(k, one(o, k, null));
      if (o.containsKey("--worker-timeout")) member.put("--worker-timeout", one(o, "--worker-timeout", null));
      ClusterOptions c = ClusterOptions.parse(member, System.getenv(), "sweep");
      HazelcastInstance hz = Members.start(c, Members.LEARNER, null, Boolean.getBoolean("vecrl.cluster.verbose"));
      try {
        dispatch(hz, c, todo, dir, out);
      } finally {
        hz.shutdown();
      }
    }
    table(runs, dir, out);
    return 0;
  }

  /** Runs {@code todo} on the workers, one at a time per worker, writing each result as it comes. */
  private static void dispatch(HazelcastInstance hz, ClusterOptions c, Deque<Run> todo, Path dir, PrintStream out)
      throws IOException, InterruptedException {
    IExecutorService exec = hz.getExecutorService(Members.EXECUTOR);
    String backend = Backends.kernels().name();
    Map<Member, Object[]> busy = new LinkedHashMap<>();
    long noWorkerSince = System.nanoTime();
    while (!todo.isEmpty() || !busy.isEmpty()) {
      List<Member> workers = Members.workers(hz);
      if (workers.isEmpty() && busy.isEmpty()) {
        if (System.nanoTime() - noWorkerSince > c.workerTimeoutSeconds() * 1e9) {
          throw new IllegalStateException(String.format(Locale.ROOT, "sweep: no worker joined within %.0f s (--worker-timeout); start workers with"
              + " './vecrl worker --cluster %s' and the same cluster name and secret", c.workerTimeoutSeconds(),
              Members.address(hz.getCluster().getLocalMember())));
        }
      } else {
        noWorkerSince = System.nanoTime();
      }
      for (Member m : workers) {
        if (busy.containsKey(m) || todo.isEmpty()) continue;
        Run r = todo.poll();
        busy.put(m, new Object[] {r, exec.submitToMember(new SweepTask(r.name(), r.config().toText(), backend, c.secret()), m)});
      }
      for (var it = busy.entrySet().iterator(); it.hasNext();) {
        var e = it.next();
        Run r = (Run) e.getValue()[0];
        @SuppressWarnings("unchecked")
        Future<Wire.Signed> f = (Future<Wire.Signed>) e.getValue()[1];
        if (!f.isDone()) continue;
        it.remove();
        try {
          SweepTask.Reply reply = SweepTask.Reply.decode(f.get().verified(c.secret(), "sweep result from " + Members.address(e.getKey())));
          save(dir, r, reply);
          out.println(String.format(Locale.ROOT, "sweep: %s done on %s (%.1f s)", r.name(), reply.worker(), reply.seconds()));
        } catch (ExecutionException ex) {
          Throwable cause = ex.getCause();
          if (cause instanceof MemberLeftException || cause instanceof TargetNotMemberException || !hz.getCluster().getMembers().contains(e.getKey())) {
            out.println("sweep: worker " + Members.address(e.getKey()) + " left during " + r.name() + "; it goes back in the queue");
            todo.addFirst(r);
          } else {
            out.println("sweep: " + r.name() + " failed on " + Members.address(e.getKey()) + ": " + (cause == null ? ex.getMessage() : cause.getMessage()));
          }
        }
      }
      Thread.sleep(20);
    }
  }

  /** Writes the run's files into {@code dir/NAME}, then {@value #RESULT} (the mark of a finished run). */
  private static void save(Path dir, Run r, SweepTask.Reply reply) throws IOException {
    Path run = dir.resolve(r.name());
    Files.createDirectories(run);
    for (var f : reply.files().entrySet()) AtomicFiles.write(run.resolve(f.getKey()), f.getValue());
    StringBuilder p = new StringBuilder();
    p.append("worker = ").append(reply.worker()).append('\n');
    p.append("eval_mean = ").append(reply.evalMean()).append('\n');
    p.append("eval_std = ").append(reply.evalStd()).append('\n');
    p.append("seconds = ").append(reply.seconds()).append('\n');
    AtomicFiles.write(run.resolve(RESULT), p.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void table(List<Run> runs, Path dir, PrintStream out) throws IOException {
    out.println(String.format(Locale.ROOT, "%-44s %10s %12s %16s %8s  %s", "run", "steps", "last_return", "greedy_eval", "seconds", "worker"));
    Map<Map<String, String>, List<Double>> byPoint = new LinkedHashMap<>();
    for (Run r : runs) {
      Path f = dir.resolve(r.name()).resolve(RESULT);
      if (!Files.exists(f)) {
        out.println(String.format(Locale.ROOT, "%-44s %10s", r.name(), "(not run)"));
        continue;
      }
      Properties p = new Properties();
      try (var in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        p.load(in);
      }
      Metrics m = Metrics.read(dir.resolve(r.name()).resolve(TrainingRun.METRICS));
      double[] ret = m.column("mean_return");
      double mean = Double.parseDouble(p.getProperty("eval_mean", "NaN"));
      out.println(String.format(Locale.ROOT, "%-44s %,10d %12.1f %9.1f +- %4.1f %8.1f  %s", r.name(), m.rows() == 0 ? 0 : m.steps()[m.rows() - 1],
          ret.length == 0 ? Double.NaN : ret[ret.length - 1], mean, Double.parseDouble(p.getProperty("eval_std", "NaN")),
          Double.parseDouble(p.getProperty("seconds", "NaN")), p.getProperty("worker", "?")));
      byPoint.computeIfAbsent(r.point(), k -> new ArrayList<>()).add(mean);
    }
    for (var e : byPoint.entrySet()) {
      double s = 0, s2 = 0;
      for (double v : e.getValue()) s += v;
      double mu = s / e.getValue().size();
      for (double v : e.getValue()) s2 += (v - mu) * (v - mu);
      out.println(String.format(Locale.ROOT, "%s: greedy eval %.1f +- %.1f over %d seeds", e.getKey().isEmpty() ? "(no grid)" : e.getKey(), mu,
          Math.sqrt(s2 / e.getValue().size()), e.getValue().size()));
    }
  }

  /** The runs of the grid and seeds, each config checked (an invalid value names its key). */
  static List<Run> plan(Map<String, List<String>> o, EnvRegistry registry) {
    String env = one(o, "--env", "CartPole-v1");
    if (!registry.contains(env)) throw new IllegalArgumentException("--env " + env + ": unknown environment; valid environments: " + String.join(", ", registry.names()));
    String algo = one(o, "--algo", "ppo");
    Map<String, String> base = new LinkedHashMap<>();
    for (String kv : o.getOrDefault("--set", List.of())) put(base, "--set", kv);
    if (o.containsKey("--steps")) base.put("totalSteps", one(o, "--steps", null));
    List<Map<String, String>> points = new ArrayList<>();
    points.add(new LinkedHashMap<>());
    for (String g : o.getOrDefault("--grid", List.of())) {
      int eq = g.indexOf('=');
      if (eq <= 0 || eq == g.length() - 1) throw new IllegalArgumentException("--grid " + g + ": expected KEY=V1,V2,...");
      String key = g.substring(0, eq);
      if (!TrainConfig.keys().contains(key)) throw new IllegalArgumentException("--grid " + g + ": unknown key \"" + key + "\"; valid keys: " + String.join(", ", TrainConfig.keys()));
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> p : points) {
        for (String v : g.substring(eq + 1).split(",")) {
          Map<String, String> q = new LinkedHashMap<>(p);
          q.put(key, v.strip());
          next.add(q);
        }
      }
      points = next;
    }
    List<Long> seeds = seeds(one(o, "--seeds", "1"));
    List<Run> runs = new ArrayList<>();
    for (Map<String, String> p : points) {
      for (long s : seeds) {
        TrainConfig c;
        try {
          c = Presets.forEnv(algo, env, "mlp").with(base).with(p).with("seed", String.valueOf(s));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("sweep: " + p + " seed " + s + ": " + e.getMessage(), e);
        }
        StringBuilder name = new StringBuilder(env + "_" + algo);
        for (var e : p.entrySet()) name.append('_').append(e.getKey()).append('=').append(e.getValue());
        runs.add(new Run(name.append("_s").append(s).toString().replaceAll("[^A-Za-z0-9._=-]", "_"), p, s, c));
      }
    }
    return runs;
  }

  /** {@code A..B} (inclusive) or {@code A,B,C}. */
  static List<Long> seeds(String text) {
    List<Long> out = new ArrayList<>();
    try {
      int dots = text.indexOf("..");
      if (dots > 0) {
        long a = Long.parseLong(text.substring(0, dots).strip()), b = Long.parseLong(text.substring(dots + 2).strip());
        if (b < a || b - a >= 10_000) throw new IllegalArgumentException("--seeds " + text + ": expected A..B with A <= B and at most 10,000 seeds");
        for (long s = a; s <= b; s++) out.add(s);
      } else {
        for (String s : text.split(",")) out.add(Long.parseLong(s.strip()));
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--seeds " + text + ": expected A..B or A,B,C (integers)", e);
    }
    return out;
  }

  private static void put(Map<String, String> m, String option, String kv) {
    int eq = kv.indexOf('=');
    if (eq <= 0) throw new IllegalArgumentException(option + " " + kv + ": expected key=value");
    m.put(kv.substring(0, eq), kv.substring(eq + 1));
  }

  private static String one(Map<String, List<String>> o, String key, String dflt) {
    List<String> v = o.get(key);
    if (v == null) return dflt;
    if (v.size() > 1) throw new IllegalArgumentException("sweep: " + key + " given " + v.size() + " times");
    return v.get(0);
  }

  private static Map<String, List<String>> multiOptions(List<String> args) {
    Map<String, List<String>> o = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i), key = a, val = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        key = a.substring(0, eq);
        val = a.substring(eq + 1);
      }
      if (!OPTIONS.contains(key)) throw new IllegalArgumentException("sweep: unknown option \"" + a + "\"; valid options: " + String.join(" ", OPTIONS));
      if (val == null) {
        if (i + 1 >= args.size()) throw new IllegalArgumentException("sweep: option " + key + " needs a value");
        val = args.get(++i);
      }
      o.computeIfAbsent(key, k -> new ArrayList<>()).add(val);
    }
    if (!o.containsKey("--cluster")) throw new IllegalArgumentException("sweep: --cluster HOST:PORT[,...] is required (the members to join)");
    return o;
  }
}
