package vecrl.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecrl.env.EnvRegistry;
import vecrl.policy.PolicyRegistry;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.train.TrainConfig;
import vecrl.train.Trainer;

/** What a user's postprocessFn writes is what the loss reads, however it writes it. */
final class PostprocessColumnsTest {
  private static final EnvRegistry REG = EnvRegistry.standard();
  private static final Kernels SCALAR = Backends.byName("scalar");

  private static TrainConfig small(long iterations) {
    TrainConfig c = TrainConfig.defaults("CartPole-v1").with(Map.of("numEnvs", "2", "numSteps", "16", "epochs", "1", "minibatches", "2",
        "evalEpisodes", "0", "hidden", "8", "seed", "3"));
    return c.with("totalSteps", String.valueOf(iterations * c.batchSize()));
  }

  private static PolicyTemplate.LossFn recordingLoss(List<float[]> advantages, List<Float> mine) {
    return (p, model, dist, batch) -> {
      Minibatch mb = p.minibatch(batch);
      advantages.add(java.util.Arrays.copyOf(mb.advantages, mb.size()));
      if (batch.has("my_col")) mine.add(batch.floats("my_col").get(0, 0));
      var ev = p.evaluate(batch);
      return ev.logProb().mul(p.tape().input(mb.advantagesAs(ev.logProb().value()))).mean().neg();
    };
  }

  /** A postprocessFn that puts new advantages and a new extra column each rollout (RLlib's way): the loss reads them, every rollout. */
  @Test
  void replacedColumnsReachTheLoss() {
    List<float[]> adv = new ArrayList<>();
    List<Float> mine = new ArrayList<>();
    int[] rollout = new int[1];
    PolicyTemplate t = PolicyTemplate.builder("replacing")
        .postprocessFn((p, batch, others, episode) -> {
          rollout[0]++;
          float[] a = new float[batch.rows()];
          java.util.Arrays.fill(a, 7f);
          batch.put(SampleBatch.ADVANTAGES, SampleBatch.Floats.of(a, 1));
          batch.put(SampleBatch.VALUE_TARGETS, SampleBatch.Floats.of(new float[batch.rows()], 1));
          float[] m = new float[batch.rows()];
          java.util.Arrays.fill(m, rollout[0]);
          batch.put("my_col", SampleBatch.Floats.of(m, 1));
          return batch;
        })
        .lossFn(recordingLoss(adv, mine))
        .build();
    try (Trainer tr = new Trainer(small(2), REG, PolicyRegistry.withDefaults(), SCALAR, null, t)) {
      tr.iterate(System.nanoTime(), 0);
      tr.iterate(System.nanoTime(), 0);
    }
    assertEquals(4, adv.size());
    for (float[] a : adv) for (float v : a) assertEquals(7f, v, "the advantages the postprocessFn put");
    assertEquals(List.of(1f, 1f, 2f, 2f), mine, "each rollout's own column");
  }

  /** A postprocessFn that returns another batch (a copy with its columns): the trainer trains on what it returned. */
  @Test
  void aReturnedBatchIsTrainedOn() {
    List<float[]> adv = new ArrayList<>();
    List<Float> mine = new ArrayList<>();
    PolicyTemplate t = PolicyTemplate.builder("returning")
        .postprocessFn((p, batch, others, episode) -> {
          SampleBatch copy = SampleBatch.concat(List.of(batch));
          float[] a = new float[batch.rows()];
          java.util.Arrays.fill(a, 5f);
          copy.put(SampleBatch.ADVANTAGES, SampleBatch.Floats.of(a, 1));
          copy.put("my_col", SampleBatch.Floats.of(a.clone(), 1));
          return copy;
        })
        .lossFn(recordingLoss(adv, mine))
        .build();
    try (Trainer tr = new Trainer(small(1), REG, PolicyRegistry.withDefaults(), SCALAR, null, t)) {
      tr.iterate(System.nanoTime(), 0);
      assertTrue(tr.lastBatch().has("my_col"), tr.lastBatch().toString());
    }
    assertEquals(List.of(5f, 5f), mine);
    for (float[] a : adv) for (float v : a) assertEquals(5f, v);
  }
}
