package vecrl.train;

/** Package-private parts of {@link Callbacks} for tests in other packages. */
public final class CallbacksAccess {
  private CallbacksAccess() {}

  public static String timeLeft(long remaining, long steps, double seconds) {
    return Callbacks.timeLeft(remaining, steps, seconds);
  }
}
