package vecrl.onnx;

import java.nio.charset.StandardCharsets;

/**
 * A minimal, bounds-checked protobuf wire-format reader over a byte range: every length is checked
 * against the enclosing message, so a hostile file gives an {@link IllegalArgumentException}, never
 * an out-of-range read or a huge allocation.
 */
final class ProtoReader {
  private final byte[] buf;
  private int pos;
  private final int limit;
  private int wire;

  ProtoReader(byte[] buf) { this(buf, 0, buf.length); }

  private ProtoReader(byte[] buf, int from, int to) {
    this.buf = buf;
    this.pos = from;
    this.limit = to;
  }

  /** The next field number, or -1 at the end of this message. */
  int next() {
    if (pos >= limit) return -1;
    long tag = varint();
    wire = (int) (tag & 7);
    long field = tag >>> 3;
    if (field <= 0 || field > Integer.MAX_VALUE) throw bad("field number " + field);
    return (int) field;
  }

  int wireType() { return wire; }

  long varint() {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) throw bad("truncated varint");
      int b = buf[pos++] & 0xFF;
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) return v;
    }
    throw bad("varint longer than 10 bytes");
  }

  int fixed32() {
    if (limit - pos < 4) throw bad("truncated fixed32");
    int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
    pos += 4;
    return v;
  }

  float float32() { return Float.intBitsToFloat(fixed32()); }

  /** A length-delimited field as a reader over its bytes. */
  ProtoReader message() {
    int n = length();
    ProtoReader r = new ProtoReader(buf, pos, pos + n);
    pos += n;
    return r;
  }

  byte[] bytes() {
    int n = length();
    byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return b;
  }

  String string() {
    int n = length();
    String s = new String(buf, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  private int length() {
    if (wire != 2) throw bad("expected a length-delimited field, wire type " + wire);
    long n = varint();
    if (n < 0 || n > limit - pos) throw bad("length " + n + " exceeds the " + (limit - pos) + " bytes left");
    return (int) n;
  }

  boolean atEnd() { return pos >= limit; }

  /** Skips the current field's value. */
  void skip() {
    switch (wire) {
      case 0 -> varint();
      case 1 -> { if (limit - pos < 8) throw bad("truncated fixed64"); pos += 8; }
      case 2 -> { int n = length(); pos += n; }
      case 5 -> fixed32();
      default -> throw bad("unsupported wire type " + wire);
    }
  }

  private IllegalArgumentException bad(String what) {
    return new IllegalArgumentException("ONNX protobuf: " + what + " at byte " + pos);
  }
}
