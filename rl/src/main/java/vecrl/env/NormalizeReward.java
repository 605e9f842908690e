package vecrl.env;

import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Scales rewards by the running standard deviation of the discounted return, as Gymnasium's {@code
 * NormalizeReward}: after each step {@code G = G * gamma * (1 - terminated) + reward} updates the
 * running variance of {@code G}, and the reward returned is {@code reward / sqrt(var + epsilon)},
 * then clipped to [-clip, clip]. As in Gymnasium, {@code G} is cleared only on termination (a
 * truncated episode's return carries into the next). Can be frozen and exported like {@link
 * NormalizeObservation}.
 */
public final class NormalizeReward<O, A> extends Wrapper<O, A, O, A> {
  private final RunningMeanStd rms = new RunningMeanStd(1);
  private final double gamma;
  private final double epsilon;
  private final double clip;
  private double discountedReturn;
  private boolean frozen;

  /** Gamma 0.99, epsilon 1e-8, no clipping. */
  public NormalizeReward(Env<O, A> env) {
    this(env, 0.99, 1e-8, Double.POSITIVE_INFINITY);
  }

  public NormalizeReward(Env<O, A> env, double gamma, double epsilon, double clip) {
    super(env);
    if (!(gamma >= 0 && gamma <= 1)) throw new IllegalArgumentException("NormalizeReward: gamma = " + gamma + ", expected in [0, 1]");
    if (!(clip > 0)) throw new IllegalArgumentException("NormalizeReward: clip = " + clip + ", expected > 0");
    this.gamma = gamma;
    this.epsilon = epsilon;
    this.clip = clip;
  }

  public RunningMeanStd statistics() {
    return rms;
  }

  /** The running discounted return {@code G}. */
  public double discountedReturn() {
    return discountedReturn;
  }

  public void setFrozen(boolean frozen) {
    this.frozen = frozen;
  }

  @Override
  public Space<O> observationSpace() {
    return env.observationSpace();
  }

  @Override
  public Space<A> actionSpace() {
    return env.actionSpace();
  }

  @Override
  public Reset<O> reset(Rng rng) {
    return env.reset(rng);
  }

  @Override
  public StepResult<O> step(A action) {
    StepResult<O> r = env.step(action);
    discountedReturn = discountedReturn * gamma * (r.terminated() ? 0 : 1) + r.reward();
    if (!frozen) rms.update(discountedReturn);
    double scaled = r.reward() / Math.sqrt(rms.var(0) + epsilon);
    scaled = Math.min(Math.max(scaled, -clip), clip);
    return new StepResult<>(r.observation(), scaled, r.terminated(), r.truncated(), r.info());
  }
}
