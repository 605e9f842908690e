package vecrl.tensor;

/**
 * Whether this JVM has the Vector API ({@code jdk.incubator.vector}, an incubator module that is
 * only resolved with {@value #FLAG}). Code that uses the Vector API checks here first, so that a
 * missing flag is one clear error naming it, on first use, instead of a {@link NoClassDefFoundError}:
 * the vector backend refuses to start ({@link #require}), and the policy module's tape-free paths run
 * plain loops. {@code -Dvecrl.backend=scalar} runs without the module.
 */
public final class VectorSupport {
  /** The JVM option that resolves the Vector API module. */
  public static final String FLAG = "--add-modules jdk.incubator.vector";
  private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  private VectorSupport() {}

  /** True when {@code jdk.incubator.vector} is resolved in this JVM. */
  public static boolean available() {
    return AVAILABLE;
  }

  /**
   * Throws, naming the flag, when the module is missing.
   *
   * @param who what needs it, for the message (e.g. "the vector kernels backend")
   */
  public static void require(String who) {
    if (!AVAILABLE) {
      throw new IllegalStateException("vecrl: " + who + " needs the Vector API, and this JVM was started without it: add "
          + FLAG + " to the java command line (Maven surefire: argLine; Gradle: jvmArgs), or run on the plain Java kernels with"
          + " -D" + Backends.PROPERTY + "=scalar");
    }
  }
}
