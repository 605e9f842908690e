package vecrl.autodiff;

import vecrl.tensor.Backends;
import vecrl.tensor.BinaryOp;
import vecrl.tensor.Kernels;
import vecrl.tensor.Tensor;

/**
 * Stochastic gradient descent with optional momentum and L2 weight decay, as PyTorch's {@code
 * torch.optim.SGD} (dampening 0, not Nesterov): {@code g += wd p; buf = g} on the first step, then
 * {@code buf = momentum buf + g}; {@code p -= lr buf}.
 */
public final class Sgd extends Optimizer {
  private final float momentum, weightDecay;
  private final Tensor[] buf, scratch;

  public Sgd(ParameterSet params, double lr) {
    this(params, Backends.kernels(), LrSchedule.constant(lr), 0, 0);
  }

  public Sgd(ParameterSet params, Kernels kernels, LrSchedule schedule, double momentum, double weightDecay) {
    super(params, kernels, schedule);
    if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("Sgd: momentum " + momentum + " must be in [0, 1)");
    this.momentum = (float) momentum;
    this.weightDecay = (float) weightDecay;
    this.buf = zerosLike(params);
    this.scratch = zerosLike(params);
  }

  @Override
  void update(int i, Parameter p, Tensor g, float lr) {
    Kernels k = kernels;
    Tensor s = scratch[i];
    if (weightDecay != 0f) {
      k.binaryScalar(BinaryOp.MUL, p.value(), weightDecay, s);
      k.binary(BinaryOp.ADD, s, g, s);
      g = s;
    }
    Tensor d = g;
    if (momentum != 0f) {
      if (steps == 1) k.copy(g, buf[i]);
      else {
        k.binaryScalar(BinaryOp.MUL, buf[i], momentum, buf[i]);
        k.binary(BinaryOp.ADD, buf[i], g, buf[i]);
      }
      d = buf[i];
    }
    k.binaryScalar(BinaryOp.MUL, d, lr, s);
    k.binary(BinaryOp.SUB, p.value(), s, p.value());
  }

  @Override String kind() { return "sgd"; }
  @Override Tensor[] stateTensors() { return buf; }
}
