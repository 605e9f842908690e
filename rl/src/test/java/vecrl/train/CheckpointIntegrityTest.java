package vecrl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.env.EnvRegistry;
import vecrl.env.VecEpisodeStatistics;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;

/**
 * The checkpoint's guarantees (issue 15): a version 2 file is refused with "start a new run"; any
 * flipped bit is caught by the SHA-256 trailer; a resealed file (checksum recomputed) with a bad
 * counter, a count larger than the file or a non-finite value is refused with the file and the field
 * named, before anything changes; stale temporary files go on the next save; resume drops a partial
 * last metrics row.
 */
final class CheckpointIntegrityTest {
  @TempDir Path tmp;
  private static final EnvRegistry REG = EnvRegistry.standard();
  private static final Kernels SCALAR = Backends.byName("scalar");

  /** The config of the version 2 fixture (written by the CLI at be72846 with these settings). */
  static TrainConfig tiny(long totalSteps) {
    return TrainConfig.defaults("CartPole-v1").with(Map.of("numEnvs", "1", "numSteps", "8", "minibatches", "1", "hidden", "2",
        "evalEpisodes", "0", "totalSteps", String.valueOf(totalSteps)));
  }

  /** A checkpoint of {@code tiny(32)} after 2 iterations. */
  static byte[] checkpoint(Path dir) throws IOException {
    Path f = dir.resolve("ck.bin");
    try (Trainer t = new Trainer(tiny(32), REG, SCALAR)) {
      t.start();
      t.iterate(System.nanoTime(), 0);
      t.iterate(System.nanoTime(), 0);
      t.saveCheckpoint(f);
    }
    return Files.readAllBytes(f);
  }

  private IOException refused(byte[] bytes) throws IOException {
    Path f = tmp.resolve("bad.bin");
    Files.write(f, bytes);
    try (Trainer t = new Trainer(tiny(32), REG, SCALAR)) {
      IOException e = assertThrows(IOException.class, () -> t.restoreCheckpoint(f));
      assertTrue(e.getMessage().startsWith(f.toString()), "names the file: " + e.getMessage());
      assertEquals(0, t.iteration(), "nothing restored");
      return e;
    }
  }

  private static int utfEnd(byte[] b) {
    return 12 + 2 + (((b[12] & 0xff) << 8) | (b[13] & 0xff));
  }

  private static byte[] resealed(byte[] b) {
    Checkpoint.reseal(b);
    return b;
  }

  @Test
  void versionTwoFixtureIsRefusedWithStartANewRun() throws IOException {
    Path f = tmp.resolve("checkpoint.bin");
    try (InputStream in = getClass().getResourceAsStream("/fixtures/checkpoint-v2/checkpoint.bin")) {
      Files.write(f, in.readAllBytes());
    }
    try (Trainer t = new Trainer(tiny(8), REG, SCALAR)) {
      IOException e = assertThrows(IOException.class, () -> t.restoreCheckpoint(f));
      assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("version 2") && e.getMessage().contains("start a new run"),
          e.getMessage());
    }
  }

  @Test
  void aCheckpointRoundTrips() throws IOException {
    byte[] b = checkpoint(tmp);
    Path f = tmp.resolve("ck.bin");
    try (Trainer t = new Trainer(tiny(32), REG, SCALAR)) {
      t.restoreCheckpoint(f);
      assertEquals(2, t.iteration());
      t.saveCheckpoint(tmp.resolve("again.bin"));
    }
    assertArrayEquals(b, Files.readAllBytes(tmp.resolve("again.bin")));
  }

  @Test
  void everyFlippedBitIsCaught() throws IOException {
    byte[] b = checkpoint(tmp);
    java.util.Random r = new java.util.Random(15);
    for (int k = 0; k < 40; k++) {
      byte[] m = b.clone();
      int i = 12 + r.nextInt(b.length - 12);
      m[i] ^= (byte) (1 << r.nextInt(8));
      IOException e = refused(m);
      assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }
    assertTrue(refused(java.util.Arrays.copyOf(b, b.length - 1)).getMessage().contains("checksum"));
    assertTrue(refused(java.util.Arrays.copyOf(b, 11)).getMessage().contains("truncated"));
    assertTrue(refused("not a checkpoint at all".getBytes(StandardCharsets.US_ASCII)).getMessage().contains("not a vecrl checkpoint"));
  }

  @Test
  void negativeOrExcessiveIterationIsRefused() throws IOException {
    byte[] b = checkpoint(tmp);
    int at = utfEnd(b);
    assertEquals(2, ByteBuffer.wrap(b).getLong(at));
    for (long bad : new long[] {-1, Long.MIN_VALUE, 5, 1L << 40}) {
      byte[] m = b.clone();
      ByteBuffer.wrap(m).putLong(at, bad);
      IOException e = refused(resealed(m));
      assertTrue(e.getMessage().contains("iteration: " + bad + ", expected in [0, 4]"), e.getMessage());
    }
  }

  @Test
  void ringHeadOutsideItsRingIsRefused() throws IOException {
    byte[] b = checkpoint(tmp);
    int head = b.length - 32 - 4 - 4; // ... recentCount, recentHead, then the (empty) memory's count
    assertEquals(0, ByteBuffer.wrap(b).getInt(b.length - 32 - 4));
    for (int bad : new int[] {-1, VecEpisodeStatistics.RECENT, Integer.MAX_VALUE}) {
      byte[] m = b.clone();
      ByteBuffer.wrap(m).putInt(head, bad);
      IOException e = refused(resealed(m));
      assertTrue(e.getMessage().contains("recent episodes at position " + bad), e.getMessage());
    }
  }

  @Test
  void aCountLargerThanTheFileIsRefusedBeforeAllocating() throws IOException {
    byte[] b = checkpoint(tmp);
    // the parameter count, then the first parameter's name and its float count
    int params = utfEnd(b) + 8 + 16;
    int nameLen = ((b[params + 4] & 0xff) << 8) | (b[params + 5] & 0xff);
    int floats = params + 4 + 2 + nameLen;
    for (int bad : new int[] {1 << 28, Integer.MAX_VALUE, -1}) {
      byte[] m = b.clone();
      ByteBuffer.wrap(m).putInt(floats, bad);
      IOException e = refused(resealed(m));
      assertTrue(e.getMessage().contains("count " + Integer.toUnsignedString(bad) + " does not fit"), e.getMessage());
    }
  }

  @Test
  void nonFiniteParameterIsRefusedNamingIt() throws IOException {
    byte[] b = checkpoint(tmp);
    int params = utfEnd(b) + 8 + 16;
    int nameLen = ((b[params + 4] & 0xff) << 8) | (b[params + 5] & 0xff);
    String name = new String(b, params + 6, nameLen, StandardCharsets.UTF_8);
    int first = params + 4 + 2 + nameLen + 4;
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
      byte[] m = b.clone();
      ByteBuffer.wrap(m).putFloat(first, bad);
      IOException e = refused(resealed(m));
      assertTrue(e.getMessage().contains("parameter '" + name + "'") && e.getMessage().contains("finite"), e.getMessage());
    }
  }

  @Test
  void aCorruptedStoredConfigIsNotBlamedOnTheUser() throws IOException {
    byte[] b = checkpoint(tmp);
    String text = new String(b, 14, utfEnd(b) - 14, StandardCharsets.UTF_8);
    int i = text.indexOf("gamma = ");
    byte[] m = b.clone();
    m[14 + i + "gamma = ".length()] = 'x';
    IOException e = refused(resealed(m));
    assertTrue(e.getMessage().contains("the config stored in the checkpoint (not your config file) is invalid"), e.getMessage());
  }

  @Test
  void staleTemporaryFilesAreRemovedOnTheNextSave() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("run"));
    Path f = dir.resolve("checkpoint.bin");
    Files.writeString(dir.resolve("checkpoint.bin12345.tmp"), "left by a kill (the old writer's name)");
    Files.writeString(dir.resolve("checkpoint.bin.678.tmp"), "left by a kill");
    Files.writeString(dir.resolve("policy.bin.9.tmp"), "another file's");
    try (Trainer t = new Trainer(tiny(32), REG, SCALAR)) {
      t.start();
      t.saveCheckpoint(f);
    }
    try (var s = Files.list(dir)) {
      assertEquals(List.of("checkpoint.bin", "policy.bin.9.tmp"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void resumeDropsAPartialLastMetricsRow() throws IOException {
    TrainConfig c = tiny(32).with("checkpointEvery", "2");
    Path full = tmp.resolve("full");
    TrainingRun.train(c, REG, full, List.of(), SCALAR);
    Path cut = tmp.resolve("cut");
    Callback kill = new Callback() {
      @Override
      public boolean onIteration(Trainer t, IterationStats s) {
        if (s.iteration() == 3) throw new IllegalStateException("simulated kill");
        return true;
      }
    };
    assertThrows(IllegalStateException.class, () -> TrainingRun.train(c, REG, cut, List.of(kill), SCALAR));
    // a kill mid-write leaves half a row
    String m = Files.readString(cut.resolve(TrainingRun.METRICS));
    Files.writeString(cut.resolve(TrainingRun.METRICS), m + m.lines().skip(1).findFirst().orElseThrow().substring(0, 9));
    TrainingRun.resume(cut, REG, List.of(), SCALAR);
    assertEquals(withoutSpeed(full), withoutSpeed(cut));
    assertFalse(Files.readString(cut.resolve(TrainingRun.METRICS)).contains(",\n,"));
  }

  private static List<String> withoutSpeed(Path dir) throws IOException {
    return Files.readAllLines(dir.resolve(TrainingRun.METRICS)).stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList();
  }
}
