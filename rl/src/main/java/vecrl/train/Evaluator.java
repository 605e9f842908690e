package vecrl.train;

import vecrl.env.Env;
import vecrl.env.EnvSpec;
import vecrl.env.RunningMeanStd;
import vecrl.env.TimeLimit;
import vecrl.env.VecNormalize;
import vecrl.policy.ActionMasks;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.BatchOutput;
import vecrl.space.Box;
import vecrl.space.Space;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Greedy evaluation of any policy: episodes one after another on a fresh env of the spec (with its
 * time limit), each step's observation normalised as training saw it, the policy's deterministic
 * action ({@link ActorCriticPolicy#actionAndValueBatch(Tensor, Tensor, Tensor, Rng, Tensor,
 * BatchOutput)} with no generator), a recurrent policy's memory starting at zero in every episode.
 * With {@code useMasks} the action is chosen among those the env's mask allows; the actions a mask
 * forbade are counted either way. A bad mask is an error naming the episode and its step.
 */
public final class Evaluator {
  private Evaluator() {}

  /**
   * {@code episodes} greedy episodes of {@code policy} on {@code spec}'s env, seeded with {@code seed},
   * the policy's calls on {@code kernels}; {@code obsRms} (null: none) normalises observations, clamped
   * to {@code clipObs}.
   */
  @SuppressWarnings("unchecked")
  public static Evaluation evaluate(ActorCriticPolicy policy, Kernels kernels, EnvSpec spec, RunningMeanStd obsRms, float clipObs,
      int episodes, long seed, boolean useMasks) {
    if (episodes < 0) throw new IllegalArgumentException("evaluate: " + episodes + " episodes, expected >= 0");
    Env<Object, Object> made = (Env<Object, Object>) spec.factory().get();
    Env<Object, Object> env = spec.maxEpisodeSteps() > 0 ? new TimeLimit<>(made, spec.maxEpisodeSteps()) : made;
    Space<Object> os = env.observationSpace();
    Space<Object> as = env.actionSpace();
    int dim = os.flatSize();
    if (dim != policy.observationSize()) {
      throw new IllegalArgumentException("evaluate: " + spec.id() + " gives observations of " + dim + " floats (" + os + "), the policy takes "
          + policy.observationSize() + " (" + policy.observationSpace() + ")");
    }
    float[] o = new float[dim];
    Tensor ot = Tensor.wrap(o, new int[] {1, dim});
    int mw = ActorCriticPolicy.maskWidth(as);
    Tensor mt = Tensor.zeros(1, Math.max(mw, 1));
    BatchOutput out = policy.newBatchOutput(1, kernels);
    Tensor memory = policy.memorySize() > 0 ? Tensor.zeros(1, policy.memorySize()) : null;
    Tensor starts = Tensor.zeros(1);
    long maskedSteps = 0, invalid = 0;
    Rng r = new Rng(seed);
    double[] returns = new double[episodes];
    try {
      for (int e = 0; e < episodes; e++) {
        Object obs = env.reset(r.split()).observation();
        double ret = 0;
        for (int step = 0; ; step++) {
          os.flatten(obs, o, 0);
          if (obsRms != null) VecNormalize.normalize(obsRms, clipObs, o, dim, dim);
          Object mask = mw > 0 ? env.actionMask() : null;
          if (mask != null) {
            try {
              ActionMasks.write(as, mask, mt.data(), mt.offset());
            } catch (IllegalArgumentException x) {
              throw new IllegalArgumentException("evaluation episode " + e + " at step " + step + ": " + x.getMessage(), x);
            }
            maskedSteps++;
          }
          starts.set(0, step == 0 ? 1f : 0f);
          policy.actionAndValueBatch(ot, memory, starts, null, mask != null && useMasks ? mt : null, out);
          float[] a = out.actions().data();
          if (mask != null && !ActionMasks.allows(as, mt.data(), mt.offset(), a, 0)) invalid++;
          var s = env.step(toEnvAction(as, a));
          ret += s.reward();
          obs = s.observation();
          if (s.done()) break;
        }
        returns[e] = ret;
      }
    } finally {
      env.close();
    }
    return Evaluation.of(returns, maskedSteps, invalid);
  }

  /** The env action a policy's action row means (the space decodes it; a Box action is clipped to the bounds). */
  static Object toEnvAction(Space<Object> as, float[] a) {
    return (Object) as instanceof Box b ? b.clip(a) : as.actionFromRow(a, 0);
  }
}
