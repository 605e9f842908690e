package vecrl.io;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The one atomic file writer of vecrl's files (policy files, checkpoints, normaliser files): the bytes
 * go to a temporary file {@code NAME.<random>.tmp} in the target's folder, are forced to disk, and
 * the temporary file is renamed over the target with an atomic move. A crash leaves either the old
 * file or the new one, never a mix; a file system that cannot rename atomically is an error, never a
 * silent non-atomic write. Temporary files of the same target left by a process killed mid-write
 * ({@code NAME*.tmp}) are removed by the next write. Files get the usual {@code rw-r--r--} where the
 * file system has POSIX permissions.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes a body through a big-endian {@link DataOutputStream}. */
  public interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  /** The bytes {@code body} writes, big-endian ({@link DataOutputStream}). */
  public static byte[] bytes(Body body) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(1 << 12);
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(b, 1 << 16))) {
      body.write(out);
    }
    return b.toByteArray();
  }

  /** Writes {@code bytes} to {@code file} atomically (see the class comment). */
  public static void write(Path file, byte[] bytes) throws IOException {
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    removeStale(abs);
    Path tmp = Files.createTempFile(dir, abs.getFileName() + ".", ".tmp");
    try {
      if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
        // createTempFile makes the file owner-only; a saved file gets the usual rw-r--r--.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) ch.write(buf);
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException(abs + ": the file system of " + dir + " cannot rename atomically; refusing a non-atomic write", e);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Removes the temporary files of earlier writes of {@code file} that never finished: {@code NAME*.tmp}
   * in its folder (this writer's {@code NAME.<random>.tmp} and the {@code NAME<random>.tmp} of
   * builds before it).
   */
  public static void removeStale(Path file) throws IOException {
    Path abs = file.toAbsolutePath();
    String name = abs.getFileName().toString();
    if (!Files.isDirectory(abs.getParent())) return;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(abs.getParent(), p -> {
      String n = p.getFileName().toString();
      return n.length() > name.length() + 4 && n.startsWith(name) && n.endsWith(".tmp");
    })) {
      for (Path p : ds) Files.deleteIfExists(p);
    }
  }
}
