package vecrl.env;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import vecrl.policy.ActionMasks;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * {@code n} copies of an environment stepped together, with results in reused batch buffers.
 *
 * <p><b>Buffers.</b> Observations are written flat ({@link Space#flatten}) into one {@code [n,
 * obsFlatSize]} tensor that {@link #reset} and {@link #step} return; it is the same tensor every
 * time and is overwritten by the next call, as are {@link #rewards()}, {@link #terminated()},
 * {@link #truncated()} and the final-observation buffers.
 *
 * <p><b>Auto-reset.</b> When env {@code i} ends an episode (terminated or truncated) in a step,
 * that step's row {@code i} of the observations is already the first observation of the next
 * episode; the finished episode's last observation is kept in row {@code i} of {@link
 * #finalObservations()} (and as the env's own value in {@link #finalObservation(int)}), its info in
 * {@link #finalInfo(int)}, and {@link #hasFinal()}{@code [i]} is true for that step. The info of the
 * new episode's reset is in {@link #info(int)}. Terminated and truncated stay separate flags, so
 * learners can bootstrap from the final observation on truncation only.
 *
 * <p><b>Seeding.</b> {@link #reset(long)} makes {@code root = new Rng(seed)} and gives env {@code
 * i} the generator {@code root.split()} taken in order i = 0, 1, ...; each env keeps its generator
 * for its later auto-resets, so a run is a function of the seed alone, whatever the threading.
 *
 * <p><b>Masks.</b> {@link #actionMaskRows()} gives the envs' current action masks as float rows in
 * the policy's layout ({@link ActionMasks}), the form the rollout buffer and the policy take.
 *
 * <p>A vector env is driven by one thread at a time.
 */
public abstract sealed class VectorEnv<O, A> implements AutoCloseable permits SyncVectorEnv, ThreadedVectorEnv {
  private final List<Env<O, A>> envs;
  private final int n;
  private final Space<O> observationSpace;
  private final Space<A> actionSpace;
  private final int obsSize;
  private final float[] obs;
  private final Tensor obsTensor;
  private final float[] finalObs;
  private final Tensor finalObsTensor;
  private final Object[] finalObsValues;
  private final boolean[] hasFinal;
  private final float[] rewards;
  private final boolean[] terminated;
  private final boolean[] truncated;
  private final Object[] infos;
  private final Object[] finalInfos;
  private final Object[] actions;
  private final Rng[] rngs;
  private final RuntimeException[] errors;
  private final int maskWidth;
  private final Object[] maskObjects;
  private final float[] maskRows;
  private final Tensor maskTensor;
  private boolean started;
  private long steps;

  protected VectorEnv(List<? extends Env<O, A>> envs) {
    if (envs == null || envs.isEmpty()) throw new IllegalArgumentException(getClass().getSimpleName() + ": no environments");
    this.envs = List.copyOf(envs);
    this.n = envs.size();
    this.observationSpace = envs.get(0).observationSpace();
    this.actionSpace = envs.get(0).actionSpace();
    for (int i = 1; i < n; i++) {
      Env<O, A> e = envs.get(i);
      if (!e.observationSpace().equals(observationSpace) || !e.actionSpace().equals(actionSpace)) {
        throw new IllegalArgumentException(getClass().getSimpleName() + ": env " + i + " has spaces " + e.observationSpace()
            + " / " + e.actionSpace() + ", env 0 has " + observationSpace + " / " + actionSpace);
      }
    }
    this.obsSize = observationSpace.flatSize();
    this.obs = new float[n * obsSize];
    this.obsTensor = Tensor.wrap(obs, new int[] {n, obsSize});
    this.finalObs = new float[n * obsSize];
    this.finalObsTensor = Tensor.wrap(finalObs, new int[] {n, obsSize});
    this.finalObsValues = new Object[n];
    this.hasFinal = new boolean[n];
    this.rewards = new float[n];
    this.terminated = new boolean[n];
    this.truncated = new boolean[n];
    this.infos = new Object[n];
    this.finalInfos = new Object[n];
    this.actions = new Object[n];
    this.rngs = new Rng[n];
    this.errors = new RuntimeException[n];
    this.maskWidth = actionSpace.maskWidth();
    this.maskObjects = new Object[n];
    this.maskRows = new float[n * maskWidth];
    this.maskTensor = Tensor.wrap(maskRows, new int[] {n, maskWidth});
  }

  /** Runs {@code task(i)} for every env index; returns when all are done. */
  protected abstract void forEachEnv(java.util.function.IntConsumer task);

  public int numEnvs() {
    return n;
  }

  /** The space of one env's observations. */
  public Space<O> observationSpace() {
    return observationSpace;
  }

  /** The space of one env's actions. */
  public Space<A> actionSpace() {
    return actionSpace;
  }

  /** The flat length of one observation (the buffer's column count). */
  public int observationSize() {
    return obsSize;
  }

  /** The env at index {@code i}. */
  public Env<O, A> env(int i) {
    return envs.get(i);
  }

  /** Resets every env (see the class comment for seeding); returns the [n, obsFlatSize] observations. */
  public Tensor reset(long seed) {
    Rng root = new Rng(seed);
    for (int i = 0; i < n; i++) rngs[i] = root.split();
    runAll(this::resetOne);
    started = true;
    steps = 0;
    return obsTensor;
  }

  private void resetOne(int i) {
    Reset<O> r = envs.get(i).reset(rngs[i]);
    observationSpace.flatten(r.observation(), obs, i * obsSize);
    infos[i] = r.info();
    hasFinal[i] = false;
    finalInfos[i] = null;
    finalObsValues[i] = null;
    rewards[i] = 0;
    terminated[i] = false;
    truncated[i] = false;
  }

  /** Steps env {@code i} with {@code actions.get(i)}, auto-resetting finished ones; returns the observations. */
  public Tensor step(List<? extends A> actions) {
    if (actions.size() != n) throw new IllegalArgumentException(getClass().getSimpleName() + ".step: " + actions.size() + " actions for " + n + " envs");
    for (int i = 0; i < n; i++) this.actions[i] = actions.get(i);
    return stepPending();
  }

  /**
   * Steps with actions in batch form, as a policy gives them: row {@code i} of a [n, actionWidth]
   * tensor (a [n] tensor when the width is 1) is env {@code i}'s action row, which the action space
   * turns into the env's action ({@link Space#actionFromRow}): for {@code Discrete(n, start)} the
   * index, so env i receives {@code start + index}; for a Box the values, unclipped; for
   * MultiDiscrete and MultiBinary one index or bit per component. A Box's tensor may also be [n,
   * ...shape]. Dict and Tuple actions go through {@link #step(List)}.
   */
  public Tensor step(Tensor actions) {
    decode(actions);
    return stepPending();
  }

  private void decode(Tensor t) {
    int k;
    try {
      k = actionSpace.actionWidth();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("VectorEnv.step: a " + actionSpace + " action space has no tensor form; use step(List)", e);
    }
    if (t.size() != n * k || (t.rank() > 0 && t.dim(0) != n)) {
      throw new IllegalArgumentException("VectorEnv.step: actions " + t.shapeString() + " for " + n + " envs with action space "
          + actionSpace + ", expected " + (k == 1 && t.rank() <= 1 ? "[" + n + "]" : "[" + n + ", " + k + "]"));
    }
    float[] d = t.data();
    int o = t.offset();
    for (int i = 0; i < n; i++) {
      try {
        actions[i] = actionSpace.actionFromRow(d, o + i * k);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("VectorEnv.step: env " + i + ": " + e.getMessage(), e);
      }
    }
  }

  private Tensor stepPending() {
    if (!started) throw new IllegalStateException(getClass().getSimpleName() + ": step before reset");
    runAll(this::stepOne);
    steps++;
    return obsTensor;
  }

  @SuppressWarnings("unchecked")
  private void stepOne(int i) {
    Env<O, A> env = envs.get(i);
    StepResult<O> r = env.step((A) actions[i]);
    rewards[i] = (float) r.reward();
    terminated[i] = r.terminated();
    truncated[i] = r.truncated();
    if (r.done()) {
      observationSpace.flatten(r.observation(), finalObs, i * obsSize);
      finalObsValues[i] = r.observation();
      finalInfos[i] = r.info();
      hasFinal[i] = true;
      Reset<O> reset = env.reset(rngs[i]);
      observationSpace.flatten(reset.observation(), obs, i * obsSize);
      infos[i] = reset.info();
    } else {
      observationSpace.flatten(r.observation(), obs, i * obsSize);
      infos[i] = r.info();
      hasFinal[i] = false;
      finalInfos[i] = null;
      finalObsValues[i] = null;
    }
  }

  private void runAll(java.util.function.IntConsumer task) {
    java.util.Arrays.fill(errors, null);
    forEachEnv(i -> {
      try {
        task.accept(i);
      } catch (RuntimeException e) {
        errors[i] = e;
      }
    });
    for (int i = 0; i < n; i++) {
      if (errors[i] != null) {
        RuntimeException e = errors[i];
        java.util.Arrays.fill(errors, null);
        throw e;
      }
    }
  }

  /** The [n, obsFlatSize] observation buffer (the same tensor {@link #step} returns). */
  public Tensor observations() {
    return obsTensor;
  }

  /** The rewards of the last step (reused array; do not modify). */
  public float[] rewards() {
    return rewards;
  }

  /** The terminated flags of the last step (reused array). */
  public boolean[] terminated() {
    return terminated;
  }

  /** The truncated flags of the last step (reused array). */
  public boolean[] truncated() {
    return truncated;
  }

  /** Whether env {@code i} finished an episode in the last step (reused array). */
  public boolean[] hasFinal() {
    return hasFinal;
  }

  /** Rows {@code i} with {@link #hasFinal()}{@code [i]} hold the finished episodes' last observations, flat. */
  public Tensor finalObservations() {
    return finalObsTensor;
  }

  /** The last observation of the episode env {@code i} finished in the last step; null if none finished. */
  @SuppressWarnings("unchecked")
  public O finalObservation(int i) {
    return (O) finalObsValues[i];
  }

  /** The info of the finishing step of env {@code i}'s episode; null if none finished in the last step. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> finalInfo(int i) {
    return (Map<String, Object>) finalInfos[i];
  }

  /** The info of env {@code i}'s last step, or of its reset when it auto-reset. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> info(int i) {
    return (Map<String, Object>) infos[i];
  }

  /** The action masks of the envs in their current states (null entries where unmasked). */
  public Object[] actionMasks() {
    Object[] m = new Object[n];
    for (int i = 0; i < n; i++) m[i] = envs.get(i).actionMask();
    return m;
  }

  /** Steps taken since the last {@link #reset}. */
  public long stepCount() {
    return steps;
  }

  /** The number of columns of {@link #actionMaskRows()}: the action space's mask width, 0 when it takes no mask. */
  public int maskWidth() {
    return maskWidth;
  }

  /**
   * The envs' action masks in their current states as a [n, {@link #maskWidth()}] tensor in the
   * policy's layout ({@link ActionMasks#write}): row {@code i} is env {@code i}'s mask (after an
   * auto-reset, that of the new episode's first state), the all-allowed row where env {@code i}
   * gives none. Null when no env gives a mask, or when the action space takes none: an unmasked
   * env costs nothing and changes nothing. The tensor is reused and overwritten by the next call.
   *
   * <p>A bad mask (of the wrong type or length, or allowing no action) is an error naming the env
   * index and the step (this vector env's {@link #stepCount()}), for example {@code env 3 at step
   * 1,204: action mask allows no action (Discrete(4))}.
   */
  public Tensor actionMaskRows() {
    if (maskWidth == 0) return null;
    boolean any = false;
    for (int i = 0; i < n; i++) {
      maskObjects[i] = envs.get(i).actionMask();
      any |= maskObjects[i] != null;
    }
    if (!any) return null;
    int i = 0;
    try {
      for (; i < n; i++) ActionMasks.write(actionSpace, maskObjects[i], maskRows, i * maskWidth);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "env %d at step %,d: %s", i, steps, e.getMessage()), e);
    } finally {
      java.util.Arrays.fill(maskObjects, null);
    }
    return maskTensor;
  }

  /** Closes the envs (and, for the threaded version, its threads). */
  @Override
  public void close() {
    for (Env<O, A> e : envs) e.close();
  }

  /** {@code count} envs made by {@code factory}. */
  static <O, A> List<Env<O, A>> build(java.util.function.Supplier<? extends Env<O, A>> factory, int count) {
    if (count <= 0) throw new IllegalArgumentException("VectorEnv: " + count + " environments, expected > 0");
    List<Env<O, A>> list = new ArrayList<>(count);
    for (int i = 0; i < count; i++) list.add(factory.get());
    return list;
  }
}
