package vecrl.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecrl.algo.Policy;
import vecrl.algo.SampleBatch;
import vecrl.env.Env;
import vecrl.env.Reset;
import vecrl.env.StepResult;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * RLlib's rollout worker in miniature, for policies written from scratch (the trainer drives
 * {@link vecrl.algo.TemplatePolicy}s; a {@link Policy} of one's own needs a loop like this one): steps
 * one environment with {@link Policy#computeActions} one observation at a time, carrying the
 * recurrent state (reset to {@link Policy#getInitialState()} at every episode start), and returns the
 * steps as a {@link SampleBatch} with RLlib's columns.
 */
public final class Rollouts {
  private Rollouts() {}

  /** The environment's state between calls of {@link #sample}: the current observation, state rows, episode id and step. */
  public static final class Worker {
    private final Policy policy;
    private final Env<Object, Object> env;
    private final Rng envRng;
    private Object obs;
    private List<Tensor> state;
    private int episodeId = -1;
    private int t;
    private final List<Double> finishedReturns = new ArrayList<>();
    private double episodeReturn;

    /** A worker stepping {@code env} with {@code policy}; the env's episodes are seeded from {@code seed}. */
    public Worker(Policy policy, Env<Object, Object> env, long seed) {
      this.policy = policy;
      this.env = env;
      this.envRng = new Rng(seed);
    }

    /** The returns of the episodes finished so far, in order. */
    public List<Double> finishedReturns() {
      return List.copyOf(finishedReturns);
    }

    /**
     * The next {@code steps} steps (episodes continue across calls): columns {@code obs}, {@code
     * new_obs}, {@code actions}, {@code rewards}, {@code terminateds}, {@code truncateds}, {@code
     * eps_id} and {@code t} (ints), {@code prev_actions}, {@code prev_rewards}, {@code state_in_i} and
     * {@code state_out_i} for each state the policy keeps, and every extra output of
     * computeActions under its own name. {@code explore}: sample (true) or take the mode.
     */
    public SampleBatch sample(int steps, boolean explore) {
      Space<Object> os = env.observationSpace(), as = env.actionSpace();
      int obsDim = os.flatSize(), aw = as.actionWidth();
      float[] o = new float[steps * obsDim], no = new float[steps * obsDim], a = new float[steps * aw];
      float[] r = new float[steps], term = new float[steps], trunc = new float[steps], pa = new float[steps * aw], pr = new float[steps];
      int[] eps = new int[steps], ts = new int[steps];
      List<float[]> stateIn = new ArrayList<>(), stateOut = new ArrayList<>();
      Map<String, float[]> extras = new LinkedHashMap<>();
      Map<String, Integer> extraWidths = new LinkedHashMap<>();
      float[] prevAction = new float[aw];
      float prevReward = 0;
      for (int k = 0; k < steps; k++) {
        if (obs == null) {
          Reset<Object> reset = env.reset(envRng);
          obs = reset.observation();
          state = policy.getInitialState();
          episodeId++;
          t = 0;
          episodeReturn = 0;
          java.util.Arrays.fill(prevAction, 0);
          prevReward = 0;
        }
        Tensor obsRow = Tensor.zeros(1, obsDim);
        os.flattenObject(obs, obsRow.data(), 0);
        Policy.ActionsResult res = policy.computeActions(obsRow, state, Tensor.wrap(prevAction.clone(), new int[] {1, aw}),
            Tensor.wrap(new float[] {prevReward}, new int[] {1}), null, explore);
        System.arraycopy(obsRow.data(), 0, o, k * obsDim, obsDim);
        System.arraycopy(res.actions().data(), res.actions().offset(), a, k * aw, aw);
        System.arraycopy(prevAction, 0, pa, k * aw, aw);
        pr[k] = prevReward;
        eps[k] = episodeId;
        ts[k] = t;
        for (int i = 0; i < state.size(); i++) {
          if (k == 0) {
            stateIn.add(new float[steps * state.get(i).size()]);
            stateOut.add(new float[steps * state.get(i).size()]);
          }
          int w = state.get(i).size();
          System.arraycopy(state.get(i).data(), state.get(i).offset(), stateIn.get(i), k * w, w);
          System.arraycopy(res.stateOut().get(i).data(), res.stateOut().get(i).offset(), stateOut.get(i), k * w, w);
        }
        for (var e : res.extraFetches().entrySet()) {
          int w = e.getValue().size();
          float[] col = extras.computeIfAbsent(e.getKey(), key -> new float[steps * w]);
          extraWidths.putIfAbsent(e.getKey(), w);
          System.arraycopy(e.getValue().data(), e.getValue().offset(), col, k * w, w);
        }
        StepResult<Object> step = env.step(as.actionFromRow(a, k * aw));
        os.flattenObject(step.observation(), no, k * obsDim);
        r[k] = (float) step.reward();
        term[k] = step.terminated() ? 1f : 0f;
        trunc[k] = step.truncated() && !step.terminated() ? 1f : 0f;
        episodeReturn += step.reward();
        System.arraycopy(a, k * aw, prevAction, 0, aw);
        prevReward = r[k];
        state = res.stateOut();
        t++;
        obs = step.observation();
        if (step.done()) {
          finishedReturns.add(episodeReturn);
          obs = null;
        }
      }
      SampleBatch b = new SampleBatch(steps);
      b.put(SampleBatch.OBS, SampleBatch.Floats.of(o, obsDim));
      b.put(SampleBatch.NEW_OBS, SampleBatch.Floats.of(no, obsDim));
      b.put(SampleBatch.ACTIONS, SampleBatch.Floats.of(a, aw));
      b.put(SampleBatch.REWARDS, SampleBatch.Floats.of(r, 1));
      b.put(SampleBatch.TERMINATEDS, SampleBatch.Floats.of(term, 1));
      b.put(SampleBatch.TRUNCATEDS, SampleBatch.Floats.of(trunc, 1));
      b.put(SampleBatch.EPS_ID, new SampleBatch.Ints(eps, 0, steps, 1));
      b.put(SampleBatch.T, new SampleBatch.Ints(ts, 0, steps, 1));
      b.put(SampleBatch.PREV_ACTIONS, SampleBatch.Floats.of(pa, aw));
      b.put(SampleBatch.PREV_REWARDS, SampleBatch.Floats.of(pr, 1));
      for (int i = 0; i < stateIn.size(); i++) {
        int w = stateIn.get(i).length / steps;
        b.put(SampleBatch.stateIn(i), SampleBatch.Floats.of(stateIn.get(i), w));
        b.put(SampleBatch.stateOut(i), SampleBatch.Floats.of(stateOut.get(i), w));
      }
      extras.forEach((name, col) -> b.put(name, SampleBatch.Floats.of(col, extraWidths.get(name))));
      return b;
    }

    /**
     * One round of RLlib's sample-then-learn loop: {@link #sample}, the policy's {@link
     * Policy#postprocessTrajectory}, then {@link Policy#learnOnBatch}; returns the statistics.
     */
    public Map<String, Double> sampleAndLearn(int steps) {
      SampleBatch batch = policy.postprocessTrajectory(sample(steps, true), Map.of(), null);
      return policy.learnOnBatch(batch);
    }
  }

  /** The mean return of {@code episodes} episodes of {@code policy}'s deterministic actions on {@code env}, seeded from {@code seed}. */
  public static double greedyReturn(Policy policy, Env<Object, Object> env, int episodes, long seed) {
    Worker w = new Worker(policy, env, seed);
    while (w.finishedReturns().size() < episodes) w.sample(100, false);
    double sum = 0;
    for (int i = 0; i < episodes; i++) sum += w.finishedReturns().get(i);
    return sum / episodes;
  }
}
