package vecrl.nn;

import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Var;
import vecrl.distribution.Bernoulli;
import vecrl.distribution.Categorical;
import vecrl.distribution.DiagNormal;
import vecrl.distribution.Distribution;
import vecrl.distribution.MultiCategorical;
import vecrl.distribution.Normal;
import vecrl.distribution.SquashedDiagNormal;
import vecrl.distribution.SquashedNormal;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.space.MultiBinary;
import vecrl.space.MultiDiscrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Maps latent features to the action distribution of an action space (Lerax's ActionLayer): an
 * {@link MLP} {@code latentDim -> width x depth -> k} produces the distribution's parameters.
 *
 * <table>
 *   <caption>Action spaces</caption>
 *   <tr><th>Space</th><th>Distribution</th><th>MLP output k</th></tr>
 *   <tr><td>Box, scalar shape []</td><td>{@link Normal} ({@link SquashedNormal} if squashed)</td><td>1 mean</td></tr>
 *   <tr><td>Box, any other shape</td><td>{@link DiagNormal} ({@link SquashedDiagNormal} if squashed)</td><td>size means</td></tr>
 *   <tr><td>Discrete(n)</td><td>{@link Categorical}</td><td>n logits</td></tr>
 *   <tr><td>MultiBinary(n)</td><td>{@link Bernoulli}</td><td>n logits</td></tr>
 *   <tr><td>MultiDiscrete(nvec)</td><td>{@link MultiCategorical}</td><td>sum(nvec) logits</td></tr>
 * </table>
 *
 * <p>Gaussians get a state-independent log-std {@link Parameter} named {@code <name>.logStd}, shape
 * [size], initialised to {@code logStdInit}. Squashing (tanh rescaled to the Box bounds) needs a
 * bounded Box.
 */
public final class ActionLayer {
  private final Space<?> space;
  private final MLP mlp;
  private final Parameter logStd;
  private final boolean squash;
  private final float logStdInit;

  /** Lerax's signature: tanh hidden layers, uniform init, no squashing. */
  public ActionLayer(Space<?> actionSpace, int latentDim, int width, int depth, Rng rng, float logStdInit) {
    this("action", actionSpace, latentDim, width, depth, Activation.TANH, Init.UNIFORM, Init.UNIFORM, false, rng, logStdInit);
  }

  /** Full form: name prefix, hidden activation, hidden and output initialisers, squashing. */
  public ActionLayer(String name, Space<?> actionSpace, int latentDim, int width, int depth, Activation activation,
      Init hiddenInit, Init outputInit, boolean squash, Rng rng, float logStdInit) {
    this.space = actionSpace;
    this.squash = squash;
    this.logStdInit = logStdInit;
    int k = switch (actionSpace) {
      case Box b -> b.size();
      case Discrete d -> d.n();
      case MultiBinary m -> m.n();
      case MultiDiscrete m -> { int s = 0; for (int x : m.nvec()) s += x; yield s; }
      default -> throw new IllegalArgumentException("ActionLayer: unsupported action space " + actionSpace
          + "; supported: Box, Discrete, MultiBinary, MultiDiscrete");
    };
    if (actionSpace instanceof Box b) {
      if (squash && !b.isBounded()) {
        throw new IllegalArgumentException("ActionLayer: squashing needs a bounded Box, got " + b);
      }
      logStd = new Parameter(name + ".logStd", Tensor.full(logStdInit, b.size()));
    } else {
      if (squash) throw new IllegalArgumentException("ActionLayer: squash applies to Box spaces only, got " + actionSpace);
      logStd = null;
    }
    this.mlp = new MLP(name, latentDim, k, width, depth, activation, Activation.IDENTITY, hiddenInit, outputInit, rng);
  }

  public Space<?> actionSpace() { return space; }
  public MLP mlp() { return mlp; }
  /** The log-std parameter, or null for non-Box spaces. */
  public Parameter logStd() { return logStd; }
  public boolean squashed() { return squash; }
  public float logStdInit() { return logStdInit; }
  /** The number of distribution parameters the MLP outputs. */
  public int outputSize() { return mlp.outSize(); }

  public void addParameters(ParameterSet set) {
    mlp.addParameters(set);
    if (logStd != null) set.add(logStd);
  }

  /** The distribution for latent features [batch, latentDim]; masks as the distribution takes them, or null. */
  public Distribution forward(Var latent, Tensor masks) {
    return distribution(mlp.forward(latent), masks);
  }

  /**
   * The distribution whose parameters are {@code out} [batch, outputSize()], the MLP's output (RLlib's
   * {@code action_dist_inputs}); masks as in {@link #forward}.
   */
  public Distribution distribution(Var out, Tensor masks) {
    return switch (space) {
      case Box b -> {
        if (masks != null) throw new IllegalArgumentException("ActionLayer: a Box action space takes no mask");
        boolean scalar = b.shape().length == 0;
        if (squash) {
          yield scalar ? new SquashedNormal(out, logStd, b.low(), b.high()) : new SquashedDiagNormal(out, logStd, b.low(), b.high());
        }
        yield scalar ? new Normal(out, logStd) : new DiagNormal(out, logStd);
      }
      case Discrete d -> new Categorical(out, masks);
      case MultiBinary m -> new Bernoulli(out, masks);
      case MultiDiscrete m -> new MultiCategorical(out, m.nvec(), masks);
      default -> throw new IllegalStateException("unreachable");
    };
  }

  /** e.g. {@code ActionLayer[Discrete(2) -> Categorical, MLP[...]]}. */
  public String describe() {
    String dist = switch (space) {
      case Box b -> (squash ? "Squashed" : "") + (b.shape().length == 0 ? "Normal" : "DiagNormal") + "(logStdInit=" + logStdInit + ")";
      case Discrete d -> "Categorical";
      case MultiBinary m -> "Bernoulli";
      case MultiDiscrete m -> "MultiCategorical";
      default -> "?";
    };
    return "ActionLayer[" + dist + ", " + mlp.describe() + "]";
  }

  // ---- the tape-free single-row path ----

  /**
   * From the MLP's output row {@code p[0 .. outputSize)}, writes the action (sampled with {@code rng},
   * or the mode when rng is null) into {@code action[0 .. actionWidth)} and returns its log-prob.
   * {@code mask} (may be null) is read from {@code mask[maskOff ..]}. {@code p} is modified (masked
   * logits are written in place). Same formulas as the distributions; allocates nothing.
   */
  public float actRow(float[] p, float[] mask, int maskOff, Rng rng, float[] action) {
    return actRow(p, logStd == null ? null : logStd.value().data(), mask, maskOff, rng, action);
  }

  /** As {@link #actRow(float[], float[], int, Rng, float[])} with the log-std read from {@code logStdValues} (a snapshot). */
  public float actRow(float[] p, float[] logStdValues, float[] mask, int maskOff, Rng rng, float[] action) {
    switch (space) {
      case Discrete d -> {
        return categoricalRow(p, 0, d.n(), mask, maskOff, rng, action, 0);
      }
      case MultiDiscrete m -> {
        int[] nvec = m.nvec();
        float lp = 0f;
        int from = 0;
        for (int i = 0; i < nvec.length; i++) {
          lp += categoricalRow(p, from, nvec[i], mask, maskOff + from, rng, action, i);
          from += nvec[i];
        }
        return lp;
      }
      case MultiBinary m -> {
        double lp = 0;
        for (int i = 0; i < m.n(); i++) {
          float code = mask == null ? 2f : mask[maskOff + i];
          float l = p[i];
          float a = code != 2f ? code : rng == null ? (l > 0f ? 1f : 0f) : (rng.uniformDouble() < sigmoid(l) ? 1f : 0f);
          action[i] = a;
          if (code == 2f) lp -= softplus((1f - 2f * a) * l);
        }
        return (float) lp;
      }
      case Box b -> {
        if (mask != null) throw new IllegalArgumentException("ActionLayer: a Box action space takes no mask");
        int n = b.size();
        float[] ls = logStdValues;
        int lo = logStdValues == logStd.value().data() ? logStd.value().offset() : 0;
        double lp = 0;
        for (int i = 0; i < n; i++) {
          float s = ls[lo + i];
          float eps = rng == null ? 0f : rng.normal();
          float u = p[i] + (float) Math.exp(s) * eps;
          lp += -0.5 * (double) eps * eps - s - 0.9189385332046727;
          if (squash) {
            double half = 0.5 * ((double) b.high(i) - b.low(i)), mid = 0.5 * ((double) b.high(i) + b.low(i));
            float a = (float) Math.max(b.low(i), Math.min(b.high(i), mid + half * Math.tanh(u)));
            // Same clip as the distribution's log-prob, evaluated at the stored action.
            double y = Math.max(-1 + 1e-6, Math.min(1 - 1e-6, (a - mid) / half));
            double uc = 0.5 * Math.log((1 + y) / (1 - y));
            double z = (uc - p[i]) * Math.exp(-s);
            lp += 0.5 * (double) eps * eps - 0.5 * z * z - Math.log(1 - y * y) - Math.log(half);
            action[i] = a;
          } else {
            action[i] = u;
          }
        }
        return (float) lp;
      }
      default -> throw new IllegalStateException("unreachable");
    }
  }

  private static float categoricalRow(float[] p, int from, int n, float[] mask, int maskOff, Rng rng, float[] action, int slot) {
    if (mask != null) {
      boolean any = false;
      for (int i = 0; i < n; i++) {
        if (mask[maskOff + i] == 0f) p[from + i] = Categorical.MASKED_LOGIT; else any = true;
      }
      if (!any) throw new IllegalArgumentException("ActionLayer: mask allows no action" + (slot > 0 || from > 0 ? " in component " + slot : ""));
    }
    int a = rng == null ? Categorical.argmax(p, from, n) : Categorical.sampleRow(p, from, n, rng);
    action[slot] = a;
    float max = p[from + Categorical.argmax(p, from, n)];
    double sum = 0;
    for (int i = 0; i < n; i++) sum += Math.exp(p[from + i] - max);
    return (float) (p[from + a] - max - Math.log(sum));
  }

  private static double sigmoid(float x) {
    return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
  }

  private static double softplus(double x) {
    return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
  }
}
