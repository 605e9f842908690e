package vecrl.policy;

import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * An actor-critic policy that carries no memory between calls (Lerax's stateless variant). Its
 * states hold only output buffers and scratch; {@link #initialMemory} is always null. The
 * convenience methods without a state make a fresh one per call (they allocate; keep a state from
 * {@link #reset} for hot loops).
 */
public abstract class StatelessActorCriticPolicy extends ActorCriticPolicy {
  protected StatelessActorCriticPolicy(Space<?> observationSpace, Space<?> actionSpace) {
    super(observationSpace, actionSpace);
  }

  @Override
  protected final Tensor initialMemory(Rng rng) {
    return null;
  }

  /** The action for one observation (null rng: deterministic), as a new [actionWidth] tensor. */
  public Tensor act(Tensor observation, Rng rng, Tensor mask) {
    return act(reset(null), observation, rng, mask).action().copy();
  }

  /** The value of one observation. */
  public float value(Tensor observation) {
    return value(reset(null), observation).value();
  }
}
