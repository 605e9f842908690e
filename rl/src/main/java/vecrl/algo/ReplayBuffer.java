package vecrl.algo;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * The replay buffer of off-policy training: a ring of sample-batch columns, preallocated, that keeps
 * the last {@link #capacity()} transitions of a vector env. A vector step adds one row per env (row
 * {@code p} belongs to env {@code p % envs}); the capacity is {@code bufferSize} rounded down to a
 * multiple of the envs (at least one row per env), as Stable-Baselines3 keeps {@code buffer_size /
 * n_envs} steps of each env.
 *
 * <p>Each row holds RLlib's columns: {@link SampleBatch#OBS}, {@link SampleBatch#ACTIONS}, {@link
 * SampleBatch#REWARDS}, {@link SampleBatch#NEW_OBS} (the observation the step led to: on an episode's
 * last step the <i>final</i> observation, not the next episode's first), and {@link
 * SampleBatch#TERMINATEDS} and {@link SampleBatch#TRUNCATEDS} kept apart: a target bootstraps through
 * a truncation ({@code new_obs} is the final observation) and stops at a termination.
 *
 * <p><b>Storing each observation once</b> ({@code storeObsOnce}, the config's {@code optimizeMemory}):
 * the next observation of a row is then the observation of the same env's next row, and only where
 * a step was truncated (not terminated) is the final observation kept apart, in a small side store
 * that grows when needed. Where a step terminated the next row's observation (the next episode's
 * first) stands in for the final one: a target multiplies it by {@code 1 - terminated = 0}. So for
 * finite values a sampled batch trains to the same bits in either mode, with about half the memory.
 *
 * <p><b>Sampling</b> is uniform with replacement over the stored rows, from an explicit {@link Rng}
 * ({@code nextInt(size)} per row, in order), into a {@link SampleBatch} of preallocated columns that
 * the next {@link #sample} overwrites; {@link #sampledIndices()} are the rows drawn. Sampling
 * allocates nothing.
 *
 * <p>{@link #write} and {@link #read} put the whole content into a checkpoint, so a resumed run samples
 * the same batches.
 */
public final class ReplayBuffer {
  private final int capacity, envs, obsDim, actDim, batchSize;
  private final boolean storeObsOnce;
  private final float[] obs, nextObs, actions, rewards, terminateds, truncateds;
  /** Store-once mode: the newest step's next observations (one row per env). */
  private final float[] pendingNext;
  /** Store-once mode: for each row, its slot in {@link #finalObs} (-1: none); for each slot, its row (-1: free). */
  private final int[] finalSlot;
  private int[] slotRow;
  private float[] finalObs;
  private int slotCursor;
  private int pos, size;
  private long added;

  private final SampleBatch sample;
  private final float[] sObs, sNext, sAct, sRew, sTerm, sTrunc;
  private final int[] sIdx;
  private final Tensor sObsT, sNextT, sActT, sRewT, sTermT, sTruncT;

  /**
   * A buffer of {@code bufferSize} rows (rounded down to a multiple of {@code envs}) for {@code envs}
   * envs with observations of {@code obsDim} and action rows of {@code actDim} floats, sampling batches
   * of {@code batchSize} rows.
   */
  public ReplayBuffer(int bufferSize, int envs, int obsDim, int actDim, int batchSize, boolean storeObsOnce) {
    if (envs <= 0 || obsDim <= 0 || actDim <= 0 || batchSize <= 0 || bufferSize <= 0) {
      throw new IllegalArgumentException("ReplayBuffer: bufferSize " + bufferSize + ", envs " + envs + ", obsDim " + obsDim + ", actDim "
          + actDim + ", batchSize " + batchSize + ": each must be > 0");
    }
    this.envs = envs;
    this.capacity = Math.max(1, bufferSize / envs) * envs;
    if ((long) capacity * Math.max(obsDim, actDim) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("ReplayBuffer: " + capacity + " rows of " + Math.max(obsDim, actDim) + " floats do not fit one Java array;"
          + " lower bufferSize");
    }
    this.obsDim = obsDim;
    this.actDim = actDim;
    this.batchSize = batchSize;
    this.storeObsOnce = storeObsOnce;
    this.obs = new float[capacity * obsDim];
    this.nextObs = storeObsOnce ? null : new float[capacity * obsDim];
    this.actions = new float[capacity * actDim];
    this.rewards = new float[capacity];
    this.terminateds = new float[capacity];
    this.truncateds = new float[capacity];
    this.pendingNext = storeObsOnce ? new float[envs * obsDim] : null;
    this.finalSlot = storeObsOnce ? new int[capacity] : null;
    if (storeObsOnce) {
      Arrays.fill(finalSlot, -1);
      slotRow = new int[Math.max(4, 2 * envs)];
      Arrays.fill(slotRow, -1);
      finalObs = new float[slotRow.length * obsDim];
    }
    sObs = new float[batchSize * obsDim];
    sNext = new float[batchSize * obsDim];
    sAct = new float[batchSize * actDim];
    sRew = new float[batchSize];
    sTerm = new float[batchSize];
    sTrunc = new float[batchSize];
    sIdx = new int[batchSize];
    sample = new SampleBatch(batchSize);
    sample.put(SampleBatch.OBS, SampleBatch.Floats.of(sObs, obsDim));
    sample.put(SampleBatch.ACTIONS, SampleBatch.Floats.of(sAct, actDim));
    sample.put(SampleBatch.REWARDS, SampleBatch.Floats.of(sRew, 1));
    sample.put(SampleBatch.NEW_OBS, SampleBatch.Floats.of(sNext, obsDim));
    sample.put(SampleBatch.TERMINATEDS, SampleBatch.Floats.of(sTerm, 1));
    sample.put(SampleBatch.TRUNCATEDS, SampleBatch.Floats.of(sTrunc, 1));
    sObsT = Tensor.wrap(sObs, new int[] {batchSize, obsDim});
    sNextT = Tensor.wrap(sNext, new int[] {batchSize, obsDim});
    sActT = Tensor.wrap(sAct, new int[] {batchSize, actDim});
    sRewT = Tensor.wrap(sRew, new int[] {batchSize});
    sTermT = Tensor.wrap(sTerm, new int[] {batchSize});
    sTruncT = Tensor.wrap(sTrunc, new int[] {batchSize});
  }

  /** Rows the buffer holds at most. */
  public int capacity() { return capacity; }
  /** Rows stored now. */
  public int size() { return size; }
  public int envs() { return envs; }
  public int obsDim() { return obsDim; }
  public int actDim() { return actDim; }
  public int batchSize() { return batchSize; }
  public boolean storesObsOnce() { return storeObsOnce; }
  /** Transitions added since the buffer was made (or as restored). */
  public long added() { return added; }

  /**
   * Adds one vector step: {@code obs} [envs * obsDim] the observations acted on, {@code actions}
   * [envs * actDim], {@code rewards} [envs], {@code next} [envs * obsDim] the observations the step led
   * to (the final observation where an episode ended), and the termination and truncation flags. A
   * step both terminated and truncated counts as terminated. Overwrites the oldest rows when full.
   */
  public void add(float[] obs, float[] actions, float[] rewards, float[] next, boolean[] terminated, boolean[] truncated) {
    for (int i = 0; i < envs; i++) {
      int p = pos + i;
      System.arraycopy(obs, i * obsDim, this.obs, p * obsDim, obsDim);
      System.arraycopy(actions, i * actDim, this.actions, p * actDim, actDim);
      this.rewards[p] = rewards[i];
      boolean term = terminated[i], trunc = truncated[i] && !term;
      terminateds[p] = term ? 1f : 0f;
      truncateds[p] = trunc ? 1f : 0f;
      if (storeObsOnce) {
        if (finalSlot[p] >= 0) freeSlot(p);
        if (trunc) System.arraycopy(next, i * obsDim, finalObs, takeSlot(p) * obsDim, obsDim);
      } else {
        System.arraycopy(next, i * obsDim, nextObs, p * obsDim, obsDim);
      }
    }
    if (storeObsOnce) System.arraycopy(next, 0, pendingNext, 0, envs * obsDim);
    pos = (pos + envs) % capacity;
    size = Math.min(capacity, size + envs);
    added += envs;
  }

  private void freeSlot(int row) {
    slotRow[finalSlot[row]] = -1;
    finalSlot[row] = -1;
  }

  private int takeSlot(int row) {
    int n = slotRow.length;
    for (int k = 0; k < n; k++) {
      int s = (slotCursor + k) % n;
      if (slotRow[s] < 0) return bind(s, row);
    }
    // every slot holds a live truncation: double the store (rare; at most one slot per row)
    slotRow = Arrays.copyOf(slotRow, 2 * n);
    Arrays.fill(slotRow, n, 2 * n, -1);
    finalObs = Arrays.copyOf(finalObs, 2 * n * obsDim);
    return bind(n, row);
  }

  private int bind(int slot, int row) {
    slotRow[slot] = row;
    finalSlot[row] = slot;
    slotCursor = (slot + 1) % slotRow.length;
    return slot;
  }

  /** Copies row {@code p}'s next observation into {@code dst} at {@code at}. */
  private void nextObservation(int p, float[] dst, int at) {
    if (!storeObsOnce) {
      System.arraycopy(nextObs, p * obsDim, dst, at, obsDim);
    } else if (finalSlot[p] >= 0) {
      System.arraycopy(finalObs, finalSlot[p] * obsDim, dst, at, obsDim);
    } else {
      int newestStart = (pos - envs + capacity) % capacity;
      if (p - p % envs == newestStart) System.arraycopy(pendingNext, (p % envs) * obsDim, dst, at, obsDim);
      else System.arraycopy(obs, ((p + envs) % capacity) * obsDim, dst, at, obsDim);
    }
  }

  /**
   * Draws {@link #batchSize()} rows uniformly with replacement ({@code rng.nextInt(size())} each, in
   * order) and gathers them into the sample batch, which it returns (the same object every call,
   * overwritten by the next).
   *
   * @throws IllegalStateException when the buffer is empty
   */
  public SampleBatch sample(Rng rng) {
    if (size == 0) throw new IllegalStateException("ReplayBuffer.sample: the buffer is empty; add transitions first (learningStarts)");
    for (int b = 0; b < batchSize; b++) sIdx[b] = rng.nextInt(size);
    gather();
    return sample;
  }

  /** Gathers the rows {@code rows} (each in [0, size())) into the sample batch, for tests and tools. */
  public SampleBatch gather(int[] rows) {
    if (rows.length != batchSize) throw new IllegalArgumentException("ReplayBuffer.gather: " + rows.length + " rows, the batch has " + batchSize);
    for (int b = 0; b < batchSize; b++) {
      if (rows[b] < 0 || rows[b] >= size) throw new IllegalArgumentException("ReplayBuffer.gather: row " + rows[b] + " of " + size + " stored");
      sIdx[b] = rows[b];
    }
    gather();
    return sample;
  }

  private void gather() {
    for (int b = 0; b < batchSize; b++) {
      int p = sIdx[b];
      System.arraycopy(obs, p * obsDim, sObs, b * obsDim, obsDim);
      nextObservation(p, sNext, b * obsDim);
      System.arraycopy(actions, p * actDim, sAct, b * actDim, actDim);
      sRew[b] = rewards[p];
      sTerm[b] = terminateds[p];
      sTrunc[b] = truncateds[p];
    }
  }

  /** The rows of the last sample. */
  public int[] sampledIndices() { return sIdx; }
  /** The last sample as a batch (columns obs, actions, rewards, new_obs, terminateds, truncateds). */
  public SampleBatch sampleBatch() { return sample; }
  /** The last sample's observations, [batch, obsDim] (a view). */
  public Tensor sampledObs() { return sObsT; }
  /** The last sample's next observations, [batch, obsDim]. */
  public Tensor sampledNextObs() { return sNextT; }
  /** The last sample's actions, [batch, actDim]. */
  public Tensor sampledActions() { return sActT; }
  /** The last sample's rewards, [batch]. */
  public Tensor sampledRewards() { return sRewT; }
  /** The last sample's termination flags (0/1), [batch]. */
  public Tensor sampledTerminateds() { return sTermT; }
  /** The last sample's truncation flags (0/1), [batch]. */
  public Tensor sampledTruncateds() { return sTruncT; }

  /**
   * Tensor views of a sampled batch's column: {@code batch}'s own tensor when it is this buffer's
   * sample (no allocation), otherwise a new wrap of the column. For algorithms that read a batch
   * from this buffer or from elsewhere (tests, tools).
   */
  public static Tensor column(SampleBatch batch, String name) {
    SampleBatch.Floats f = batch.floats(name);
    return Tensor.wrap(f.data(), f.offset(), f.width() == 1 ? new int[] {f.rows()} : new int[] {f.rows(), f.width()});
  }

  // ---- checkpoints ----

  /** Writes the layout, the ring position, the stored rows and (store-once) the newest next observations and truncated final observations. */
  public void write(DataOutputStream out) throws IOException {
    out.writeInt(capacity);
    out.writeInt(envs);
    out.writeInt(obsDim);
    out.writeInt(actDim);
    out.writeBoolean(storeObsOnce);
    out.writeInt(pos);
    out.writeInt(size);
    out.writeLong(added);
    StateIO.writeFloats(out, obs, size * obsDim);
    StateIO.writeFloats(out, actions, size * actDim);
    StateIO.writeFloats(out, rewards, size);
    StateIO.writeFloats(out, terminateds, size);
    StateIO.writeFloats(out, truncateds, size);
    if (!storeObsOnce) {
      StateIO.writeFloats(out, nextObs, size * obsDim);
    } else {
      StateIO.writeFloats(out, pendingNext);
      int truncs = 0;
      for (int p = 0; p < size; p++) if (finalSlot[p] >= 0) truncs++;
      out.writeInt(truncs);
      for (int p = 0; p < size; p++) {
        if (finalSlot[p] < 0) continue;
        out.writeInt(p);
        for (int k = 0; k < obsDim; k++) out.writeFloat(finalObs[finalSlot[p] * obsDim + k]);
      }
    }
  }

  /**
   * Reads and checks a state written by {@link #write} (the same layout, a position and size the ring
   * allows, finite values, flags of 0 or 1); the returned action puts it in place. {@code expectedAdded}
   * is the transitions the run has collected, which the buffer must have counted.
   */
  public Runnable read(DataInputStream in, long expectedAdded) throws IOException {
    int cap = in.readInt(), e = in.readInt(), od = in.readInt(), ad = in.readInt();
    if (cap != capacity || e != envs || od != obsDim || ad != actDim) {
      throw new IOException("replay buffer: capacity " + cap + ", envs " + e + ", obsDim " + od + ", actDim " + ad + "; this run's buffer has "
          + capacity + ", " + envs + ", " + obsDim + ", " + actDim);
    }
    int once = in.readUnsignedByte();
    if (once > 1 || (once == 1) != storeObsOnce) throw new IOException("replay buffer: store-once flag " + once + ", the config's optimizeMemory is " + storeObsOnce);
    int p0 = in.readInt(), s0 = in.readInt();
    long add = in.readLong();
    if (add != expectedAdded) throw new IOException("replay buffer: " + add + " transitions added, expected " + expectedAdded + " (the run's env steps)");
    boolean ringOk = s0 >= 0 && s0 <= capacity && s0 <= add && s0 % envs == 0 && p0 >= 0 && p0 < capacity && p0 % envs == 0
        && (s0 == capacity || p0 == s0);
    if (!ringOk) {
      throw new IOException("replay buffer: position " + p0 + " and size " + s0 + " are not a ring state of " + capacity + " rows filled "
          + envs + " at a time after " + add + " transitions");
    }
    float[] o = StateIO.readFloats(in, s0 * obsDim, "replay observations");
    float[] a = StateIO.readFloats(in, s0 * actDim, "replay actions");
    float[] r = StateIO.readFloats(in, s0, "replay rewards");
    float[] te = StateIO.readFloats(in, s0, "replay terminateds");
    float[] tr = StateIO.readFloats(in, s0, "replay truncateds");
    for (int p = 0; p < s0; p++) {
      if ((te[p] != 0 && te[p] != 1) || (tr[p] != 0 && tr[p] != 1) || te[p] + tr[p] > 1) {
        throw new IOException("replay row " + p + ": terminated " + te[p] + ", truncated " + tr[p] + ", expected 0 or 1 and not both");
      }
    }
    float[] nx = null, pend = null;
    int[] truncRows = null;
    float[] truncObs = null;
    if (!storeObsOnce) {
      nx = StateIO.readFloats(in, s0 * obsDim, "replay next observations");
    } else {
      pend = StateIO.readFloats(in, envs * obsDim, "replay newest next observations");
      int c = StateIO.readCount(in, 4 + 4 * obsDim, "replay truncated final observations");
      truncRows = new int[c];
      truncObs = new float[c * obsDim];
      for (int k = 0; k < c; k++) {
        truncRows[k] = in.readInt();
        if (truncRows[k] < 0 || truncRows[k] >= s0 || tr[truncRows[k]] != 1 || (k > 0 && truncRows[k] <= truncRows[k - 1])) {
          throw new IOException("replay truncated final observation " + k + ": row " + truncRows[k] + " is not a truncated row in order");
        }
        for (int j = 0; j < obsDim; j++) {
          float v = in.readFloat();
          if (!Float.isFinite(v)) throw new IOException("replay truncated final observation of row " + truncRows[k] + ": " + v + ", expected finite");
          truncObs[k * obsDim + j] = v;
        }
      }
      int truncated = 0;
      for (int p = 0; p < s0; p++) if (tr[p] == 1) truncated++;
      if (truncated != c) throw new IOException("replay buffer: " + truncated + " truncated rows but " + c + " final observations");
    }
    float[] fnx = nx, fpend = pend, ftruncObs = truncObs;
    int[] ftruncRows = truncRows;
    return () -> {
      System.arraycopy(o, 0, obs, 0, o.length);
      System.arraycopy(a, 0, actions, 0, a.length);
      System.arraycopy(r, 0, rewards, 0, s0);
      System.arraycopy(te, 0, terminateds, 0, s0);
      System.arraycopy(tr, 0, truncateds, 0, s0);
      if (fnx != null) System.arraycopy(fnx, 0, nextObs, 0, fnx.length);
      if (storeObsOnce) {
        System.arraycopy(fpend, 0, pendingNext, 0, fpend.length);
        Arrays.fill(finalSlot, -1);
        slotRow = new int[Math.max(Math.max(4, 2 * envs), ftruncRows.length)];
        Arrays.fill(slotRow, -1);
        finalObs = new float[slotRow.length * obsDim];
        slotCursor = 0;
        for (int k = 0; k < ftruncRows.length; k++) {
          bind(k, ftruncRows[k]);
          System.arraycopy(ftruncObs, k * obsDim, finalObs, k * obsDim, obsDim);
        }
      }
      pos = p0;
      size = s0;
      added = add;
    };
  }

  /** Empties the buffer and counts {@code added} transitions as seen (a resume without the buffer in the checkpoint). */
  public void clear(long added) {
    pos = 0;
    size = 0;
    this.added = added;
    if (storeObsOnce) {
      Arrays.fill(finalSlot, -1);
      Arrays.fill(slotRow, -1);
    }
  }
}
