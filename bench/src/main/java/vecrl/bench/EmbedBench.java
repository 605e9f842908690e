package vecrl.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import vecrl.onnx.OnnxExport;
import vecrl.onnx.OnnxImport;
import vecrl.onnx.OnnxModel;
import vecrl.policy.FrozenMlpPolicy;
import vecrl.policy.MlpActorCriticPolicy;
import vecrl.policy.MlpPolicyConfig;
import vecrl.policy.PolicyState;
import vecrl.policy.SavedPolicy;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * The embedding targets of issue 16, one observation per call, one thread, against ONNX Runtime for
 * Java (1.22.0, CPU, one intra- and one inter-op thread, all graph optimisations) in the same run:
 *
 * <ul>
 *   <li>{@code vecrlFrozenAct}: the frozen snapshot ({@code freeze()}) of a CleanRL-shaped CartPole
 *       actor-critic (separate 64-64 tanh actor and critic, {@link MlpPolicyConfig#separate64()}),
 *       greedy {@code act}: the actor 4-64-64-2 only. Target: at most 0.3 µs, 0 B/op.
 *   <li>{@code vecrlFrozenActionAndValue}: the same, actor and critic (what the exported graph computes).
 *   <li>{@code vecrlSavedPolicyAct}: {@link SavedPolicy#act(float[], float[])} on the same policy
 *       loaded from its version-2 bytes: the application's entry point (argument checks, copy in and out).
 *   <li>{@code ortExported}: ONNX Runtime running the graph {@link OnnxExport} writes for that policy
 *       (greedy action, logits and value), fetching only {@code action}; {@code ortExportedPinned}: the
 *       same with preallocated input and output tensors (ONNX Runtime's cheapest call).
 *   <li>{@code vecrlImportedPyTorch} and {@code ortPyTorch}: the PyTorch-exported CleanRL actor
 *       (4-64-64-2 tanh, logits and softmax; the onnx module's test fixture) through {@link OnnxImport}
 *       (its dense chain on the frozen path) and through ONNX Runtime.
 * </ul>
 *
 * <p>Run: {@code ./vecrl bench EmbedBench -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Dvecrl.threads=1"})
@Threads(1)
@State(Scope.Thread)
public class EmbedBench {
  MlpActorCriticPolicy policy;
  FrozenMlpPolicy frozen;
  PolicyState state;
  Tensor obs;
  SavedPolicy saved;
  float[] rawObs, action;
  OnnxModel imported;

  OrtEnvironment env;
  OrtSession exported, pytorch;
  OnnxTensor input;
  Map<String, OnnxTensor> exportedInputs, pytorchInputs;
  Map<String, OnnxValue> pinned;
  FloatBuffer pinnedAction;
  Set<String> actionOnly, logitsOnly;
  Path dir;

  @Setup(Level.Trial)
  public void setup() throws IOException, OrtException {
    Box obsSpace = new Box(new float[] {-4.8f, -1e9f, -0.42f, -1e9f}, new float[] {4.8f, 1e9f, 0.42f, 1e9f}, 4);
    policy = new MlpActorCriticPolicy(obsSpace, new Discrete(2), MlpPolicyConfig.separate64(), new Rng(1));
    frozen = policy.freeze();
    state = policy.reset(null);
    rawObs = new float[] {0.02f, -0.3f, 0.05f, 0.4f};
    obs = Tensor.vector(rawObs.clone());
    action = new float[1];
    saved = SavedPolicy.decode(SavedPolicy.encode(policy, null, Map.of()), "bench");

    dir = Files.createTempDirectory("vecrl-embed-bench");
    Path onnx = dir.resolve("policy.onnx");
    OnnxExport.export(policy, onnx);
    byte[] actor;
    try (InputStream in = EmbedBench.class.getResourceAsStream("/cartpole_actor.onnx")) {
      if (in == null) throw new IOException("cartpole_actor.onnx is missing from the benchmarks jar");
      actor = in.readAllBytes();
    }
    imported = OnnxImport.load(actor);
    if (!imported.plan().get(0).startsWith("FrozenMLP")) throw new IllegalStateException("not on the frozen path: " + imported.plan());

    env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    so.setIntraOpNumThreads(1);
    so.setInterOpNumThreads(1);
    so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    exported = env.createSession(onnx.toString(), so);
    pytorch = env.createSession(actor, so);
    FloatBuffer buf = ByteBuffer.allocateDirect(4 * rawObs.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
    buf.put(rawObs).rewind();
    input = OnnxTensor.createTensor(env, buf, new long[] {1, rawObs.length});
    exportedInputs = Map.of("obs", input);
    pytorchInputs = Map.of(pytorch.getInputNames().iterator().next(), input);
    actionOnly = Set.of("action");
    logitsOnly = Set.of("logits");
    pinnedAction = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    pinned = Map.of("action", OnnxTensor.createTensor(env, pinnedAction, new long[] {1, 1}));

    // The four paths agree on the greedy action (ONNX Runtime writes it as a float).
    int a = frozen.act(state, obs, null, null).discreteAction();
    if (a != ortExported() || a != ortExportedPinned() || a != (int) vecrlSavedPolicyAct()) {
      throw new IllegalStateException("the paths disagree: frozen " + a + ", ONNX Runtime " + ortExported() + ", pinned " + ortExportedPinned()
          + ", SavedPolicy " + vecrlSavedPolicyAct());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws OrtException, IOException {
    for (OnnxValue v : pinned.values()) v.close();
    input.close();
    exported.close();
    pytorch.close();
    try (var s = Files.list(dir)) {
      for (Path p : s.toList()) Files.delete(p);
    }
    Files.delete(dir);
  }

  @Benchmark
  public int vecrlFrozenAct() {
    return frozen.act(state, obs, null, null).discreteAction();
  }

  @Benchmark
  public float vecrlFrozenActionAndValue() {
    return frozen.actionAndValue(state, obs, null, null).value();
  }

  @Benchmark
  public float vecrlSavedPolicyAct() {
    return saved.act(rawObs, action)[0];
  }

  @Benchmark
  public float vecrlImportedPyTorch() {
    return imported.run(rawObs, 0).output("logits")[0];
  }

  @Benchmark
  public float ortExported() throws OrtException {
    try (OrtSession.Result r = exported.run(exportedInputs, actionOnly)) {
      return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
    }
  }

  @Benchmark
  public float ortExportedPinned() throws OrtException {
    try (OrtSession.Result r = exported.run(exportedInputs, Set.of(), pinned)) {
      return pinnedAction.get(0); // ONNX Runtime wrote into this direct buffer's memory
    }
  }

  @Benchmark
  public float ortPyTorch() throws OrtException {
    try (OrtSession.Result r = pytorch.run(pytorchInputs, logitsOnly)) {
      return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
    }
  }
}
