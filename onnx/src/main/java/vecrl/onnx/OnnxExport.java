package vecrl.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import vecrl.nn.Activation;
import vecrl.nn.Linear;
import vecrl.nn.MLP;
import vecrl.policy.MlpActorCriticPolicy;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.MultiBinary;
import vecrl.space.MultiDiscrete;

/**
 * Writes an {@link MlpActorCriticPolicy} as an ONNX model (opset {@value OnnxGraph#OPSET}) that
 * computes, from the raw flat observation {@code obs} [batch, observationSize]:
 *
 * <ul>
 *   <li>{@code action} float [batch, actionWidth]: the greedy action, as the policy's {@code act}
 *       with a null rng writes it (class indices for Discrete and MultiDiscrete, 0/1 for MultiBinary,
 *       the mean for Box, or {@code clip(mid + half tanh(mean))} when squashed);
 *   <li>{@code logits} [batch, k] for Discrete, MultiDiscrete (components concatenated) and
 *       MultiBinary; or {@code mean} [batch, size] and {@code log_std} [size] for Box;
 *   <li>{@code value} [batch].
 * </ul>
 *
 * With a {@link Normalization} the graph starts with {@code Clip((obs - mean) / sqrt(var + eps))},
 * as vecrl's NormalizeObservation wrapper.
 */
public final class OnnxExport {
  private OnnxExport() {}

  /**
   * An observation normaliser: {@code clip((obs - mean) / sqrt(var + epsilon), -clip, clip)};
   * {@code clip} may be infinite (no Clip node).
   */
  public record Normalization(float[] mean, float[] var, double epsilon, float clip) {
    public Normalization {
      Objects.requireNonNull(mean, "mean");
      Objects.requireNonNull(var, "var");
      if (mean.length != var.length) {
        throw new IllegalArgumentException("Normalization: mean [" + mean.length + "] and var [" + var.length + "] differ");
      }
      if (!(clip > 0)) throw new IllegalArgumentException("Normalization: clip = " + clip + ", expected > 0");
      if (!(epsilon >= 0)) throw new IllegalArgumentException("Normalization: epsilon = " + epsilon + ", expected >= 0");
      mean = mean.clone();
      var = var.clone();
    }
  }

  /** Exports {@code policy} without an observation normaliser. */
  public static void export(MlpActorCriticPolicy policy, Path out) throws IOException {
    export(policy, null, out);
  }

  /** Exports {@code policy} with {@code norm} (may be null) applied to the raw observation first. */
  public static void export(MlpActorCriticPolicy policy, Normalization norm, Path out) throws IOException {
    build(policy, norm).write(out, "vecrl MlpActorCriticPolicy\n" + policy.describe());
  }

  static OnnxGraph build(MlpActorCriticPolicy policy, Normalization norm) {
    int obsSize = policy.observationSize();
    OnnxGraph g = new OnnxGraph("vecrl_policy");
    g.input("obs", OnnxGraph.FLOAT, null, (long) obsSize);
    String x = "obs";
    if (norm != null) {
      if (norm.mean().length != obsSize) {
        throw new IllegalArgumentException("OnnxExport: normaliser of size " + norm.mean().length + ", observation size " + obsSize);
      }
      float[] std = new float[obsSize];
      for (int i = 0; i < obsSize; i++) std[i] = (float) Math.sqrt(norm.var()[i] + norm.epsilon());
      x = g.node("Sub", new String[] {x, g.constant("norm_mean", norm.mean(), obsSize)});
      x = g.node("Div", new String[] {x, g.constant("norm_std", std, obsSize)});
      if (Float.isFinite(norm.clip())) {
        x = g.node("Clip", new String[] {x, g.constant("norm_min", new float[] {-norm.clip()}), g.constant("norm_max", new float[] {norm.clip()})});
      }
    }
    String h = mlp(g, policy.shared(), x);
    String p = mlp(g, policy.actionLayer().mlp(), mlp(g, policy.policyBranch(), h));
    String v = mlp(g, policy.valueHead(), mlp(g, policy.valueBranch(), h));
    g.node("Reshape", "value", new String[] {v, g.constantInt64("shape_flat", new long[] {-1}, 1)});
    g.output("value", OnnxGraph.FLOAT, (Long) null);
    switch (policy.actionSpace()) {
      case Discrete d -> {
        g.node("Identity", "logits", new String[] {p});
        g.node("Cast", "action", new String[] {g.node("ArgMax", new String[] {p}, OnnxGraph.attrInt("axis", 1),
            OnnxGraph.attrInt("keepdims", 1))}, OnnxGraph.attrInt("to", OnnxGraph.FLOAT));
        g.output("logits", OnnxGraph.FLOAT, null, (long) d.n());
      }
      case MultiDiscrete m -> {
        int[] nvec = m.nvec();
        String[] parts = new String[nvec.length];
        int from = 0, k = 0;
        for (int i = 0; i < nvec.length; i++) {
          String slice = g.node("Slice", new String[] {p, g.constantInt64(g.fresh("start"), new long[] {from}, 1),
              g.constantInt64(g.fresh("end"), new long[] {from + nvec[i]}, 1), g.constantInt64(g.fresh("axis"), new long[] {1}, 1)});
          parts[i] = g.node("ArgMax", new String[] {slice}, OnnxGraph.attrInt("axis", 1), OnnxGraph.attrInt("keepdims", 1));
          from += nvec[i];
        }
        k = from;
        g.node("Identity", "logits", new String[] {p});
        String cat = nvec.length == 1 ? parts[0] : g.node("Concat", parts, OnnxGraph.attrInt("axis", 1));
        g.node("Cast", "action", new String[] {cat}, OnnxGraph.attrInt("to", OnnxGraph.FLOAT));
        g.output("logits", OnnxGraph.FLOAT, null, (long) k);
      }
      case MultiBinary mb -> {
        g.node("Identity", "logits", new String[] {p});
        String pos = g.node("Greater", new String[] {p, g.constant("zero", new float[] {0f})});
        g.node("Cast", "action", new String[] {pos}, OnnxGraph.attrInt("to", OnnxGraph.FLOAT));
        g.output("logits", OnnxGraph.FLOAT, null, (long) mb.n());
      }
      case Box b -> {
        int n = b.size();
        g.node("Identity", "mean", new String[] {p});
        g.node("Identity", "log_std", new String[] {g.constant("log_std_param", policy.actionLayer().logStd().value().toArray(), n)});
        if (policy.actionLayer().squashed()) {
          float[] mid = new float[n], half = new float[n];
          for (int i = 0; i < n; i++) {
            half[i] = (float) (0.5 * ((double) b.high(i) - b.low(i)));
            mid[i] = (float) (0.5 * ((double) b.high(i) + b.low(i)));
          }
          String t = g.node("Tanh", new String[] {p});
          String a = g.node("Add", new String[] {g.node("Mul", new String[] {t, g.constant("half", half, n)}), g.constant("mid", mid, n)});
          a = g.node("Max", new String[] {a, g.constant("low", b.low(), n)});
          g.node("Min", "action", new String[] {a, g.constant("high", b.high(), n)});
        } else {
          g.node("Identity", "action", new String[] {p});
        }
        g.output("mean", OnnxGraph.FLOAT, null, (long) n);
        g.output("log_std", OnnxGraph.FLOAT, (long) n);
      }
      default -> throw new IllegalArgumentException("OnnxExport: unsupported action space " + policy.actionSpace());
    }
    g.output("action", OnnxGraph.FLOAT, null, (long) policy.actionWidth());
    return g;
  }

  /** Appends {@code m}'s layers (Gemm then activation); returns the output value's name. */
  private static String mlp(OnnxGraph g, MLP m, String x) {
    for (int i = 0; i < m.layers().size(); i++) {
      Linear l = m.layers().get(i);
      String w = g.constant(g.fresh(l.name() + ".weight"), l.weight().value().toArray(), l.out(), l.in());
      String b = g.constant(g.fresh(l.name() + ".bias"), l.bias().value().toArray(), l.out());
      x = g.node("Gemm", new String[] {x, w, b}, OnnxGraph.attrInt("transB", 1));
      x = activation(g, i + 1 == m.layers().size() ? m.finalActivation() : m.activation(), x);
    }
    return x;
  }

  private static String activation(OnnxGraph g, Activation a, String x) {
    return switch (a) {
      case IDENTITY -> x;
      case TANH -> g.node("Tanh", new String[] {x});
      case RELU -> g.node("Relu", new String[] {x});
      case SIGMOID -> g.node("Sigmoid", new String[] {x});
      case SOFTPLUS -> g.node("Softplus", new String[] {x});
    };
  }
}
