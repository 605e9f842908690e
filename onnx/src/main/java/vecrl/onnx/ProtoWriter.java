package vecrl.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal protobuf wire-format writer: varints, length-delimited fields and packed repeated
 * scalars, enough for ONNX's messages (field numbers in {@link OnnxGraph}). Fields are written in
 * the order of the calls; nested messages are written from their own writer's bytes.
 */
final class ProtoWriter {
  private static final int VARINT = 0, FIXED32 = 5, LEN = 2;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  byte[] toByteArray() { return out.toByteArray(); }

  private void rawVarint(long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private void tag(int field, int wire) { rawVarint(((long) field << 3) | wire); }

  /** An int32/int64/enum field (negative values as 10-byte varints, as protobuf does). */
  ProtoWriter int64(int field, long v) {
    tag(field, VARINT);
    rawVarint(v);
    return this;
  }

  ProtoWriter float32(int field, float v) {
    tag(field, FIXED32);
    int b = Float.floatToRawIntBits(v);
    for (int i = 0; i < 4; i++) out.write((b >>> (8 * i)) & 0xFF);
    return this;
  }

  ProtoWriter bytes(int field, byte[] b) {
    tag(field, LEN);
    rawVarint(b.length);
    out.writeBytes(b);
    return this;
  }

  ProtoWriter string(int field, String s) { return bytes(field, s.getBytes(StandardCharsets.UTF_8)); }

  ProtoWriter message(int field, ProtoWriter m) { return bytes(field, m.toByteArray()); }

  /** A packed repeated int64 field. */
  ProtoWriter packedInt64(int field, long[] v) {
    ProtoWriter p = new ProtoWriter();
    for (long x : v) p.rawVarint(x);
    return bytes(field, p.toByteArray());
  }

  /** A packed repeated float field (little-endian fixed32). */
  ProtoWriter packedFloat(int field, float[] v) {
    byte[] b = new byte[4 * v.length];
    for (int i = 0; i < v.length; i++) {
      int x = Float.floatToRawIntBits(v[i]);
      b[4 * i] = (byte) x;
      b[4 * i + 1] = (byte) (x >>> 8);
      b[4 * i + 2] = (byte) (x >>> 16);
      b[4 * i + 3] = (byte) (x >>> 24);
    }
    return bytes(field, b);
  }
}
