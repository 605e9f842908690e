package vecrl.gpu;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/** Opening the backend in tests: skipped without a device, failed when a device is required. */
final class OpenClTestSupport {
  /** Set to 1 (as CI does) to turn a missing OpenCL device into a failure instead of a skip. */
  static final String REQUIRE_ENV = "VECRL_REQUIRE_OPENCL";

  private OpenClTestSupport() {}

  static boolean required() {
    return "1".equals(System.getenv(REQUIRE_ENV));
  }

  /** The default device's backend; aborts (skips) or fails the calling test when none exists. */
  static OpenClKernels openOrSkip() {
    try {
      return OpenClKernels.open(System.getProperty(OpenClDevices.DEVICE_PROPERTY));
    } catch (OpenClUnavailableException e) {
      if (required()) fail(REQUIRE_ENV + "=1 but OpenCL is unavailable: " + e.getMessage(), e);
      Assumptions.abort("no OpenCL device (" + e.getMessage() + "); set " + REQUIRE_ENV + "=1 to fail instead");
      throw e;
    }
  }
}
