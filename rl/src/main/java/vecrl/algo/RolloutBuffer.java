package vecrl.algo;

import vecrl.tensor.Tensor;

/**
 * Writes one rollout of {@code steps x envs} transitions into a {@link SampleBatch} ({@link #batch()}),
 * the rollout's storage: its columns are this object's flat, reused arrays, laid out {@code
 * [step][env]} row-major (so sample {@code k = t * envs + i}): {@link SampleBatch#OBS} ({@link #obs}),
 * {@link SampleBatch#ACTIONS}, {@link SampleBatch#ACTION_LOGP}, {@link SampleBatch#REWARDS}, {@link
 * SampleBatch#EPS_START} ({@link #dones}), {@link SampleBatch#TERMINATEDS}, {@link
 * SampleBatch#TRUNCATEDS}, {@link SampleBatch#VF_PREDS} ({@link #values}), {@link
 * SampleBatch#ACTION_MASK} when masks are kept, and the {@link SampleBatch#ADVANTAGES} and {@link
 * SampleBatch#VALUE_TARGETS} ({@link #returns}) that postprocessing fills in. Each env's bootstrap (the
 * value and episode-start flag of the observation after the last step) are the side arrays {@link
 * #NEXT_VF_PREDS} and {@link #NEXT_EPS_START}. Extra per-step columns a policy records while acting
 * are added by name ({@link #extra}).
 *
 * <p>Conventions follow CleanRL: {@code dones[k]} flags that {@code obs[k]} starts a new episode.
 * Termination and truncation are stored apart: a step that truncates can have the value of its final
 * observation added (times gamma) to its reward, so GAE bootstraps through the time limit while still
 * resetting at the episode boundary ({@link #addTruncationBootstrap}).
 *
 * <p>Action masks: a buffer made with a mask width keeps one mask row per sample ({@link #masks},
 * {@code [steps*envs, maskWidth]}, the layout of {@link vecrl.policy.ActionMasks}). A step stored
 * without masks gets the all-allowed row; {@link #hasMasks()} says whether any step of the
 * current rollout had masks, so that an unmasked rollout trains exactly as without this feature.
 */
public final class RolloutBuffer {
  /** The side array of each env's value of the observation after the last step. */
  public static final String NEXT_VF_PREDS = "next_vf_preds";
  /** The side array of each env's episode-start flag of the observation after the last step. */
  public static final String NEXT_EPS_START = "next_eps_start";

  private final SampleBatch batch;
  private final int steps;
  private final int envs;
  private final int obsDim;
  private final int actDim;
  private final int maskWidth;
  /** [steps*envs, obsDim]. */
  public final float[] obs;
  /** [steps*envs, actDim]; discrete actions are stored as their index. */
  public final float[] actions;
  public final float[] logProbs;
  public final float[] rewards;
  /** 1 where obs[k] is the first observation after an episode end. */
  public final float[] dones;
  public final float[] values;
  public final float[] advantages;
  public final float[] returns;
  public final float[] nextValues;
  public final float[] nextDones;
  /** The episode of each row ({@link SampleBatch#EPS_ID}; ids count episodes from 0, the low 32 bits). */
  public final int[] epsIds;
  /** The row's step within its episode ({@link SampleBatch#T}). */
  public final int[] ts;
  /** The previous step's action row of the same episode, 0 at its start ({@link SampleBatch#PREV_ACTIONS}). */
  public final float[] prevActions;
  /** The previous step's reward of the same episode, 0 at its start ({@link SampleBatch#PREV_REWARDS}). */
  public final float[] prevRewards;
  /** 1 where the step ended its episode by termination. */
  public final float[] terminateds;
  /** 1 where the step ended its episode by truncation and not termination. */
  public final float[] truncateds;
  /** [steps*envs, maskWidth]: the action mask each action was sampled under (empty when the width is 0). */
  public final float[] masks;
  private final float[] allowedRow;
  private final boolean[] maskedSteps;
  private final Tensor obsTensor;
  private final Tensor actionsTensor;

  /** A buffer without mask rows. */
  public RolloutBuffer(int steps, int envs, int obsDim, int actDim) {
    this(steps, envs, obsDim, actDim, new float[0]);
  }

  /**
   * A buffer with mask rows as wide as {@code allowedRow}, the row that allows every action (see
   * {@link vecrl.policy.ActionMasks#write} with a null mask), which steps stored without masks get.
   */
  public RolloutBuffer(int steps, int envs, int obsDim, int actDim, float[] allowedRow) {
    if (steps <= 0 || envs <= 0 || obsDim <= 0 || actDim <= 0) {
      throw new IllegalArgumentException("RolloutBuffer: steps " + steps + ", envs " + envs + ", obsDim " + obsDim + ", actDim " + actDim + ": all must be > 0");
    }
    this.steps = steps;
    this.envs = envs;
    this.obsDim = obsDim;
    this.actDim = actDim;
    this.maskWidth = allowedRow.length;
    this.allowedRow = allowedRow.clone();
    this.maskedSteps = new boolean[steps];
    int n = steps * envs;
    obs = new float[n * obsDim];
    actions = new float[n * actDim];
    logProbs = new float[n];
    rewards = new float[n];
    dones = new float[n];
    values = new float[n];
    advantages = new float[n];
    returns = new float[n];
    nextValues = new float[envs];
    nextDones = new float[envs];
    masks = new float[n * maskWidth];
    terminateds = new float[n];
    truncateds = new float[n];
    epsIds = new int[n];
    ts = new int[n];
    prevActions = new float[n * actDim];
    prevRewards = new float[n];
    obsTensor = Tensor.wrap(obs, new int[] {n, obsDim});
    actionsTensor = Tensor.wrap(actions, new int[] {n, actDim});
    batch = SampleBatch.rollout(steps, envs);
    putOwnColumns();
    batch.putSide(NEXT_VF_PREDS, nextValues);
    batch.putSide(NEXT_EPS_START, nextDones);
  }

  /**
   * Puts back this buffer's own arrays as the batch's columns and side arrays, replacing any that a
   * postprocessing function put in their place (the next rollout is written into these arrays).
   * Extra columns stay.
   */
  public void restoreColumns() {
    putOwnColumns();
    batch.putSide(NEXT_VF_PREDS, nextValues);
    batch.putSide(NEXT_EPS_START, nextDones);
  }

  private void putOwnColumns() {
    int n = steps * envs;
    batch.put(SampleBatch.OBS, SampleBatch.Floats.of(obs, obsDim));
    batch.put(SampleBatch.ACTIONS, SampleBatch.Floats.of(actions, actDim));
    batch.put(SampleBatch.ACTION_LOGP, SampleBatch.Floats.of(logProbs, 1));
    batch.put(SampleBatch.VF_PREDS, SampleBatch.Floats.of(values, 1));
    batch.put(SampleBatch.REWARDS, SampleBatch.Floats.of(rewards, 1));
    batch.put(SampleBatch.EPS_START, SampleBatch.Floats.of(dones, 1));
    batch.put(SampleBatch.TERMINATEDS, SampleBatch.Floats.of(terminateds, 1));
    batch.put(SampleBatch.TRUNCATEDS, SampleBatch.Floats.of(truncateds, 1));
    if (maskWidth > 0) batch.put(SampleBatch.ACTION_MASK, SampleBatch.Floats.of(masks, maskWidth));
    batch.put(SampleBatch.EPS_ID, new SampleBatch.Ints(epsIds, 0, n, 1));
    batch.put(SampleBatch.T, new SampleBatch.Ints(ts, 0, n, 1));
    batch.put(SampleBatch.PREV_ACTIONS, SampleBatch.Floats.of(prevActions, actDim));
    batch.put(SampleBatch.PREV_REWARDS, SampleBatch.Floats.of(prevRewards, 1));
    batch.put(SampleBatch.ADVANTAGES, SampleBatch.Floats.of(advantages, 1));
    batch.put(SampleBatch.VALUE_TARGETS, SampleBatch.Floats.of(returns, 1));
  }

  /** The rollout as a sample batch: its columns are this buffer's arrays (no copy). */
  public SampleBatch batch() {
    return batch;
  }

  /**
   * The extra float column {@code name} of {@code width} values per row, added (zeroed) on first use:
   * where a policy's extra action outputs are recorded.
   */
  public SampleBatch.Floats extra(String name, int width) {
    if (batch.has(name)) {
      SampleBatch.Floats f = batch.floats(name);
      if (f.width() != width) throw new IllegalArgumentException("RolloutBuffer: extra column " + name + " has width " + f.width() + ", not " + width);
      return f;
    }
    return batch.addFloats(name, width);
  }

  /** Sets step {@code t}'s termination and truncation flags (one per env). */
  public void putFlags(int t, boolean[] terminated, boolean[] truncated) {
    for (int i = 0; i < envs; i++) {
      terminateds[t * envs + i] = terminated[i] ? 1f : 0f;
      truncateds[t * envs + i] = truncated[i] && !terminated[i] ? 1f : 0f;
    }
  }

  public int steps() { return steps; }
  public int envs() { return envs; }
  public int size() { return steps * envs; }
  public int obsDim() { return obsDim; }
  public int actDim() { return actDim; }
  /** Columns of a mask row (0: the buffer keeps no masks). */
  public int maskWidth() { return maskWidth; }

  /**
   * Makes this buffer hold {@code other}'s rows (a batch assembled elsewhere, such as the
   * concatenated samples of several rollout workers): its own arrays go back in as the batch's
   * columns ({@link #restoreColumns}), then the columns a learner reads are copied in, row for row:
   * {@link SampleBatch#OBS}, {@link SampleBatch#ACTIONS}, {@link SampleBatch#ACTION_LOGP}, {@link
   * SampleBatch#VF_PREDS}, {@link SampleBatch#ADVANTAGES}, {@link SampleBatch#VALUE_TARGETS}, {@link
   * SampleBatch#EPS_START}, and {@link SampleBatch#ACTION_MASK} when this buffer keeps masks and
   * {@code other} has them; {@link SampleBatch#REWARDS} and the termination flags when present.
   * {@code other} must have {@code steps x envs} rows and those columns at this buffer's widths;
   * an error names what differs.
   */
  public void load(SampleBatch other) {
    int n = steps * envs;
    if (other.rows() != n) {
      throw new IllegalArgumentException("RolloutBuffer.load: a batch of " + other.rows() + " rows, the buffer holds " + steps + " steps x " + envs
          + " envs = " + n + "; concatenate batches up to exactly that many rows");
    }
    restoreColumns();
    copy(other, SampleBatch.OBS, obs, obsDim, true);
    copy(other, SampleBatch.ACTIONS, actions, actDim, true);
    copy(other, SampleBatch.ACTION_LOGP, logProbs, 1, true);
    copy(other, SampleBatch.VF_PREDS, values, 1, true);
    copy(other, SampleBatch.ADVANTAGES, advantages, 1, true);
    copy(other, SampleBatch.VALUE_TARGETS, returns, 1, true);
    copy(other, SampleBatch.EPS_START, dones, 1, true);
    copy(other, SampleBatch.REWARDS, rewards, 1, false);
    copy(other, SampleBatch.TERMINATEDS, terminateds, 1, false);
    copy(other, SampleBatch.TRUNCATEDS, truncateds, 1, false);
    boolean m = maskWidth > 0 && other.has(SampleBatch.ACTION_MASK);
    if (m) copy(other, SampleBatch.ACTION_MASK, masks, maskWidth, true);
    java.util.Arrays.fill(maskedSteps, m);
  }

  private static void copy(SampleBatch from, String name, float[] to, int width, boolean required) {
    if (!from.has(name)) {
      if (required) throw new IllegalArgumentException("RolloutBuffer.load: the batch has no column " + name + "; its columns: " + from.names());
      return;
    }
    SampleBatch.Floats f = from.floats(name);
    if (f.width() != width) throw new IllegalArgumentException("RolloutBuffer.load: column " + name + " has width " + f.width() + ", the buffer's is " + width);
    System.arraycopy(f.data(), f.offset(), to, 0, f.rows() * width);
  }

  /** Whether any step of the current rollout was stored with masks. */
  public boolean hasMasks() {
    for (boolean m : maskedSteps) if (m) return true;
    return false;
  }
  /** All observations as a [steps*envs, obsDim] view. */
  public Tensor obsTensor() { return obsTensor; }
  /** All actions as a [steps*envs, actDim] view. */
  public Tensor actionsTensor() { return actionsTensor; }

  /**
   * Stores step {@code t}: the observations it acted on ([envs, obsDim]), their done flags, the
   * actions ([envs, actDim]), log-probs and values ([envs]).
   */
  public void put(int t, Tensor observations, float[] obsDones, Tensor acts, float[] logp, float[] vals) {
    put(t, observations, obsDones, acts, logp, vals, null);
  }

  /**
   * As {@link #put(int, Tensor, float[], Tensor, float[], float[])}, with the masks the actions were
   * sampled under ([envs, maskWidth]; null: unmasked, stored as all-allowed rows).
   */
  public void put(int t, Tensor observations, float[] obsDones, Tensor acts, float[] logp, float[] vals, Tensor actionMasks) {
    if (t < 0 || t >= steps) throw new IllegalArgumentException("RolloutBuffer.put: step " + t + " outside [0, " + steps + ")");
    if (actionMasks != null && (maskWidth == 0 || actionMasks.size() != envs * maskWidth)) {
      throw new IllegalArgumentException("RolloutBuffer.put: masks " + actionMasks.shapeString() + ", expected [" + envs + ", " + maskWidth + "]");
    }
    int m0 = t * envs * maskWidth;
    if (actionMasks != null) {
      System.arraycopy(actionMasks.data(), actionMasks.offset(), masks, m0, envs * maskWidth);
    } else {
      for (int i = 0; i < envs; i++) System.arraycopy(allowedRow, 0, masks, m0 + i * maskWidth, maskWidth);
    }
    maskedSteps[t] = actionMasks != null;
    if (observations.size() != envs * obsDim) throw new IllegalArgumentException("RolloutBuffer.put: observations " + observations.shapeString() + ", expected [" + envs + ", " + obsDim + "]");
    if (acts.size() != envs * actDim) throw new IllegalArgumentException("RolloutBuffer.put: actions " + acts.shapeString() + ", expected " + envs * actDim + " values");
    System.arraycopy(observations.data(), observations.offset(), obs, t * envs * obsDim, envs * obsDim);
    System.arraycopy(acts.data(), acts.offset(), actions, t * envs * actDim, envs * actDim);
    System.arraycopy(obsDones, 0, dones, t * envs, envs);
    System.arraycopy(logp, 0, logProbs, t * envs, envs);
    System.arraycopy(vals, 0, values, t * envs, envs);
  }

  /** Sets step {@code t}'s rewards. */
  public void putRewards(int t, float[] r) {
    System.arraycopy(r, 0, rewards, t * envs, envs);
  }

  /** Adds {@code gamma * finalValue} to the reward of env {@code i} at step {@code t} (truncation bootstrap). */
  public void addTruncationBootstrap(int t, int i, float gamma, float finalValue) {
    rewards[t * envs + i] += gamma * finalValue;
  }

  /** The bootstrap for the observation after the last step: its value and done flag per env. */
  public void putNext(float[] nextValue, float[] nextDone) {
    System.arraycopy(nextValue, 0, nextValues, 0, envs);
    System.arraycopy(nextDone, 0, nextDones, 0, envs);
  }

  /** Runs {@link Gae#compute} over the stored rollout. */
  public void computeAdvantages(float gamma, float lambda) {
    Gae.postprocess(batch, gamma, lambda);
  }

  @Override
  public String toString() {
    return "RolloutBuffer[" + steps + " steps x " + envs + " envs, obs " + obsDim + ", act " + actDim + "]";
  }
}
