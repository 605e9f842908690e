package vecrl.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Device listing and selection by index and by name. */
final class OpenClDevicesTest {

  private static List<OpenClDevices.Info> devicesOrSkip() {
    List<OpenClDevices.Info> all;
    try {
      all = OpenClDevices.list();
    } catch (OpenClUnavailableException e) {
      if (OpenClTestSupport.required()) fail("OpenCL required but unavailable: " + e.getMessage(), e);
      Assumptions.abort("no OpenCL library: " + e.getMessage());
      throw e;
    }
    if (all.isEmpty() && OpenClTestSupport.required()) fail("OpenCL required but no device is reported");
    Assumptions.assumeFalse(all.isEmpty(), "no OpenCL device");
    return all;
  }

  @Test
  void listsDevicesWithTheirProperties() {
    List<OpenClDevices.Info> all = devicesOrSkip();
    for (int i = 0; i < all.size(); i++) {
      OpenClDevices.Info d = all.get(i);
      assertEquals(i, d.index());
      assertFalse(d.name().isBlank());
      assertTrue(d.type().equals("GPU") || d.type().equals("CPU") || d.type().equals("ACC"), d.type());
      assertTrue(d.computeUnits() > 0 && d.globalMemoryBytes() > 0 && d.maxWorkGroupSize() > 0, d.describe());
      assertTrue(d.openClVersion().startsWith("OpenCL "), d.openClVersion());
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OpenClDevices.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertTrue(bytes.toString(StandardCharsets.UTF_8).startsWith("0: " + all.get(0).type() + " " + all.get(0).name()));
  }

  @Test
  void selectsByIndexAndByNameAndRejectsUnknown() {
    List<OpenClDevices.Info> all = devicesOrSkip();
    OpenClDevices.Info last = all.get(all.size() - 1);
    assertEquals(last.name(), OpenClDevices.select(Integer.toString(last.index())).getName());
    String part = last.name().substring(0, Math.min(6, last.name().length())).toUpperCase(java.util.Locale.ROOT);
    assertTrue(OpenClDevices.select(part).getName().toUpperCase(java.util.Locale.ROOT).contains(part));
    OpenClUnavailableException e = assertThrows(OpenClUnavailableException.class, () -> OpenClDevices.select("no-such-device-xyz"));
    assertTrue(e.getMessage().contains("'no-such-device-xyz'") && e.getMessage().contains("0: " + all.get(0).name()), e.getMessage());
    OpenClUnavailableException i = assertThrows(OpenClUnavailableException.class, () -> OpenClDevices.select(Integer.toString(all.size())));
    assertTrue(i.getMessage().contains("only " + all.size() + " devices"), i.getMessage());
  }
}
