package vecrl.policy.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.autodiff.Adam;
import vecrl.autodiff.Tape;
import vecrl.io.PolicyIO;
import vecrl.nn.NetArch;
import vecrl.policy.Evaluation;
import vecrl.policy.MlpActorCriticPolicy;
import vecrl.policy.MlpPolicyConfig;
import vecrl.policy.PolicyState;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

class ExamplesTest {
  @TempDir Path dir;

  /**
   * A contextual bandit: the rewarded action is 0 when obs[0] > 0, else 1. Policy-gradient steps
   * on batches must raise the probability of the rewarded action.
   */
  static Tensor banditObs(Rng rng, int b) {
    Tensor o = Tensor.zeros(b, 3);
    rng.fillUniform(o, -1, 1);
    return o;
  }

  @Test
  void leraxCustomPolicyRunsAndLearnsThroughTheInheritedApi() throws Exception {
    Box obs = new Box(-1f, 1f, 3);
    LeraxCustomPolicy p = new LeraxCustomPolicy(obs, new Discrete(2), new Rng(1));
    Adam opt = new Adam(p.parameters(), 1e-2);
    Rng rng = new Rng(2);
    Tape tape = new Tape();
    Tensor actions = Tensor.zeros(64, 1), adv = Tensor.zeros(64);
    double firstMean = 0, lastMean = 0;
    for (int it = 0; it < 60; it++) {
      Tensor o = banditObs(rng, 64);
      var out = p.actionAndValueBatch(o, rng, null, p.newBatchOutput(64));
      double correct = 0;
      for (int r = 0; r < 64; r++) {
        int want = o.get(r, 0) > 0 ? 0 : 1;
        actions.set(r, 0, out.actions().get(r, 0));
        boolean ok = out.actions().get(r, 0) == want;
        adv.set(r, ok ? 1f : -1f);
        correct += ok ? 1 : 0;
      }
      if (it < 5) firstMean += correct / 64 / 5;
      if (it >= 55) lastMean += correct / 64 / 5;
      tape.clear();
      p.parameters().zeroGrad();
      Evaluation e = p.evaluateActions(tape, tape.input(o), actions, null);
      tape.backward(e.logProb().mul(tape.input(adv)).mean().neg());
      opt.step();
    }
    assertTrue(lastMean > 0.9 && lastMean > firstMean + 0.2, "accuracy " + firstMean + " -> " + lastMean);
    PolicyState s = p.reset(null);
    assertEquals(0, p.act(s, Tensor.vector(0.9f, 0f, 0f), null, null).discreteAction());
    assertEquals(1, p.act(s, Tensor.vector(-0.9f, 0f, 0f), null, null).discreteAction());
    assertEquals(1, p.act(s, Tensor.vector(0.9f, 0f, 0f), new Rng(3), Tensor.vector(0, 1)).discreteAction());
    Path f = dir.resolve("custom.vpol");
    p.serialize(f);
    LeraxCustomPolicy q = PolicyIO.deserialize(f, new LeraxCustomPolicy(obs, new Discrete(2), new Rng(9)));
    assertArrayEquals(p.parameters().get(0).value().toArray(), q.parameters().get(0).value().toArray());
    assertThrows(IllegalArgumentException.class, () -> new LeraxCustomPolicy(obs, new Box(-1f, 1f), new Rng(1)));
  }

  @Test
  void stableBaselinesNetArchSpecsBuildTheDescribedStructure() {
    Box obs = new Box(-1f, 1f, 4);
    MlpActorCriticPolicy a = new MlpActorCriticPolicy(obs, new Discrete(2),
        MlpPolicyConfig.sb3(NetArch.parse("[128, {vf: [256, 256]}]")), new Rng(1));
    assertEquals("""
        shared: MLP[4 -> 128, tanh, final tanh, init orthogonal(1.4142135623730951)]
        pi: MLP[128, tanh, final tanh]
        action: ActionLayer[Categorical, MLP[128 -> 2, tanh, final identity, init orthogonal(0.01)]]
        vf: MLP[128 -> 256 -> 256, tanh, final tanh, init orthogonal(1.4142135623730951)/orthogonal(1.4142135623730951)]
        value: MLP[256 -> 1 (scalar), tanh, final identity, init orthogonal(1.0)]
        """, a.describe());
    MlpActorCriticPolicy b = new MlpActorCriticPolicy(obs, new Discrete(2),
        MlpPolicyConfig.sb3(NetArch.parse("[128, {vf: [256], pi: [16]}]")), new Rng(1));
    assertArrayEquals(new int[] {4, 128}, b.shared().sizes());
    assertArrayEquals(new int[] {128, 16}, b.policyBranch().sizes());
    assertArrayEquals(new int[] {16, 2}, b.actionLayer().mlp().sizes());
    assertArrayEquals(new int[] {128, 256}, b.valueBranch().sizes());
    assertArrayEquals(new int[] {256, 1}, b.valueHead().sizes());
    assertEquals(List.of("shared.layers.0.weight", "shared.layers.0.bias", "pi.layers.0.weight", "pi.layers.0.bias",
        "action.layers.0.weight", "action.layers.0.bias", "vf.layers.0.weight", "vf.layers.0.bias",
        "value.layers.0.weight", "value.layers.0.bias"), b.parameters().names());
    // built in Java, the same structure
    MlpActorCriticPolicy c = new MlpActorCriticPolicy(obs, new Discrete(2),
        MlpPolicyConfig.sb3(new NetArch(new int[] {128}, new int[] {16}, new int[] {256})), new Rng(1));
    assertEquals(b.structure(), c.structure());
    Tensor o = Tensor.zeros(3, 4);
    assertArrayEquals(new int[] {3}, b.actionAndValueBatch(o, null, null, b.newBatchOutput(3)).values().shape());
  }
}
