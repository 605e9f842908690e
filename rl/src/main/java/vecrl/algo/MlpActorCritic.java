package vecrl.algo;

import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.tensor.Backends;
import vecrl.tensor.BinaryOp;
import vecrl.tensor.Kernels;
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
  private final Kernels kernels;
  private Tensor[] actScratch;
  private Tensor[] criticScratch;
  private Tensor logpScratch;
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
    this(obsDim, nOut, discrete, hidden, activation, orthogonal, logStdInit, rng, Backends.kernels());
  }

  /** As above, with the kernels the rollout path runs on. */
  public MlpActorCritic(int obsDim, int nOut, boolean discrete, int[] hidden, Activation activation, boolean orthogonal,
      float logStdInit, Rng rng, Kernels kernels) {
    this.kernels = kernels;
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
    if (rows == scratchRows) return;
    int layers = hidden.length + 1;
    actScratch = new Tensor[layers];
    criticScratch = new Tensor[layers];
    for (int l = 0; l < layers; l++) {
      int width = l < hidden.length ? hidden[l] : nOut;
      actScratch[l] = Tensor.zeros(rows, width);
      criticScratch[l] = Tensor.zeros(rows, l < hidden.length ? hidden[l] : 1);
    }
    scratchRows = rows;
  }

  /** Runs the MLP over the rows of {@code obs} with the kernels; returns the last layer's [rows, out] buffer. */
  private Tensor forward(Tensor obs, Parameter[] w, Parameter[] b, Tensor[] scratch) {
    Tensor in = obs;
    UnaryOp act = activation == Activation.TANH ? UnaryOp.TANH : UnaryOp.RELU;
    for (int l = 0; l < w.length; l++) {
      Tensor out = scratch[l];
      kernels.matmul(in, false, w[l].value(), true, out, 0f);
      kernels.binary(BinaryOp.ADD, out, b[l].value(), out);
      if (l < w.length - 1) kernels.unary(act, out, out);
      in = out;
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
    Tensor vt = forward(obs, cw, cb, criticScratch);
    System.arraycopy(vt.data(), vt.offset(), values, 0, rows);
  }

  @Override
  public void act(Tensor obs, Rng rng, float[] actions, float[] logProbs, float[] values) {
    int rows = rowsOf(obs);
    ensureScratch(rows);
    Tensor vt = forward(obs, cw, cb, criticScratch);
    System.arraycopy(vt.data(), vt.offset(), values, 0, rows);
    float[] out = forward(obs, aw, ab, actScratch).data();
    if (discrete) {
      // log-softmax with the same kernel as the training path, so the rollout's log-probs equal the
      // first minibatch's bit for bit (PPO's ratio is exactly 1 there)
      Tensor logits = actScratch[actScratch.length - 1];
      if (logpScratch == null || logpScratch.dim(0) != rows) logpScratch = Tensor.zeros(rows, nOut);
      kernels.logSoftmaxRows(logits, logpScratch);
      float[] lp = logpScratch.data();
      for (int r = 0; r < rows; r++) {
        int o = r * nOut;
        double u = rng.uniformDouble();
        int pick = nOut - 1;
        double acc = 0;
        for (int k = 0; k < nOut; k++) {
          acc += Math.exp(lp[o + k]);
          if (u < acc) {
            pick = k;
            break;
          }
        }
        actions[r] = pick;
        logProbs[r] = lp[o + pick];
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
    float[] out = forward(obs, aw, ab, actScratch).data();
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
