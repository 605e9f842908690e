package vecrl.io;

import java.io.IOException;

/** A policy file that cannot be loaded: truncated, corrupted, not a policy, or of another structure. */
public final class PolicyFormatException extends IOException {
  public PolicyFormatException(String message) {
    super(message);
  }
}
