package vecrl.algo;

import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.tensor.Tensor;

/**
 * PPO's clipped surrogate (Schulman et al. 2017) in CleanRL's form:
 * {@code loss = mean(max(-A r, -A clip(r, 1-c, 1+c))) - entCoef * mean(H) + vfCoef * Lv}, with
 * {@code r = exp(logp - logp_old)}, per-minibatch normalised advantages (optional), and
 * {@code Lv = 0.5 * mean(max((v - R)^2, (v_old + clip(v - v_old, -c, c) - R)^2))} when value
 * clipping is on, else {@code 0.5 * mean((v - R)^2)}.
 *
 * @param clip the clip coefficient c (0.2)
 * @param clipValueLoss whether to clip the value loss with the same c
 * @param entCoef entropy bonus coefficient
 * @param vfCoef value loss coefficient
 * @param normalizeAdvantages per-minibatch advantage normalisation
 */
public record PpoObjective(float clip, boolean clipValueLoss, float entCoef, float vfCoef, boolean normalizeAdvantages) implements Objective {
  public PpoObjective {
    if (!(clip > 0)) throw new IllegalArgumentException("PpoObjective: clip " + clip + ", expected > 0");
  }

  @Override
  public boolean normalizesAdvantages() {
    return normalizeAdvantages;
  }

  @Override
  public Var loss(Tape tape, Var logProb, Var entropy, Var value, Minibatch b, LossStats stats) {
    int n = b.size();
    if (normalizeAdvantages) Objective.normalize(b.advantages, n);
    Var oldLogp = tape.input(b.oldLogProbsAs(logProb.value()));
    Var adv = tape.input(b.advantagesAs(logProb.value()));
    Var logRatio = logProb.sub(oldLogp);
    Var ratio = logRatio.exp();
    Var pg1 = ratio.mul(adv).neg();
    Var pg2 = ratio.clamp(1f - clip, 1f + clip).mul(adv).neg();
    Var pgLoss = pg1.max(pg2).mean();

    Var ret = tape.input(b.returnsAs(value.value()));
    Var vLoss;
    if (clipValueLoss) {
      Var oldV = tape.input(b.oldValuesAs(value.value()));
      Var unclipped = value.sub(ret).square();
      Var clippedV = value.sub(oldV).clamp(-clip, clip).add(oldV);
      Var clipped = clippedV.sub(ret).square();
      vLoss = unclipped.max(clipped).mean().mul(0.5f);
    } else {
      vLoss = value.sub(ret).square().mean().mul(0.5f);
    }
    Var ent = entropy.mean();
    Var loss = pgLoss.sub(ent.mul(entCoef)).add(vLoss.mul(vfCoef));

    stats.clear();
    stats.policyLoss = pgLoss.item();
    stats.valueLoss = vLoss.item();
    stats.entropy = ent.item();
    stats.loss = loss.item();
    Tensor r = ratio.value();
    Tensor lr = logRatio.value();
    double kl = 0;
    int clipped = 0;
    for (int i = 0; i < n; i++) {
      double ri = r.get(i);
      kl += (ri - 1) - lr.get(i);
      if (Math.abs(ri - 1) > clip) clipped++;
      stats.maxRatioDeviation = Math.max(stats.maxRatioDeviation, Math.abs(ri - 1));
    }
    stats.approxKl = kl / n;
    stats.clipFraction = (double) clipped / n;
    return loss;
  }
}
