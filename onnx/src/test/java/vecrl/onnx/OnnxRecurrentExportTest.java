package vecrl.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.policy.RecurrentActorCriticPolicy;
import vecrl.policy.RecurrentPolicyConfig;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.MultiDiscrete;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Exports recurrent policies (one step per call, state_in -> state_out) and runs 10 sequences of 100
 * steps (1,000 observations) in ONNX Runtime, each side carrying its own state from step to step:
 * discrete greedy actions identical, and distribution inputs, values and the carried state within
 * 1e-5 of vecrl's {@code computeActions} at every step.
 */
class OnnxRecurrentExportTest {
  private static final int B = 10, STEPS = 100;
  private static final double TOL = 1e-5;
  private static final Box OBS = new Box(-1f, 1f, 4);
  @TempDir Path dir;

  @Test void lstmSharedCellDiscrete() throws Exception {
    check(new RecurrentActorCriticPolicy(OBS, new Discrete(3), RecurrentPolicyConfig.of("[8, lstm:16, {pi: [10], vf: [5, 10]}]", true), new Rng(1)));
  }

  @Test void gruSeparateCellsBox() throws Exception {
    check(new RecurrentActorCriticPolicy(OBS, new Box(-1f, 1f, 2), RecurrentPolicyConfig.of("[gru:12, {pi: [8], vf: [8]}]", false)
        .withLogStdInit(-0.3f), new Rng(2)));
  }

  @Test void lstmSeparateCellsMultiDiscrete() throws Exception {
    check(new RecurrentActorCriticPolicy(OBS, new MultiDiscrete(new int[] {2, 3}), RecurrentPolicyConfig.of("[6, lstm:8, {pi: [6], vf: [6]}]", false),
        new Rng(3)));
  }

  /** Layer-normalised cells and stacked layers are not written yet: a clear error, and no file. */
  @Test void layerNormAndStackedLayersAreRefusedClearly() {
    for (RecurrentPolicyConfig c : List.of(RecurrentPolicyConfig.of("[lstm:8, {}]", true).withLayerNorm(true),
        RecurrentPolicyConfig.of("[gru:8, {}]", false).withLayers(2))) {
      Path file = dir.resolve("refused.onnx");
      var policy = new RecurrentActorCriticPolicy(OBS, new Discrete(3), c, new Rng(1));
      var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> OnnxExport.export(policy, null, file));
      assertTrue(e.getMessage().contains(c.layerNorm() ? "layer-normalised" : "2 stacked layers"), e.getMessage());
      assertTrue(!java.nio.file.Files.exists(file), "no file is written");
    }
  }

  private void check(RecurrentActorCriticPolicy policy) throws Exception {
    Path file = dir.resolve("recurrent.onnx");
    OnnxExport.export(policy, null, file);
    int d = policy.observationSize(), mem = policy.memorySize();
    boolean box = policy.actionSpace() instanceof Box;
    int[] sizes = policy.stateSizes();
    Rng rng = new Rng(42);
    float[][] onnxState = new float[B][mem];
    List<Tensor> vecrlState = new ArrayList<>();
    for (int s : sizes) vecrlState.add(Tensor.zeros(B, s));
    double maxParam = 0, maxValue = 0, maxState = 0;
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
      for (int step = 0; step < STEPS; step++) {
        float[][] obs = new float[B][d];
        for (float[] row : obs) for (int i = 0; i < d; i++) row[i] = rng.uniform(-3f, 3f);
        var ref = policy.computeActions(Tensor.matrix(obs), vecrlState, false, null, null);
        try (OnnxTensor o = OnnxTensor.createTensor(env, obs); OnnxTensor s = OnnxTensor.createTensor(env, onnxState);
            OrtSession.Result out = session.run(Map.of("obs", o, "state_in", s))) {
          float[][] action = (float[][]) out.get("action").orElseThrow().getValue();
          float[][] params = (float[][]) out.get(box ? "mean" : "logits").orElseThrow().getValue();
          float[] value = (float[]) out.get("value").orElseThrow().getValue();
          onnxState = (float[][]) out.get("state_out").orElseThrow().getValue();
          Tensor dist = ref.extraFetches().get("action_dist_inputs"), vf = ref.extraFetches().get("vf_preds");
          for (int b = 0; b < B; b++) {
            float[] expected = new float[policy.actionWidth()];
            for (int k = 0; k < expected.length; k++) expected[k] = ref.actions().get(b, k);
            if (box) assertArrayEquals(expected, action[b], (float) TOL, "step " + step + " row " + b);
            else assertArrayEquals(expected, action[b], "greedy action at step " + step + " row " + b);
            assertEquals(dist.cols(), params[b].length);
            for (int k = 0; k < params[b].length; k++) maxParam = Math.max(maxParam, Math.abs(dist.get(b, k) - params[b][k]));
            maxValue = Math.max(maxValue, Math.abs(vf.get(b) - value[b]));
            int col = 0;
            for (Tensor part : ref.stateOut()) {
              for (int k = 0; k < part.cols(); k++, col++) maxState = Math.max(maxState, Math.abs(part.get(b, k) - onnxState[b][col]));
            }
            assertEquals(mem, col);
          }
          vecrlState = ref.stateOut();
        }
      }
    }
    assertTrue(maxParam <= TOL, "max |delta| on distribution parameters over " + STEPS + " steps: " + maxParam);
    assertTrue(maxValue <= TOL, "max |delta| on values: " + maxValue);
    assertTrue(maxState <= TOL, "max |delta| on the carried state: " + maxState);
  }
}
