package vecrl.env;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Rng;

class WrappersTest {

  @Test
  void timeLimitTruncatesAtTheLimitAndKeepsTermination() {
    TimeLimit<float[], float[]> env = new TimeLimit<>(new CounterEnv(1000), 3);
    env.reset(new Rng(1));
    assertFalse(env.step(new float[] {0}).truncated());
    assertFalse(env.step(new float[] {0}).truncated());
    StepResult<float[]> r = env.step(new float[] {0});
    assertTrue(r.truncated());
    assertFalse(r.terminated());
    assertEquals(3, env.elapsedSteps());
    env.reset(new Rng(1));
    assertEquals(0, env.elapsedSteps());
    // Termination on the limit step: both flags, distinct.
    TimeLimit<float[], float[]> both = new TimeLimit<>(new CounterEnv(3), 3);
    Reset<float[]> start = both.reset(new Rng(5));
    int steps = 3 - (int) start.observation()[0];
    StepResult<float[]> last = null;
    for (int k = 0; k < steps; k++) last = both.step(new float[] {0});
    assertTrue(last.terminated());
    assertEquals(steps == 3, last.truncated());
    assertThrows(IllegalArgumentException.class, () -> new TimeLimit<>(new CounterEnv(3), 0));
  }

  @Test
  void recordEpisodeStatisticsSumsRewardsAndCountsSteps() {
    RecordEpisodeStatistics<float[], float[]> env = new RecordEpisodeStatistics<>(new CounterEnv(5));
    Reset<float[]> r0 = env.reset(new Rng(2));
    int t0 = (int) r0.observation()[0];
    double expected = 0;
    StepResult<float[]> r = null;
    for (int t = t0 + 1; t <= 5; t++) {
      r = env.step(new float[] {0.5f});
      expected += 10 * 0.5 + t;
      if (t < 5) assertFalse(r.info().containsKey(RecordEpisodeStatistics.INFO_KEY));
    }
    EpisodeStatistics stats = (EpisodeStatistics) r.info().get(RecordEpisodeStatistics.INFO_KEY);
    assertEquals(expected, stats.episodeReturn(), 1e-12);
    assertEquals(5 - t0, stats.length());
    assertEquals(5 - t0, r.info().get("t"), "inner info is kept");
    assertEquals(List.of(stats), env.recentEpisodes());
    assertEquals(1, env.episodeCount());
  }

  @Test
  void normalizeObservationTracksRunningMomentsAndClips() {
    NormalizeObservation<float[]> env = new NormalizeObservation<>(new CounterEnv(1000), 1e-8, 10f);
    Reset<float[]> r0 = env.reset(new Rng(3));
    // Reference: Gymnasium's RunningMeanStd from mean 0, var 1, count 1e-4, batch-of-one updates.
    double mean = 0, var = 1, count = 1e-4;
    Rng rng = new Rng(3);
    int t = rng.nextInt(3);
    double[] xs = new double[20];
    for (int k = 0; k < 20; k++) xs[k] = t + k;
    float[] last = r0.observation();
    for (int k = 0; k < 20; k++) {
      double x = xs[k];
      double tot = count + 1, delta = x - mean;
      mean += delta / tot;
      var = (var * count + delta * delta * count / tot) / tot;
      count = tot;
      if (k > 0) last = env.step(new float[] {0}).observation();
      assertEquals((float) ((x - mean) / Math.sqrt(var + 1e-8)), last[0], 1e-6f, "k = " + k);
    }
    assertEquals(mean, env.statistics().mean(0), 1e-9);
    assertEquals(var, env.statistics().var(0), 1e-9);
    assertEquals(-mean, env.statistics().mean(1), 1e-9);
    assertEquals(new Box(-10f, 10f, 2), env.observationSpace());
    // Frozen: statistics stop changing; export/restore round trip.
    RunningMeanStd.State saved = env.statistics().state();
    env.setFrozen(true);
    env.step(new float[] {0});
    assertArrayEquals(saved.mean(), env.statistics().state().mean());
    NormalizeObservation<float[]> other = new NormalizeObservation<>(new CounterEnv(1000));
    other.statistics().restore(saved);
    assertEquals(saved.count(), other.statistics().count());
    // Clipping: a far outlier after tight statistics.
    NormalizeObservation<float[]> clipped = new NormalizeObservation<>(new CounterEnv(1000), 1e-8, 2f);
    clipped.statistics().restore(new RunningMeanStd.State(new double[] {0, 0}, new double[] {1e-4, 1e-4}, 1e6));
    clipped.setFrozen(true);
    clipped.reset(new Rng(0));
    float[] o = clipped.step(new float[] {0}).observation();
    assertEquals(2f, o[0]);
    assertEquals(-2f, o[1]);
  }

  @Test
  void normalizeRewardDividesByTheStdOfTheDiscountedReturn() {
    NormalizeReward<float[], float[]> env = new NormalizeReward<>(new CounterEnv(4), 0.9, 1e-8, Double.POSITIVE_INFINITY);
    Reset<float[]> r0 = env.reset(new Rng(4));
    int t = (int) r0.observation()[0];
    double g = 0, mean = 0, var = 1, count = 1e-4;
    for (int k = 0; k < 12; k++) {
      StepResult<float[]> r = env.step(new float[] {0.1f});
      t++;
      double reward = 10 * 0.1f + t; // CounterEnv computes its reward in float
      boolean term = t >= 4;
      g = g * 0.9 * (term ? 0 : 1) + reward;
      double tot = count + 1, delta = g - mean;
      mean += delta / tot;
      var = (var * count + delta * delta * count / tot) / tot;
      count = tot;
      assertEquals(reward / Math.sqrt(var + 1e-8), r.reward(), 1e-12, "k = " + k);
      assertEquals(term, r.terminated());
      if (term) {
        t = (int) env.reset(new Rng(k)).observation()[0];
      }
    }
    NormalizeReward<float[], float[]> c = new NormalizeReward<>(new CounterEnv(100), 0.99, 1e-8, 0.5);
    c.reset(new Rng(0));
    assertEquals(0.5, c.step(new float[] {1f}).reward(), "clipped");
  }

  @Test
  void clipAndRescaleAction() {
    CounterEnv inner = new CounterEnv(100);
    ClipAction<float[]> clip = new ClipAction<>(inner);
    assertEquals(new Box(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 1), clip.actionSpace());
    clip.reset(new Rng(0));
    float[] a = {3f};
    clip.step(a);
    assertArrayEquals(new float[] {1f}, inner.lastAction);
    assertArrayEquals(new float[] {3f}, a, "caller's array untouched");
    clip.step(new float[] {-0.25f});
    assertArrayEquals(new float[] {-0.25f}, inner.lastAction);

    CounterEnv inner2 = new CounterEnv(100);
    RescaleAction<float[]> rescale = new RescaleAction<>(inner2, 0f, 4f);
    assertEquals(new Box(0f, 4f, 1), rescale.actionSpace());
    rescale.reset(new Rng(0));
    rescale.step(new float[] {0f});
    assertArrayEquals(new float[] {-1f}, inner2.lastAction);
    rescale.step(new float[] {3f}); // -1 + 2 * 3/4 = 0.5
    assertArrayEquals(new float[] {0.5f}, inner2.lastAction);
    rescale.step(new float[] {4f});
    assertArrayEquals(new float[] {1f}, inner2.lastAction);
    assertThrows(IllegalArgumentException.class, () -> new RescaleAction<>(new CounterEnv(1), 1f, 1f));
    assertThrows(IllegalArgumentException.class, () -> new RescaleAction<>(clip, 0f, 1f), "unbounded inner space");
  }

  @Test
  void clipObservationAndFlattenObservation() {
    ClipObservation<float[]> clip = new ClipObservation<>(new CounterEnv(100), -1.5f, 3f);
    assertEquals(new Box(-1.5f, 3f, 2), clip.observationSpace());
    clip.reset(new Rng(0));
    float[] o = null;
    for (int k = 0; k < 5; k++) o = clip.step(new float[] {0}).observation();
    assertEquals(3f, o[0]);
    assertEquals(-1.5f, o[1]);

    // A Discrete-observation env flattens to one-hot.
    Env<Integer, Integer> disc = new Env<>() {
      int s;

      @Override
      public vecrl.space.Space<Integer> observationSpace() {
        return new Discrete(4);
      }

      @Override
      public vecrl.space.Space<Integer> actionSpace() {
        return new Discrete(2);
      }

      @Override
      public Reset<Integer> reset(Rng rng) {
        s = 0;
        return Reset.of(s);
      }

      @Override
      public StepResult<Integer> step(Integer action) {
        s = (s + 1 + action) % 4;
        return new StepResult<>(s, 0, false, false, java.util.Map.of());
      }
    };
    FlattenObservation<Integer, Integer> flat = new FlattenObservation<>(disc);
    assertEquals(new Box(0f, 1f, 4), flat.observationSpace());
    assertArrayEquals(new float[] {1, 0, 0, 0}, flat.reset(new Rng(0)).observation());
    assertArrayEquals(new float[] {0, 0, 1, 0}, flat.step(1).observation());
  }

  @Test
  void genericTransforms() {
    Box doubled = new Box(-200f, 200f, 2);
    TransformObservation<float[], float[], float[]> to = new TransformObservation<>(new CounterEnv(100),
        o -> new float[] {2 * o[0], 2 * o[1]}, doubled);
    float[] start = to.reset(new Rng(6)).observation();
    float[] next = to.step(new float[] {0}).observation();
    assertEquals(start[0] + 2f, next[0]);
    assertEquals(doubled, to.observationSpace());

    TransformReward<float[], float[]> tr = new TransformReward<>(new CounterEnv(100), r -> -r);
    int t = (int) tr.reset(new Rng(6)).observation()[0];
    assertEquals(-(10 * 0.5 + t + 1), tr.step(new float[] {0.5f}).reward(), 1e-12);

    CounterEnv inner = new CounterEnv(100);
    TransformAction<float[], Integer, float[]> ta = new TransformAction<>(inner, i -> new float[] {i - 1f}, new Discrete(3));
    ta.reset(new Rng(0));
    ta.step(2);
    assertArrayEquals(new float[] {1f}, inner.lastAction);
    assertEquals(new Discrete(3), ta.actionSpace());
  }
}
