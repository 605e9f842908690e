package vecrl.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs of the multi-JVM tests: {@code vecrl.cli.Main} with this test's class path, on
 * 127.0.0.1, output to a file. Every child is killed in {@link #close} (tests call it in a finally
 * or afterAll), and every wait has a deadline.
 */
final class Children implements AutoCloseable {
  private final Path dir;
  private final List<Process> all = new ArrayList<>();
  private int count;

  Children(Path dir) {
    this.dir = dir;
  }

  /** A port the OS says is free now, on 127.0.0.1. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /** A child running {@code vecrl.cli.Main args}; its output goes to a file ({@link #log}). */
  Child start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector");
    cmd.add("-Xshare:auto");
    cmd.add("--sun-misc-unsafe-memory-access=allow");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("vecrl.cli.Main");
    cmd.addAll(List.of(args));
    Path log = dir.resolve("child-" + (count++) + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    all.add(p);
    return new Child(p, log);
  }

  record Child(Process process, Path log) {
    String output() {
      try {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      } catch (IOException e) {
        return "(cannot read " + log + ": " + e.getMessage() + ")";
      }
    }

    /** Waits until the output contains {@code text}; fails with the output when the child exits or the deadline passes. */
    void awaitOutput(String text, double seconds) throws InterruptedException {
      long deadline = System.nanoTime() + (long) (seconds * 1e9);
      while (!output().contains(text)) {
        if (!process.isAlive()) throw new AssertionError("child exited (" + process.exitValue() + ") before printing \"" + text + "\":\n" + output());
        if (System.nanoTime() > deadline) throw new AssertionError("child printed no \"" + text + "\" within " + seconds + " s:\n" + output());
        Thread.sleep(50);
      }
    }

    /** kill -9. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : all) p.destroyForcibly();
    for (Process p : all) p.waitFor(10, TimeUnit.SECONDS);
  }
}
