package vecrl.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.env.RunningMeanStd;
import vecrl.tensor.Tensor;

/**
 * The checkpoint file: magic {@code VECRLCKP}, a format version (int), then the trainer's fields
 * as big-endian {@link DataOutputStream} values (see {@link Trainer#saveCheckpoint}). Writes go to
 * a temporary file in the same folder, are forced to disk, and then renamed over the old file with
 * an atomic move, so a run killed mid-save leaves the previous checkpoint intact.
 */
final class Checkpoint {
  static final long MAGIC = 0x56454352_4c434b50L; // "VECRLCKP"
  /** 2: the trainer split into parts, each writing its own section (version 1 was the single trainer of 2026-12-01). */
  static final int VERSION = 2;
  private static final int MAX_ARRAY = 1 << 28;

  private Checkpoint() {}

  interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  interface Reader {
    void read(DataInputStream in) throws IOException;
  }

  static void write(Path file, Writer body) throws IOException {
    writeAtomically(file, MAGIC, body);
  }

  static void writeAtomically(Path file, long magic, Writer body) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
          OutputStream os = java.nio.channels.Channels.newOutputStream(ch);
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16))) {
        out.writeLong(magic);
        out.writeInt(VERSION);
        body.write(out);
        out.writeLong(magic);
        out.flush();
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static void read(Path file, Reader body) throws IOException {
    readChecked(file, MAGIC, "checkpoint", body);
  }

  static void readChecked(Path file, long magic, String what, Reader body) throws IOException {
    try (InputStream is = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16))) {
      long m = in.readLong();
      if (m != magic) throw new IOException(file + " is not a vecrl " + what + " file (bad magic number)");
      int v = in.readInt();
      if (v != VERSION) {
        throw new IOException(file + ": " + what + " format version " + v + ", this build reads " + VERSION
            + (v < VERSION ? " (the file was written by an older vecrl; start a new run)" : " (the file was written by a newer vecrl)"));
      }
      body.read(in);
      if (in.readLong() != magic) throw new IOException(file + ": corrupted " + what + " (trailer missing)");
    } catch (EOFException e) {
      throw new IOException(file + ": truncated " + what + " file", e);
    }
  }

  static int readCount(DataInputStream in, int max, String what) throws IOException {
    int c = in.readInt();
    if (c < 0 || c > max) throw new IOException("corrupted file: " + what + " count " + c + " outside [0, " + max + "]");
    return c;
  }

  static void writeFloats(DataOutputStream out, float[] a) throws IOException {
    out.writeInt(a.length);
    for (float x : a) out.writeFloat(x);
  }

  static float[] readFloats(DataInputStream in) throws IOException {
    float[] a = new float[readCount(in, MAX_ARRAY, "float array")];
    for (int i = 0; i < a.length; i++) a[i] = in.readFloat();
    return a;
  }

  static void writeDoubles(DataOutputStream out, double[] a) throws IOException {
    out.writeInt(a.length);
    // raw bits: writeDouble folds every NaN into one, which would corrupt longs stored as doubles (generators, long state components)
    for (double x : a) out.writeLong(Double.doubleToRawLongBits(x));
  }

  static double[] readDoubles(DataInputStream in) throws IOException {
    double[] a = new double[readCount(in, MAX_ARRAY, "double array")];
    for (int i = 0; i < a.length; i++) a[i] = in.readDouble();
    return a;
  }

  static void readDoublesInto(DataInputStream in, double[] into, String what) throws IOException {
    double[] a = readDoubles(in);
    if (a.length != into.length) throw new IOException("checkpoint: " + what + " has " + a.length + " values, expected " + into.length);
    System.arraycopy(a, 0, into, 0, a.length);
  }

  static void writeParams(DataOutputStream out, ParameterSet params) throws IOException {
    out.writeInt(params.size());
    for (Parameter p : params) {
      out.writeUTF(p.name());
      writeFloats(out, p.value().toArray());
    }
  }

  static void readParams(DataInputStream in, ParameterSet params, Path file) throws IOException {
    int c = readCount(in, 1 << 16, "parameter");
    if (c != params.size()) throw new IOException(file + ": " + c + " parameters, the network has " + params.size());
    for (Parameter p : params) {
      String name = in.readUTF();
      if (!name.equals(p.name())) throw new IOException(file + ": parameter " + name + " where the network has " + p.name());
      float[] v = readFloats(in);
      Tensor t = p.value();
      if (v.length != t.size()) throw new IOException(file + ": parameter " + name + " has " + v.length + " values, expected " + t.size() + " " + t.shapeString());
      t.copyFrom(v);
    }
  }

  static void writeRms(DataOutputStream out, RunningMeanStd rms) throws IOException {
    out.writeBoolean(rms != null);
    if (rms == null) return;
    var s = rms.state();
    writeDoubles(out, s.mean());
    writeDoubles(out, s.var());
    out.writeDouble(s.count());
  }

  static void readRms(DataInputStream in, RunningMeanStd rms, String what) throws IOException {
    boolean present = in.readBoolean();
    if (present != (rms != null)) throw new IOException("checkpoint: " + what + (present ? " present" : " missing") + ", the config says otherwise");
    if (!present) return;
    double[] m = readDoubles(in);
    double[] v = readDoubles(in);
    double c = in.readDouble();
    rms.restore(new RunningMeanStd.State(m, v, c));
  }

  /** Reads an optional normaliser into a new object (null when absent). */
  static RunningMeanStd readRms(DataInputStream in) throws IOException {
    if (!in.readBoolean()) return null;
    double[] m = readDoubles(in);
    double[] v = readDoubles(in);
    double c = in.readDouble();
    RunningMeanStd r = new RunningMeanStd(m.length);
    r.restore(new RunningMeanStd.State(m, v, c));
    return r;
  }
}
