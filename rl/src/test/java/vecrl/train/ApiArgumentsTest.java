package vecrl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.env.DynamicsEnv;
import vecrl.env.EnvRegistry;
import vecrl.env.classic.CartPole;
import vecrl.io.PolicyIO;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.PolicyState;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/** Issue 15's Java API items: named null arguments, a PolicyState from another policy, an action of the wrong type. */
final class ApiArgumentsTest {
  @TempDir Path tmp;
  private static final EnvRegistry REG = EnvRegistry.standard();

  private static void names(String parameter, org.junit.jupiter.api.function.Executable call) {
    NullPointerException e = assertThrows(NullPointerException.class, call);
    assertEquals(parameter, e.getMessage());
  }

  @Test
  void nullArgumentsAreNamed() {
    TrainConfig c = CheckpointIntegrityTest.tiny(8);
    ActorCriticPolicy p = PolicyFile.skeleton(c, REG.spec(c.env()));
    names("path", () -> PolicyIO.serialize(p, null));
    names("skeleton", () -> PolicyIO.deserialize(tmp.resolve("x"), null));
    names("config", () -> new Trainer(null, REG));
    names("dir", () -> TrainingRun.train(c, REG, null, List.of()));
    names("dir", () -> TrainingRun.resume(null, REG, List.of()));
    names("spec", () -> PolicyFile.load(tmp.resolve("x"), c, null));
    names("observation", () -> p.act(p.reset(new Rng(1)), null, null, null));
    names("state", () -> p.act(null, Tensor.zeros(4), null, null));
  }

  @Test
  void aStateFromAnotherPolicyIsRefusedClearly() {
    TrainConfig c = CheckpointIntegrityTest.tiny(8);
    ActorCriticPolicy a = PolicyFile.skeleton(c, REG.spec(c.env()));
    ActorCriticPolicy lstm = PolicyFile.skeleton(c.with(java.util.Map.of("policy", "lstm", "seqLen", "8")), REG.spec(c.env()));
    ActorCriticPolicy twin = PolicyFile.skeleton(c, REG.spec(c.env()));
    assertThrows(IllegalArgumentException.class, () -> a.act(twin.reset(new Rng(1)), Tensor.zeros(4), null, null), "same structure, other object");
    PolicyState foreign = lstm.reset(new Rng(1));
    for (ActorCriticPolicy p : List.of(a, lstm)) {
      PolicyState s = p == a ? foreign : a.reset(new Rng(1));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.act(s, Tensor.zeros(4), new Rng(2), null));
      assertTrue(e.getMessage().contains("PolicyState was made by another policy"), e.getMessage());
    }
    PolicyState own = a.reset(new Rng(1));
    a.act(own, Tensor.zeros(4), new Rng(2), null);
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void anActionOfTheWrongTypeSaysWhichTypeTheSpaceTakes() {
    DynamicsEnv env = new DynamicsEnv<>(new CartPole());
    env.reset(new Rng(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(1.0f));
    assertTrue(e.getMessage().contains("action 1.0 is a Float, but Discrete(2) takes a Integer"), e.getMessage());
  }
}
