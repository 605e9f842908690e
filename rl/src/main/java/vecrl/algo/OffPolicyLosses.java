package vecrl.algo;

import vecrl.policy.MlpDeterministicPolicy;
import vecrl.policy.MlpDiscreteSacPolicy;
import vecrl.policy.MlpSacPolicy;

import vecrl.autodiff.Parameter;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.tensor.Tensor;

/**
 * The losses of SAC, discrete SAC, TD3 and DDPG as functions of a batch, as Stable-Baselines3
 * computes them (discrete SAC as Christodoulou 2019). Batch columns: observations and next
 * observations [B, obsDim], actions [B, d] in [-1, 1] (or action indices for discrete SAC), rewards
 * and terminated flags [B] (1 where the episode ended in a terminal state: no bootstrap; a
 * truncation bootstraps). Noise comes in as tensors, so a loss is a pure function of its arguments.
 *
 * <p>Targets are computed in no-grad mode into a caller's [B, 1] tensor; losses are scalar {@code
 * Var}s on the caller's tape.
 */
public final class OffPolicyLosses {
  private OffPolicyLosses() {}

  // ---------------------------------------------------------------- SAC

  /**
   * SAC's critic target: {@code y = r + gamma (1 - terminated) (min_i Q'_i(s', a') - alpha log pi(a'|s'))}
   * with {@code a'} the reparameterised sample for {@code nextEps}.
   */
  public static void sacTarget(Tape tape, MlpSacPolicy p, Tensor nextObs, Tensor nextEps, Tensor rewards, Tensor terminateds,
      float alpha, float gamma, Tensor out) {
    checkColumns("sacTarget", nextObs.rows(), rewards, terminateds, out);
    try (var ng = tape.noGrad()) {
      Var s2 = tape.input(nextObs);
      MlpSacPolicy.Sample s = p.sample(s2, nextEps);
      Var q = p.qTarget(0, s2, s.action());
      for (int i = 1; i < p.nCritics(); i++) q = q.min(p.qTarget(i, s2, s.action()));
      Tensor qv = q.value(), lp = s.logProb().value();
      for (int r = 0; r < out.rows(); r++) {
        float next = qv.get(r) - alpha * lp.get(r);
        out.set(r, rewards.get(r) + (1f - terminateds.get(r)) * gamma * next);
      }
    }
  }

  /** SAC's critic loss: {@code 0.5 sum_i mean((Q_i(s, a) - y)^2)}. */
  public static Var sacCriticLoss(Tape tape, MlpSacPolicy p, Var obs, Var actions, Tensor target) {
    Var y = tape.input(target);
    Var loss = null;
    for (int i = 0; i < p.nCritics(); i++) {
      Var l = p.q(i, obs, actions).sub(y).square().mean();
      loss = loss == null ? l : loss.add(l);
    }
    return loss.mul(0.5f);
  }

  /** SAC's actor loss for a sample on {@code obs}: {@code mean(alpha log pi(a|s) - min_i Q_i(s, a))}. */
  public static Var sacActorLoss(MlpSacPolicy p, Var obs, MlpSacPolicy.Sample sample, float alpha) {
    Var q = p.q(0, obs, sample.action());
    for (int i = 1; i < p.nCritics(); i++) q = q.min(p.q(i, obs, sample.action()));
    return sample.logProb().mul(alpha).sub(q).mean();
  }

  /**
   * The temperature loss of automatic entropy tuning, Stable-Baselines3's {@code -mean(log_alpha
   * (log pi + target_entropy))} with the log-probabilities {@code logProb} [B, 1] held constant. Its
   * gradient is {@code -mean(log pi + target_entropy)}: alpha grows while the entropy is below the target.
   */
  public static Var temperatureLoss(Tape tape, Parameter logAlpha, Tensor logProb, float targetEntropy) {
    return tape.input(logProb).add(targetEntropy).mul(logAlpha).mean().neg();
  }

  // ---------------------------------------------------------------- TD3 and DDPG

  /**
   * Target policy smoothing noise of TD3: {@code clamp(std * eps, -clip, clip)}, elementwise into
   * {@code out} (which may be {@code eps}).
   */
  public static void smoothingNoise(Tensor eps, float std, float clip, Tensor out) {
    for (int i = 0; i < eps.size(); i++) out.set(i, Math.max(-clip, Math.min(clip, std * eps.get(i))));
  }

  /**
   * TD3's critic target with clipped double Q: {@code a' = clamp(mu'(s') + noise, -1, 1)}, {@code y = r +
   * gamma (1 - terminated) min_i Q'_i(s', a')}. {@code noise} is null for DDPG (no smoothing); with one
   * critic the min is that critic.
   */
  public static void td3Target(Tape tape, MlpDeterministicPolicy p, Tensor nextObs, Tensor noise, Tensor rewards,
      Tensor terminateds, float gamma, Tensor out) {
    checkColumns("td3Target", nextObs.rows(), rewards, terminateds, out);
    try (var ng = tape.noGrad()) {
      Var s2 = tape.input(nextObs);
      Var a2 = p.targetAction(s2);
      if (noise != null) a2 = a2.add(tape.input(noise)).clamp(-1f, 1f);
      Var q = p.qTarget(0, s2, a2);
      for (int i = 1; i < p.nCritics(); i++) q = q.min(p.qTarget(i, s2, a2));
      Tensor qv = q.value();
      for (int r = 0; r < out.rows(); r++) out.set(r, rewards.get(r) + (1f - terminateds.get(r)) * gamma * qv.get(r));
    }
  }

  /** TD3's and DDPG's critic loss: {@code sum_i mean((Q_i(s, a) - y)^2)}. */
  public static Var td3CriticLoss(Tape tape, MlpDeterministicPolicy p, Var obs, Var actions, Tensor target) {
    Var y = tape.input(target);
    Var loss = null;
    for (int i = 0; i < p.nCritics(); i++) {
      Var l = p.q(i, obs, actions).sub(y).square().mean();
      loss = loss == null ? l : loss.add(l);
    }
    return loss;
  }

  /** TD3's and DDPG's actor loss: {@code -mean(Q_0(s, mu(s)))}. */
  public static Var td3ActorLoss(MlpDeterministicPolicy p, Var obs) {
    return p.q(0, obs, p.action(obs)).mean().neg();
  }

  // ---------------------------------------------------------------- discrete SAC

  /**
   * Discrete SAC's target: {@code y = r + gamma (1 - terminated) sum_a pi(a|s') (min_i Q'_i(s', a) - alpha
   * log pi(a|s'))}, the expectation over actions taken exactly.
   */
  public static void discreteSacTarget(Tape tape, MlpDiscreteSacPolicy p, Tensor nextObs, Tensor rewards, Tensor terminateds,
      float alpha, float gamma, Tensor out) {
    checkColumns("discreteSacTarget", nextObs.rows(), rewards, terminateds, out);
    try (var ng = tape.noGrad()) {
      Var s2 = tape.input(nextObs);
      Var logp = p.logits(s2).logSoftmaxRows();
      Var q = p.qTarget(0, s2);
      for (int i = 1; i < p.nCritics(); i++) q = q.min(p.qTarget(i, s2));
      Var v = logp.exp().mul(q.sub(logp.mul(alpha))).sumRows();
      Tensor vv = v.value();
      for (int r = 0; r < out.rows(); r++) out.set(r, rewards.get(r) + (1f - terminateds.get(r)) * gamma * vv.get(r));
    }
  }

  /** Discrete SAC's critic loss: {@code 0.5 sum_i mean((Q_i(s)[a] - y)^2)}. */
  public static Var discreteSacCriticLoss(Tape tape, MlpDiscreteSacPolicy p, Var obs, int[] actions, Tensor target) {
    Var y = tape.input(target);
    Var loss = null;
    for (int i = 0; i < p.nCritics(); i++) {
      Var l = p.q(i, obs).gatherRows(actions).sub(y).square().mean();
      loss = loss == null ? l : loss.add(l);
    }
    return loss.mul(0.5f);
  }

  /**
   * Discrete SAC's actor loss: {@code mean_s sum_a pi(a|s) (alpha log pi(a|s) - min_i Q_i(s, a))}, the
   * critics held constant. Returns the loss; {@code logProbOut} [B, n] receives {@code log pi} for the
   * temperature loss.
   */
  public static Var discreteSacActorLoss(Tape tape, MlpDiscreteSacPolicy p, Var obs, float alpha) {
    Var q;
    try (var ng = tape.noGrad()) {
      q = p.q(0, obs);
      for (int i = 1; i < p.nCritics(); i++) q = q.min(p.q(i, obs));
    }
    Var logp = p.logits(obs).logSoftmaxRows();
    return logp.exp().mul(logp.mul(alpha).sub(q)).sumRows().mean();
  }

  /**
   * Discrete SAC's temperature loss: {@code -log_alpha mean_s(sum_a pi(a|s) log pi(a|s) + target_entropy)},
   * the policy held constant; {@code negEntropy} [B, 1] holds {@code sum_a pi log pi} per row.
   */
  public static Var discreteTemperatureLoss(Tape tape, Parameter logAlpha, Tensor negEntropy, float targetEntropy) {
    return temperatureLoss(tape, logAlpha, negEntropy, targetEntropy);
  }

  private static void checkColumns(String who, int b, Tensor rewards, Tensor terminateds, Tensor out) {
    if (rewards.size() != b || terminateds.size() != b || out.size() != b) {
      throw new IllegalArgumentException(who + ": a batch of " + b + " next observations with rewards " + rewards.shapeString()
          + ", terminateds " + terminateds.shapeString() + " and output " + out.shapeString() + "; expected " + b + " values each");
    }
  }
}
