package vecrl.gpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aparapi.Kernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A kernel Aparapi cannot translate must stop with an error, not run on Java threads. */
final class NoSilentFallbackTest {
  private static OpenClKernels gpu;

  @BeforeAll
  static void open() {
    gpu = OpenClTestSupport.openOrNull();
  }

  @BeforeEach
  void needsDevice() {
    OpenClTestSupport.assumeOpen(gpu);
  }

  @AfterAll
  static void release() {
    if (gpu != null) gpu.close();
  }

  /** Calls a JDK method Aparapi has no OpenCL for, so Aparapi would run it on Java threads. */
  static final class Untranslatable extends Kernel {
    float[] out = new float[8];

    @Override
    public void run() {
      out[getGlobalId()] = (float) System.nanoTime();
    }
  }

  @Test
  void untranslatableKernelIsAnErrorNamingIt() {
    Untranslatable k = new Untranslatable();
    try {
      OpenClUnavailableException e = assertThrows(OpenClUnavailableException.class, () -> {
        gpu.compileForTest(k, "untranslatable");
        gpu.launchForTest(k, "untranslatable", 8);
      });
      assertTrue(e.getMessage().contains("'untranslatable'"), e.getMessage());
      assertTrue(e.getMessage().contains(gpu.deviceName()), e.getMessage());
    } finally {
      k.dispose();
    }
  }
}
