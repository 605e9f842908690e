package vecrl.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import vecrl.tensor.Backends;
import vecrl.train.TrainConfig;
import vecrl.train.TrainingRun;

/**
 * One run of a sweep, on a worker: trains the config in a temporary directory and returns the run
 * directory's files with the greedy evaluation (signed). The worker keeps nothing.
 */
final class SweepTask extends Wire.Signed implements Callable<Wire.Signed>, HazelcastInstanceAware {
  private transient HazelcastInstance hz;

  SweepTask() {
    super(Wire.SWEEP_TASK);
  }

  SweepTask(String name, String configText, String backend, Secret secret) {
    super(Wire.SWEEP_TASK, new Payload.Writer().str(name).str(configText).str(backend).bytes(), secret);
  }

  /** A finished run: its files by name, the greedy evaluation's mean and std (NaN without one), the training seconds. */
  record Reply(String name, String worker, double evalMean, double evalStd, double seconds, Map<String, byte[]> files) {
    byte[] encode() {
      Payload.Writer w = new Payload.Writer().str(name).str(worker).f64(evalMean).f64(evalStd).f64(seconds).i32(files.size());
      for (var e : files.entrySet()) w.str(e.getKey()).blob(e.getValue());
      return w.bytes();
    }

    static Reply decode(byte[] b) {
      Payload.Reader r = new Payload.Reader(b, "sweep result");
      String name = r.str(), worker = r.str();
      double mean = r.f64(), std = r.f64(), secs = r.f64();
      int k = r.i32();
      Map<String, byte[]> files = new java.util.LinkedHashMap<>();
      for (int i = 0; i < k; i++) {
        String f = r.str();
        if (!f.matches("[A-Za-z0-9._-]+")) throw new IllegalArgumentException("sweep result: file name \"" + f + "\" refused");
        files.put(f, r.blob());
      }
      r.end();
      return new Reply(name, worker, mean, std, secs, files);
    }
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hz) {
    this.hz = hz;
  }

  @Override
  public Wire.Signed call() throws IOException {
    WorkerRuntime w = WorkerRuntime.of(hz);
    Payload.Reader r = new Payload.Reader(verified(w.secret(), "sweep task"), "sweep task");
    String name = r.str(), text = r.str(), backend = r.str();
    r.end();
    Map<String, String> values = TrainConfig.parse(text);
    TrainConfig c = TrainConfig.fromMap(TrainConfig.defaults(values.get("env")), values);
    Path tmp = Files.createTempDirectory("vecrl-sweep-");
    try {
      TrainingRun.Result res = TrainingRun.train(c, w.registry(), tmp.resolve("run"), List.of(), Backends.byName(backend));
      Map<String, byte[]> files = new java.util.LinkedHashMap<>();
      try (Stream<Path> s = Files.list(tmp.resolve("run"))) {
        for (Path f : s.sorted().toList()) if (Files.isRegularFile(f)) files.put(f.getFileName().toString(), Files.readAllBytes(f));
      }
      double mean = res.evaluation() == null ? Double.NaN : res.evaluation().mean(), std = res.evaluation() == null ? Double.NaN : res.evaluation().std();
      Reply reply = new Reply(name, Members.address(hz.getCluster().getLocalMember()), mean, std, res.seconds(), files);
      return new Wire.Signed(Wire.SWEEP_REPLY, reply.encode(), w.secret());
    } finally {
      delete(tmp);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(s.toList());
      java.util.Collections.reverse(all);
      for (Path p : all) Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }
}
