package vecrl.policy;

import vecrl.autodiff.Var;
import vecrl.distribution.Distribution;

/**
 * The batched outputs of {@link ActorCriticPolicy#evaluateActions}: values, log-probabilities of the
 * given actions and entropies, each [batch], on the caller's tape; plus the distribution itself
 * (for KL or other diagnostics).
 */
public record Evaluation(Var value, Var logProb, Var entropy, Distribution distribution) {}
