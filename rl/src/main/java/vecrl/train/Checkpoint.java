package vecrl.train;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.env.RunningMeanStd;
import vecrl.io.AtomicFiles;
import vecrl.io.Text;

/**
 * The checkpoint file (format version 3), all values big-endian ({@link DataOutputStream}):
 *
 * <pre>
 * offset  size   content
 * 0       8      magic "VECRLCKP" (ASCII)
 * 8       4      format version (3)
 * 12      ...    the trainer's sections (see {@link Trainer#saveCheckpoint})
 * end-32  32     SHA-256 of every preceding byte
 * </pre>
 *
 * <p>Reading ({@link #decode}, from {@link Trainer#restoreCheckpoint}) checks, before any field is used: the magic, the version (older
 * versions are refused with a message saying to start a new run), the file's size, then the
 * SHA-256 trailer. Only then are the sections parsed; every count is checked against the bytes that
 * remain before anything is allocated, every value is validated (finite numbers, counters against
 * the config), and an error names the file and the field. Writes go through {@link AtomicFiles}.
 */
final class Checkpoint {
  static final long MAGIC = 0x56454352_4c434b50L; // "VECRLCKP"
  /**
   * 3: SHA-256 trailer, counts bounded by the file, counters validated (version 2: the trainer split
   * into parts, each writing its own section; version 1: the single trainer of 2026-12-01).
   */
  static final int VERSION = 3;
  static final int HEADER = 12, CHECKSUM = 32;
  /** No checkpoint this build writes comes near this; a larger file is refused before it is read. */
  static final long MAX_SIZE = Integer.MAX_VALUE - 64;

  private Checkpoint() {}

  interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  interface Reader {
    void read(DataInputStream in) throws IOException;
  }

  /** A value read from a checkpoint that is not valid; the message names the field. */
  static final class FieldException extends IOException {
    FieldException(String message) {
      super(message);
    }
  }

  /** Writes header, {@code body} and trailer to {@code file} atomically. */
  static void write(Path file, Writer body) throws IOException {
    AtomicFiles.write(file, encode(body));
  }

  /** The file's bytes for {@code body}: header, body, SHA-256 trailer. */
  static byte[] encode(Writer body) throws IOException {
    byte[] b = AtomicFiles.bytes(out -> {
      out.writeLong(MAGIC);
      out.writeInt(VERSION);
      body.write(out);
    });
    byte[] all = Arrays.copyOf(b, b.length + CHECKSUM);
    System.arraycopy(sha256(b, 0, b.length), 0, all, b.length, CHECKSUM);
    return all;
  }

  /** Recomputes the trailer of {@code bytes} in place (tests: a mutated body that passes the checksum). */
  static void reseal(byte[] bytes) {
    if (bytes.length < CHECKSUM) return;
    int end = bytes.length - CHECKSUM;
    System.arraycopy(sha256(bytes, 0, end), 0, bytes, end, CHECKSUM);
  }

  /** Checks and parses the bytes of a checkpoint; {@code source} names them in errors. */
  static void decode(String source, byte[] all, Reader body) throws IOException {
    String f = source + ": ";
    if (all.length < 8 || ByteBuffer.wrap(all).getLong() != MAGIC) {
      throw new IOException(f + "not a vecrl checkpoint file (no 'VECRLCKP' magic at offset 0)");
    }
    if (all.length < HEADER) throw new IOException(f + "truncated checkpoint file (" + all.length + " bytes)");
    int v = ByteBuffer.wrap(all).getInt(8);
    if (v != VERSION) {
      throw new IOException(f + "checkpoint format version " + Integer.toUnsignedString(v) + ", this build reads " + VERSION
          + (v >= 1 && v < VERSION ? " (the file was written by an older vecrl, before checkpoints had a checksum; start a new run)"
              : " (the file was written by a newer vecrl)"));
    }
    if (all.length < HEADER + CHECKSUM) throw new IOException(f + "truncated checkpoint file (" + all.length + " bytes)");
    int end = all.length - CHECKSUM;
    if (!MessageDigest.isEqual(sha256(all, 0, end), Arrays.copyOfRange(all, end, all.length))) {
      throw new IOException(f + "corrupted or truncated checkpoint (the SHA-256 checksum of its " + end
          + " bytes does not match the stored one); start a new run or restore a copy");
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, HEADER, end - HEADER));
    try {
      body.read(in);
      if (in.available() != 0) throw new FieldException(in.available() + " unexpected bytes after the last section");
    } catch (EOFException | UTFDataFormatException e) {
      throw new IOException(f + "checkpoint ends inside a field or holds malformed text, though its checksum matches"
          + " (written by another program?)", e);
    } catch (IOException | RuntimeException e) {
      throw new IOException(f + "invalid checkpoint: " + e.getMessage(), e);
    }
  }

  /** A count of elements of {@code bytesEach} bytes, checked against the bytes left before anything is allocated. */
  static int readCount(DataInputStream in, int bytesEach, String what) throws IOException {
    int c = in.readInt();
    int left = in.available();
    if (c < 0 || (long) c * bytesEach > left) {
      throw new FieldException(what + ": count " + Integer.toUnsignedString(c) + " does not fit the " + left + " bytes left");
    }
    return c;
  }

  static void writeFloats(DataOutputStream out, float[] a) throws IOException {
    out.writeInt(a.length);
    for (float x : a) out.writeFloat(x);
  }

  /** Floats, every one finite ({@code what} names the field). */
  static float[] readFloats(DataInputStream in, String what) throws IOException {
    float[] a = new float[readCount(in, 4, what)];
    for (int i = 0; i < a.length; i++) {
      a[i] = in.readFloat();
      if (!Float.isFinite(a[i])) throw new FieldException(what + "[" + i + "] = " + a[i] + ", expected a finite number");
    }
    return a;
  }

  /** Floats of exactly {@code n} values, finite. */
  static float[] readFloats(DataInputStream in, int n, String what) throws IOException {
    float[] a = readFloats(in, what);
    if (a.length != n) throw new FieldException(what + ": " + a.length + " values, expected " + n);
    return a;
  }

  static void writeDoubles(DataOutputStream out, double[] a) throws IOException {
    out.writeInt(a.length);
    // raw bits: writeDouble folds every NaN into one, which would corrupt longs stored as doubles (generators, long state components)
    for (double x : a) out.writeLong(Double.doubleToRawLongBits(x));
  }

  /** Doubles as raw bits (they may hold longs: no check on their values). */
  static double[] readDoubles(DataInputStream in, String what) throws IOException {
    double[] a = new double[readCount(in, 8, what)];
    for (int i = 0; i < a.length; i++) a[i] = in.readDouble();
    return a;
  }

  /** Doubles of exactly {@code n} values, every one finite. */
  static double[] readFiniteDoubles(DataInputStream in, int n, String what) throws IOException {
    double[] a = readDoubles(in, what);
    if (a.length != n) throw new FieldException(what + ": " + a.length + " values, expected " + n);
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(a[i])) throw new FieldException(what + "[" + i + "] = " + a[i] + ", expected a finite number");
    }
    return a;
  }

  static void writeParams(DataOutputStream out, ParameterSet params) throws IOException {
    out.writeInt(params.size());
    for (Parameter p : params) {
      out.writeUTF(p.name());
      writeFloats(out, p.value().toArray());
    }
  }

  /** The parameters' values, checked against {@code params} (count, names, sizes, finite), not yet copied. */
  static float[][] readParams(DataInputStream in, ParameterSet params) throws IOException {
    int c = readCount(in, 6, "parameters");
    if (c != params.size()) throw new FieldException("parameters: " + c + " saved, the network has " + params.size());
    float[][] v = new float[c][];
    for (int i = 0; i < c; i++) {
      Parameter p = params.get(i);
      String name = in.readUTF();
      if (!name.equals(p.name())) {
        throw new FieldException("parameter " + i + " is " + Text.quote(name) + ", the network has '" + p.name() + "'");
      }
      v[i] = readFloats(in, p.value().size(), "parameter '" + p.name() + "' " + p.value().shapeString());
    }
    return v;
  }

  static void writeRms(DataOutputStream out, RunningMeanStd rms) throws IOException {
    out.writeBoolean(rms != null);
    if (rms == null) return;
    var s = rms.state();
    writeDoubles(out, s.mean());
    writeDoubles(out, s.var());
    out.writeDouble(s.count());
  }

  /**
   * Reads an optional normaliser's statistics for {@code rms} (null: the config has none), validated:
   * finite means, finite variances >= 0, a finite count > 0. Returns null when absent.
   */
  static RunningMeanStd.State readRms(DataInputStream in, RunningMeanStd rms, String what) throws IOException {
    boolean present = readBoolean(in, what + " present");
    if (present != (rms != null)) throw new FieldException(what + (present ? " present" : " missing") + ", the config says otherwise");
    if (!present) return null;
    double[] m = readFiniteDoubles(in, rms.size(), what + " mean");
    double[] v = readFiniteDoubles(in, rms.size(), what + " var");
    for (int i = 0; i < v.length; i++) if (v[i] < 0) throw new FieldException(what + " var[" + i + "] = " + v[i] + ", expected >= 0");
    double c = in.readDouble();
    if (!(c > 0) || !Double.isFinite(c)) throw new FieldException(what + " count = " + c + ", expected a finite number > 0");
    return new RunningMeanStd.State(m, v, c);
  }

  /** A boolean written by {@link DataOutputStream#writeBoolean}: exactly 0 or 1. */
  static boolean readBoolean(DataInputStream in, String what) throws IOException {
    int b = in.readUnsignedByte();
    if (b > 1) throw new FieldException(what + ": byte " + b + ", expected 0 or 1");
    return b == 1;
  }

  static byte[] sha256(byte[] data, int from, int to) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(data, from, to - from);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
