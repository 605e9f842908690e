package vecrl.autodiff;

import vecrl.tensor.Backends;
import vecrl.tensor.BinaryOp;
import vecrl.tensor.Kernels;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

/**
 * RMSprop as PyTorch's {@code torch.optim.RMSprop} (not centered, no momentum), which
 * Stable-Baselines3's A2C uses with alpha 0.99 and eps 1e-5: {@code v = alpha v + (1 - alpha)
 * g^2; p -= lr g / (sqrt(v) + eps)} (eps added after the square root).
 */
public final class RmsProp extends Optimizer {
  private final float alpha, eps, weightDecay;
  private final Tensor[] sq, scratch;
  private Tensor[] decayed;

  /** RMSprop with Stable-Baselines3's A2C settings (alpha 0.99, eps 1e-5) and a constant learning rate. */
  public RmsProp(ParameterSet params, double lr) {
    this(params, Backends.kernels(), LrSchedule.constant(lr), 0.99, 1e-5, 0);
  }

  public RmsProp(ParameterSet params, Kernels kernels, LrSchedule schedule, double alpha, double eps, double weightDecay) {
    super(params, kernels, schedule);
    if (!(alpha >= 0 && alpha < 1)) throw new IllegalArgumentException("RmsProp: alpha " + alpha + " must be in [0, 1)");
    if (!(eps > 0)) throw new IllegalArgumentException("RmsProp: eps " + eps + " must be positive");
    this.alpha = (float) alpha;
    this.eps = (float) eps;
    this.weightDecay = (float) weightDecay;
    this.sq = zerosLike(params);
    this.scratch = zerosLike(params);
  }

  @Override
  void update(int i, Parameter p, Tensor g, float lr) {
    Kernels k = kernels;
    Tensor s = scratch[i], v = sq[i];
    if (weightDecay != 0f) {
      if (decayed == null) decayed = zerosLike(params);
      Tensor d = decayed[i];
      k.binaryScalar(BinaryOp.MUL, p.value(), weightDecay, d);
      k.binary(BinaryOp.ADD, d, g, d);
      g = d;
    }
    k.binaryScalar(BinaryOp.MUL, v, alpha, v);
    k.binary(BinaryOp.MUL, g, g, s);
    k.binaryScalar(BinaryOp.MUL, s, 1f - alpha, s);
    k.binary(BinaryOp.ADD, v, s, v);
    k.unary(UnaryOp.SQRT, v, s);
    k.binaryScalar(BinaryOp.ADD, s, eps, s);
    k.binary(BinaryOp.DIV, g, s, s);
    k.binaryScalar(BinaryOp.MUL, s, lr, s);
    k.binary(BinaryOp.SUB, p.value(), s, p.value());
  }

  @Override String kind() { return "rmsprop"; }
  @Override Tensor[] stateTensors() { return sq; }
}
