package vecrl.train;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * TensorBoard event files without a protobuf library: TFRecord framing (little-endian length, its
 * masked CRC32C, the data, its masked CRC32C) around {@code tensorflow.Event} messages encoded by
 * hand, with the field numbers of TensorBoard's {@code event.proto} and {@code summary.proto}:
 *
 * <pre>
 * Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 * Summary { repeated Value value = 1; }
 * Value   { string tag = 1; float simple_value = 2; TensorProto tensor = 8; SummaryMetadata metadata = 9; }
 * SummaryMetadata { PluginData plugin_data = 1; }   PluginData { string plugin_name = 1; }
 * TensorProto { DataType dtype = 1 (DT_STRING = 7); TensorShapeProto tensor_shape = 2; repeated bytes string_val = 8; }
 * </pre>
 *
 * The first record is the {@code file_version = "brain.Event:2"} event TensorBoard expects. Scalars
 * are {@code simple_value}s; {@link #text} writes a summary for TensorBoard's text plugin. Each
 * record is flushed as it is written, so TensorBoard can follow a run live.
 */
public final class TensorBoardWriter implements AutoCloseable {
  /** The name every event file carries; TensorBoard looks for files whose name contains it. */
  public static final String FILE_PREFIX = "events.out.tfevents.";
  private final Path file;
  private final OutputStream out;

  private TensorBoardWriter(Path file) throws IOException {
    this.file = file;
    this.out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    wallTime(e);
    bytesField(e, 3, "brain.Event:2".getBytes(StandardCharsets.UTF_8));
    record(e.toByteArray());
  }

  /**
   * A new event file in {@code dir} (created if needed), named {@code events.out.tfevents.SECONDS.HOST.vecrl}
   * with a numeric suffix when that name is taken (a resumed run writes a second file).
   */
  public static TensorBoardWriter open(Path dir) throws IOException {
    Files.createDirectories(dir);
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "localhost";
    }
    String base = FILE_PREFIX + System.currentTimeMillis() / 1000 + "." + host.replaceAll("[^A-Za-z0-9._-]", "_") + ".vecrl";
    Path f = dir.resolve(base);
    for (int k = 2; Files.exists(f); k++) f = dir.resolve(base + k);
    return new TensorBoardWriter(f);
  }

  /** The event file. */
  public Path file() {
    return file;
  }

  /** One event at {@code step} holding a scalar per entry; NaN and infinite values are left out. */
  public void scalars(long step, Map<String, Double> values) throws IOException {
    ByteArrayOutputStream summary = new ByteArrayOutputStream();
    for (var v : values.entrySet()) {
      if (!Double.isFinite(v.getValue())) continue;
      ByteArrayOutputStream value = new ByteArrayOutputStream();
      bytesField(value, 1, v.getKey().getBytes(StandardCharsets.UTF_8));
      tag(value, 2, 5);
      int bits = Float.floatToRawIntBits((float) (double) v.getValue());
      for (int i = 0; i < 4; i++) value.write(bits >>> (8 * i));
      bytesField(summary, 1, value.toByteArray());
    }
    event(step, summary.toByteArray());
  }

  /** A text summary (TensorBoard's text plugin renders it as Markdown) at {@code step}. */
  public void text(String tag, long step, String markdown) throws IOException {
    ByteArrayOutputStream pluginData = new ByteArrayOutputStream();
    bytesField(pluginData, 1, "text".getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream metadata = new ByteArrayOutputStream();
    bytesField(metadata, 1, pluginData.toByteArray());
    ByteArrayOutputStream tensor = new ByteArrayOutputStream();
    tag(tensor, 1, 0);
    varint(tensor, 7); // DT_STRING
    bytesField(tensor, 2, new byte[0]); // a scalar: the empty shape
    bytesField(tensor, 8, markdown.getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream value = new ByteArrayOutputStream();
    bytesField(value, 1, tag.getBytes(StandardCharsets.UTF_8));
    bytesField(value, 8, tensor.toByteArray());
    bytesField(value, 9, metadata.toByteArray());
    ByteArrayOutputStream summary = new ByteArrayOutputStream();
    bytesField(summary, 1, value.toByteArray());
    event(step, summary.toByteArray());
  }

  private void event(long step, byte[] summary) throws IOException {
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    wallTime(e);
    tag(e, 2, 0);
    varint(e, step);
    bytesField(e, 5, summary);
    record(e.toByteArray());
  }

  private static void wallTime(ByteArrayOutputStream e) {
    tag(e, 1, 1);
    long bits = Double.doubleToRawLongBits(System.currentTimeMillis() / 1000.0);
    for (int i = 0; i < 8; i++) e.write((int) (bits >>> (8 * i)));
  }

  /** One TFRecord: length, masked CRC32C of the length, data, masked CRC32C of the data. */
  private void record(byte[] data) throws IOException {
    byte[] len = new byte[8];
    for (int i = 0; i < 8; i++) len[i] = (byte) ((long) data.length >>> (8 * i));
    out.write(len);
    writeInt(maskedCrc32c(len));
    out.write(data);
    writeInt(maskedCrc32c(data));
    out.flush();
  }

  private void writeInt(int v) throws IOException {
    for (int i = 0; i < 4; i++) out.write(v >>> (8 * i));
  }

  /** TFRecord's masked CRC32C: {@code ((crc >>> 15) | (crc << 17)) + 0xa282ead8}. */
  public static int maskedCrc32c(byte[] data) {
    CRC32C c = new CRC32C();
    c.update(data);
    int crc = (int) c.getValue();
    return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
  }

  private static void tag(ByteArrayOutputStream o, int field, int wireType) {
    varint(o, (long) field << 3 | wireType);
  }

  private static void varint(ByteArrayOutputStream o, long v) {
    while ((v & ~0x7FL) != 0) {
      o.write((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    o.write((int) v);
  }

  private static void bytesField(ByteArrayOutputStream o, int field, byte[] b) {
    tag(o, field, 2);
    varint(o, b.length);
    o.writeBytes(b);
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
