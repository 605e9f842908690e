package vecrl.env;

import vecrl.space.Box;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Normalises float observations to {@code clip((obs - mean) / sqrt(var + epsilon), -clip, clip)}
 * with running statistics updated on every reset and step (Gymnasium's {@code
 * NormalizeObservation}, plus Stable-Baselines' clipping, default 10). {@link #setFrozen(boolean)}
 * stops the updates, for evaluation; {@link #statistics()} exports the statistics for checkpoints.
 */
public final class NormalizeObservation<A> extends Wrapper<float[], A, float[], A> {
  private final RunningMeanStd rms;
  private final double epsilon;
  private final float clip;
  private final Box space;
  private boolean frozen;

  /** Epsilon 1e-8, clip 10. */
  public NormalizeObservation(Env<float[], A> env) {
    this(env, 1e-8, 10f);
  }

  /** {@code clip} may be {@code Float.POSITIVE_INFINITY} for no clipping. */
  public NormalizeObservation(Env<float[], A> env, double epsilon, float clip) {
    super(env);
    if (!(clip > 0)) throw new IllegalArgumentException("NormalizeObservation: clip = " + clip + ", expected > 0");
    if (!(epsilon >= 0)) throw new IllegalArgumentException("NormalizeObservation: epsilon = " + epsilon + ", expected >= 0");
    int n = env.observationSpace().flatSize();
    Box inner = env.observationSpace().flatSpace();
    this.space = new Box(-clip, clip, inner.shape());
    this.rms = new RunningMeanStd(n);
    this.epsilon = epsilon;
    this.clip = clip;
  }

  /** The running statistics (live; use {@link RunningMeanStd#state()} for a copy). */
  public RunningMeanStd statistics() {
    return rms;
  }

  /** Whether the statistics are frozen (not updated). */
  public boolean frozen() {
    return frozen;
  }

  public void setFrozen(boolean frozen) {
    this.frozen = frozen;
  }

  @Override
  public Space<float[]> observationSpace() {
    return space;
  }

  @Override
  public Space<A> actionSpace() {
    return env.actionSpace();
  }

  @Override
  public Reset<float[]> reset(Rng rng) {
    Reset<float[]> r = env.reset(rng);
    return new Reset<>(normalize(r.observation()), r.info());
  }

  @Override
  public StepResult<float[]> step(A action) {
    StepResult<float[]> r = env.step(action);
    return new StepResult<>(normalize(r.observation()), r.reward(), r.terminated(), r.truncated(), r.info());
  }

  private float[] normalize(float[] obs) {
    if (!frozen) rms.update(obs, 0);
    float[] out = new float[obs.length];
    for (int i = 0; i < obs.length; i++) {
      double z = (obs[i] - rms.mean(i)) / Math.sqrt(rms.var(i) + epsilon);
      out[i] = (float) Math.min(Math.max(z, -clip), clip);
    }
    return out;
  }
}
