package vecrl.examples;

import java.util.Locale;
import java.util.Map;
import vecrl.algo.PolicyTemplate;
import vecrl.algo.SampleBatch;
import vecrl.env.EnvRegistry;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;
import vecrl.tensor.Tensor;
import vecrl.train.Evaluation;
import vecrl.train.Policies;
import vecrl.train.TrainConfig;
import vecrl.train.Trainer;

/** What the template examples share: a column as a tensor shaped like a policy output, and a small training run. */
public final class Examples {
  private Examples() {}

  /** Float column {@code name} of {@code batch} as a view shaped like {@code like} (e.g. [B] log-probabilities). */
  public static Tensor column(SampleBatch batch, String name, Tensor like) {
    SampleBatch.Floats f = batch.floats(name);
    if (f.rows() * f.width() != like.size()) {
      throw new IllegalArgumentException("column " + name + ": [" + f.rows() + ", " + f.width() + "] for an output of shape " + like.shapeString());
    }
    return Tensor.wrap(f.data(), f.offset(), like.shape());
  }

  /** CartPole-v1 with {@code keys} laid over TrainConfig's defaults. */
  public static TrainConfig cartPole(Map<String, String> keys) {
    return TrainConfig.defaults("CartPole-v1").with(keys);
  }

  /** Greedy returns before and after training {@code template} with {@code config} on {@code kernels}. */
  public record Result(Evaluation before, Evaluation after, long steps, double seconds) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "greedy mean %.1f -> %.1f after %,d steps (%.1f s)", before.mean(), after.mean(), steps, seconds);
    }
  }

  /** Trains {@code template} with {@code config}; greedy evaluation ({@code episodes}, seed 12345) before and after. */
  public static Result train(PolicyTemplate template, TrainConfig config, Kernels kernels, int episodes) {
    EnvRegistry reg = EnvRegistry.standard();
    try (Trainer t = new Trainer(config, reg, Policies.defaultRegistry(), kernels, null, template)) {
      Evaluation before = t.evaluate(episodes, 12345);
      long t0 = System.nanoTime();
      t.run(java.util.List.of());
      double secs = (System.nanoTime() - t0) / 1e9;
      return new Result(before, t.evaluate(episodes, 12345), t.globalStep(), secs);
    }
  }

  /** {@link #train} on the default kernels, 10 episodes. */
  public static Result train(PolicyTemplate template, TrainConfig config) {
    return train(template, config, Backends.kernels(), 10);
  }
}
