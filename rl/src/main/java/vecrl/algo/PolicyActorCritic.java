package vecrl.algo;

import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.distribution.Distribution;
import vecrl.policy.ActorCriticPolicy;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * The trainer's {@link ActorCritic} view of a {@code vecrl.policy} policy (usually {@link
 * vecrl.policy.MlpActorCriticPolicy}): the trainer updates the policy's own parameters, so the
 * trained object is the policy a user loads with {@link vecrl.io.PolicyIO} and no copy is involved.
 *
 * <ul>
 *   <li>{@link #evaluate}: the policy's {@link ActorCriticPolicy#evaluateActions} on the trainer's
 *       tape, with the minibatch's masks.
 *   <li>{@link #act}, {@link #predictValues}, {@link #greedy}: the policy's batched tape definition
 *       ({@link ActorCriticPolicy#distribution} and {@link ActorCriticPolicy#value}) run in no-grad
 *       mode on a tape owned by this adapter, which is the computation of {@link
 *       ActorCriticPolicy#actionAndValueBatch} / {@link ActorCriticPolicy#valueBatch}. The adapter
 *       keeps its own tape, on the trainer's kernels, instead of a {@link vecrl.policy.BatchOutput}
 *       (whose tape is on the default backend): rollout log-probabilities are then computed with
 *       the same kernels and operations as the training path, so PPO's first-minibatch ratio is
 *       exactly 1 whichever backend the trainer was given.
 * </ul>
 *
 * Actions are the policy's float rows (a discrete action as its index, width 1; a Box action its
 * vector). Masks are the policy's mask rows ({@link ActorCriticPolicy#maskWidth()} columns, see
 * {@link vecrl.policy.ActionMasks}), passed to {@link ActorCriticPolicy#distribution}. An instance is used by one thread at a time (it owns the rollout tape
 * and scratch).
 */
public final class PolicyActorCritic implements ActorCritic {
  private final ActorCriticPolicy policy;
  private final Tape rollout;
  private final int obsDim;
  private final int actionDim;
  private Tensor actionScratch;

  /** Wraps {@code policy}; tape-free calls run on {@code kernels} (use the trainer's). */
  public PolicyActorCritic(ActorCriticPolicy policy, Kernels kernels) {
    if (policy == null) throw new IllegalArgumentException("PolicyActorCritic: policy is null");
    this.policy = policy;
    this.rollout = new Tape(kernels);
    this.obsDim = policy.observationSize();
    this.actionDim = policy.actionWidth();
  }

  /** The wrapped policy (its parameters are the ones being trained). */
  public ActorCriticPolicy policy() { return policy; }

  @Override public int obsDim() { return obsDim; }
  @Override public int actionDim() { return actionDim; }
  @Override public int maskWidth() { return policy.maskWidth(); }
  @Override public ParameterSet parameters() { return policy.parameters(); }

  private int rowsOf(Tensor obs, String who) {
    if (obs.rank() != 2 || obs.dim(1) != obsDim) {
      throw new IllegalArgumentException("PolicyActorCritic." + who + ": observations " + obs.shapeString() + ", expected [B, "
          + obsDim + "]");
    }
    return obs.dim(0);
  }

  private Tensor actions(int rows) {
    if (actionScratch == null || actionScratch.dim(0) != rows) actionScratch = Tensor.zeros(rows, actionDim);
    return actionScratch;
  }

  private static void into(Tensor src, float[] dst, int n) {
    System.arraycopy(src.data(), src.offset(), dst, 0, n);
  }

  @Override
  public void act(Tensor obs, Tensor masks, Rng rng, float[] actions, float[] logProbs, float[] values) {
    int rows = rowsOf(obs, "act");
    Tensor a = actions(rows);
    rollout.clear();
    try (var ng = rollout.noGrad()) {
      Var x = rollout.input(obs);
      Distribution d = policy.distribution(rollout, x, masks);
      d.sample(rng, a);
      into(d.logProb(a).value(), logProbs, rows);
      into(policy.value(rollout, x).value(), values, rows);
    }
    into(a, actions, rows * actionDim);
  }

  @Override
  public void predictValues(Tensor obs, float[] values) {
    int rows = rowsOf(obs, "predictValues");
    rollout.clear();
    try (var ng = rollout.noGrad()) {
      into(policy.value(rollout, rollout.input(obs)).value(), values, rows);
    }
  }

  @Override
  public void greedy(Tensor obs, Tensor masks, float[] actions) {
    int rows = rowsOf(obs, "greedy");
    Tensor a = actions(rows);
    rollout.clear();
    try (var ng = rollout.noGrad()) {
      policy.distribution(rollout, rollout.input(obs), masks).mode(a);
    }
    into(a, actions, rows * actionDim);
  }

  @Override
  public Evaluation evaluate(Tape tape, Tensor obs, Tensor actions, Tensor masks) {
    rowsOf(obs, "evaluate");
    vecrl.policy.Evaluation e = policy.evaluateActions(tape, tape.input(obs), actions, masks);
    return new Evaluation(e.logProb(), e.entropy(), e.value());
  }
}
