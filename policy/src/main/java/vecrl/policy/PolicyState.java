package vecrl.policy;

import vecrl.autodiff.Tape;
import vecrl.tensor.Tensor;

/**
 * One caller's policy state, returned by {@link ActorCriticPolicy#reset}: the recurrent memory (if
 * the policy has any), the outputs of the last call, and that caller's scratch buffers. Policy
 * methods update it in place and return it, so steady-state calls allocate nothing.
 *
 * <p>One policy object serves many threads: each thread calls {@code reset} for its own state and
 * passes only that state. A state must not be shared between threads, and belongs to the policy
 * that made it: passing it to another policy is an error that says so.
 */
public final class PolicyState {
  private final Tensor action;
  private final Tensor action2d;
  float value, logProb, entropy;
  /** The recurrent memory; null for stateless policies. Policies may replace it. */
  Tensor memory;
  /** Scratch for the tape-free single-observation path (owned by the policy's implementation). */
  final float[][] scratch;
  /** A no-grad tape for the generic single-observation path, made on first use. */
  Tape tape;

  /** The policy whose reset made this state; only it may use the state. */
  final Object owner;

  PolicyState(Object owner, int actionWidth, Tensor memory, float[][] scratch) {
    this.owner = owner;
    this.action = Tensor.zeros(actionWidth);
    this.action2d = action.reshape(1, actionWidth);
    this.memory = memory;
    this.scratch = scratch;
  }

  /** The last action, [actionWidth] (an index as a float for Discrete, a real vector for Box). */
  public Tensor action() { return action; }

  /** The last action as an index (Discrete spaces: action()[0]). */
  public int discreteAction() { return (int) action.get(0); }

  /** The value estimate of the last {@code actionAndValue}, {@code evaluateAction} or {@code value} call. */
  public float value() { return value; }

  /** The log-probability of the last sampled or evaluated action. */
  public float logProb() { return logProb; }

  /** The entropy of the last {@code evaluateAction} call. */
  public float entropy() { return entropy; }

  /** The recurrent memory, or null for a stateless policy. */
  public Tensor memory() { return memory; }

  Tensor action2d() { return action2d; }

  Tape tape() {
    if (tape == null) tape = new Tape();
    return tape;
  }
}
