package vecrl.distribution;

import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * A batch of action distributions whose parameters are values on a {@link Tape}: every result that
 * depends on the parameters is a {@link Var}, so it can be differentiated.
 *
 * <p><b>Actions</b> are float tensors of shape [batch, {@link #actionWidth()}]: a Categorical action
 * is its index (width 1), a MultiCategorical action one index per component, a Bernoulli action
 * 0/1 per bit, a Gaussian action its real vector. Methods keep a reference to the actions tensor
 * until the tape is cleared (backward reads it): do not change it in between.
 *
 * <p><b>Per-row results</b> ({@link #logProb}, {@link #entropy}, {@link #kl}) are [batch] vectors.
 *
 * <p>Each implementation documents its masks and its choices where no closed form exists.
 */
public sealed interface Distribution
    permits Categorical, Bernoulli, MultiCategorical, Normal, DiagNormal, SquashedNormal, SquashedDiagNormal {

  /** The tape the parameters live on. */
  Tape tape();

  /** The number of rows. */
  int batchSize();

  /** The number of columns of an action row. */
  int actionWidth();

  /** log p(action) per row, [batch]. */
  Var logProb(Tensor actions);

  /** p(action) per row (a density for continuous distributions), [batch]. */
  default Var prob(Tensor actions) {
    return logProb(actions).exp();
  }

  /** The entropy per row, [batch]. */
  Var entropy();

  /** Writes one sample per row into {@code out} [batch, actionWidth]. @param out Modified. */
  void sample(Rng rng, Tensor out);

  /** A new [batch, actionWidth] tensor of samples. */
  default Tensor sample(Rng rng) {
    Tensor out = Tensor.zeros(batchSize(), actionWidth());
    sample(rng, out);
    return out;
  }

  /** Samples into {@code out} and returns their log-probabilities (differentiable in the parameters). */
  default Var sampleAndLogProb(Rng rng, Tensor out) {
    sample(rng, out);
    return logProb(out);
  }

  /** The most likely action per row (the argmax, or the mean of a Gaussian) into {@code out}. @param out Modified. */
  void mode(Tensor out);

  /** A new tensor holding {@link #mode(Tensor)}. */
  default Tensor mode() {
    Tensor out = Tensor.zeros(batchSize(), actionWidth());
    mode(out);
    return out;
  }

  /**
   * The mean action, [batch, actionWidth].
   *
   * @throws UnsupportedOperationException where the mean is not defined (class labels) or has no
   *     closed form (squashed Gaussians)
   */
  Var mean();

  /**
   * KL(this || other) per row, [batch], in closed form.
   *
   * @throws IllegalArgumentException if {@code other} is of another kind or shape
   */
  Var kl(Distribution other);

  /** A tensor of the actions' column {@code c} as indices, checked to lie in [0, n). */
  static int[] indices(String who, Tensor actions, int col, int n, int[] into) {
    int b = actions.rows(), w = actions.cols();
    int[] idx = into != null && into.length == b ? into : new int[b];
    float[] d = actions.data();
    int o = actions.offset();
    for (int r = 0; r < b; r++) {
      float v = d[o + r * w + col];
      int k = (int) v;
      if (k != v || k < 0 || k >= n) {
        throw new IllegalArgumentException(who + ": action " + v + " in row " + r + (w > 1 ? " column " + col : "")
            + " is not an integer in [0, " + n + ")");
      }
      idx[r] = k;
    }
    return idx;
  }

  /** Checks that {@code actions} is [batch, width]. */
  static void checkActions(String who, Tensor actions, int batch, int width) {
    if (actions.rank() != 2 || actions.dim(0) != batch || actions.dim(1) != width) {
      throw new IllegalArgumentException(who + ": actions " + actions.shapeString() + ", expected [" + batch + ", " + width + "]");
    }
  }
}
