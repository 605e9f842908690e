package vecrl.env;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Sums the rewards and counts the steps of each episode. The step that ends an episode (terminated
 * or truncated) carries an {@link EpisodeStatistics} in its info under {@value #INFO_KEY}; the
 * last {@code bufferLength} finished episodes are also kept here. Place it outside reward-changing
 * wrappers to record the task's own rewards.
 */
public final class RecordEpisodeStatistics<O, A> extends Wrapper<O, A, O, A> {
  /** The info key of the finished episode's statistics. */
  public static final String INFO_KEY = "episode";

  private final int bufferLength;
  private final ArrayDeque<EpisodeStatistics> recent = new ArrayDeque<>();
  private double episodeReturn;
  private int episodeLength;
  private long episodes;

  /** Keeps the last 100 episodes, as Gymnasium. */
  public RecordEpisodeStatistics(Env<O, A> env) {
    this(env, 100);
  }

  public RecordEpisodeStatistics(Env<O, A> env, int bufferLength) {
    super(env);
    if (bufferLength <= 0) throw new IllegalArgumentException("RecordEpisodeStatistics: bufferLength = " + bufferLength + ", expected > 0");
    this.bufferLength = bufferLength;
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
    episodeReturn = 0;
    episodeLength = 0;
    return env.reset(rng);
  }

  @Override
  public StepResult<O> step(A action) {
    StepResult<O> r = env.step(action);
    episodeReturn += r.reward();
    episodeLength++;
    if (!r.done()) return r;
    EpisodeStatistics stats = new EpisodeStatistics(episodeReturn, episodeLength);
    if (recent.size() == bufferLength) recent.removeFirst();
    recent.addLast(stats);
    episodes++;
    episodeReturn = 0;
    episodeLength = 0;
    Map<String, Object> info = new LinkedHashMap<>(r.info());
    info.put(INFO_KEY, stats);
    return new StepResult<>(r.observation(), r.reward(), r.terminated(), r.truncated(), info);
  }

  /** The last finished episodes (at most {@code bufferLength}), oldest first. */
  public List<EpisodeStatistics> recentEpisodes() {
    return new ArrayList<>(recent);
  }

  /** The number of finished episodes. */
  public long episodeCount() {
    return episodes;
  }
}
