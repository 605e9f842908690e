package vecrl.train;

import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.BatchOutput;
import vecrl.tensor.Kernels;
import vecrl.tensor.Tensor;

/** Test shortcuts over a policy's batched API, as the trainer calls it. */
final class Acting {
  private Acting() {}

  /** The deterministic actions of {@code policy} for the rows of {@code obs} (no memory), on {@code kernels}, into {@code into}. */
  static void greedy(ActorCriticPolicy policy, Kernels kernels, Tensor obs, Tensor masks, float[] into) {
    BatchOutput out = policy.newBatchOutput(obs.rows(), kernels);
    policy.actionAndValueBatch(obs, null, masks, out);
    System.arraycopy(out.actions().data(), 0, into, 0, obs.rows() * policy.actionWidth());
  }

  static void greedy(ActorCriticPolicy policy, Kernels kernels, Tensor obs, float[] into) {
    greedy(policy, kernels, obs, null, into);
  }
}
