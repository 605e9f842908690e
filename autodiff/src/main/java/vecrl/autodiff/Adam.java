package vecrl.autodiff;

import vecrl.tensor.Backends;
import vecrl.tensor.BinaryOp;
import vecrl.tensor.Kernels;
import vecrl.tensor.Tensor;
import vecrl.tensor.VectorKernels;

/**
 * Adam and AdamW, as PyTorch's {@code torch.optim.Adam} and {@code AdamW}, through {@link
 * Kernels#adamStep}. Adam's weight decay is L2 ({@code g += wd p} before the moments); AdamW's is
 * decoupled ({@code p -= lr wd p}). Defaults: beta1 0.9, beta2 0.999, eps 1e-8 (PPO commonly uses
 * 1e-5).
 */
public final class Adam extends Optimizer {
  private final float beta1, beta2, eps, weightDecay;
  private final boolean decoupled;
  private final Tensor[] m, v;
  private Tensor[] scratch;
  /** The parameters' values and gradients for the fused step (reused arrays). */
  private Tensor[] ps, gs;

  /** Adam with the defaults and a constant learning rate. */
  public Adam(ParameterSet params, double lr) {
    this(params, Backends.kernels(), LrSchedule.constant(lr), 0.9, 0.999, 1e-8, 0, false);
  }

  /**
   * @param decoupled true for AdamW (decoupled weight decay), false for Adam (L2 weight decay)
   */
  public Adam(ParameterSet params, Kernels kernels, LrSchedule schedule, double beta1, double beta2, double eps,
      double weightDecay, boolean decoupled) {
    super(params, kernels, schedule);
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("Adam: betas (" + beta1 + ", " + beta2 + ") must be in [0, 1)");
    }
    if (!(eps > 0)) throw new IllegalArgumentException("Adam: eps " + eps + " must be positive");
    this.beta1 = (float) beta1;
    this.beta2 = (float) beta2;
    this.eps = (float) eps;
    this.weightDecay = (float) weightDecay;
    this.decoupled = decoupled;
    this.m = zerosLike(params);
    this.v = zerosLike(params);
  }

  /** AdamW with the given learning rate and decoupled weight decay, other settings default. */
  public static Adam adamW(ParameterSet params, double lr, double weightDecay) {
    return new Adam(params, Backends.kernels(), LrSchedule.constant(lr), 0.9, 0.999, 1e-8, weightDecay, true);
  }

  @Override
  void update(int i, Parameter p, Tensor g, float lr) {
    if (!decoupled && weightDecay != 0f) {
      if (scratch == null) scratch = zerosLike(params);
      kernels.binaryScalar(BinaryOp.MUL, p.value(), weightDecay, scratch[i]);
      kernels.binary(BinaryOp.ADD, scratch[i], g, scratch[i]);
      g = scratch[i];
    }
    kernels.adamStep(p.value(), g, m[i], v[i], lr, beta1, beta2, eps, decoupled ? weightDecay : 0f, steps);
  }

  /**
   * The vector backend's fused step ({@code VectorKernels.adamSteps}: every parameter in one call,
   * the bias corrections computed once, each parameter's arithmetic unchanged), when there is no
   * coupled L2 weight decay to add to the gradients first.
   */
  @Override
  boolean updateAll(float lr) {
    if (!(kernels instanceof VectorKernels vk) || (!decoupled && weightDecay != 0f)) return false;
    int n = params.size();
    if (ps == null) {
      ps = new Tensor[n];
      gs = new Tensor[n];
    }
    for (int i = 0; i < n; i++) {
      Parameter p = params.get(i);
      ps[i] = p.value();
      gs[i] = p.requiresGrad() ? p.grad() : null;
    }
    vk.adamSteps(ps, gs, m, v, lr, beta1, beta2, eps, decoupled ? weightDecay : 0f, steps);
    return true;
  }

  @Override String kind() { return decoupled ? "adamw" : "adam"; }

  @Override
  Tensor[] stateTensors() {
    Tensor[] t = new Tensor[2 * m.length];
    for (int i = 0; i < m.length; i++) { t[2 * i] = m[i]; t[2 * i + 1] = v[i]; }
    return t;
  }
}
