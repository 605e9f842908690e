package vecrl.cluster;

import java.io.PrintStream;
import java.util.List;
import vecrl.env.EnvRegistry;

/** {@code vecrl sweep}: independent runs over a grid and seeds, spread over the members. */
final class Sweep {
  private Sweep() {}

  static int run(List<String> args, EnvRegistry registry, PrintStream out) {
    throw new IllegalArgumentException("sweep: not implemented yet");
  }
}
