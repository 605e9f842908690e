package vecrl.autodiff;

import vecrl.tensor.Kernels;
import vecrl.tensor.Tensor;

/**
 * Updates parameters in place from their gradients. Subclasses hold their per-parameter state in
 * tensors allocated once, so a steady-state {@link #step()} allocates nothing.
 */
public abstract sealed class Optimizer permits Sgd, Adam, RmsProp {
  final ParameterSet params;
  final Kernels kernels;
  private LrSchedule schedule;
  long steps;

  Optimizer(ParameterSet params, Kernels kernels, LrSchedule schedule) {
    if (params == null || kernels == null || schedule == null) {
      throw new IllegalArgumentException(getClass().getSimpleName() + ": parameters, kernels and schedule are required");
    }
    this.params = params;
    this.kernels = kernels;
    this.schedule = schedule;
  }

  /** The parameters this optimizer updates, in order. */
  public ParameterSet parameters() {
    return params;
  }

  /** The number of updates taken so far. */
  public long stepCount() {
    return steps;
  }

  /** The learning rate the next {@link #step()} will use. */
  public double learningRate() {
    return schedule.at(steps);
  }

  public LrSchedule schedule() {
    return schedule;
  }

  /** Replaces the learning-rate schedule (the step count is kept). */
  public void setSchedule(LrSchedule schedule) {
    if (schedule == null) throw new IllegalArgumentException("setSchedule: schedule is null");
    this.schedule = schedule;
  }

  /** One update of every trainable parameter, using the gradients as they are now. */
  public final void step() {
    float lr = (float) schedule.at(steps);
    steps++;
    if (updateAll(lr)) return;
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      if (p.requiresGrad()) update(i, p, p.grad(), lr);
    }
  }

  abstract void update(int i, Parameter p, Tensor grad, float lr);

  /**
   * Updates every parameter that requires a gradient in one call, with the same bits as {@link
   * #update} on each in turn; returns false (having done nothing) where the optimizer has no such
   * path, and {@link #step} then calls update per parameter.
   */
  boolean updateAll(float lr) {
    return false;
  }

  /** A short kind name stored in {@link OptimizerState}. */
  abstract String kind();

  /** The buffers to save, in order. */
  abstract Tensor[] stateTensors();

  /** Exports the state (copies). */
  public final OptimizerState state() {
    Tensor[] t = stateTensors();
    float[][] b = new float[t.length][];
    for (int i = 0; i < t.length; i++) b[i] = t[i].toArray();
    return new OptimizerState(kind(), steps, b);
  }

  /** Restores a state exported by {@link #state()} of an optimizer of the same kind on parameters of the same shapes. */
  public final void restore(OptimizerState s) {
    if (!s.kind().equals(kind())) {
      throw new IllegalArgumentException("restore: state is for '" + s.kind() + "' but this optimizer is '" + kind() + "'");
    }
    Tensor[] t = stateTensors();
    float[][] b = s.buffers();
    if (b.length != t.length) {
      throw new IllegalArgumentException("restore: state holds " + b.length + " buffers, this " + kind() + " needs " + t.length);
    }
    for (int i = 0; i < t.length; i++) {
      if (b[i].length != t[i].size()) {
        throw new IllegalArgumentException("restore: buffer " + i + " holds " + b[i].length + " values, expected "
            + t[i].size() + " for " + t[i].shapeString());
      }
    }
    for (int i = 0; i < t.length; i++) t[i].copyFrom(b[i]);
    steps = s.step();
  }

  static Tensor[] zerosLike(ParameterSet params) {
    Tensor[] t = new Tensor[params.size()];
    for (int i = 0; i < t.length; i++) t[i] = params.get(i).value().zerosLike();
    return t;
  }
}
