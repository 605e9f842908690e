package vecrl.algo;

import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;

/**
 * A2C's loss (Mnih et al. 2016, in Stable-Baselines3's form):
 * {@code loss = -mean(A logp) - entCoef * mean(H) + vfCoef * mean((R - v)^2)}.
 */
public record A2cObjective(float entCoef, float vfCoef, boolean normalizeAdvantages) implements Objective {

  @Override
  public boolean normalizesAdvantages() {
    return normalizeAdvantages;
  }

  @Override
  public Var loss(Tape tape, Var logProb, Var entropy, Var value, Minibatch b, LossStats stats) {
    if (normalizeAdvantages) Objective.normalize(b.advantages, b.size());
    Var adv = tape.input(b.advantagesAs(logProb.value()));
    Var ret = tape.input(b.returnsAs(value.value()));
    Var pgLoss = logProb.mul(adv).mean().neg();
    Var vLoss = value.sub(ret).square().mean();
    Var ent = entropy.mean();
    Var loss = pgLoss.sub(ent.mul(entCoef)).add(vLoss.mul(vfCoef));
    stats.clear();
    stats.policyLoss = pgLoss.item();
    stats.valueLoss = vLoss.item();
    stats.entropy = ent.item();
    stats.loss = loss.item();
    return loss;
  }
}
