package vecrl.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import vecrl.autodiff.ParameterSet;
import vecrl.nn.ActionLayer;
import vecrl.nn.Activation;
import vecrl.nn.LSTMCell;
import vecrl.nn.RecurrentCell;
import vecrl.policy.RecurrentActorCriticPolicy;
import vecrl.policy.RecurrentPolicyConfig;
import vecrl.tensor.Tensor;
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

  /**
   * Exports a recurrent policy as one step: inputs {@code obs} and {@code state_in} [batch,
   * memorySize] (the packed memory, zeros at an episode start), outputs as for an MLP policy plus
   * {@code state_out}, to feed back as the next step's {@code state_in}.
   */
  public static void export(RecurrentActorCriticPolicy policy, Normalization norm, Path out) throws IOException {
    build(policy, norm).write(out, "vecrl RecurrentActorCriticPolicy " + policy.config());
  }

  static OnnxGraph build(MlpActorCriticPolicy policy, Normalization norm) {
    OnnxGraph g = new OnnxGraph("vecrl_policy");
    String x = observation(g, policy.observationSize(), norm);
    String h = mlp(g, policy.shared(), x);
    String p = mlp(g, policy.actionLayer().mlp(), mlp(g, policy.policyBranch(), h));
    String v = mlp(g, policy.valueHead(), mlp(g, policy.valueBranch(), h));
    heads(g, policy.actionLayer(), policy.actionWidth(), p, v);
    return g;
  }

  static OnnxGraph build(RecurrentActorCriticPolicy policy, Normalization norm) {
    OnnxGraph g = new OnnxGraph("vecrl_recurrent_policy");
    String x = observation(g, policy.observationSize(), norm);
    g.input("state_in", OnnxGraph.FLOAT, null, (long) policy.memorySize());
    RecurrentPolicyConfig c = policy.config();
    if (c.layerNorm() || c.layers() != 1) {
      throw new IllegalArgumentException("ONNX export: a recurrent policy with " + (c.layerNorm() ? "layer-normalised LSTM cells" : "")
          + (c.layerNorm() && c.layers() != 1 ? " and " : "") + (c.layers() != 1 ? c.layers() + " stacked layers" : "")
          + " is not exported yet; the exporter writes one plain LSTM or GRU layer");
    }
    ParameterSet params = policy.parameters();
    int sharedLayers = c.netArch().shared().length;
    RecurrentCell actorCell = policy.cell(), criticCell = policy.criticCell();
    String[] actor = cellStep(g, actorCell, encoder(g, params, c.sharedCell() ? "shared" : "actor.shared", sharedLayers,
        c.activation(), x), 0);
    String[] critic = criticCell == null ? null
        : cellStep(g, criticCell, encoder(g, params, "critic.shared", sharedLayers, c.activation(), x), actorCell.stateSize());
    java.util.List<String> state = new java.util.ArrayList<>(java.util.Arrays.asList(actor).subList(0, actor[1] == null ? 1 : 2));
    if (critic != null) state.addAll(java.util.Arrays.asList(critic).subList(0, critic[1] == null ? 1 : 2));
    g.node(state.size() == 1 ? "Identity" : "Concat", "state_out", state.toArray(String[]::new),
        state.size() == 1 ? new ProtoWriter[0] : new ProtoWriter[] {OnnxGraph.attrInt("axis", 1)});
    g.output("state_out", OnnxGraph.FLOAT, null, (long) policy.memorySize());
    String p = mlp(g, policy.actionLayer().mlp(), mlp(g, policy.policyBranch(), actor[0]));
    String v = mlp(g, policy.valueBranch(), critic == null ? actor[0] : critic[0]);
    v = dense(g, params.get("value.layers.0.weight").value(), params.get("value.layers.0.bias").value(), Activation.IDENTITY, v);
    heads(g, policy.actionLayer(), policy.actionWidth(), p, v);
    return g;
  }

  /** The graph input {@code obs}, then the normaliser's nodes if any; returns the value the network reads. */
  private static String observation(OnnxGraph g, int obsSize, Normalization norm) {
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
    return x;
  }

  /** The outputs {@code value}, {@code action} and the distribution's parameters, from the action MLP's output p and the value v. */
  private static void heads(OnnxGraph g, ActionLayer layer, int actionWidth, String p, String v) {
    g.node("Reshape", "value", new String[] {v, g.constantInt64("shape_flat", new long[] {-1}, 1)});
    g.output("value", OnnxGraph.FLOAT, (Long) null);
    switch (layer.actionSpace()) {
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
        g.node("Identity", "log_std", new String[] {g.constant("log_std_param", layer.logStd().value().toArray(), n)});
        if (layer.squashed()) {
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
      default -> throw new IllegalArgumentException("OnnxExport: unsupported action space " + layer.actionSpace());
    }
    g.output("action", OnnxGraph.FLOAT, null, (long) actionWidth);
  }

  /** Appends {@code m}'s layers (Gemm then activation); returns the output value's name. */
  private static String mlp(OnnxGraph g, MLP m, String x) {
    for (int i = 0; i < m.layers().size(); i++) {
      Linear l = m.layers().get(i);
      x = dense(g, l.weight().value(), l.bias().value(), i + 1 == m.layers().size() ? m.finalActivation() : m.activation(), x);
    }
    return x;
  }

  /** {@code act(x W^T + b)} as Gemm (transB) and the activation's node; W is [out, in]. */
  private static String dense(OnnxGraph g, Tensor w, Tensor b, Activation act, String x) {
    String wn = g.constant(g.fresh("weight"), w.toArray(), w.rows(), w.cols());
    String bn = g.constant(g.fresh("bias"), b.toArray(), b.size());
    return activation(g, act, g.node("Gemm", new String[] {x, wn, bn}, OnnxGraph.attrInt("transB", 1)));
  }

  /** A recurrent policy's feed-forward trunk: layers {@code prefix.layers.i}, each followed by {@code act}. */
  private static String encoder(OnnxGraph g, ParameterSet params, String prefix, int layers, Activation act, String x) {
    for (int i = 0; i < layers; i++) {
      x = dense(g, params.get(prefix + ".layers." + i + ".weight").value(), params.get(prefix + ".layers." + i + ".bias").value(), act, x);
    }
    return x;
  }

  /** Columns [from, to) of x. */
  private static String slice(OnnxGraph g, String x, int from, int to) {
    return g.node("Slice", new String[] {x, g.constantInt64(g.fresh("start"), new long[] {from}, 1),
        g.constantInt64(g.fresh("end"), new long[] {to}, 1), g.constantInt64(g.fresh("axis"), new long[] {1}, 1)});
  }

  private static String op(OnnxGraph g, String op, String... in) { return g.node(op, in); }

  /**
   * One step of {@code cell} from input e and the packed state at columns [off, off + stateSize) of
   * {@code state_in}, with the cell's gate equations (PyTorch's gate order); returns {new h, new c or null}.
   */
  private static String[] cellStep(OnnxGraph g, RecurrentCell cell, String e, int off) {
    int h = cell.hiddenSize();
    String hPrev = slice(g, "state_in", off, off + h);
    String xp = dense(g, cell.inputLayer().weight().value(), cell.inputLayer().bias().value(), Activation.IDENTITY, e);
    String hp = dense(g, cell.hiddenLayer().weight().value(), cell.hiddenLayer().bias().value(), Activation.IDENTITY, hPrev);
    if (cell instanceof LSTMCell) {
      String cPrev = slice(g, "state_in", off + h, off + 2 * h);
      String z = op(g, "Add", xp, hp);
      String i = op(g, "Sigmoid", slice(g, z, 0, h)), f = op(g, "Sigmoid", slice(g, z, h, 2 * h));
      String gg = op(g, "Tanh", slice(g, z, 2 * h, 3 * h)), o = op(g, "Sigmoid", slice(g, z, 3 * h, 4 * h));
      String c = op(g, "Add", op(g, "Mul", f, cPrev), op(g, "Mul", i, gg));
      return new String[] {op(g, "Mul", o, op(g, "Tanh", c)), c};
    }
    String r = op(g, "Sigmoid", op(g, "Add", slice(g, xp, 0, h), slice(g, hp, 0, h)));
    String z = op(g, "Sigmoid", op(g, "Add", slice(g, xp, h, 2 * h), slice(g, hp, h, 2 * h)));
    String n = op(g, "Tanh", op(g, "Add", slice(g, xp, 2 * h, 3 * h), op(g, "Mul", r, slice(g, hp, 2 * h, 3 * h))));
    return new String[] {op(g, "Add", n, op(g, "Mul", z, op(g, "Sub", hPrev, n))), null};
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
