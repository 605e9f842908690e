package vecrl.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import vecrl.env.EnvRegistry;

/** What one in-process run of the command line returned and printed (for the CLI tests). */
record CliRun(int code, String out, String err) {
  /** Runs {@link Main} on the standard registry with captured output streams. */
  static CliRun of(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code = new Main(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8),
        EnvRegistry.standard()).run(args);
    return new CliRun(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }
}
