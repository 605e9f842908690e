package vecrl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.env.EnvRegistry;

/**
 * The event files of {@code tensorboard = DIR}, read back by an independent decoder: TFRecord framing
 * with both CRC32Cs checked (computed here from java.util.zip.CRC32C and the TFRecord mask), and the
 * records parsed by protobuf-java (test scope) against descriptors built from the field numbers of
 * TensorBoard's event.proto and summary.proto.
 */
final class TensorBoardEventsTest {
  @TempDir Path tmp;

  private static FieldDescriptorProto field(String name, int number, Type type, Label label, String typeName) {
    FieldDescriptorProto.Builder b = FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type).setLabel(label);
    if (typeName != null) b.setTypeName(typeName);
    return b.build();
  }

  private static final Label OPT = Label.LABEL_OPTIONAL;
  private static final Label REP = Label.LABEL_REPEATED;

  /** tensorflow.Event and what it holds, with TensorBoard's field numbers (only the fields vecrl writes). */
  private static Descriptor eventDescriptor() throws Exception {
    FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("event_subset.proto").setPackage("tensorflow").setSyntax("proto3")
        .addMessageType(DescriptorProto.newBuilder().setName("Event")
            .addField(field("wall_time", 1, Type.TYPE_DOUBLE, OPT, null))
            .addField(field("step", 2, Type.TYPE_INT64, OPT, null))
            .addField(field("file_version", 3, Type.TYPE_STRING, OPT, null))
            .addField(field("summary", 5, Type.TYPE_MESSAGE, OPT, ".tensorflow.Summary")))
        .addMessageType(DescriptorProto.newBuilder().setName("Summary")
            .addField(field("value", 1, Type.TYPE_MESSAGE, REP, ".tensorflow.Value")))
        .addMessageType(DescriptorProto.newBuilder().setName("Value")
            .addField(field("tag", 1, Type.TYPE_STRING, OPT, null))
            .addField(field("simple_value", 2, Type.TYPE_FLOAT, OPT, null))
            .addField(field("tensor", 8, Type.TYPE_MESSAGE, OPT, ".tensorflow.TensorProto"))
            .addField(field("metadata", 9, Type.TYPE_MESSAGE, OPT, ".tensorflow.SummaryMetadata")))
        .addMessageType(DescriptorProto.newBuilder().setName("SummaryMetadata")
            .addField(field("plugin_data", 1, Type.TYPE_MESSAGE, OPT, ".tensorflow.PluginData")))
        .addMessageType(DescriptorProto.newBuilder().setName("PluginData")
            .addField(field("plugin_name", 1, Type.TYPE_STRING, OPT, null)))
        .addMessageType(DescriptorProto.newBuilder().setName("TensorProto")
            .addField(field("dtype", 1, Type.TYPE_INT32, OPT, null))
            .addField(field("string_val", 8, Type.TYPE_BYTES, REP, null)))
        .build();
    return FileDescriptor.buildFrom(file, new FileDescriptor[0]).findMessageTypeByName("Event");
  }

  private static int masked(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    int crc = (int) c.getValue();
    return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
  }

  /** Every record of an event file, each CRC checked, parsed as an Event. */
  static List<DynamicMessage> read(Path file) throws Exception {
    Descriptor event = eventDescriptor();
    byte[] all = Files.readAllBytes(file);
    ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    List<DynamicMessage> out = new ArrayList<>();
    while (bb.hasRemaining()) {
      int start = bb.position();
      long len = bb.getLong();
      assertEquals(masked(all, start, 8), bb.getInt(), "length CRC of the record at byte " + start);
      int dataStart = bb.position();
      bb.position(dataStart + (int) len);
      assertEquals(masked(all, dataStart, (int) len), bb.getInt(), "data CRC of the record at byte " + start);
      DynamicMessage m = DynamicMessage.parseFrom(event, java.util.Arrays.copyOfRange(all, dataStart, dataStart + (int) len));
      assertTrue(m.getUnknownFields().asMap().isEmpty(), "fields outside TensorBoard's schema: " + m);
      out.add(m);
    }
    return out;
  }

  private static Object get(DynamicMessage m, String name) {
    return m.getField(m.getDescriptorForType().findFieldByName(name));
  }

  @Test
  void everyMetricAndEvaluationReadsBackThroughAnIndependentDecoder() throws Exception {
    TrainConfig c = TrainConfig.defaults("CartPole-v1").with(Map.of("totalSteps", "2048", "evalEvery", "1024", "evalEpisodes", "2",
        "tensorboard", tmp.resolve("tb").toString()));
    Path dir = tmp.resolve("run");
    TrainingRun.train(c, EnvRegistry.standard(), dir, List.of());
    Path tbDir = tmp.resolve("tb/run");
    List<Path> files;
    try (Stream<Path> s = Files.list(tbDir)) {
      files = s.toList();
    }
    assertEquals(1, files.size(), files.toString());
    assertTrue(files.get(0).getFileName().toString().startsWith("events.out.tfevents."));
    List<DynamicMessage> events = read(files.get(0));
    assertEquals("brain.Event:2", get(events.get(0), "file_version"));
    assertTrue((double) get(events.get(0), "wall_time") > 1.7e9);

    // scalars: tag -> step -> value; texts: tag -> text
    Map<String, Map<Long, Float>> scalars = new HashMap<>();
    Map<String, String> texts = new HashMap<>();
    for (DynamicMessage e : events.subList(1, events.size())) {
      long step = (long) get(e, "step");
      DynamicMessage summary = (DynamicMessage) get(e, "summary");
      for (Object o : (List<?>) get(summary, "value")) {
        DynamicMessage v = (DynamicMessage) o;
        String tag = (String) get(v, "tag");
        DynamicMessage tensor = (DynamicMessage) get(v, "tensor");
        if (!v.hasField(v.getDescriptorForType().findFieldByName("metadata"))) {  // a scalar (proto3: a 0.0 has no presence)
          scalars.computeIfAbsent(tag, k -> new HashMap<>()).put(step, (Float) get(v, "simple_value"));
        } else {
          DynamicMessage plugin = (DynamicMessage) get((DynamicMessage) get(v, "metadata"), "plugin_data");
          assertEquals("text", get(plugin, "plugin_name"));
          assertEquals(7, get(tensor, "dtype"));
          texts.put(tag, ((com.google.protobuf.ByteString) ((List<?>) get(tensor, "string_val")).get(0)).toString(StandardCharsets.UTF_8));
        }
      }
    }
    // every metrics.csv column but step, at every row's step, equal to the CSV value as a float
    Metrics m = Metrics.read(dir.resolve(TrainingRun.METRICS));
    for (String col : m.header()) {
      if (col.equals("step")) continue;
      Map<Long, Float> series = scalars.get("train/" + col);
      double[] values = m.column(col);
      for (int r = 0; r < m.rows(); r++) {
        if (Double.isNaN(values[r])) continue;
        assertEquals((float) values[r], series.get(m.steps()[r]), col + " at step " + m.steps()[r]);
      }
    }
    // the evaluations, at the steps of evaluations.txt
    List<String> evals = Files.readAllLines(dir.resolve(TrainingRun.EVALUATIONS));
    assertEquals(2, evals.size());
    assertEquals(java.util.Set.of(1024L, 2048L), scalars.get("eval/mean_return").keySet());
    for (String line : evals) {
      long step = Long.parseLong(line.substring("eval at step ".length(), line.indexOf(':')));
      double mean = Double.parseDouble(line.substring(line.indexOf(": ") + 2, line.indexOf(" +-")));
      assertEquals(mean, scalars.get("eval/mean_return").get(step), 0.005);
    }
    assertTrue(scalars.containsKey("eval/std_return") && scalars.containsKey("eval/best_mean_return"));
    // the provenance and the config as text
    assertTrue(texts.get("provenance").contains("vecrl: " + Provenance.version()) && texts.get("provenance").contains("jdk: "),
        texts.get("provenance"));
    assertTrue(texts.get("config").contains("tensorboard = " + tmp.resolve("tb")), texts.get("config"));
  }

  @Test
  void maskedCrcMatchesTheTfRecordDefinition() {
    // CRC32C("123456789") = 0xE3069283 (the standard check value); masked as TFRecord does
    int crc = 0xE3069283;
    assertEquals(((crc >>> 15) | (crc << 17)) + 0xa282ead8, TensorBoardWriter.maskedCrc32c("123456789".getBytes(StandardCharsets.US_ASCII)));
  }
}
