package vecrl.autodiff;

/** Thrown by a tape's finite-value guard at the first operation that produces NaN or infinity. */
public final class NonFiniteException extends ArithmeticException {
  public NonFiniteException(String message) {
    super(message);
  }
}
