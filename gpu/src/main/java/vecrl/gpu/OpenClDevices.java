package vecrl.gpu;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.opencl.OpenCLLoader;
import com.aparapi.internal.opencl.OpenCLPlatform;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lists the OpenCL platforms and devices and picks one.
 *
 * <p>Devices are numbered from 0 in the order platforms and their devices are reported. The system
 * property {@value #DEVICE_PROPERTY} chooses one: a number is an index into {@link #list()}, any
 * other text is matched case-insensitively against the device name, then the platform name (the
 * first match wins). Without it the first GPU is used, then the first accelerator, then the first
 * device of any type (for example a CPU through PoCL).
 *
 * <p>Run {@code java --enable-native-access=ALL-UNNAMED -cp ... vecrl.gpu.OpenClDevices} to print
 * the table (the future {@code ./vecrl devices} command prints the same).
 */
public final class OpenClDevices {
  /** The system property that selects the device: an index or part of a device name. */
  public static final String DEVICE_PROPERTY = "vecrl.opencl.device";

  private OpenClDevices() {}

  /**
   * One OpenCL device.
   *
   * @param index position in {@link #list()}, what {@value #DEVICE_PROPERTY} takes
   * @param platform the platform's name (for example {@code NVIDIA CUDA}, {@code Portable Computing Language})
   * @param openClVersion the platform's version string ({@code OpenCL 3.0 ...}, the driver's version)
   * @param name the device's name
   * @param type {@code GPU}, {@code CPU} or {@code ACC}
   * @param computeUnits parallel compute units (streaming multiprocessors, cores)
   * @param globalMemoryBytes global memory size
   * @param localMemoryBytes local (work-group shared) memory size
   * @param maxWorkGroupSize the largest work-group the device accepts
   */
  public record Info(int index, String platform, String openClVersion, String name, String type,
      int computeUnits, long globalMemoryBytes, long localMemoryBytes, int maxWorkGroupSize) {

    /** One line for listings: index, type, name, units, memory, platform and version. */
    public String describe() {
      return String.format(Locale.ROOT, "%d: %s %s, %d compute units, %.1f GiB global / %d KiB local memory, max work-group %d, platform %s (%s)",
          index, type, name, computeUnits, globalMemoryBytes / (1024.0 * 1024 * 1024), localMemoryBytes / 1024,
          maxWorkGroupSize, platform, openClVersion);
    }
  }

  /**
   * Every OpenCL device on every platform.
   *
   * @throws OpenClUnavailableException when no OpenCL library can be loaded
   */
  public static List<Info> list() {
    List<Info> out = new ArrayList<>();
    List<OpenCLDevice> devices = devices();
    for (int i = 0; i < devices.size(); i++) {
      OpenCLDevice d = devices.get(i);
      OpenCLPlatform p = d.getOpenCLPlatform();
      out.add(new Info(i, p.getName(), p.getVersion(), d.getName(), String.valueOf(d.getType()),
          d.getMaxComputeUnits(), d.getGlobalMemSize(), d.getLocalMemSize(), d.getMaxWorkGroupSize()));
    }
    return out;
  }

  /** The devices in {@link #list()} order. */
  static List<OpenCLDevice> devices() {
    boolean library;
    try {
      library = OpenCLLoader.isOpenCLAvailable();
    } catch (LinkageError e) {
      throw new OpenClUnavailableException("opencl: Aparapi's native library could not be loaded (" + e
          + "); the JVM needs --enable-native-access=ALL-UNNAMED", e);
    }
    if (!library) {
      throw new OpenClUnavailableException("opencl: no OpenCL library could be loaded (libOpenCL.so.1 / OpenCL.dll);"
          + " install an ICD loader and a driver, for example Debian's ocl-icd-libopencl1 and pocl-opencl-icd,"
          + " or the GPU vendor's driver");
    }
    List<OpenCLDevice> out = new ArrayList<>();
    for (OpenCLPlatform p : new OpenCLPlatform().getOpenCLPlatforms()) out.addAll(p.getOpenCLDevices());
    return out;
  }

  /**
   * The device chosen by {@code spec} (see the class comment; {@code null} or blank for the default).
   *
   * @throws OpenClUnavailableException when there is no library, no device, or none matches
   */
  static OpenCLDevice select(String spec) {
    List<OpenCLDevice> devices = devices();
    if (devices.isEmpty()) {
      throw new OpenClUnavailableException("opencl: the OpenCL library loaded but reports no platform with a device;"
          + " install a driver (ICD), for example pocl-opencl-icd for CPUs or the GPU vendor's driver");
    }
    if (spec == null || spec.isBlank()) {
      for (Device.TYPE want : new Device.TYPE[] {Device.TYPE.GPU, Device.TYPE.ACC}) {
        for (OpenCLDevice d : devices) if (d.getType() == want) return d;
      }
      return devices.get(0);
    }
    String s = spec.trim();
    if (s.chars().allMatch(Character::isDigit)) {
      int i = Integer.parseInt(s);
      if (i >= devices.size()) {
        throw new OpenClUnavailableException("opencl: -D" + DEVICE_PROPERTY + "=" + s + " but there are only "
            + devices.size() + " devices: " + names(devices));
      }
      return devices.get(i);
    }
    String lower = s.toLowerCase(Locale.ROOT);
    for (OpenCLDevice d : devices) if (d.getName().toLowerCase(Locale.ROOT).contains(lower)) return d;
    for (OpenCLDevice d : devices) {
      if (d.getOpenCLPlatform().getName().toLowerCase(Locale.ROOT).contains(lower)) return d;
    }
    throw new OpenClUnavailableException("opencl: no device name or platform contains '" + s + "' (-D" + DEVICE_PROPERTY
        + "); devices: " + names(devices));
  }

  private static String names(List<OpenCLDevice> devices) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < devices.size(); i++) {
      if (i > 0) sb.append(", ");
      sb.append(i).append(": ").append(devices.get(i).getName());
    }
    return sb.toString();
  }

  /** Prints the platforms and devices, one device a line, to {@code out}. */
  public static void print(PrintStream out) {
    List<Info> all = list();
    if (all.isEmpty()) {
      out.println("no OpenCL devices (the OpenCL library loaded, but no platform reports a device)");
      return;
    }
    for (Info d : all) out.println(d.describe());
  }

  /** Prints the device table; exits with status 1 and the reason when OpenCL cannot be used. */
  public static void main(String[] args) {
    try {
      print(System.out);
    } catch (OpenClUnavailableException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }
}
