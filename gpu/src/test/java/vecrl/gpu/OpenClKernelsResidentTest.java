package vecrl.gpu;

import org.junit.jupiter.api.BeforeAll;

/** The kernel grid in the resident mode (the default): results reach the host through the hook. */
final class OpenClKernelsResidentTest extends OpenClKernelsTest {
  @BeforeAll
  static void openResident() {
    gpu = OpenClTestSupport.openOrNull(true);
  }
}
