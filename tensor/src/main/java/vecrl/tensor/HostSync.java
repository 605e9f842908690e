package vecrl.tensor;

/**
 * Keeps host reads and writes of tensor data coherent with a device backend that keeps arrays
 * resident in device memory (the {@code opencl} backend's resident mode). Installed with {@link
 * Tensor#installHostSync}; while none is installed (the CPU backends) {@link Tensor} pays one null
 * check per access and nothing else.
 *
 * <p>Contract: {@link #beforeHostAccess} is called before host code reads or writes a backing
 * array through {@link Tensor} ({@link Tensor#data()}, {@code get}, {@code set}, {@code fill},
 * {@code copyFrom}, {@code toArray}, ...). When the device holds newer values it copies them into
 * the array first; afterwards it must assume the host may write the array, so the next kernel that
 * reads it copies it to the device again. A device backend reads arrays through {@link
 * Tensor#deviceData()}, which does not call the hook.
 */
public interface HostSync {
  /** Makes {@code data} hold the latest values, and treats it as possibly written by the host from now on. */
  void beforeHostAccess(float[] data);
}
