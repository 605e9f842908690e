package vecrl.algo;

import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

/**
 * Separate actor and critic MLPs (no shared encoder), the CleanRL / Stable-Baselines3
 * {@code net_arch=dict(pi=[64, 64], vf=[64, 64])} layout: a categorical head of logits for a
 * discrete action space, or a diagonal Gaussian with a state-independent log-std parameter for a
 * continuous one. Linear weights are stored [out, in] ({@code y = x W^T + b}).
 *
 * <p>Initialisation: orthogonal (gain sqrt(2) on hidden layers, 0.01 on the policy head, 1 on the
 * value head, zero biases) as CleanRL, or PyTorch's default uniform ±1/sqrt(fan_in).
 *
 * <p>The rollout methods ({@link #act}, {@link #predictValues}, {@link #greedy}) run the same
 * parameters through plain loops with buffers kept in this object, so they allocate nothing; the
 * training path ({@link #evaluate}) records the same layers on a tape. An instance is used by one
 * thread at a time.
 *
 * <p>This is the trainer's own network while the policy module's batched API is being written;
 * an adapter to {@code vecrl.policy} can replace it behind {@link ActorCritic}.
 */
public final class MlpActorCritic implements ActorCritic {
  /** The hidden activation. */
  public enum Activation { TANH, RELU }

  private final int obsDim;
  private final int nOut;
  private final boolean discrete;
  private final int[] hidden;
  private final Activation activation;
  private final Parameter[] aw, ab, cw, cb;
  private final Parameter logStd;
  private final ParameterSet params = new ParameterSet();
  private float[][] actScratch = new float[0][];
  private float[][] criticScratch = new float[0][];
  private int scratchRows;
  private int[] actionIdx = new int[0];

  /**
   * @param obsDim observation size
   * @param nOut number of discrete actions, or the size of a continuous action
   * @param discrete categorical (true) or diagonal Gaussian (false)
   * @param hidden hidden layer widths (same for actor and critic), e.g. {64, 64}
   * @param orthogonal CleanRL orthogonal init (else PyTorch default uniform)
   * @param logStdInit initial log-std of the Gaussian
   */
  public MlpActorCritic(int obsDim, int nOut, boolean discrete, int[] hidden, Activation activation, boolean orthogonal,
      float logStdInit, Rng rng) {
    if (obsDim <= 0 || nOut <= 0) throw new IllegalArgumentException("MlpActorCritic: obsDim " + obsDim + ", outputs " + nOut + ": both must be > 0");
    for (int h : hidden) if (h <= 0) throw new IllegalArgumentException("MlpActorCritic: hidden width " + h + ", expected > 0");
    this.obsDim = obsDim;
    this.nOut = nOut;
    this.discrete = discrete;
    this.hidden = hidden.clone();
    this.activation = activation;
    int layers = hidden.length + 1;
    aw = new Parameter[layers];
    ab = new Parameter[layers];
    cw = new Parameter[layers];
    cb = new Parameter[layers];
    build("actor", aw, ab, nOut, orthogonal, 0.01, rng);
    build("critic", cw, cb, 1, orthogonal, 1.0, rng);
    if (!discrete) {
      logStd = params.add(new Parameter("actor.log_std", Tensor.full(logStdInit, nOut)));
    } else {
      logStd = null;
    }
  }

  private void build(String name, Parameter[] w, Parameter[] b, int out, boolean orthogonal, double headGain, Rng rng) {
    int in = obsDim;
    for (int l = 0; l < w.length; l++) {
      int o = l < hidden.length ? hidden[l] : out;
      Tensor wt = Tensor.zeros(o, in);
      Tensor bt = Tensor.zeros(o);
      if (orthogonal) {
        Orthogonal.fill(wt, l < hidden.length ? Math.sqrt(2) : headGain, rng);
      } else {
        float bound = (float) (1 / Math.sqrt(in));
        rng.fillUniform(wt, -bound, bound);
        rng.fillUniform(bt, -bound, bound);
      }
      w[l] = params.add(new Parameter(name + "." + l + ".weight", wt));
      b[l] = params.add(new Parameter(name + "." + l + ".bias", bt));
      in = o;
    }
  }

  @Override public int obsDim() { return obsDim; }
  @Override public int actionDim() { return discrete ? 1 : nOut; }
  @Override public ParameterSet parameters() { return params; }
  public boolean discrete() { return discrete; }
  public int outputs() { return nOut; }
  public int[] hidden() { return hidden.clone(); }
  public Activation activation() { return activation; }

  // ---- tape path ----

  @Override
  public Evaluation evaluate(Tape tape, Tensor obs, Tensor actions) {
    int rows = obs.dim(0);
    Var x = tape.input(obs);
    Var a = mlp(tape, x, aw, ab);
    Var v = mlp(tape, x, cw, cb).reshape(rows);
    if (discrete) {
      if (actionIdx.length != rows) actionIdx = new int[rows];
      float[] ad = actions.data();
      int off = actions.offset();
      for (int i = 0; i < rows; i++) actionIdx[i] = (int) ad[off + i];
      Var logp = a.logSoftmaxRows();
      Var logProb = logp.gatherRows(actionIdx).reshape(rows);
      Var entropy = logp.exp().mul(logp).sumRows().neg().reshape(rows);
      return new Evaluation(logProb, entropy, v);
    }
    // diagonal Gaussian: logp = sum(-(a-mu)^2 / (2 s^2) - log s - log sqrt(2 pi)); H = sum(0.5 + 0.5 log(2 pi) + log s)
    Var act = tape.input(actions);
    Var ls = tape.reshape(logStd, 1, nOut);
    Var z = act.sub(a).div(ls.exp());
    Var logProb = z.square().mul(-0.5f).sub(ls).sub((float) (0.5 * Math.log(2 * Math.PI))).sumRows().reshape(rows);
    Var entRow = ls.add((float) (0.5 + 0.5 * Math.log(2 * Math.PI))).sum();
    Var entropy = tape.add(tape.input(zerosRow(rows)), entRow);
    return new Evaluation(logProb, entropy, v);
  }

  private Tensor zeros;

  private Tensor zerosRow(int rows) {
    if (zeros == null || zeros.size() != rows) zeros = Tensor.zeros(rows);
    return zeros;
  }

  private Var mlp(Tape tape, Var x, Parameter[] w, Parameter[] b) {
    UnaryOp act = activation == Activation.TANH ? UnaryOp.TANH : UnaryOp.RELU;
    Var h = x;
    for (int l = 0; l < w.length; l++) h = tape.linear(h, w[l], b[l], l < w.length - 1 ? act : null);
    return h;
  }

  // ---- rollout path (plain loops, no tape) ----

  private void ensureScratch(int rows) {
    if (rows <= scratchRows) return;
    int layers = hidden.length + 1;
    actScratch = new float[layers][];
    criticScratch = new float[layers][];
    for (int l = 0; l < layers; l++) {
      int width = l < hidden.length ? hidden[l] : nOut;
      actScratch[l] = new float[rows * width];
      criticScratch[l] = new float[rows * (l < hidden.length ? hidden[l] : 1)];
    }
    scratchRows = rows;
  }

  /** Runs the MLP over {@code rows} rows; returns the last layer's buffer. */
  private float[] forward(Tensor obs, int rows, Parameter[] w, Parameter[] b, float[][] scratch) {
    float[] in = obs.data();
    int inOff = obs.offset();
    int inDim = obsDim;
    for (int l = 0; l < w.length; l++) {
      Tensor wt = w[l].value();
      Tensor bt = b[l].value();
      float[] wd = wt.data();
      int wo = wt.offset();
      float[] bd = bt.data();
      int bo = bt.offset();
      int outDim = wt.dim(0);
      float[] out = scratch[l];
      boolean last = l == w.length - 1;
      for (int r = 0; r < rows; r++) {
        int xo = inOff + r * inDim;
        for (int o = 0; o < outDim; o++) {
          int wr = wo + o * inDim;
          float s = 0;
          for (int i = 0; i < inDim; i++) s += in[xo + i] * wd[wr + i];
          s += bd[bo + o];
          if (!last) s = activation == Activation.TANH ? (float) Math.tanh(s) : Math.max(s, 0f);
          out[r * outDim + o] = s;
        }
      }
      in = out;
      inOff = 0;
      inDim = outDim;
    }
    return in;
  }

  private int rowsOf(Tensor obs) {
    if (obs.rank() != 2 || obs.dim(1) != obsDim) {
      throw new IllegalArgumentException("MlpActorCritic: observations " + obs.shapeString() + ", expected [B, " + obsDim + "]");
    }
    return obs.dim(0);
  }

  @Override
  public void predictValues(Tensor obs, float[] values) {
    int rows = rowsOf(obs);
    ensureScratch(rows);
    float[] v = forward(obs, rows, cw, cb, criticScratch);
    System.arraycopy(v, 0, values, 0, rows);
  }

  @Override
  public void act(Tensor obs, Rng rng, float[] actions, float[] logProbs, float[] values) {
    int rows = rowsOf(obs);
    ensureScratch(rows);
    float[] v = forward(obs, rows, cw, cb, criticScratch);
    System.arraycopy(v, 0, values, 0, rows);
    float[] out = forward(obs, rows, aw, ab, actScratch);
    if (discrete) {
      for (int r = 0; r < rows; r++) {
        int o = r * nOut;
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < nOut; k++) max = Math.max(max, out[o + k]);
        double sum = 0;
        for (int k = 0; k < nOut; k++) sum += Math.exp(out[o + k] - max);
        double lse = max + Math.log(sum);
        double u = rng.uniformDouble() * sum;
        int pick = nOut - 1;
        double acc = 0;
        for (int k = 0; k < nOut; k++) {
          acc += Math.exp(out[o + k] - max);
          if (u < acc) { pick = k; break; }
        }
        actions[r] = pick;
        logProbs[r] = (float) (out[o + pick] - lse);
      }
    } else {
      float[] ls = logStd.value().data();
      int lo = logStd.value().offset();
      double c = 0.5 * Math.log(2 * Math.PI);
      for (int r = 0; r < rows; r++) {
        double lp = 0;
        for (int k = 0; k < nOut; k++) {
          float eps = rng.normal();
          float s = (float) Math.exp(ls[lo + k]);
          float a = out[r * nOut + k] + s * eps;
          actions[r * nOut + k] = a;
          float z = (a - out[r * nOut + k]) / s;
          lp += -0.5 * z * z - ls[lo + k] - c;
        }
        logProbs[r] = (float) lp;
      }
    }
  }

  @Override
  public void greedy(Tensor obs, float[] actions) {
    int rows = rowsOf(obs);
    ensureScratch(rows);
    float[] out = forward(obs, rows, aw, ab, actScratch);
    if (discrete) {
      for (int r = 0; r < rows; r++) {
        int best = 0;
        for (int k = 1; k < nOut; k++) if (out[r * nOut + k] > out[r * nOut + best]) best = k;
        actions[r] = best;
      }
    } else {
      System.arraycopy(out, 0, actions, 0, rows * nOut);
    }
  }
}
