package vecrl.gpu;

import org.junit.jupiter.api.BeforeAll;

/** The kernel grid in the implicit mode: Aparapi copies every array around every call. */
final class OpenClKernelsImplicitTest extends OpenClKernelsTest {
  @BeforeAll
  static void openImplicit() {
    gpu = OpenClTestSupport.openOrNull(false);
  }
}
