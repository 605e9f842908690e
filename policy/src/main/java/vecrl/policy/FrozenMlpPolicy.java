package vecrl.policy;

import vecrl.nn.FrozenMLP;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * An immutable inference snapshot of a trained {@link MlpActorCriticPolicy}, for embedding in an
 * application: {@link MlpActorCriticPolicy#freeze()} copies every layer's weights (transposed for
 * vector FMAs over the outputs) and the log-std; the snapshot does not see later training, take a new
 * one. Same definitions and same state objects as the policy's own single-observation methods, with
 * float32 sums in another order (results agree to rounding). Thread-safe like the policy: one state
 * per thread, from {@link #reset}.
 */
public final class FrozenMlpPolicy {
  private final MlpActorCriticPolicy source;
  private final FrozenMLP shared, pi, action, vf, value;
  private final float[] logStd;

  FrozenMlpPolicy(MlpActorCriticPolicy p) {
    this.source = p;
    shared = new FrozenMLP(p.shared());
    pi = new FrozenMLP(p.policyBranch());
    action = new FrozenMLP(p.actionLayer().mlp());
    vf = new FrozenMLP(p.valueBranch());
    value = new FrozenMLP(p.valueHead());
    logStd = p.actionLayer().logStd() == null ? null : p.actionLayer().logStd().value().toArray();
  }

  /** The policy this snapshot was taken from (its parameters may have changed since). */
  public MlpActorCriticPolicy source() { return source; }

  /** A state for one caller (same as the source policy's). */
  public PolicyState reset(Rng rng) {
    return source.reset(rng);
  }

  /** As {@link MlpActorCriticPolicy#act}: sampled with rng, or the mode when rng is null; allocates nothing. */
  public PolicyState act(PolicyState state, Tensor observation, Rng rng, Tensor mask) {
    actRow(state, observation, rng, mask);
    return state;
  }

  /** As {@link MlpActorCriticPolicy#actionAndValue}. */
  public PolicyState actionAndValue(PolicyState state, Tensor observation, Rng rng, Tensor mask) {
    float[] h = actRow(state, observation, rng, mask);
    float[][] s = state.scratch;
    float[] v = value.forwardRow(vf.forwardRow(h, 0, s[2], s[3], s[7]), 0, s[4], s[5], s[7]);
    state.value = v[0];
    return state;
  }

  private float[] actRow(PolicyState state, Tensor observation, Rng rng, Tensor mask) {
    source.checkState(state);
    java.util.Objects.requireNonNull(observation, "observation");
    source.checkObservation(observation);
    if (mask != null && mask.size() != source.maskWidth()) {
      throw new IllegalArgumentException("FrozenMlpPolicy: mask " + mask.shapeString() + ", expected [" + source.maskWidth() + "]");
    }
    float[][] s = state.scratch;
    float[] h = shared.forwardRow(observation.data(), observation.offset(), s[0], s[1], s[7]);
    float[] p = action.forwardRow(pi.forwardRow(h, 0, s[2], s[3], s[7]), 0, s[4], s[5], s[7]);
    float[] a = s[6];
    state.logProb = source.actionLayer().actRow(p, logStd, mask == null ? null : mask.data(), mask == null ? 0 : mask.offset(), rng, a);
    Tensor out = state.action();
    for (int i = 0; i < a.length; i++) out.set(i, a[i]);
    return h;
  }
}
