package vecrl.autodiff;

import vecrl.tensor.Tensor;

/**
 * A trainable tensor with a name. Parameters outlive tapes: any tape may read them, and every
 * backward pass that reaches a parameter accumulates ({@code +=}) into its gradient until {@link
 * #zeroGrad()} (or {@link ParameterSet#zeroGrad()}) clears it. Optimizers update the value in
 * place.
 */
public final class Parameter extends Value {
  private final String name;
  private boolean trainable = true;

  /** A parameter that uses {@code value} itself (not a copy). */
  public Parameter(String name, Tensor value) {
    super(value);
    if (name == null || name.isEmpty()) throw new IllegalArgumentException("Parameter: a name is required");
    if (value == null) throw new IllegalArgumentException("Parameter '" + name + "': value is null");
    this.name = name;
  }

  public String name() {
    return name;
  }

  @Override
  public String label() {
    return name;
  }

  /** Whether backward computes this parameter's gradient (true unless frozen). */
  @Override
  public boolean requiresGrad() {
    return trainable;
  }

  /** Freezes ({@code false}) or unfreezes the parameter; a frozen parameter gets no gradient. */
  public Parameter setTrainable(boolean trainable) {
    this.trainable = trainable;
    return this;
  }

  /** Clears the gradient to zero; costs nothing until the next backward pass writes it. */
  public void zeroGrad() {
    clearGradLazily();
  }

  @Override
  public String toString() {
    return "Parameter " + name + " " + value.shapeString();
  }
}
