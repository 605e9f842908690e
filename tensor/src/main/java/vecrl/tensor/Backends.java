package vecrl.tensor;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Chooses the kernel backend.
 *
 * <p>The default backend is chosen once, on first use: the system property {@value #PROPERTY} if
 * set ({@code scalar}, {@code vector}, or a name from a {@link KernelsProvider} on the class path,
 * such as {@code opencl}), otherwise {@code vector}. The choice is logged once through {@link
 * System.Logger} ({@code vecrl.tensor}). An unknown name is an error that lists the valid ones; a
 * backend that cannot run here is an error that says why, never a silent fallback.
 */
public final class Backends {
  /** The system property that selects the backend. */
  public static final String PROPERTY = "vecrl.backend";

  private static final System.Logger LOG = System.getLogger("vecrl.tensor");
  private static volatile Kernels defaultKernels;

  private Backends() {}

  /** The process-wide default backend (see the class comment). */
  public static Kernels kernels() {
    Kernels k = defaultKernels;
    if (k == null) {
      synchronized (Backends.class) {
        k = defaultKernels;
        if (k == null) {
          String requested = System.getProperty(PROPERTY);
          String name = requested == null || requested.isBlank() ? "vector" : requested.trim();
          k = byName(name);
          LOG.log(Level.INFO, "vecrl: kernels backend ''{0}''{1}", k.name(),
              requested == null ? " (default; set -D" + PROPERTY + "= to change)" : " (from -D" + PROPERTY + ")");
          defaultKernels = k;
        }
      }
    }
    return k;
  }

  /** A new instance of the backend called {@code name}. */
  public static Kernels byName(String name) {
    switch (name) {
      case "scalar":
        return new ScalarKernels();
      case "vector":
        VectorSupport.require("the vector kernels backend (-D" + PROPERTY + "=vector, the default)");
        return VectorKernels.create();
      default:
        for (KernelsProvider p : ServiceLoader.load(KernelsProvider.class)) {
          if (p.name().equals(name)) return p.create();
        }
        throw new IllegalArgumentException("unknown kernels backend '" + name + "'; valid backends: " + String.join(", ", names()));
    }
  }

  /** Every backend name that can be asked for, with a one-line description. */
  public static Map<String, String> available() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("vector", "Vector API (jdk.incubator.vector) kernels, the default");
    out.put("scalar", "plain Java reference kernels");
    for (KernelsProvider p : ServiceLoader.load(KernelsProvider.class)) out.put(p.name(), p.description());
    return out;
  }

  /** Every backend name that can be asked for. */
  public static List<String> names() {
    return new ArrayList<>(available().keySet());
  }
}
