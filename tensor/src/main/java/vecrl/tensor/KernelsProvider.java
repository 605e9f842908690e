package vecrl.tensor;

/**
 * A backend found through {@link java.util.ServiceLoader}. Implementations are registered in
 * {@code META-INF/services/vecrl.tensor.KernelsProvider}. The provider class itself must be cheap to
 * load: touch heavy dependencies (OpenCL, native code) only in {@link #create()}, so that nothing of
 * an unrequested backend is loaded.
 */
public interface KernelsProvider {
  /** The name users select it by, for example {@code opencl}. */
  String name();

  /** One line for listings and logs. */
  String description();

  /**
   * Builds the backend. Throws an exception that says why when the backend cannot run here (no
   * device, no native library), never returns a silently degraded backend.
   */
  Kernels create();
}
