package vecrl.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;

/**
 * Saves and loads a {@link Savable}'s parameters. The file layout (format version 1), all integers
 * unsigned 32-bit little-endian, floats IEEE-754 float32 little-endian:
 *
 * <pre>
 * offset  size        content
 * 0       32          structural fingerprint: SHA-256 of Savable.structure() as UTF-8
 * 32      8           magic "VECRLPOL" (ASCII)
 * 40      4           format version (1)
 * 44      4           parameter count N
 * 48      ...         N records, in Savable.parameters() order:
 *                       u32 name length L, L bytes UTF-8 name,
 *                       u32 rank R, R x u32 dims,
 *                       prod(dims) x float32 values, row-major
 * end-32  32          checksum: SHA-256 of every preceding byte
 * </pre>
 *
 * <p>Loading ({@link #deserialize}) checks, in order: the file is at least 80 bytes and names the
 * magic and version (else "not a vecrl policy file" / "unsupported version"); the checksum ("corrupted
 * or truncated"); then the fingerprint against the skeleton's structure ("the constructor
 * arguments do not reproduce the saved structure"), before any parameter record is read. Records
 * are then parsed with every length checked against the bytes left, names and shapes compared with
 * the skeleton, every value checked to be finite (NaN and infinities are refused, naming the
 * parameter), and only when all of them are valid are the values copied into the skeleton's
 * parameters. Nothing allocated exceeds the file's size; Java object serialization is never used.
 * Text from the file (parameter names) is quoted with {@link Text#quote}: escaped, at most 100
 * characters.
 *
 * <p><b>Format version 2</b> (the self-describing file, written by {@link #encode(Savable, String)})
 * adds a structure spec between the header and the records, and is otherwise the same:
 *
 * <pre>
 * offset  size        content
 * 0       32          structural fingerprint, as version 1
 * 32      8           magic "VECRLPOL"
 * 40      4           format version (2)
 * 44      4           spec length S (at most {@value #MAX_SPEC} bytes)
 * 48      S           spec: UTF-8 text, one key=value line each (see vecrl.policy.PolicySpec)
 * 48+S    4           parameter count N
 * ...                 N records, as version 1
 * end-32  32          checksum: SHA-256 of every preceding byte
 * </pre>
 *
 * {@link #deserialize} and {@link #decode} read both versions into a skeleton (ignoring the spec);
 * {@link #spec} returns a version-2 file's spec after the same magic, version and checksum checks,
 * and {@link #records} lists the saved parameters' names and shapes without a skeleton.
 *
 * <p>Writing ({@link #serialize}) goes through {@link AtomicFiles}: a temporary file in the target's
 * directory, forced to disk and renamed over the target with an atomic move, so a crash leaves either
 * the old file or the new one.
 */
public final class PolicyIO {
  /** The 8 magic bytes after the fingerprint. */
  public static final String MAGIC = "VECRLPOL";
  /** The bare format version that {@link #serialize} and {@link #encode(Savable)} write (no spec). */
  public static final int VERSION = 1;
  /** The self-describing format version that {@link #encode(Savable, String)} writes. */
  public static final int VERSION_2 = 2;
  /** The largest spec a version-2 file may hold, in bytes. */
  public static final int MAX_SPEC = 1 << 20;
  static final int HEADER = 48, CHECKSUM = 32, MAX_RANK = 8;

  private PolicyIO() {}

  /** The 32-byte fingerprint of {@code s}'s structure. */
  public static byte[] fingerprint(Savable s) {
    return Structure.fingerprint(s.structure());
  }

  /** Writes {@code s} to {@code path} atomically (see the class comment for the layout). */
  public static void serialize(Savable s, Path path) throws IOException {
    Objects.requireNonNull(s, "s");
    Objects.requireNonNull(path, "path");
    AtomicFiles.write(path, encode(s));
  }

  /** The version-1 file's bytes for {@code s}. */
  public static byte[] encode(Savable s) {
    return encode(s, null);
  }

  /**
   * The version-2 file's bytes for {@code s} with the structure spec {@code spec} (UTF-8, at most
   * {@value #MAX_SPEC} bytes), or the version-1 bytes when {@code spec} is null.
   */
  public static byte[] encode(Savable s, String spec) {
    Objects.requireNonNull(s, "s");
    ParameterSet params = s.parameters();
    byte[] specBytes = spec == null ? null : spec.getBytes(StandardCharsets.UTF_8);
    if (specBytes != null && specBytes.length > MAX_SPEC) {
      throw new IllegalArgumentException("PolicyIO: spec of " + specBytes.length + " bytes is larger than " + MAX_SPEC);
    }
    long size = HEADER + CHECKSUM + (specBytes == null ? 0 : 4 + specBytes.length);
    byte[][] names = new byte[params.size()][];
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      names[i] = p.name().getBytes(StandardCharsets.UTF_8);
      size += 4 + names[i].length + 4 + 4L * p.value().rank() + 4L * p.value().size();
    }
    if (size > Integer.MAX_VALUE - 64) throw new IllegalArgumentException("PolicyIO: " + size + " bytes is too large for one file");
    ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    b.put(fingerprint(s));
    b.put(MAGIC.getBytes(StandardCharsets.US_ASCII));
    if (specBytes == null) {
      b.putInt(VERSION);
    } else {
      b.putInt(VERSION_2);
      b.putInt(specBytes.length).put(specBytes);
    }
    b.putInt(params.size());
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      b.putInt(names[i].length).put(names[i]);
      int[] shape = p.value().shape();
      b.putInt(shape.length);
      for (int d : shape) b.putInt(d);
      float[] data = p.value().data();
      int off = p.value().offset();
      for (int j = 0, n = p.value().size(); j < n; j++) b.putFloat(data[off + j]);
    }
    b.put(sha256(b.array(), 0, b.position()));
    return b.array();
  }

  /**
   * Loads the parameters saved at {@code path} into {@code skeleton}, a freshly constructed object
   * built with the same constructor arguments as the saved one, and returns it.
   *
   * @throws PolicyFormatException for a file that is truncated, corrupted, not a policy, of an
   *     unsupported version, or whose structure differs from the skeleton's
   */
  public static <T extends Savable> T deserialize(Path path, T skeleton) throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(skeleton, "skeleton");
    long size = Files.size(path);
    if (size > Integer.MAX_VALUE - 64) throw new PolicyFormatException(path + ": " + size + " bytes is larger than any policy file this build reads");
    byte[] all = Files.readAllBytes(path);
    return decode(all, path.toString(), skeleton);
  }

  /**
   * {@link #deserialize} from the bytes of a policy file (a resource, a network message); {@code
   * source} names them in errors. The same checks, in the same order.
   */
  public static <T extends Savable> T decode(byte[] all, String source, T skeleton) throws PolicyFormatException {
    Objects.requireNonNull(all, "all");
    Objects.requireNonNull(skeleton, "skeleton");
    String path = source;
    int version = checkHeader(all, path);
    int bodyEnd = all.length - CHECKSUM;
    byte[] expected = fingerprint(skeleton);
    byte[] saved = Arrays.copyOfRange(all, 0, 32);
    if (!MessageDigest.isEqual(expected, saved)) {
      throw new PolicyFormatException(path + ": structural fingerprint mismatch: the constructor arguments do not reproduce"
          + " the saved structure (first difference at byte " + Arrays.mismatch(saved, expected) + "; file "
          + HexFormat.of().formatHex(saved) + ", skeleton " + HexFormat.of().formatHex(expected) + " of " + skeleton.getClass().getName() + ")");
    }
    ParameterSet params = skeleton.parameters();
    ByteBuffer b = records(all, bodyEnd, version, path);
    int count = b.getInt();
    if (count != params.size()) {
      throw new PolicyFormatException(path + ": " + Integer.toUnsignedString(count) + " parameters saved, the skeleton has " + params.size());
    }
    float[][] staged = new float[count][];
    for (int i = 0; i < count; i++) {
      Parameter p = params.get(i);
      int nameLen = readLength(b, path, "name length of parameter " + i);
      String name = new String(all, b.position(), nameLen, StandardCharsets.UTF_8);
      b.position(b.position() + nameLen);
      if (!name.equals(p.name())) {
        throw new PolicyFormatException(path + ": parameter " + i + " is " + Text.quote(name) + ", the skeleton expects " + Text.quote(p.name()));
      }
      int rank = readLength(b, path, "rank of '" + name + "'");
      if (rank > MAX_RANK) throw new PolicyFormatException(path + ": parameter '" + name + "' has rank " + rank + " (at most " + MAX_RANK + ")");
      if ((long) rank * 4 > b.remaining()) throw new PolicyFormatException(path + ": truncated in the shape of '" + name + "'");
      int[] shape = new int[rank];
      long n = 1;
      for (int r = 0; r < rank; r++) {
        shape[r] = b.getInt();
        n *= Integer.toUnsignedLong(shape[r]);
        if (n * 4 > b.remaining()) {
          throw new PolicyFormatException(path + ": parameter '" + name + "' claims shape with " + n + "+ values but only "
              + b.remaining() + " bytes remain");
        }
      }
      if (n * 4 > b.remaining()) { // rank 0: one value, which the loop above did not check
        throw new PolicyFormatException(path + ": parameter '" + name + "' claims " + n + " values but only " + b.remaining() + " bytes remain");
      }
      if (!Arrays.equals(shape, p.value().shape())) {
        throw new PolicyFormatException(path + ": parameter '" + name + "' has shape " + Arrays.toString(shape)
            + ", the skeleton expects " + p.value().shapeString());
      }
      float[] v = new float[(int) n];
      for (int j = 0; j < v.length; j++) {
        v[j] = b.getFloat();
        if (!Float.isFinite(v[j])) {
          throw new PolicyFormatException(path + ": parameter '" + name + "' " + p.value().shapeString() + " holds " + v[j] + " at index " + j
              + "; a policy's parameters must be finite");
        }
      }
      staged[i] = v;
    }
    if (b.remaining() != 0) throw new PolicyFormatException(path + ": " + b.remaining() + " unexpected bytes after the last parameter");
    for (int i = 0; i < count; i++) params.get(i).value().copyFrom(staged[i]);
    return skeleton;
  }

  /**
   * Checks the magic, the version (1 or 2) and the checksum of a policy file's bytes, in that
   * order, and returns the version.
   */
  public static int checkHeader(byte[] all, String path) throws PolicyFormatException {
    Objects.requireNonNull(all, "all");
    if (all.length < HEADER + CHECKSUM) {
      if (all.length >= 40 && Arrays.equals(Arrays.copyOfRange(all, 32, 40), MAGIC.getBytes(StandardCharsets.US_ASCII))) {
        throw new PolicyFormatException(path + ": truncated policy file (" + all.length + " bytes; the smallest policy file has "
            + (HEADER + CHECKSUM) + ")");
      }
      throw new PolicyFormatException(path + ": not a vecrl policy file (" + all.length + " bytes, no '" + MAGIC + "' magic at offset 32)");
    }
    if (!Arrays.equals(Arrays.copyOfRange(all, 32, 40), MAGIC.getBytes(StandardCharsets.US_ASCII))) {
      throw new PolicyFormatException(path + ": not a vecrl policy file (no '" + MAGIC + "' magic at offset 32)");
    }
    int version = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getInt(40);
    if (version != VERSION && version != VERSION_2) {
      throw new PolicyFormatException(path + ": unsupported policy format version " + Integer.toUnsignedString(version)
          + "; this build reads versions " + VERSION + " and " + VERSION_2);
    }
    int bodyEnd = all.length - CHECKSUM;
    if (!MessageDigest.isEqual(sha256(all, 0, bodyEnd), Arrays.copyOfRange(all, bodyEnd, all.length))) {
      throw new PolicyFormatException(path + ": corrupted or truncated policy file (the SHA-256 checksum of its " + bodyEnd
          + " bytes does not match the stored one)");
    }
    return version;
  }

  /** A buffer over the body positioned at the parameter count (after the spec in version 2). */
  private static ByteBuffer records(byte[] all, int bodyEnd, int version, String path) throws PolicyFormatException {
    ByteBuffer b = ByteBuffer.wrap(all, 0, bodyEnd).order(ByteOrder.LITTLE_ENDIAN);
    b.position(44);
    if (version == VERSION_2) {
      int len = readLength(b, path, "spec length");
      if (len > MAX_SPEC) throw new PolicyFormatException(path + ": spec of " + len + " bytes; at most " + MAX_SPEC + " are read");
      b.position(b.position() + len);
      if (b.remaining() < 4) throw new PolicyFormatException(path + ": truncated before the parameter count");
    }
    return b;
  }

  /**
   * The structure spec of a version-2 policy file's bytes (after {@link #checkHeader}'s checks).
   *
   * @throws PolicyFormatException for a damaged file, or a version-1 file (which has no spec: load it
   *     with {@link #deserialize} and a skeleton built with the original constructor arguments)
   */
  public static String spec(byte[] all, String path) throws PolicyFormatException {
    int version = checkHeader(all, path);
    if (version == VERSION) {
      throw new PolicyFormatException(path + ": a version-1 policy file holds no structure spec; load it with"
          + " PolicyIO.deserialize(path, skeleton), the skeleton built with the constructor arguments of the saved policy");
    }
    ByteBuffer b = ByteBuffer.wrap(all, 0, all.length - CHECKSUM).order(ByteOrder.LITTLE_ENDIAN);
    b.position(44);
    int len = readLength(b, path, "spec length");
    if (len > MAX_SPEC) throw new PolicyFormatException(path + ": spec of " + len + " bytes; at most " + MAX_SPEC + " are read");
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(all, 48, len)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new PolicyFormatException(path + ": the spec is not valid UTF-8");
    }
  }

  /** One saved parameter's name and shape, as {@link #records} lists them. */
  public record Record(String name, int[] shape, long size) {
    public Record {
      shape = shape.clone();
    }
    @Override public int[] shape() { return shape.clone(); }
  }

  /** The saved parameters' names and shapes (either version), every length checked against the bytes left. */
  public static java.util.List<Record> records(byte[] all, String path) throws PolicyFormatException {
    int version = checkHeader(all, path);
    int bodyEnd = all.length - CHECKSUM;
    ByteBuffer b = records(all, bodyEnd, version, path);
    int count = readLength(b, path, "parameter count");
    java.util.List<Record> out = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      int nameLen = readLength(b, path, "name length of parameter " + i);
      String name = new String(all, b.position(), nameLen, StandardCharsets.UTF_8);
      b.position(b.position() + nameLen);
      int rank = readLength(b, path, "rank of " + Text.quote(name));
      if (rank > MAX_RANK) throw new PolicyFormatException(path + ": parameter " + Text.quote(name) + " has rank " + rank + " (at most " + MAX_RANK + ")");
      if ((long) rank * 4 > b.remaining()) throw new PolicyFormatException(path + ": truncated in the shape of " + Text.quote(name));
      int[] shape = new int[rank];
      long n = 1;
      for (int r = 0; r < rank; r++) {
        shape[r] = b.getInt();
        n *= Integer.toUnsignedLong(shape[r]);
        if (n * 4 > b.remaining()) {
          throw new PolicyFormatException(path + ": parameter " + Text.quote(name) + " claims " + n + "+ values but only " + b.remaining() + " bytes remain");
        }
      }
      if (n * 4 > b.remaining()) { // rank 0: one value, which the loop above did not check
        throw new PolicyFormatException(path + ": parameter " + Text.quote(name) + " claims " + n + " values but only " + b.remaining() + " bytes remain");
      }
      b.position(b.position() + (int) (n * 4));
      out.add(new Record(name, shape, n));
    }
    if (b.remaining() != 0) throw new PolicyFormatException(path + ": " + b.remaining() + " unexpected bytes after the last parameter");
    return out;
  }

  private static int readLength(ByteBuffer b, String path, String what) throws PolicyFormatException {
    if (b.remaining() < 4) throw new PolicyFormatException(path + ": truncated before the " + what);
    int v = b.getInt();
    if (v < 0 || v > b.remaining()) {
      throw new PolicyFormatException(path + ": the " + what + " is " + Integer.toUnsignedString(v) + " but only " + b.remaining()
          + " bytes remain");
    }
    return v;
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
