package vecrl.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.tensor.Tensor;

/** The PPO loss on the fixture's 12-sample minibatch, with a categorical policy built from raw logits on the tape. */
final class PpoObjectiveTest {
  static final Map<String, Object> PPO = Json.obj(GaeTest.FIX.get("ppo"));

  private static int[] actions() {
    double[] a = Json.flat(PPO.get("actions"));
    int[] r = new int[a.length];
    for (int i = 0; i < a.length; i++) r[i] = (int) a[i];
    return r;
  }

  @Test
  void lossPiecesAndGradientsMatchFixture() {
    double[][] logits = new double[12][];
    float[] lg = Json.flatF(PPO.get("logits"));
    Tensor logitsT = Tensor.of(lg, 12, 2);
    Tensor newValueT = Tensor.of(Json.flatF(PPO.get("newvalue")), 12);
    Minibatch mb = Minibatch.of(Json.flatF(PPO.get("mb_adv")), Json.flatF(PPO.get("mb_returns")),
        Json.flatF(PPO.get("mb_values")), Json.flatF(PPO.get("old_logprob")));
    Tape tape = new Tape();
    Var logitsV = tape.variable(logitsT);
    Var valueV = tape.variable(newValueT);
    Var logp = logitsV.logSoftmaxRows();
    Var logProb = logp.gatherRows(actions()).reshape(12);
    Var entropy = logp.exp().mul(logp).sumRows().neg().reshape(12);
    PpoObjective ppo = new PpoObjective(0.2f, true, 0.01f, 0.5f, true);
    LossStats st = new LossStats();
    Var loss = ppo.loss(tape, logProb, entropy, valueV, mb, st);

    double[] normAdv = Json.flat(PPO.get("norm_adv"));
    for (int i = 0; i < 12; i++) assertEquals(normAdv[i], mb.advantages[i], 1e-5, "normalised advantage " + i);
    assertEquals(num("pg_loss"), st.policyLoss, 2e-6);
    assertEquals(num("v_loss"), st.valueLoss, 1e-5 * num("v_loss"));
    assertEquals(num("entropy"), st.entropy, 1e-6);
    assertEquals(num("approx_kl"), st.approxKl, 1e-6);
    assertEquals(num("loss"), st.loss, 1e-5 * num("loss"));
    assertEquals(num("loss"), loss.item(), 1e-5 * num("loss"));

    tape.backward(loss);
    double[] dLogits = Json.flat(PPO.get("dloss_dlogits"));
    double[] dValue = Json.flat(PPO.get("dloss_dnewvalue"));
    for (int k = 0; k < 24; k++) assertEquals(dLogits[k], logitsV.grad().get(k), 1e-6, "dloss/dlogits " + k);
    for (int k = 0; k < 12; k++) assertEquals(dValue[k], valueV.grad().get(k), 1e-5 * Math.max(1, Math.abs(dValue[k])), "dloss/dvalue " + k);
    assertEquals(0, logits.length - 12);
  }

  /** With the rollout's own log-probs (first minibatch of the first epoch) the ratio is exactly 1: kl 0, nothing clipped. */
  @Test
  void ratioIsExactlyOneWhenPolicyUnchanged() {
    Tensor logitsT = Tensor.of(Json.flatF(PPO.get("logits")), 12, 2);
    Tape tape = new Tape();
    Var logp = tape.variable(logitsT).logSoftmaxRows();
    Var logProb = logp.gatherRows(actions()).reshape(12);
    float[] old = logProb.value().toArray();
    Var entropy = logp.exp().mul(logp).sumRows().neg().reshape(12);
    Minibatch mb = Minibatch.of(Json.flatF(PPO.get("mb_adv")), Json.flatF(PPO.get("mb_returns")),
        Json.flatF(PPO.get("mb_values")), old);
    LossStats st = new LossStats();
    Var value = tape.variable(Tensor.of(Json.flatF(PPO.get("newvalue")), 12));
    new PpoObjective(0.2f, true, 0.01f, 0.5f, true).loss(tape, logProb, entropy, value, mb, st);
    assertEquals(0.0, st.approxKl, 0.0);
    assertEquals(0.0, st.clipFraction, 0.0);
    // ratio 1 exactly: the policy loss is -mean(normalised advantages), which is ~0
    double mean = 0;
    for (int i = 0; i < 12; i++) mean += mb.advantages[i];
    assertEquals(-mean / 12, st.policyLoss, 1e-7);
  }

  private static double num(String k) {
    return ((Number) PPO.get(k)).doubleValue();
  }
}
