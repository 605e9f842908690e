package vecrl.cluster;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The byte layout of vecrl's cluster messages: big-endian numbers and length-prefixed arrays, written
 * in bulk. A message is these bytes plus their HMAC ({@link Secret}); Hazelcast carries both as one
 * {@link com.hazelcast.nio.serialization.IdentifiedDataSerializable}.
 */
final class Payload {
  private Payload() {}

  /** A growing writer. */
  static final class Writer {
    private ByteBuffer b = ByteBuffer.allocate(1024);

    private void room(int n) {
      if (b.remaining() >= n) return;
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n));
      b.flip();
      bigger.put(b);
      b = bigger;
    }

    Writer i32(int v) { room(4); b.putInt(v); return this; }
    Writer i64(long v) { room(8); b.putLong(v); return this; }

    Writer str(String s) {
      byte[] u = s.getBytes(StandardCharsets.UTF_8);
      i32(u.length);
      room(u.length);
      b.put(u);
      return this;
    }

    Writer floats(float[] a) {
      i32(a.length);
      room(4 * a.length);
      b.asFloatBuffer().put(a);
      b.position(b.position() + 4 * a.length);
      return this;
    }

    Writer doubles(double[] a) {
      i32(a.length);
      room(8 * a.length);
      b.asDoubleBuffer().put(a);
      b.position(b.position() + 8 * a.length);
      return this;
    }

    Writer longs(long[] a) {
      i32(a.length);
      room(8 * a.length);
      b.asLongBuffer().put(a);
      b.position(b.position() + 8 * a.length);
      return this;
    }

    Writer blob(byte[] a) {
      i32(a.length);
      room(a.length);
      b.put(a);
      return this;
    }

    Writer f64(double v) { room(8); b.putDouble(v); return this; }

    Writer bools(boolean[] a) {
      i32(a.length);
      room(a.length);
      for (boolean v : a) b.put((byte) (v ? 1 : 0));
      return this;
    }

    byte[] bytes() {
      byte[] out = new byte[b.position()];
      b.flip();
      b.get(out);
      return out;
    }
  }

  /** A reader; running past the end, or a negative or too large length, is an error naming the message. */
  static final class Reader {
    private final ByteBuffer b;
    private final String what;

    Reader(byte[] bytes, String what) {
      this.b = ByteBuffer.wrap(bytes);
      this.what = what;
    }

    private int length(int width) {
      int n = b.getInt();
      if (n < 0 || (long) n * width > b.remaining()) throw new IllegalArgumentException(what + ": length " + n + " does not fit the message");
      return n;
    }

    int i32() { return guard(() -> b.getInt()); }
    long i64() { return guard(() -> b.getLong()); }

    String str() {
      return guard(() -> {
        byte[] u = new byte[length(1)];
        b.get(u);
        return new String(u, StandardCharsets.UTF_8);
      });
    }

    float[] floats() {
      return guard(() -> {
        float[] a = new float[length(4)];
        b.asFloatBuffer().get(a);
        b.position(b.position() + 4 * a.length);
        return a;
      });
    }

    double[] doubles() {
      return guard(() -> {
        double[] a = new double[length(8)];
        b.asDoubleBuffer().get(a);
        b.position(b.position() + 8 * a.length);
        return a;
      });
    }

    long[] longs() {
      return guard(() -> {
        long[] a = new long[length(8)];
        b.asLongBuffer().get(a);
        b.position(b.position() + 8 * a.length);
        return a;
      });
    }

    double f64() { return guard(() -> b.getDouble()); }

    byte[] blob() {
      return guard(() -> {
        byte[] a = new byte[length(1)];
        b.get(a);
        return a;
      });
    }

    boolean[] bools() {
      return guard(() -> {
        boolean[] a = new boolean[length(1)];
        for (int i = 0; i < a.length; i++) a[i] = b.get() != 0;
        return a;
      });
    }

    void end() {
      if (b.hasRemaining()) throw new IllegalArgumentException(what + ": " + b.remaining() + " unexpected bytes at the end");
    }

    private <T> T guard(java.util.function.Supplier<T> f) {
      try {
        return f.get();
      } catch (BufferUnderflowException e) {
        throw new IllegalArgumentException(what + ": the message ends too early", e);
      }
    }
  }
}
