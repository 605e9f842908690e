package vecrl.cli;

import java.io.PrintStream;
import java.util.List;
import vecrl.env.Env;
import vecrl.env.EnvChecker;
import vecrl.env.EnvRegistry;

/**
 * {@code vecrl check-env ID [--seed N] [--steps N]}: runs {@link EnvChecker} on a registered
 * environment (made as {@link EnvRegistry#make} makes it, with its time limit).
 */
public final class CheckEnvCommand {
  static final String USAGE = "usage: vecrl check-env ID [--seed N] [--steps N]";

  private CheckEnvCommand() {}

  /**
   * Checks the environment named by {@code args}. Prints {@code "ID: ok (N steps checked)"} to
   * {@code out} and returns 0 when it passes; prints the problems, one per line, to {@code out} and
   * returns 1 when it does not; prints a message naming the bad argument and the valid choices to
   * {@code err} and returns 2 for an unknown id, an unknown option or a bad number.
   */
  public static int run(List<String> args, EnvRegistry registry, PrintStream out, PrintStream err) {
    String id = null;
    long seed = 0;
    int steps = EnvChecker.DEFAULT_STEPS;
    try {
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (a.startsWith("--")) {
          int eq = a.indexOf('=');
          String key = eq > 0 ? a.substring(0, eq) : a;
          if (!key.equals("--seed") && !key.equals("--steps")) {
            throw new IllegalArgumentException("unknown option \"" + a + "\"; valid options: --seed --steps");
          }
          String value;
          if (eq > 0) {
            value = a.substring(eq + 1);
          } else if (i + 1 < args.size()) {
            value = args.get(++i);
          } else {
            throw new IllegalArgumentException("option " + key + " needs a value");
          }
          if (key.equals("--seed")) seed = parse(key, value, Long.MIN_VALUE, Long.MAX_VALUE);
          else steps = (int) parse(key, value, 1, Integer.MAX_VALUE);
        } else if (id == null) {
          id = a;
        } else {
          throw new IllegalArgumentException("unexpected argument \"" + a + "\" after the environment id " + id);
        }
      }
      if (id == null) throw new IllegalArgumentException("missing environment id; valid names: " + String.join(", ", registry.names()));
      if (!registry.contains(id)) {
        throw new IllegalArgumentException("unknown environment \"" + id + "\"; valid names: " + String.join(", ", registry.names()));
      }
    } catch (IllegalArgumentException e) {
      err.println("vecrl: check-env: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    List<String> problems;
    Env<?, ?> env = null;
    try {
      env = registry.make(id);
      problems = EnvChecker.problems(env, seed, steps);
    } catch (RuntimeException e) {
      problems = List.of("making the environment threw " + e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      if (env != null) env.close();
    }
    if (problems.isEmpty()) {
      out.println(id + ": ok (" + steps + " steps checked)");
      return 0;
    }
    for (String p : problems) out.println(id + ": " + p);
    return 1;
  }

  private static long parse(String flag, String value, long min, long max) {
    long x;
    try {
      x = Long.parseLong(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " " + value + ": expected an integer" + (min > Long.MIN_VALUE ? " >= " + min : ""));
    }
    if (x < min || x > max) throw new IllegalArgumentException(flag + " " + value + ": expected an integer from " + min + " to " + max);
    return x;
  }
}
