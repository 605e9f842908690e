package vecrl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.autodiff.Tape;
import vecrl.env.Env;
import vecrl.env.EnvRegistry;
import vecrl.io.PolicyFormatException;
import vecrl.io.PolicyIO;
import vecrl.policy.FrozenMlpPolicy;
import vecrl.policy.MlpActorCriticPolicy;
import vecrl.policy.MlpPolicyConfig;
import vecrl.policy.PolicyState;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * The trained {@code policy.bin} is a {@code vecrl.io} file of a {@code vecrl.policy} policy: an
 * application rebuilds it from the env's spaces and the config and gets the trainer's greedy actions.
 */
final class TrainedPolicyLoadTest {
  @TempDir Path tmp;

  private static final EnvRegistry REG = EnvRegistry.standard();
  private static final Kernels SCALAR = Backends.byName("scalar");
  private static final int ROWS = 1000;

  /** {@code rows} observations spread over [-scale, scale] per component. */
  private static Tensor observations(int rows, int dim, float scale, long seed) {
    Tensor t = Tensor.zeros(rows, dim);
    new Rng(seed).fillUniform(t, -scale, scale);
    return t;
  }

  @Test
  void cartPolePolicyLoadsInAnApplicationWithTheTrainersGreedyActions() throws IOException {
    TrainConfig c = TrainConfig.defaults("CartPole-v1").with(Map.of("totalSteps", "4096", "evalEpisodes", "0", "seed", "5"));
    TrainingRun.Result r = TrainingRun.train(c, REG, tmp.resolve("run"), List.of(), SCALAR);
    assertEquals(MlpPolicyConfig.separate64(), Trainer.policyConfig(c), "the default network is separate64()");
    assertFalse(Files.exists(r.dir().resolve(PolicyFile.OBS_NORMALIZER)), "CartPole does not normalise observations");

    // what an application does: the env's spaces, the config, PolicyIO
    Env<Object, Object> env = REG.make("CartPole-v1");
    MlpActorCriticPolicy loaded = PolicyIO.deserialize(r.dir().resolve(TrainingRun.POLICY),
        new MlpActorCriticPolicy(env.observationSpace(), env.actionSpace(), MlpPolicyConfig.separate64(), new Rng(999)));

    MlpActorCriticPolicy trained = (MlpActorCriticPolicy) r.trainer().network();
    assertEquals(trained.parameters().size(), loaded.parameters().size());
    for (int i = 0; i < trained.parameters().size(); i++) {
      assertEquals(trained.parameters().get(i).name(), loaded.parameters().get(i).name());
      assertArrayEquals(trained.parameters().get(i).value().toArray(), loaded.parameters().get(i).value().toArray(),
          trained.parameters().get(i).name());
    }

    Tensor obs = observations(ROWS, 4, 2.5f, 11);
    float[] expected = new float[ROWS];
    Acting.greedy(r.trainer().network(), r.trainer().kernels(), obs, expected);
    // the loaded policy through the same batched path: identical
    float[] batched = new float[ROWS];
    Acting.greedy(loaded, SCALAR, obs, batched);
    assertArrayEquals(expected, batched);
    // the application paths: single observation (tape-free) and the frozen snapshot
    PolicyState s = loaded.reset(null);
    FrozenMlpPolicy frozen = loaded.freeze();
    PolicyState fs = frozen.reset(null);
    int ones = 0;
    for (int i = 0; i < ROWS; i++) {
      Tensor row = obs.row(i);
      assertEquals((int) expected[i], loaded.act(s, row, null, null).discreteAction(), "row " + i);
      assertEquals((int) expected[i], frozen.act(fs, row, null, null).discreteAction(), "row " + i);
      ones += (int) expected[i];
    }
    assertTrue(ones > ROWS / 10 && ones < ROWS - ROWS / 10, "both actions occur: " + ones + " of " + ROWS + " are 1");
    // the README snippet: an observation from the env, flattened, greedy action; and the deserialize shortcut
    MlpActorCriticPolicy viaShortcut = MlpActorCriticPolicy.deserialize(r.dir().resolve(TrainingRun.POLICY), env.observationSpace(),
        env.actionSpace(), MlpPolicyConfig.separate64());
    float[] o = new float[4];
    env.observationSpace().flatten(env.reset(new Rng(42)).observation(), o, 0);
    float[] one = new float[1];
    Acting.greedy(r.trainer().network(), r.trainer().kernels(), Tensor.of(o.clone(), 1, 4), one);
    assertEquals((int) one[0], viaShortcut.act(viaShortcut.reset(null), Tensor.vector(o), null, null).discreteAction());

    // the CLI's loader agrees, and another network config is refused by the fingerprint
    PolicyFile.Loaded l = PolicyFile.load(r.dir().resolve(TrainingRun.POLICY), c, REG.spec("CartPole-v1"));
    assertNull(l.obsRms());
    float[] viaLoader = new float[ROWS];
    Acting.greedy(l.policy(), SCALAR, obs, viaLoader);
    assertArrayEquals(expected, viaLoader);
    assertThrows(PolicyFormatException.class, () -> PolicyFile.load(r.dir().resolve(TrainingRun.POLICY),
        c.with("hidden", "64,32"), REG.spec("CartPole-v1")));
    assertThrows(PolicyFormatException.class, () -> PolicyIO.deserialize(r.dir().resolve(TrainingRun.POLICY),
        new MlpActorCriticPolicy(env.observationSpace(), env.actionSpace(), MlpPolicyConfig.lerax(), new Rng(0))));
  }

  @Test
  void normalisedBoxPolicyLoadsWithItsNormaliser() throws IOException {
    TrainConfig c = Presets.forEnv("ppo", "Pendulum-v1").with(Map.of("totalSteps", "2048", "evalEpisodes", "0", "seed", "2"));
    assertTrue(c.normObs());
    TrainingRun.Result r = TrainingRun.train(c, REG, tmp.resolve("pend"), List.of(), SCALAR);
    PolicyFile.Loaded l = PolicyFile.load(r.dir().resolve(TrainingRun.POLICY), c, REG.spec("Pendulum-v1"));
    var want = r.trainer().observationNormalizer().state();
    assertArrayEquals(want.mean(), l.obsRms().state().mean());
    assertArrayEquals(want.var(), l.obsRms().state().var());
    assertEquals(want.count(), l.obsRms().state().count());
    assertEquals((float) c.clipObs(), l.clipObs());

    // greedy (mean) actions: the same batched computation gives identical values
    Tensor obs = observations(ROWS, 3, 1.5f, 12);
    float[] expected = new float[ROWS];
    Acting.greedy(r.trainer().network(), r.trainer().kernels(), obs, expected);
    float[] got = new float[ROWS];
    Acting.greedy(l.policy(), SCALAR, obs, got);
    assertArrayEquals(expected, got);
    // the single-observation path agrees to float rounding (different summation order)
    PolicyState s = l.policy().reset(null);
    for (int i = 0; i < ROWS; i++) assertEquals(expected[i], l.policy().act(s, obs.row(i), null, null).action().get(0), 1e-5f, "row " + i);

    // greedy episodes through the normaliser: the loaded policy replays the trainer's evaluation exactly
    Evaluation a = Trainer.evaluate(r.trainer().network(), r.trainer().kernels(), REG.spec("Pendulum-v1"), r.trainer().observationNormalizer(),
        (float) c.clipObs(), 2, 77, true);
    Evaluation b = Trainer.evaluate(l.policy(), SCALAR, REG.spec("Pendulum-v1"), l.obsRms(), l.clipObs(), 2, 77, true);
    assertArrayEquals(a.returns(), b.returns());
    // Loaded.normalize is the training-time transform
    float[] x = {0.5f, -0.25f, 3f};
    float[] y = x.clone();
    var st = r.trainer().observationNormalizer();
    for (int j = 0; j < 3; j++) {   // the formula, written out: clamp((x - mean) / sqrt(var + 1e-8), -clip, clip)
      float z = (float) ((y[j] - st.mean(j)) * (1.0 / Math.sqrt(st.var(j) + 1e-8)));
      y[j] = Math.max(-(float) c.clipObs(), Math.min((float) c.clipObs(), z));
    }
    l.normalize(x);
    assertArrayEquals(y, x);
  }

  @Test
  void batchedRolloutLogProbsAndValuesEqualTheTapePath() {
    for (String id : List.of("CartPole-v1", "Pendulum-v1")) {
      Env<Object, Object> env = REG.make(id);
      var p = new MlpActorCriticPolicy(env.observationSpace(), env.actionSpace(), MlpPolicyConfig.separate64().withLogStdInit(-0.5f),
          new Rng(3));
      int rows = 37;
      Tensor obs = observations(rows, p.observationSize(), 2f, 4);
      // the trainer's acting call: the batched API on the trainer's kernels
      var out = p.newBatchOutput(rows, SCALAR);
      p.actionAndValueBatch(obs, null, null, new Rng(8), null, out);
      float[] act = out.actions().toArray(), logp = out.logProbs().toArray(), val = out.values().toArray();
      Tape tape = new Tape(SCALAR);
      vecrl.policy.Evaluation e = p.evaluateSequences(tape, tape.input(obs), 1, Tensor.of(act.clone(), rows, p.actionWidth()), null, null, null);
      assertArrayEquals(e.logProb().value().toArray(), logp, id);
      assertArrayEquals(e.value().value().toArray(), val, id);
      assertArrayEquals(val, p.valueBatch(obs, null, null, p.newBatchOutput(rows, SCALAR)).values().toArray(), id);
      // greedy = the distribution's mode, on any kernels
      float[] g = new float[rows * p.actionWidth()];
      Acting.greedy(p, Backends.kernels(), obs, g);
      var mode = p.newBatchOutput(rows);   // the default kernels, as Acting.greedy above
      p.actionAndValueBatch(obs, null, null, mode);
      assertArrayEquals(mode.actions().toArray(), g, id);
      assertThrows(IllegalArgumentException.class, () -> p.actionAndValueBatch(Tensor.zeros(2, p.observationSize() + 1), null, null,
          p.newBatchOutput(2, SCALAR)));
    }
  }
}
