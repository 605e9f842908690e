package vecrl.gpu;

import vecrl.tensor.Kernels;
import vecrl.tensor.KernelsProvider;

/**
 * Registers the {@code opencl} backend with {@link vecrl.tensor.Backends}. This class refers to no
 * Aparapi or OpenCL class: listing backends loads nothing GPU-related, and only {@link #create()}
 * (that is, asking for {@code opencl}) loads Aparapi, its native library and the OpenCL driver.
 */
public final class OpenClKernelsProvider implements KernelsProvider {

  /** Used by {@link java.util.ServiceLoader}. */
  public OpenClKernelsProvider() {}

  @Override
  public String name() {
    return OpenClKernels.NAME;
  }

  @Override
  public String description() {
    return "OpenCL kernels through Aparapi (device: -D" + OpenClDevices.DEVICE_PROPERTY + "=index or name)";
  }

  /**
   * Opens the OpenCL device chosen by {@value OpenClDevices#DEVICE_PROPERTY}.
   *
   * @throws OpenClUnavailableException naming the reason when no OpenCL library, platform or
   *     matching device exists
   */
  @Override
  public Kernels create() {
    return OpenClKernels.open(System.getProperty(OpenClDevices.DEVICE_PROPERTY));
  }
}
