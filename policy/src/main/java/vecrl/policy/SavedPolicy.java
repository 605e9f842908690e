package vecrl.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import vecrl.io.ObservationNormalizer;
import vecrl.io.PolicyFormatException;
import vecrl.io.PolicyIO;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * A policy loaded from a self-describing (version-2) policy file, ready to act: the entry point for
 * applications that embed a trained policy, in {@code vecrl-policy} alone. (The training module's
 * {@code vecrl.train.Policies} builds policies for training; this class only loads them.)
 *
 * <pre>{@code
 * SavedPolicy policy = SavedPolicy.load(Path.of("runs/cartpole/policy.bin")).warmUp();
 * float[] action = policy.act(observation);   // normalised as in training, greedy action
 * System.out.println(policy.describe());      // structure and provenance
 * }</pre>
 *
 * <p>{@link #act(float[])} applies the saved observation normaliser (when the run had one), then
 * computes the deterministic (greedy) action: the mode of the action distribution. MLP policies run
 * on the frozen, allocation-free path ({@link FrozenMlpPolicy}); recurrent policies carry their
 * memory from call to call until {@link #reset()}.
 *
 * <p><b>Threads.</b> A SavedPolicy holds one caller's state and buffers: use one per thread (load
 * the file once per thread, or share {@link #policy()} and give each thread its own {@link
 * ActorCriticPolicy#reset} state).
 */
public final class SavedPolicy {
  private final ActorCriticPolicy policy;
  private final FrozenMlpPolicy frozen;
  private final ObservationNormalizer normalizer;
  private final Map<String, String> provenance;
  private final List<PolicyIO.Record> records;
  private final String source;
  private final PolicyState state;
  private final float[] obs;
  private final Tensor obsTensor;
  /** Where {@link #warmUp} draws observations: centre and scale per component. */
  private final float[] warmUpMean, warmUpScale;

  private SavedPolicy(PolicySpec spec, List<PolicyIO.Record> records, String source) {
    this.policy = spec.skeleton();
    this.frozen = policy instanceof MlpActorCriticPolicy m ? m.freeze() : null;
    this.normalizer = spec.normalizer();
    this.provenance = spec.provenance();
    this.records = List.copyOf(records);
    this.source = source;
    this.state = policy.reset(new Rng(0));
    this.obs = new float[policy.observationSize()];
    this.obsTensor = Tensor.wrap(obs, new int[] {obs.length});
    this.warmUpMean = new float[obs.length];
    this.warmUpScale = new float[obs.length];
    if (normalizer != null) {
      double[] mean = normalizer.mean(), var = normalizer.var();
      for (int i = 0; i < obs.length; i++) {
        warmUpMean[i] = (float) mean[i];
        warmUpScale[i] = (float) Math.sqrt(var[i] + normalizer.epsilon());
      }
    } else if (policy.observationSpace() instanceof vecrl.space.Box box && box.size() == obs.length) {
      for (int i = 0; i < obs.length; i++) {
        float lo = Math.max(box.low(i), -10f), hi = Math.min(box.high(i), 10f);
        warmUpMean[i] = (lo + hi) / 2;
        warmUpScale[i] = (hi - lo) / 2;
      }
    } else {
      java.util.Arrays.fill(warmUpMean, 0.5f); // one-hot and multi-hot observations: values in [0, 1]
      java.util.Arrays.fill(warmUpScale, 0.5f);
    }
  }

  /**
   * Loads a version-2 policy file: checks the magic, the version, the SHA-256 trailer, rebuilds the
   * policy from the spec, checks the structural fingerprint and loads the weights.
   *
   * @throws PolicyFormatException for a file that is not a policy, is damaged, is version 1 (which
   *     holds no spec: use {@link PolicyIO#deserialize} with a skeleton), or whose spec does not
   *     build a policy
   */
  public static SavedPolicy load(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    long size = Files.size(path);
    if (size > Integer.MAX_VALUE - 64) throw new PolicyFormatException(path + ": " + size + " bytes is larger than any policy file this build reads");
    return decode(Files.readAllBytes(path), path.toString());
  }

  /** {@link #load} from the bytes of a policy file (a class-path resource, a message); {@code source} names them in errors. */
  public static SavedPolicy decode(byte[] bytes, String source) throws PolicyFormatException {
    Objects.requireNonNull(bytes, "bytes");
    String text = PolicyIO.spec(bytes, source);
    List<PolicyIO.Record> records = PolicyIO.records(bytes, source);
    long saved = 0;
    for (PolicyIO.Record r : records) saved += r.size();
    PolicySpec spec;
    try {
      spec = PolicySpec.parse(text, saved);
    } catch (IllegalArgumentException e) {
      throw new PolicyFormatException(source + ": bad structure spec: " + e.getMessage());
    }
    PolicyIO.decode(bytes, source, spec.skeleton());
    return new SavedPolicy(spec, records, source);
  }

  /**
   * Writes {@code policy} as a version-2 file at {@code path} (atomically), with its normaliser (or
   * null) and provenance entries (any keys; vecrl's trainer writes vecrl, git, jdk, backend, env,
   * seed, steps, config, evaluation, date).
   */
  public static void save(Path path, ActorCriticPolicy policy, ObservationNormalizer normalizer, Map<String, String> provenance) throws IOException {
    Objects.requireNonNull(path, "path");
    vecrl.io.AtomicFiles.write(path, encode(policy, normalizer, provenance));
  }

  /** The version-2 file bytes {@link #save} writes. */
  public static byte[] encode(ActorCriticPolicy policy, ObservationNormalizer normalizer, Map<String, String> provenance) {
    Objects.requireNonNull(policy, "policy");
    return PolicyIO.encode(policy, PolicySpec.write(policy, normalizer, provenance));
  }

  /** The loaded policy (for sampling, values, batches: the full {@link ActorCriticPolicy} API; no normaliser applied there). */
  public ActorCriticPolicy policy() { return policy; }

  /** The observation normaliser, or null when the run did not normalise observations. */
  public ObservationNormalizer normalizer() { return normalizer; }

  /** Where the policy came from, in the order saved (empty when the writer recorded none). */
  public Map<String, String> provenance() { return provenance; }

  /** The flat observation size {@link #act} takes. */
  public int observationSize() { return policy.observationSize(); }

  /** The action width {@link #act} returns. */
  public int actionWidth() { return policy.actionWidth(); }

  /**
   * The greedy action for one raw observation (flat, {@link #observationSize()} floats), after the
   * saved normaliser, written into {@code action} ({@link #actionWidth()} floats; a Discrete action
   * is its index as a float). Allocates nothing; returns {@code action}.
   */
  public float[] act(float[] observation, float[] action) {
    Objects.requireNonNull(observation, "observation");
    if (observation.length != obs.length) {
      throw new IllegalArgumentException("SavedPolicy.act: observation of " + observation.length + " floats, the policy takes " + obs.length);
    }
    if (action.length != policy.actionWidth()) {
      throw new IllegalArgumentException("SavedPolicy.act: action array of " + action.length + " floats, the policy gives " + policy.actionWidth());
    }
    if (normalizer != null) normalizer.normalize(observation, obs);
    else System.arraycopy(observation, 0, obs, 0, obs.length);
    if (frozen != null) frozen.act(state, obsTensor, null, null);
    else policy.act(state, obsTensor, null, null);
    Tensor a = state.action();
    for (int i = 0; i < action.length; i++) action[i] = a.get(i);
    return action;
  }

  /** {@link #act(float[], float[])} into a new array. */
  public float[] act(float[] observation) {
    return act(observation, new float[policy.actionWidth()]);
  }

  /** Starts a new episode: clears a recurrent policy's memory (a no-op for MLP policies). */
  public SavedPolicy reset() {
    if (policy instanceof RecurrentActorCriticPolicy r) r.startEpisode(state);
    return this;
  }

  /**
   * Brings {@link #act} to steady speed before first real use, so that the first real call costs
   * what the later ones do. It calls {@link #act(float[], float[])} on observations spread over the
   * observation space (around the normaliser's means, across a few standard deviations, and past the
   * clip; or across the Box bounds), so the compiled code has seen every branch a real observation
   * takes (no uncommon trap on the first real call); then keeps calling until the JIT compilers have
   * been idle for a while (a compilation still queued when warm-up returns would leave the first real
   * calls on slower code), at most {@value #WARM_UP_MAX_MILLIS} ms more; then calls both public
   * {@code act} methods once more from a cold caller, the way an application's first call arrives,
   * and starts a new episode. Takes about 0.5 s; returns this.
   */
  public SavedPolicy warmUp() {
    return warmUp(WARM_UP_CALLS);
  }

  /** The calls {@link #warmUp()} makes before it waits for the JIT compilers to go idle. */
  public static final int WARM_UP_CALLS = 30_000;

  /** The longest {@link #warmUp()} keeps calling, after its {@link #WARM_UP_CALLS} calls, for the JIT compilers to go idle. */
  public static final long WARM_UP_MAX_MILLIS = 3_000;

  /** {@link #warmUp()} with {@code calls} calls of {@link #act} before it waits for the JIT compilers. */
  public SavedPolicy warmUp(int calls) {
    if (calls < 0) throw new IllegalArgumentException("SavedPolicy.warmUp: calls " + calls + " < 0");
    float[] x = new float[obs.length], a = new float[policy.actionWidth()];
    Rng rng = new Rng(1);
    for (int k = 0; k < calls; k++) {
      warmUpObservation(x, k, rng);
      act(x, a);
    }
    if (calls > 0) {
      long deadline = System.nanoTime() + WARM_UP_MAX_MILLIS * 1_000_000L;
      JitIdle idle = JitIdle.create();
      int k = calls;
      while (idle != null && !idle.idle() && System.nanoTime() < deadline) {
        for (int i = 0; i < 1_000; i++, k++) {
          warmUpObservation(x, k, rng);
          act(x, a);
        }
      }
      lastCalls(x, a);
    }
    return reset();
  }

  /**
   * A warm-up observation: call k cycles through three spreads, so that the compiled code sees the
   * values real observations take: within 0.1 standard deviations of the normaliser's mean, within
   * 3, and up to 1.5 times the clip (without a normaliser: near the Box's centre, within half its
   * range, anywhere in it; unbounded components taken as [-10, 10]).
   */
  private void warmUpObservation(float[] x, int k, Rng rng) {
    float spread = switch (k % 3) {
      case 0 -> normalizer == null ? 0.05f : 0.1f;
      case 1 -> normalizer == null ? 0.5f : 3f;
      default -> normalizer == null ? 1f : 1.5f * normalizer.clip();
    };
    for (int i = 0; i < x.length; i++) x[i] = warmUpMean[i] + warmUpScale[i] * rng.uniform(-spread, spread);
  }

  /**
   * The last warm-up calls, through both public entry points, from this method, which runs once per
   * warm-up (in the interpreter, as an application's first call usually does): they go through the
   * compiled {@code act} itself rather than a copy inlined into the warm-up loop, and leave its code
   * and data in the caches.
   */
  private void lastCalls(float[] x, float[] a) {
    act(x, a);
    act(x);
    act(x, a);
    act(x, a);
  }

  /**
   * Whether the JIT compilers have finished: the JVM's total compilation time has not changed for
   * 30 ms. Needs the {@code java.management} module; {@link #create} is null without it.
   */
  private static final class JitIdle {
    private final java.lang.management.CompilationMXBean bean;
    private long lastTotal = -1, since;

    private JitIdle(java.lang.management.CompilationMXBean bean) { this.bean = bean; }

    static JitIdle create() {
      try {
        java.lang.management.CompilationMXBean b = java.lang.management.ManagementFactory.getCompilationMXBean();
        return b != null && b.isCompilationTimeMonitoringSupported() ? new JitIdle(b) : null;
      } catch (LinkageError | RuntimeException e) {
        return null; // a runtime image without java.management: the fixed number of calls only
      }
    }

    boolean idle() {
      long total = bean.getTotalCompilationTime(), now = System.nanoTime();
      if (total != lastTotal) {
        lastTotal = total;
        since = now;
        return false;
      }
      return now - since >= 30_000_000L;
    }
  }

  /** The structure spec text as saved, the provenance, and the parameter table. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append("policy ").append(source).append(": ").append(policy.getClass().getSimpleName()).append('\n');
    b.append("  observations ").append(vecrl.io.Structure.describe(policy.observationSpace())).append('\n');
    b.append("  actions      ").append(vecrl.io.Structure.describe(policy.actionSpace())).append('\n');
    for (String line : (policy instanceof MlpActorCriticPolicy m ? m.describe() : ((RecurrentActorCriticPolicy) policy).describe()).split("\n")) {
      b.append("  ").append(line).append('\n');
    }
    b.append("  normaliser   ").append(normalizer == null ? "none" : normalizer.size() + " components, clip " + normalizer.clip()).append('\n');
    b.append("provenance\n");
    if (provenance.isEmpty()) b.append("  (none recorded)\n");
    provenance.forEach((k, v) -> b.append("  ").append(k).append(": ").append(v.replace("\n", "\n    ")).append('\n'));
    b.append(parameterTable(records));
    return b.toString();
  }

  /**
   * What {@code vecrl inspect} prints for the bytes of a policy file of either version: for version
   * 2, {@link #describe()} (after loading it); for version 1, the format, the fingerprint and the
   * parameter table (a version-1 file holds nothing else).
   */
  public static String inspect(byte[] bytes, String source) throws PolicyFormatException {
    int version = PolicyIO.checkHeader(bytes, source);
    String head = "format version " + version + ", " + bytes.length + " bytes, structural fingerprint "
        + java.util.HexFormat.of().formatHex(bytes, 0, 32) + "\n";
    if (version == PolicyIO.VERSION_2) return head + decode(bytes, source).describe();
    return head + "policy " + source + ": version 1 holds no structure spec and no provenance (load it with PolicyIO.deserialize"
        + " and a skeleton built with the saved policy's constructor arguments)\n" + parameterTable(PolicyIO.records(bytes, source));
  }

  /** A table of the parameters' names, shapes and sizes, with the total. */
  public static String parameterTable(List<PolicyIO.Record> records) {
    StringBuilder b = new StringBuilder("parameters\n");
    long total = 0;
    for (PolicyIO.Record r : records) {
      b.append(String.format("  %-40s %-14s %,10d%n", vecrl.io.Text.quote(r.name()), java.util.Arrays.toString(r.shape()), r.size()));
      total += r.size();
    }
    b.append(String.format("  %-40s %-14s %,10d%n", "total (" + records.size() + " tensors)", "", total));
    return b.toString();
  }

  @Override
  public String toString() {
    return "SavedPolicy(" + source + ", " + policy.getClass().getSimpleName() + ")";
  }
}
