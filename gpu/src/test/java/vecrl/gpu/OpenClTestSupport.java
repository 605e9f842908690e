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

  /** Why the last {@link #openOrNull()} found no device, or null. */
  static String reason;

  /**
   * The default device's backend, or null when OpenCL is unavailable; fails instead when {@value
   * #REQUIRE_ENV}=1. Call from {@code @BeforeAll}, and {@link #assumeOpen} from {@code @BeforeEach}
   * so that every test is reported as skipped.
   */
  static OpenClKernels openOrNull() {
    return openOrNull(true);
  }

  /** As {@link #openOrNull()}, in the resident or the implicit data-movement mode. */
  static OpenClKernels openOrNull(boolean resident) {
    return openOrNull(resident, OpenClKernels.DEFAULT_ARENA_FLOATS);
  }

  /** As {@link #openOrNull(boolean)}, with the resident mode's initial arena size in floats. */
  static OpenClKernels openOrNull(boolean resident, int arenaFloats) {
    try {
      return OpenClKernels.open(System.getProperty(OpenClDevices.DEVICE_PROPERTY), resident, arenaFloats);
    } catch (OpenClUnavailableException e) {
      if (required()) fail(REQUIRE_ENV + "=1 but OpenCL is unavailable: " + e.getMessage(), e);
      reason = e.getMessage();
      return null;
    }
  }

  /** Skips the calling test when {@code gpu} is null. */
  static void assumeOpen(OpenClKernels gpu) {
    Assumptions.assumeTrue(gpu != null, () -> "no OpenCL device (" + reason + "); set " + REQUIRE_ENV + "=1 to fail instead");
  }
}
