package vecrl.multi;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import vecrl.algo.Algorithms;
import vecrl.algo.Policy;
import vecrl.algo.SampleBatch;
import vecrl.algo.TemplatePolicy;
import vecrl.io.AtomicFiles;
import vecrl.io.PolicyIO;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.train.Policies;
import vecrl.train.TrainConfig;

/**
 * Trains several policies in one {@link MultiAgentEnv} (RLlib's multi-agent setup): named policies
 * (learned {@link TemplatePolicy}s or any {@link Policy}, a {@link HeuristicPolicy} included), a
 * {@link PolicyMappingFn}, and the set of policies to train; the others act but stay frozen.
 *
 * <p>An iteration ({@link #train()}) collects {@code episodesPerEnv} complete episodes on each of
 * {@code numEnvs} envs ({@link MultiAgentCollector}: one batch per policy, each trained policy's
 * trajectories postprocessed with the other agents' batches), then updates each trained policy, in
 * the order the policies were added, with its own template, config and optimizer: the path of the
 * single-agent learner ({@code beforeUpdate}, epochs of shuffled minibatches each given to {@link
 * TemplatePolicy#learn}, the {@code targetKl} early stop, {@code afterUpdate}), over the policy's
 * batch cut into {@code minibatches} parts of equal size (±1 row). Feed-forward models only.
 *
 * <p>Randomness: one generator seeded with {@code seed} is split into the action sampler's, the
 * minibatch shuffler's and one per env (envs are reset with their own). The same seed and policies
 * give the same bits. {@link #saveCheckpoint} and {@link #restoreCheckpoint} keep everything an
 * iteration depends on (iterations run, the next episode id, the generators, each trained policy's
 * model, optimizer state and coefficients), so a run restored after iteration k continues exactly
 * as the run that was not stopped. Episodes never cross an iteration, so no env state is kept.
 */
public final class MultiAgentTrainer {
  /** What one iteration gives: its number (1-based), each policy's collection statistics, and each trained policy's last loss statistics. */
  public record IterationResult(long iteration, Map<String, MultiAgentCollector.PolicyStats> stats, Map<String, Map<String, Double>> learner,
      Map<String, SampleBatch> batches) {}

  private final Map<String, Policy> policies;
  private final Set<String> trained;
  private final MultiAgentCollector collector;
  private final int episodesPerEnv;
  private final long seed, iterations;
  private final java.util.function.Supplier<? extends MultiAgentEnv> factory;
  private final PolicyMappingFn mapping;
  private final int numEnvs;
  private Rng actRng, shuffleRng;
  private Rng[] envRngs;
  private long iteration, nextEpisodeId;

  private MultiAgentTrainer(Builder b) {
    if (b.factory == null) throw new IllegalArgumentException("MultiAgentTrainer: an environment is required");
    if (b.policies.isEmpty()) throw new IllegalArgumentException("MultiAgentTrainer: no policies");
    if (b.mapping == null) throw new IllegalArgumentException("MultiAgentTrainer: a policyMappingFn is required");
    if (b.numEnvs <= 0 || b.episodesPerEnv <= 0 || b.iterations <= 0) {
      throw new IllegalArgumentException("MultiAgentTrainer: numEnvs " + b.numEnvs + ", episodesPerEnv " + b.episodesPerEnv + ", iterations "
          + b.iterations + ": all must be > 0");
    }
    for (String t : b.trained) {
      Policy p = b.policies.get(t);
      if (p == null) throw new IllegalArgumentException("MultiAgentTrainer: policy to train \"" + t + "\" is not among " + b.policies.keySet());
      if (!(p instanceof TemplatePolicy tp)) throw new IllegalArgumentException("MultiAgentTrainer: policy " + t + " (" + p + ") is no TemplatePolicy and cannot be trained");
      if (tp.isRecurrent()) throw new IllegalArgumentException("MultiAgentTrainer: policy " + t + " is recurrent; multi-agent training takes feed-forward models");
    }
    this.policies = new LinkedHashMap<>(b.policies);
    this.trained = new LinkedHashSet<>();
    for (String p : policies.keySet()) if (b.trained.contains(p)) trained.add(p);
    List<MultiAgentEnv> envs = new ArrayList<>();
    for (int i = 0; i < b.numEnvs; i++) envs.add(b.factory.get());
    this.collector = new MultiAgentCollector(envs, policies, b.mapping, trained);
    this.factory = b.factory;
    this.mapping = b.mapping;
    this.numEnvs = b.numEnvs;
    this.episodesPerEnv = b.episodesPerEnv;
    this.seed = b.seed;
    this.iterations = b.iterations;
    Rng root = new Rng(seed);
    actRng = root.split();
    shuffleRng = root.split();
    envRngs = new Rng[b.numEnvs];
    for (int i = 0; i < envRngs.length; i++) envRngs[i] = root.split();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A learned policy for {@code agentId} of {@code env}: the model {@code config} describes ({@link
   * Policies#build}, initialised from {@code rng}) trained by the template of {@code config.algo()}
   * (PPO by default), on the default kernels.
   */
  public static TemplatePolicy learnedPolicy(MultiAgentEnv env, String agentId, TrainConfig config, Rng rng) {
    return learnedPolicy(env, agentId, config, rng, Backends.kernels());
  }

  /** As {@link #learnedPolicy(MultiAgentEnv, String, TrainConfig, Rng)} on {@code kernels}. */
  public static TemplatePolicy learnedPolicy(MultiAgentEnv env, String agentId, TrainConfig config, Rng rng, Kernels kernels) {
    if (config.algo().offPolicy()) {
      throw new IllegalArgumentException("multi-agent: algo " + config.algo() + " is off-policy; a learned policy of a multi-agent run"
          + " is trained on its rollouts by an on-policy algorithm: one of " + MultiAgentSpec.ALGOS);
    }
    var model = Policies.build(config, env.observationSpace(agentId), env.actionSpace(agentId), rng, Policies.defaultRegistry());
    return Algorithms.of(config.algo()).build(model, config, kernels);
  }

  public Map<String, Policy> policies() { return java.util.Collections.unmodifiableMap(policies); }
  public Set<String> trained() { return java.util.Collections.unmodifiableSet(trained); }
  /** Iterations run so far. */
  public long iteration() { return iteration; }

  /**
   * {@code episodesPerEnv} episodes on each of fresh copies of the env, seeded from {@code seed},
   * with every learned policy taking its deterministic action and the others acting as they do:
   * each policy's statistics (mean return per agent-episode, mean reward per step). Changes no
   * training state.
   */
  public Map<String, MultiAgentCollector.PolicyStats> evaluate(int episodesPerEnv, long seed) {
    List<MultiAgentEnv> envs = new ArrayList<>();
    for (int i = 0; i < numEnvs; i++) envs.add(factory.get());
    Rng root = new Rng(seed);
    Rng[] rngs = new Rng[numEnvs];
    for (int i = 0; i < numEnvs; i++) rngs[i] = root.split();
    return new MultiAgentCollector(envs, policies, mapping, Set.of()).collect(episodesPerEnv, rngs, null, 0).stats();
  }

  /** One iteration: collect, then update every trained policy. */
  public IterationResult train() {
    MultiAgentCollector.Result r = collector.collect(episodesPerEnv, envRngs, actRng, nextEpisodeId);
    nextEpisodeId += r.episodes().size();
    Map<String, Map<String, Double>> learner = new LinkedHashMap<>();
    for (String p : trained) {
      SampleBatch b = r.batches().get(p);
      if (b.rows() == 0) continue;
      learner.put(p, update((TemplatePolicy) policies.get(p), b));
    }
    iteration++;
    return new IterationResult(iteration, r.stats(), learner, r.batches());
  }

  /** {@code n} iterations; the results in order. */
  public List<IterationResult> train(int n) {
    List<IterationResult> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(train());
    return out;
  }

  /** The single-agent learner's loop over a batch of any size (see the class comment). */
  private Map<String, Double> update(TemplatePolicy policy, SampleBatch batch) {
    TrainConfig c = policy.config();
    if (c.normAdvBatch() && batch.has(SampleBatch.ADVANTAGES)) vecrl.algo.Algorithms.standardize(batch, SampleBatch.ADVANTAGES);
    policy.beforeUpdate(iteration, iterations);
    int n = batch.rows();
    int parts = Math.min(c.minibatches(), n);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    SampleBatch last = null;
    for (int epoch = 0; epoch < c.epochs(); epoch++) {
      if (parts > 1 || c.epochs() > 1) shuffleRng.shuffle(order);
      SampleBatch shuffled = permute(batch, order);
      for (int m = 0; m < parts; m++) {
        last = shuffled.slice((int) ((long) m * n / parts), (int) ((long) (m + 1) * n / parts));
        policy.learn(last);
      }
      if (c.targetKl() > 0 && policy.lossStats().approxKl > c.targetKl()) break;
    }
    Map<String, Double> stats = policy.stats(last);
    policy.afterUpdate(stats);
    return stats;
  }

  /** The batch's rows in {@code order} (copies). */
  static SampleBatch permute(SampleBatch b, int[] order) {
    int n = order.length;
    SampleBatch out = new SampleBatch(n);
    for (var e : b.columns().entrySet()) {
      int w = e.getValue().width();
      if (e.getValue() instanceof SampleBatch.Floats f) {
        float[] d = new float[n * w];
        for (int i = 0; i < n; i++) System.arraycopy(f.data(), f.offset() + order[i] * w, d, i * w, w);
        out.put(e.getKey(), new SampleBatch.Floats(d, 0, n, w));
      } else {
        SampleBatch.Ints f = (SampleBatch.Ints) e.getValue();
        int[] d = new int[n * w];
        for (int i = 0; i < n; i++) System.arraycopy(f.data(), f.offset() + order[i] * w, d, i * w, w);
        out.put(e.getKey(), new SampleBatch.Ints(d, 0, n, w));
      }
    }
    return out;
  }

  /** Writes one policy file per trained policy, {@code dir/NAME.bin} ({@link PolicyIO}); returns the files by policy. */
  public Map<String, Path> savePolicies(Path dir) throws IOException {
    Map<String, Path> files = new LinkedHashMap<>();
    for (String p : trained) {
      Path f = dir.resolve(p + ".bin");
      PolicyIO.serialize(((TemplatePolicy) policies.get(p)).model(), f);
      files.put(p, f);
    }
    return files;
  }

  // ---- checkpoints ----

  /** The trainer's file in a checkpoint directory; the trained policies' are in {@code policies/NAME/}. */
  public static final String STATE_FILE = "trainer.bin";
  static final long MAGIC = 0x56454352_4c4d4143L; // "VECRLMAC"
  static final int VERSION = 1;
  private static final int CHECKSUM = 32;

  /**
   * Writes a checkpoint into {@code dir}: each trained policy's model and optimizer state ({@link
   * TemplatePolicy#exportCheckpoint} into {@code policies/NAME/}), then {@link #STATE_FILE}, written
   * last and atomically: magic {@code VECRLMAC}, format version 1, the seed, iterations run, next
   * episode id, the trained policies' names, the generators' states, and a SHA-256 trailer of every
   * preceding byte (all big-endian).
   */
  public void saveCheckpoint(Path dir) throws IOException {
    for (String p : trained) ((TemplatePolicy) policies.get(p)).exportCheckpoint(dir.resolve("policies").resolve(p));
    byte[] body = AtomicFiles.bytes(out -> {
      out.writeLong(MAGIC);
      out.writeInt(VERSION);
      out.writeLong(seed);
      out.writeLong(iteration);
      out.writeLong(nextEpisodeId);
      out.writeInt(trained.size());
      for (String p : trained) out.writeUTF(p);
      out.writeInt(2 + envRngs.length);
      for (Rng r : rngs()) {
        long[] s = r.state();
        out.writeLong(s[0]);
        out.writeLong(s[1]);
      }
    });
    byte[] all = Arrays.copyOf(body, body.length + CHECKSUM);
    System.arraycopy(sha256(body, body.length), 0, all, body.length, CHECKSUM);
    AtomicFiles.write(dir.resolve(STATE_FILE), all);
  }

  private List<Rng> rngs() {
    List<Rng> l = new ArrayList<>();
    l.add(actRng);
    l.add(shuffleRng);
    l.addAll(Arrays.asList(envRngs));
    return l;
  }

  /**
   * Restores a checkpoint written by {@link #saveCheckpoint} of a trainer built the same way (same
   * seed, policies, trained set and number of envs). The state file is checked before any field is
   * used (size, magic, version, SHA-256), then each field (seed, counters, names, generator states);
   * an error names the file and the field, and leaves this trainer unchanged unless a policy's own
   * files fail to load after the state file passed.
   */
  public void restoreCheckpoint(Path dir) throws IOException {
    Path f = dir.resolve(STATE_FILE);
    byte[] all = Files.readAllBytes(f);
    int header = 8 + 4;
    if (all.length < header + CHECKSUM) throw new IOException(f + ": " + all.length + " bytes, too short for a multi-agent checkpoint");
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - CHECKSUM));
    if (in.readLong() != MAGIC) throw new IOException(f + ": not a multi-agent checkpoint (magic)");
    int version = in.readInt();
    if (version != VERSION) throw new IOException(f + ": format version " + version + ", this build reads " + VERSION);
    byte[] sum = sha256(all, all.length - CHECKSUM);
    if (!Arrays.equals(sum, 0, CHECKSUM, all, all.length - CHECKSUM, all.length)) throw new IOException(f + ": checksum mismatch (the file is damaged)");
    try {
      long s = in.readLong();
      if (s != seed) throw new IOException(f + ": seed " + s + ", this trainer's is " + seed);
      long it = in.readLong(), eps = in.readLong();
      if (it < 0 || it > iterations) throw new IOException(f + ": iteration " + it + ", expected in [0, " + iterations + "]");
      if (eps < 0) throw new IOException(f + ": next episode id " + eps + ", expected >= 0");
      int nt = in.readInt();
      if (nt != trained.size()) throw new IOException(f + ": " + nt + " trained policies, this trainer trains " + trained);
      for (String p : trained) {
        String q = in.readUTF();
        if (!q.equals(p)) throw new IOException(f + ": trained policy " + vecrl.io.Text.quote(q) + ", expected " + p);
      }
      int nr = in.readInt();
      if (nr != 2 + envRngs.length) throw new IOException(f + ": " + nr + " generators, expected " + (2 + envRngs.length) + " (" + envRngs.length + " envs)");
      Rng[] r = new Rng[nr];
      for (int i = 0; i < nr; i++) {
        long[] st = {in.readLong(), in.readLong()};
        if ((st[1] & 1L) == 0) throw new IOException(f + ": generator " + i + " has an even increment");
        r[i] = Rng.restore(st);
      }
      if (in.available() != 0) throw new IOException(f + ": " + in.available() + " bytes after the last field");
      for (String p : trained) ((TemplatePolicy) policies.get(p)).importCheckpoint(dir.resolve("policies").resolve(p));
      actRng = r[0];
      shuffleRng = r[1];
      envRngs = Arrays.copyOfRange(r, 2, nr);
      iteration = it;
      nextEpisodeId = eps;
    } catch (java.io.EOFException e) {
      throw new IOException(f + ": truncated", e);
    }
  }

  private static byte[] sha256(byte[] b, int len) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(b, 0, len);
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sets up a {@link MultiAgentTrainer}. */
  public static final class Builder {
    private Supplier<? extends MultiAgentEnv> factory;
    private final Map<String, Policy> policies = new LinkedHashMap<>();
    private final Set<String> trained = new LinkedHashSet<>();
    private PolicyMappingFn mapping;
    private long seed = 1, iterations = 100;
    private int numEnvs = 4, episodesPerEnv = 4;

    private Builder() {}

    /** The environment: one per env from {@code factory}. */
    public Builder env(Supplier<? extends MultiAgentEnv> factory) { this.factory = factory; return this; }
    /** Adds policy {@code name}; policies act and train in the order added. */
    public Builder policy(String name, Policy policy) {
      if (policies.containsKey(name)) throw new IllegalArgumentException("MultiAgentTrainer: policy \"" + name + "\" added twice");
      policies.put(name, policy);
      return this;
    }
    public Builder policyMappingFn(PolicyMappingFn fn) { mapping = fn; return this; }
    /** The policies to train (RLlib's {@code policies_to_train}); the others stay frozen. */
    public Builder policiesToTrain(String... names) { trained.addAll(List.of(names)); return this; }
    public Builder seed(long s) { seed = s; return this; }
    public Builder numEnvs(int n) { numEnvs = n; return this; }
    /** Complete episodes per env per iteration. */
    public Builder episodesPerEnv(int n) { episodesPerEnv = n; return this; }
    /** The run's planned iterations (the learning-rate and entropy schedules run over them). */
    public Builder iterations(long n) { iterations = n; return this; }

    public MultiAgentTrainer build() {
      return new MultiAgentTrainer(this);
    }
  }
}
