package vecrl.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.io.PolicyFormatException;
import vecrl.io.PolicyIO;
import vecrl.nn.Activation;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.MultiBinary;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/** The SAC, discrete SAC and deterministic (TD3/DDPG) policies: file round trips, fingerprints, modes, targets, errors. */
final class OffPolicyPoliciesTest {
  static final Box OBS = new Box(-8f, 8f, 3), ACT = new Box(-2f, 2f, 1), ACT2 = new Box(new float[] {-1f, 0f}, new float[] {1f, 4f}, 2);
  static final int[] H = {16, 8};

  static void assertSameParameters(ParameterSet a, ParameterSet b) {
    assertEquals(a.names(), b.names());
    for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i).value().toArray(), b.get(i).value().toArray(), a.get(i).name());
  }

  static Tensor obs(int rows, long seed) {
    Tensor t = Tensor.zeros(rows, OBS.flatSize());
    new Rng(seed).fillUniform(t, -1f, 1f);
    return t;
  }

  static Tensor mode(ActorCriticPolicy p, Tensor o) {
    return p.actionAndValueBatch(o, null, null, p.newBatchOutput(o.rows())).actions().copy();
  }

  @Test
  void sacPolicyRoundTripsThroughItsFile(@TempDir Path dir) throws Exception {
    MlpSacPolicy p = new MlpSacPolicy(OBS, ACT2, H, new int[] {12}, Activation.RELU, 2, -0.5f, new Rng(1));
    Path f = dir.resolve("sac.bin");
    p.serialize(f);
    MlpSacPolicy q = PolicyIO.deserialize(f, p.twin(new Rng(2)));
    assertSameParameters(p.parameters(), q.parameters());
    assertEquals(-0.5f, q.logAlpha().value().get(0));
    Tensor o = obs(5, 3);
    assertArrayEquals(mode(p, o).toArray(), mode(q, o).toArray());
    // Parameter order: actor, critics, targets, log_alpha.
    assertEquals("actor.layers.0.weight", p.parameters().get(0).name());
    assertEquals("log_alpha", p.parameters().get(p.parameters().size() - 1).name());
    // Another architecture is another fingerprint, refused before any parameter is read.
    MlpSacPolicy other = new MlpSacPolicy(OBS, ACT2, H, new int[] {13}, Activation.RELU, 2, 0f, new Rng(1));
    PolicyFormatException e = assertThrows(PolicyFormatException.class, () -> PolicyIO.deserialize(f, other));
    assertTrue(e.getMessage().contains("fingerprint mismatch"), e.getMessage());
    assertNotEquals(p.structure(), new MlpSacPolicy(OBS, ACT2, H, new int[] {12}, Activation.TANH, 2, 0f, new Rng(1)).structure());
  }

  @Test
  void sdeSacPolicyRoundTripsThroughItsFile(@TempDir Path dir) throws Exception {
    MlpSacPolicy.Sde sde = new MlpSacPolicy.Sde(-3.67f, 2f);
    MlpSacPolicy p = new MlpSacPolicy(OBS, ACT2, H, new int[] {12}, Activation.RELU, 2, 0f, sde, new Rng(1));
    // actor: the trunk (two layers), the mean head, then log_std [last hidden width, d] at log_std_init
    assertEquals(H[H.length - 1], p.latentDim());
    assertEquals(2 * H.length + 2 + 1, p.actorParameters().size());
    Parameter ls = p.actorParameters().get(p.actorParameters().size() - 1);
    assertEquals("actor_log_std", ls.name());
    assertArrayEquals(new int[] {H[H.length - 1], 2}, ls.value().shape());
    for (int i = 0; i < ls.value().size(); i++) assertEquals(-3.67f, ls.value().get(i));
    new Rng(3).fillNormal(ls.value(), -3f, 0.5f);
    Path f = dir.resolve("sde.bin");
    p.serialize(f);
    MlpSacPolicy q = PolicyIO.deserialize(f, p.twin(new Rng(2)));
    assertSameParameters(p.parameters(), q.parameters());
    Tensor o = obs(5, 3);
    Tensor m = mode(p, o);
    assertArrayEquals(m.toArray(), mode(q, o).toArray());
    // the mode: c + s tanh(clamp(mu, -2, 2)) with mu the head on the trunk's activated output
    Tape t = new Tape();
    Tensor mu = p.sdeMeanHead().forward(p.actor().forward(t.input(o))).value();
    for (int r = 0; r < 5; r++) {
      for (int j = 0; j < 2; j++) {
        double c = (ACT2.high(j) + ACT2.low(j)) / 2, s = (ACT2.high(j) - ACT2.low(j)) / 2;
        assertEquals(c + s * Math.tanh(Math.max(-2, Math.min(2, mu.get(r, j)))), m.get(r, j), 1e-5);
      }
    }
    // gSDE is another structure than the plain SAC policy of the same sizes: refused both ways
    MlpSacPolicy plain = new MlpSacPolicy(OBS, ACT2, H, new int[] {12}, Activation.RELU, 2, 0f, new Rng(1));
    assertNotEquals(plain.structure(), p.structure());
    assertThrows(PolicyFormatException.class, () -> PolicyIO.deserialize(f, plain));
  }

  @Test
  void deterministicPolicyRoundTripsThroughItsFile(@TempDir Path dir) throws Exception {
    for (int critics = 1; critics <= 2; critics++) {
      MlpDeterministicPolicy p = new MlpDeterministicPolicy("TD3", OBS, ACT, H, H, Activation.RELU, critics, new Rng(4));
      Path f = dir.resolve("det" + critics + ".bin");
      p.serialize(f);
      MlpDeterministicPolicy q = PolicyIO.deserialize(f, p.twin(new Rng(5)));
      assertSameParameters(p.parameters(), q.parameters());
      Tensor o = obs(4, 6);
      assertArrayEquals(mode(p, o).toArray(), mode(q, o).toArray());
      assertEquals(2 * H.length + 2, p.actorParameters().size());
      assertEquals(critics * (2 * H.length + 2), p.criticParameters().size());
    }
    MlpDeterministicPolicy one = new MlpDeterministicPolicy("DDPG", OBS, ACT, H, H, Activation.RELU, 1, new Rng(4));
    Path f = dir.resolve("one.bin");
    one.serialize(f);
    MlpDeterministicPolicy two = new MlpDeterministicPolicy("TD3", OBS, ACT, H, H, Activation.RELU, 2, new Rng(4));
    assertThrows(PolicyFormatException.class, () -> PolicyIO.deserialize(f, two));
  }

  @Test
  void discreteSacPolicyRoundTripsThroughItsFile(@TempDir Path dir) throws Exception {
    MlpDiscreteSacPolicy p = new MlpDiscreteSacPolicy(OBS, new Discrete(3), H, H, Activation.RELU, 2, 0.25f, new Rng(7));
    Path f = dir.resolve("dsac.bin");
    p.serialize(f);
    MlpDiscreteSacPolicy q = PolicyIO.deserialize(f, p.twin(new Rng(8)));
    assertSameParameters(p.parameters(), q.parameters());
    Tensor o = obs(6, 9);
    Tensor m = mode(p, o);
    assertArrayEquals(m.toArray(), mode(q, o).toArray());
    // The mode is the argmax of the actor's logits.
    Tape t = new Tape();
    Tensor logits = p.logits(t.input(o)).value();
    for (int r = 0; r < 6; r++) {
      int best = 0;
      for (int k = 1; k < 3; k++) if (logits.get(r, k) > logits.get(r, best)) best = k;
      assertEquals(best, (int) m.get(r, 0));
    }
  }

  @Test
  void targetsStartAsCopiesOfTheCritics() {
    MlpSacPolicy s = new MlpSacPolicy(OBS, ACT, H, H, Activation.RELU, 2, 0f, new Rng(10));
    ParameterSet c = s.criticParameters(), t = s.targetParameters();
    for (int i = 0; i < c.size(); i++) assertArrayEquals(c.get(i).value().toArray(), t.get(i).value().toArray());
    MlpDeterministicPolicy d = new MlpDeterministicPolicy("TD3", OBS, ACT, H, H, Activation.RELU, 2, new Rng(11));
    for (int i = 0; i < d.actorParameters().size(); i++) {
      assertArrayEquals(d.actorParameters().get(i).value().toArray(), d.actorTargetParameters().get(i).value().toArray());
    }
    // The two critics are initialised independently.
    Parameter w0 = c.get(0), w1 = c.get(c.size() / 2);
    assertEquals(w0.value().shapeString(), w1.value().shapeString());
    assertNotEquals(w0.value().get(0), w1.value().get(0));
  }

  @Test
  void modesAreTheSquashedMeansRescaledToTheBox() {
    MlpSacPolicy s = new MlpSacPolicy(OBS, ACT2, H, H, Activation.RELU, 2, 0f, new Rng(12));
    Tensor o = obs(4, 13);
    Tensor m = mode(s, o);
    Tape t = new Tape();
    Tensor mu = s.actor().forward(t.input(o)).value();
    for (int r = 0; r < 4; r++) {
      // dimension 0 in [-1, 1]: tanh(mu); dimension 1 in [0, 4]: 2 + 2 tanh(mu)
      assertEquals(Math.tanh(mu.get(r, 0)), m.get(r, 0), 1e-6);
      assertEquals(2 + 2 * Math.tanh(mu.get(r, 1)), m.get(r, 1), 4e-6);
    }
    Tensor a = Tensor.of(new float[] {-1f, 1f, 0.5f, -0.25f}, 2, 2), env = Tensor.zeros(2, 2), back = Tensor.zeros(2, 2);
    s.toEnv(a, env);
    assertArrayEquals(new float[] {-1f, 4f, 0.5f, 1.5f}, env.toArray());
    s.fromEnv(env, back);
    assertArrayEquals(a.toArray(), back.toArray());
  }

  @Test
  void wrongActionSpacesAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new MlpDeterministicPolicy("TD3", OBS, new Discrete(2), H, H, Activation.RELU, 2, new Rng(1)));
    assertTrue(e.getMessage().startsWith("TD3 needs a bounded one-dimensional Box action space"), e.getMessage());
    assertTrue(e.getMessage().contains("Discrete(2)") && e.getMessage().contains("sac-discrete or dqn"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new MlpSacPolicy(OBS, new Box(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 1), new Rng(1)));
    assertTrue(e.getMessage().contains("bounded"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new MlpDiscreteSacPolicy(OBS, ACT, H, H, Activation.RELU, 2, 0f, new Rng(1)));
    assertTrue(e.getMessage().startsWith("sac-discrete needs a Discrete action space, got Box"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new MlpSacPolicy(OBS, new MultiBinary(2), new Rng(1)));
    assertTrue(e.getMessage().contains("MultiBinary"), e.getMessage());
  }
}
