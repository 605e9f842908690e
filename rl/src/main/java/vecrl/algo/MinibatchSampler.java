package vecrl.algo;

import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Cuts a {@link RolloutBuffer} into shuffled minibatches, the one minibatch path for every policy:
 * a feed-forward policy is the case of sequences of length 1 with no memory.
 *
 * <p>The rollout of {@code steps x envs} is cut, per environment, into sequences of {@code seqLen}
 * consecutive steps ({@code seqLen} divides {@code steps}); sequence {@code j} is chunk {@code j /
 * envs} of env {@code j % envs}, i.e. steps {@code [c·seqLen, (c+1)·seqLen)}. With {@code seqLen = 1}
 * sequence {@code j} is sample {@code j} of the buffer. Each epoch shuffles the sequences as units
 * ({@link #shuffle}) and {@link #gather} copies the next {@link #perMinibatch()} of them, rows
 * sequence-major, into reused tensors.
 *
 * <p>For a recurrent policy the sampler also keeps the memory each environment had at the start of
 * each sequence ({@link #putStartMemory}, during the rollout). Episode boundaries inside a sequence
 * are not cut out: the gathered {@link #keep()} mask is 0 at every step that starts an episode, and
 * the policy zeroes its memory there (no gradient crosses it), which is exactly splitting the
 * sequence at the boundary. Every sequence has the same length, so a minibatch holds no padding.
 */
public final class MinibatchSampler {
  private final int steps, envs, seqLen, memorySize, perMinibatch, obsDim, actDim, maskWidth;
  private final float[] startMemory;
  private final Tensor memory, keep, obs, actions, masks;
  private final Minibatch batch;
  private final SampleBatch trainBatch;
  private final float[] seqLens;
  private final java.util.LinkedHashMap<String, SampleBatch.Floats> extras = new java.util.LinkedHashMap<>();
  private final java.util.List<String> extraNames = new java.util.ArrayList<>();
  private final java.util.List<SampleBatch.Floats> extraSrc = new java.util.ArrayList<>(), extraDst = new java.util.ArrayList<>();
  private SampleBatch extrasOf;
  private int extrasSeen;
  private final int[] order;

  /**
   * @param seqLen steps per sequence (1 for a feed-forward policy)
   * @param memorySize floats of memory per environment (0 for a feed-forward policy)
   * @param perMinibatch sequences per minibatch
   * @param maskWidth columns of the buffer's action-mask rows (0: none)
   */
  public MinibatchSampler(int steps, int envs, int seqLen, int memorySize, int perMinibatch, int obsDim, int actDim, int maskWidth) {
    if (seqLen <= 0 || steps % seqLen != 0) {
      throw new IllegalArgumentException("MinibatchSampler: sequence length " + seqLen + " must be > 0 and divide the rollout length " + steps);
    }
    int sequences = envs * (steps / seqLen);
    if (perMinibatch <= 0 || sequences % perMinibatch != 0) {
      throw new IllegalArgumentException("MinibatchSampler: " + perMinibatch + " sequences per minibatch must divide the " + sequences
          + " sequences of a rollout (" + envs + " envs x " + steps / seqLen + " sequences of " + seqLen + " steps)");
    }
    if (memorySize < 0) throw new IllegalArgumentException("MinibatchSampler: memory size " + memorySize + ", expected >= 0");
    this.steps = steps;
    this.envs = envs;
    this.seqLen = seqLen;
    this.memorySize = memorySize;
    this.perMinibatch = perMinibatch;
    this.obsDim = obsDim;
    this.actDim = actDim;
    this.maskWidth = maskWidth;
    int rows = perMinibatch * seqLen;
    this.startMemory = new float[sequences * memorySize];
    this.memory = Tensor.zeros(perMinibatch, memorySize);
    this.keep = Tensor.zeros(rows);
    this.obs = Tensor.zeros(rows, obsDim);
    this.actions = Tensor.zeros(rows, actDim);
    this.masks = maskWidth > 0 ? Tensor.zeros(rows, maskWidth) : null;
    this.batch = new Minibatch(rows);
    batch.setSize(rows);
    this.order = new int[sequences];
    this.seqLens = new float[perMinibatch];
    java.util.Arrays.fill(seqLens, seqLen);
    this.trainBatch = new SampleBatch(rows);
    trainBatch.put(SampleBatch.OBS, SampleBatch.Floats.of(obs.data(), obsDim));
    trainBatch.put(SampleBatch.ACTIONS, SampleBatch.Floats.of(actions.data(), actDim));
    trainBatch.put(SampleBatch.ADVANTAGES, SampleBatch.Floats.of(batch.advantages, 1));
    trainBatch.put(SampleBatch.VALUE_TARGETS, SampleBatch.Floats.of(batch.returns, 1));
    trainBatch.put(SampleBatch.VF_PREDS, SampleBatch.Floats.of(batch.oldValues, 1));
    trainBatch.put(SampleBatch.ACTION_LOGP, SampleBatch.Floats.of(batch.oldLogProbs, 1));
    trainBatch.putSide(SampleBatch.SEQ_LENS, seqLens);
    if (memorySize > 0) trainBatch.putSide(SampleBatch.stateIn(0), memory.data());
    trainBatch.putSide(KEEP, keep.data());
  }

  /** The side array of a training batch's step-major keep mask ({@link #keep()}). */
  public static final String KEEP = "seq_keep";

  /**
   * The last gathered minibatch as a sample batch over the same arrays (no copy): {@link
   * SampleBatch#OBS}, {@link SampleBatch#ACTIONS}, {@link SampleBatch#ACTION_MASK} (when gathered with
   * masks), {@link SampleBatch#ADVANTAGES}, {@link SampleBatch#VALUE_TARGETS}, {@link
   * SampleBatch#VF_PREDS}, {@link SampleBatch#ACTION_LOGP}, the rollout's {@link SampleBatch#REWARDS},
   * {@link SampleBatch#TERMINATEDS} and {@link SampleBatch#TRUNCATEDS} (a loss such as RLlib's one-line
   * {@code -mean(logp * rewards)} reads them), every extra column of the rollout, and the
   * side arrays {@link SampleBatch#SEQ_LENS}, {@code state_in_0} (the start memories, recurrent
   * policies) and {@link #KEEP}. The same object every minibatch.
   */
  public SampleBatch trainBatch() {
    return trainBatch;
  }

  /** The rollout columns gathered by {@link #gather} itself; every other float column (rewards and flags included) is copied as an extra. */
  private static final java.util.Set<String> FIXED = java.util.Set.of(SampleBatch.OBS, SampleBatch.ACTIONS, SampleBatch.ACTION_LOGP,
      SampleBatch.VF_PREDS, SampleBatch.EPS_START, SampleBatch.ACTION_MASK, SampleBatch.ADVANTAGES, SampleBatch.VALUE_TARGETS,
      SampleBatch.EPS_ID, SampleBatch.T);

  public int seqLen() { return seqLen; }
  /** Sequences in one rollout. */
  public int sequences() { return order.length; }
  /** Sequences per minibatch. */
  public int perMinibatch() { return perMinibatch; }
  /** Minibatches per epoch. */
  public int minibatches() { return order.length / perMinibatch; }
  /** The stored start memories, [sequences · memorySize] (checkpoints need none: they are rewritten every rollout). */
  public float[] startMemory() { return startMemory; }

  /** Whether rollout step {@code t} starts a sequence (a recurrent policy's memory must be stored). */
  public boolean startsSequence(int t) {
    return t % seqLen == 0;
  }

  /** Stores the memory rows [envs, memorySize] the policy had before rollout step {@code t} (a sequence start). */
  public void putStartMemory(int t, Tensor rows) {
    if (!startsSequence(t)) throw new IllegalArgumentException("MinibatchSampler: step " + t + " starts no sequence of " + seqLen);
    if (rows.size() != envs * memorySize) {
      throw new IllegalArgumentException("MinibatchSampler: memory " + rows.shapeString() + ", expected [" + envs + ", " + memorySize + "]");
    }
    System.arraycopy(rows.data(), rows.offset(), startMemory, (t / seqLen) * envs * memorySize, envs * memorySize);
  }

  /**
   * Puts the sequences back in buffer order (so that the order of an update depends on the
   * generator alone, which makes resumed runs exact); call once per update, before the first
   * {@link #shuffle}.
   */
  public void resetOrder() {
    for (int i = 0; i < order.length; i++) order[i] = i;
  }

  /** Shuffles the sequence order with {@code rng} (once per epoch). */
  public void shuffle(Rng rng) {
    rng.shuffle(order);
  }

  /**
   * Gathers minibatch {@code m} of the current order from {@code buf}: sequence-major rows of
   * observations into {@link #observations()}, actions into {@link #actions()}, action masks into
   * {@link #masks()} when {@code withMasks}, advantages, returns, old values and log-probs into {@link
   * #batch()}; start memories into {@link #memory()} and the step-major keep mask into {@link #keep()}.
   */
  public void gather(RolloutBuffer buf, int m, boolean withMasks) {
    if (buf.obsDim() != obsDim || buf.actDim() != actDim || buf.maskWidth() != maskWidth) {
      throw new IllegalArgumentException("MinibatchSampler.gather: " + buf + " does not match this sampler (obs " + obsDim + ", act "
          + actDim + ", mask " + maskWidth + ")");
    }
    int from = m * perMinibatch;
    // data() per minibatch, not once per update: with a device backend that keeps data resident,
    // each call tells it the host is about to write (see Tensor's class comment).
    float[] od = obs.data(), ad = actions.data(), md = memory.data(), kd = keep.data();
    float[] xd = withMasks && masks != null ? masks.data() : null;
    int mw = maskWidth;
    // the postprocessed values from the rollout batch's columns, which a postprocessFn may have replaced
    SampleBatch rollout = buf.batch();
    SampleBatch.Floats advCol = scalarColumn(rollout, SampleBatch.ADVANTAGES), retCol = scalarColumn(rollout, SampleBatch.VALUE_TARGETS);
    SampleBatch.Floats valCol = scalarColumn(rollout, SampleBatch.VF_PREDS), logpCol = scalarColumn(rollout, SampleBatch.ACTION_LOGP);
    float[] adv = advCol.data(), ret = retCol.data(), val = valCol.data(), logp = logpCol.data();
    int advOff = advCol.offset(), retOff = retCol.offset(), valOff = valCol.offset(), logpOff = logpCol.offset();
    for (int q = 0; q < perMinibatch; q++) {
      int j = order[from + q];
      int e = j % envs, s = (j / envs) * seqLen;
      if (memorySize > 0) System.arraycopy(startMemory, j * memorySize, md, q * memorySize, memorySize);
      for (int t = 0; t < seqLen; t++) {
        int k = (s + t) * envs + e, row = q * seqLen + t;
        copyRow(buf.obs, k * obsDim, od, row * obsDim, obsDim);
        copyRow(buf.actions, k * actDim, ad, row * actDim, actDim);
        if (xd != null) System.arraycopy(buf.masks, k * mw, xd, masks.offset() + row * mw, mw);
        batch.advantages[row] = adv[advOff + k];
        batch.returns[row] = ret[retOff + k];
        batch.oldValues[row] = val[valOff + k];
        batch.oldLogProbs[row] = logp[logpOff + k];
        kd[t * perMinibatch + q] = buf.dones[k] != 0f ? 0f : 1f;
      }
    }
    if (xd != null) trainBatch.put(SampleBatch.ACTION_MASK, SampleBatch.Floats.of(xd, mw));
    else trainBatch.remove(SampleBatch.ACTION_MASK);
    gatherExtras(rollout, from);
  }

  /** Width-1 float column {@code name} of the rollout (an error naming it otherwise). */
  private static SampleBatch.Floats scalarColumn(SampleBatch rollout, String name) {
    SampleBatch.Floats f = rollout.floats(name);
    if (f.width() != 1) throw new IllegalArgumentException("MinibatchSampler: rollout column " + name + " has width " + f.width() + ", expected 1");
    return f;
  }

  /** The rollout's extra columns (those a policy recorded while acting) for the same rows. */
  /** System.arraycopy, with a plain loop for the short rows of classic-control envs (cheaper than the call there). */
  private static void copyRow(float[] src, int so, float[] dst, int d, int n) {
    if (n > 8) {
      System.arraycopy(src, so, dst, d, n);
      return;
    }
    for (int i = 0; i < n; i++) dst[d + i] = src[so + i];
  }

  private void gatherExtras(SampleBatch rollout, int from) {
    if (rollout != extrasOf || rollout.columns().size() != extrasSeen || extrasReplaced(rollout)) findExtras(rollout);
    for (int c = 0; c < extraSrc.size(); c++) {
      SampleBatch.Floats src = extraSrc.get(c), dst = extraDst.get(c);
      int w = src.width();
      float[] sd = src.data(), dd = dst.data();
      int so = src.offset();
      for (int q = 0; q < perMinibatch; q++) {
        int j = order[from + q];
        int env = j % envs, s = (j / envs) * seqLen;
        for (int t = 0; t < seqLen; t++) {
          int k = (s + t) * envs + env, row = q * seqLen + t;
          if (w == 1) dd[row] = sd[so + k];
          else System.arraycopy(sd, so + k * w, dd, row * w, w);
        }
      }
    }
  }

  /** Whether a column found by {@link #findExtras} is no longer the rollout's column of its name (a postprocessFn put a new one). */
  private boolean extrasReplaced(SampleBatch rollout) {
    var cols = rollout.columns();
    for (int c = 0; c < extraNames.size(); c++) if (cols.get(extraNames.get(c)) != extraSrc.get(c)) return true;
    return false;
  }

  /** Finds the rollout's float columns beyond the fixed ones (once per rollout batch and column set). */
  private void findExtras(SampleBatch rollout) {
    extraNames.clear();
    extraSrc.clear();
    extraDst.clear();
    for (var e : rollout.columns().entrySet()) {
      if (FIXED.contains(e.getKey()) || !(e.getValue() instanceof SampleBatch.Floats src)) continue;
      SampleBatch.Floats dst = extras.get(e.getKey());
      if (dst == null || dst.width() != src.width()) {
        dst = trainBatch.addFloats(e.getKey(), src.width());
        extras.put(e.getKey(), dst);
      }
      extraNames.add(e.getKey());
      extraSrc.add(src);
      extraDst.add(dst);
    }
    extrasOf = rollout;
    extrasSeen = rollout.columns().size();
  }

  /** The last gathered observations, [perMinibatch·seqLen, obsDim]. */
  public Tensor observations() { return obs; }
  /** The last gathered actions, [perMinibatch·seqLen, actDim]. */
  public Tensor actions() { return actions; }
  /** The last gathered action masks, [perMinibatch·seqLen, maskWidth], or null when the buffer keeps none. */
  public Tensor masks() { return masks; }
  /** The last gathered advantages, returns, old values and log-probs. */
  public Minibatch batch() { return batch; }
  /** The start memories of the last gathered minibatch, [perMinibatch, memorySize]. */
  public Tensor memory() { return memory; }
  /** The keep mask of the last gathered minibatch, [seqLen · perMinibatch], step-major: 0 where an episode starts. */
  public Tensor keep() { return keep; }
}
