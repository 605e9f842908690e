package vecrl.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.nn.Activation;
import vecrl.nn.Linear;
import vecrl.nn.MLP;
import vecrl.nn.NetArch;
import vecrl.policy.MlpActorCriticPolicy;
import vecrl.policy.MlpPolicyConfig;
import vecrl.policy.PolicyState;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.MultiBinary;
import vecrl.space.MultiDiscrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Exports policies over every action space and runs them in ONNX Runtime on 1,000 random
 * observations each: greedy discrete actions must be identical, and continuous ones (the mean),  logits, means, log-stds and values within
 * 1e-5 of vecrl's tape-free single-observation path.
 */
class OnnxExportTest {
  private static final int N = 1000;
  private static final double TOL = 1e-5;
  @TempDir Path dir;

  private static final Box OBS = new Box(-1f, 1f, 5);

  @Test void discreteLerax() throws Exception {
    check(new MlpActorCriticPolicy(OBS, new Discrete(3), MlpPolicyConfig.lerax(), new Rng(1)), null);
  }

  @Test void discreteSeparate64Relu() throws Exception {
    check(new MlpActorCriticPolicy(OBS, new Discrete(4), MlpPolicyConfig.separate64().withActivation(Activation.RELU), new Rng(2)), null);
  }

  @Test void boxSharedNetArch() throws Exception {
    check(new MlpActorCriticPolicy(OBS, new Box(-2f, 2f, 3), MlpPolicyConfig.sb3(NetArch.parse("[32, {pi: [16], vf: [24, 8]}]"))
        .withLogStdInit(-0.5f), new Rng(3)), null);
  }

  @Test void boxSquashedAndScalar() throws Exception {
    check(new MlpActorCriticPolicy(OBS, new Box(-2f, 1f, 2), MlpPolicyConfig.lerax().withSquash(true), new Rng(4)), null);
    check(new MlpActorCriticPolicy(OBS, new Box(-1f, 1f), MlpPolicyConfig.separate64(), new Rng(5)), null);
  }

  @Test void multiDiscrete() throws Exception {
    check(new MlpActorCriticPolicy(OBS, new MultiDiscrete(new int[] {3, 2, 4}), MlpPolicyConfig.lerax()
        .withActivation(Activation.SOFTPLUS), new Rng(6)), null);
  }

  @Test void multiBinary() throws Exception {
    check(new MlpActorCriticPolicy(OBS, new MultiBinary(4), MlpPolicyConfig.separate64().withActivation(Activation.SIGMOID), new Rng(7)), null);
  }

  @Test void normaliserComesFirst() throws Exception {
    Rng r = new Rng(8);
    float[] mean = new float[5], var = new float[5];
    for (int i = 0; i < 5; i++) {
      mean[i] = r.uniform(-0.5f, 0.5f);
      var[i] = r.uniform(0.01f, 2f);
    }
    MlpActorCriticPolicy p = new MlpActorCriticPolicy(OBS, new Discrete(3), MlpPolicyConfig.separate64(), new Rng(9));
    check(p, new OnnxExport.Normalization(mean, var, 1e-8, 2f));
    check(p, new OnnxExport.Normalization(mean, var, 1e-8, Float.POSITIVE_INFINITY));
  }

  /** vecrl's reference: normalise in double as NormalizeObservation does, then the policy's own act and value. */
  private void check(MlpActorCriticPolicy policy, OnnxExport.Normalization norm) throws Exception {
    Path file = dir.resolve("policy.onnx");
    OnnxExport.export(policy, norm, file);
    int d = policy.observationSize();
    Rng rng = new Rng(42);
    float[][] obs = new float[N][d];
    for (float[] row : obs) for (int i = 0; i < d; i++) row[i] = rng.uniform(-3f, 3f);

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
        OnnxTensor input = OnnxTensor.createTensor(env, obs);
        OrtSession.Result out = session.run(Map.of("obs", input))) {
      float[][] action = (float[][]) out.get("action").orElseThrow().getValue();
      float[] value = (float[]) out.get("value").orElseThrow().getValue();
      boolean box = policy.actionSpace() instanceof Box;
      float[][] params = (float[][]) out.get(box ? "mean" : "logits").orElseThrow().getValue();
      if (box) {
        float[] logStd = (float[]) out.get("log_std").orElseThrow().getValue();
        assertArrayEquals(policy.actionLayer().logStd().value().toArray(), logStd, "log_std");
      }
      PolicyState state = policy.reset(null);
      int width = 1;
      for (MLP m : new MLP[] {policy.shared(), policy.policyBranch(), policy.actionLayer().mlp()}) width = Math.max(width, m.maxWidth());
      float[] a = new float[width], b = new float[width], red = new float[Linear.REDUCTION_SCRATCH];
      double maxParam = 0, maxValue = 0;
      for (int n = 0; n < N; n++) {
        float[] x = normalise(obs[n], norm);
        policy.actionAndValue(state, Tensor.vector(x), null, null);
        float[] expectedAction = state.action().toArray();
        if (box) {
          // A continuous greedy action is the (squashed) mean: the same tolerance as the means.
          assertArrayEquals(expectedAction, action[n], (float) TOL, "greedy action of observation " + n);
        } else {
          assertArrayEquals(expectedAction, action[n], "greedy action of observation " + n);
        }
        maxValue = Math.max(maxValue, Math.abs(state.value() - value[n]));
        float[] h = policy.shared().forwardRow(x, 0, a, b, red);
        h = policy.policyBranch().forwardRow(h, 0, h == a ? b : a, h == a ? a : b, red).clone();
        float[] p = policy.actionLayer().mlp().forwardRow(h, 0, a, b, red);
        assertEquals(params[n].length, policy.actionLayer().outputSize());
        for (int i = 0; i < params[n].length; i++) maxParam = Math.max(maxParam, Math.abs(p[i] - params[n][i]));
      }
      assertTrue(maxParam <= TOL, "max |delta| on distribution parameters " + maxParam);
      assertTrue(maxValue <= TOL, "max |delta| on values " + maxValue);
    }
  }

  private static float[] normalise(float[] obs, OnnxExport.Normalization norm) {
    if (norm == null) return obs.clone();
    float[] z = new float[obs.length];
    for (int i = 0; i < obs.length; i++) {
      double v = (obs[i] - norm.mean()[i]) / Math.sqrt(norm.var()[i] + norm.epsilon());
      z[i] = (float) Math.min(Math.max(v, -norm.clip()), norm.clip());
    }
    return z;
  }
}
