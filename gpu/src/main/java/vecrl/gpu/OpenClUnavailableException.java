package vecrl.gpu;

/**
 * OpenCL was asked for but cannot be used: no OpenCL library, no platform or device, no device
 * matching the selection, or a kernel that did not run on the OpenCL device (Aparapi could not
 * translate or build it and would have run it on Java threads instead). The message names which.
 */
public final class OpenClUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An error with the reason in {@code message}. */
  public OpenClUnavailableException(String message) {
    super(message);
  }

  /** An error with the reason in {@code message} and the underlying failure. */
  public OpenClUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
