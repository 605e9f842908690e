package vecrl.nn;

/**
 * How a {@link Linear} layer's weights are initialised.
 *
 * <ul>
 *   <li>{@link Uniform}: weights and biases uniform in ±1/√fan_in (PyTorch's and Equinox's default,
 *       Lerax's choice).
 *   <li>{@link Orthogonal}: an orthogonal matrix scaled by {@code gain}, biases zero (Stable-Baselines
 *       and CleanRL: gain √2 for hidden layers, 0.01 for the policy head, 1 for the value head).
 *   <li>{@link UniformRange}: weights and biases uniform in ±bound, whatever the fan-in (PyTorch's
 *       {@code nn.LSTM}/{@code nn.GRU} default, bound 1/√hidden, used by the recurrent cells).
 * </ul>
 */
public sealed interface Init {
  /** The uniform default. */
  record Uniform() implements Init {
    @Override public String toString() { return "uniform"; }
  }

  /** Orthogonal weights times {@code gain}, zero biases. */
  record Orthogonal(double gain) implements Init {
    @Override public String toString() { return "orthogonal(" + gain + ")"; }
  }

  /** Weights and biases uniform in ±{@code bound}. */
  record UniformRange(double bound) implements Init {
    public UniformRange {
      if (!(bound > 0) || Double.isInfinite(bound)) throw new IllegalArgumentException("Init.uniform: bound " + bound + ", expected a finite bound > 0");
    }

    @Override public String toString() { return "uniform(" + bound + ")"; }
  }

  Init UNIFORM = new Uniform();

  static Init uniform(double bound) {
    return new UniformRange(bound);
  }

  static Init orthogonal(double gain) {
    return new Orthogonal(gain);
  }

  /** Stable-Baselines' hidden-layer gain √2. */
  double SQRT2 = Math.sqrt(2.0);
}
