package vecrl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import vecrl.env.EnvRegistry;
import vecrl.io.PolicyFormatException;
import vecrl.io.PolicyIO;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.SavedPolicy;
import vecrl.tensor.Backends;
import vecrl.tensor.Kernels;

/**
 * A seeded mutation fuzzer over both file formats, the policy file ({@link PolicyIO}) and the
 * checkpoint ({@link Checkpoint}). Each input is a valid file of the format, mutated one of three
 * ways:
 *
 * <ul>
 *   <li>truncated at a random length;
 *   <li>1 to 8 random bit flips, checksum left as it is;
 *   <li>resealed: bit flips, bytes and 32-bit fields overwritten with boundary values, bytes
 *       inserted or deleted, then the SHA-256 trailer recomputed, so that the parser behind the
 *       checksum is what gets tested.
 * </ul>
 *
 * The oracle: a truncated or unsealed mutant is refused with the format's {@link IOException}; a
 * resealed one is either refused the same way, or accepted only when nothing it changed was
 * structural, that is when the loaded object writes back exactly the mutant's bytes (the checkpoint:
 * every byte after the stored config text). No other exception (index out of bounds, out of memory,
 * ...) may escape.
 *
 * <p>CI runs {@value #DEFAULT_INPUTS} inputs (a few seconds). The long mode runs more, from any seed:
 * {@code ./mvnw -pl rl -am test -Dtest=FileFormatFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dvecrl.fuzz.inputs=10000000 -Dvecrl.fuzz.seed=7} (or the environment variables {@code
 * VECRL_FUZZ_INPUTS} and {@code VECRL_FUZZ_SEED}). A failure names the seed and the input's index.
 */
final class FileFormatFuzzTest {
  static final int DEFAULT_INPUTS = 100_000;
  private static final EnvRegistry REG = EnvRegistry.standard();
  private static final Kernels SCALAR = Backends.byName("scalar");
  private static final int[] INTERESTING = {0, 1, -1, 2, 3, 4, 7, 8, 16, 19, 20, 21, 255, 256, 65535, 1 << 16, 1 << 28, Integer.MAX_VALUE,
      Integer.MIN_VALUE, 0x7fc00000, 0x7f800000, 0xff800000};

  private static long setting(String property, String env, long fallback) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) v = System.getenv(env);
    return v == null || v.isBlank() ? fallback : Long.parseLong(v.strip());
  }

  /** A mutant of {@code valid}; kind 0 truncated, 1 flipped, 2 resealed. */
  static byte[] mutate(byte[] valid, Random r, int kind, boolean littleEndian, java.util.function.Consumer<byte[]> reseal) {
    if (kind == 0) return Arrays.copyOf(valid, r.nextInt(valid.length));
    byte[] b = valid.clone();
    if (kind == 1) {
      for (int k = 1 + r.nextInt(8); k > 0; k--) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
      return b;
    }
    // resealed: mutate the body (not the trailer), then recompute the trailer
    int body = b.length - 32;
    for (int k = 1 + r.nextInt(3); k > 0; k--) {
      switch (r.nextInt(5)) {
        case 0 -> b[r.nextInt(body)] ^= (byte) (1 << r.nextInt(8));
        case 1 -> b[r.nextInt(body)] = (byte) new int[] {0, 0xff, 0x7f, 0x80, 1}[r.nextInt(5)];
        case 2 -> {
          int at = r.nextInt(body - 3);
          ByteBuffer.wrap(b).order(littleEndian ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN)
              .putInt(at, INTERESTING[r.nextInt(INTERESTING.length)] + (r.nextInt(4) == 0 ? r.nextInt(3) - 1 : 0));
        }
        case 3 -> { // insert 1-8 bytes
          int at = r.nextInt(body), n = 1 + r.nextInt(8);
          byte[] c = new byte[b.length + n];
          System.arraycopy(b, 0, c, 0, at);
          for (int i = 0; i < n; i++) c[at + i] = (byte) r.nextInt(256);
          System.arraycopy(b, at, c, at + n, b.length - at);
          b = c;
          body += n;
        }
        default -> { // delete 1-8 bytes
          int n = 1 + r.nextInt(Math.min(8, body - 1)), at = r.nextInt(body - n);
          byte[] c = new byte[b.length - n];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(b, at + n, c, at, b.length - at - n);
          b = c;
          body -= n;
        }
      }
    }
    reseal.accept(b);
    return b;
  }

  private static void resealPolicy(byte[] b) {
    if (b.length < 32) return;
    try {
      byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(b, b.length - 32));
      System.arraycopy(h, 0, b, b.length - 32, 32);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void bothFormatsRefuseEveryDamagedInputCleanly() throws IOException {
    long inputs = setting("vecrl.fuzz.inputs", "VECRL_FUZZ_INPUTS", DEFAULT_INPUTS);
    long seed = setting("vecrl.fuzz.seed", "VECRL_FUZZ_SEED", 15);
    TrainConfig c = CheckpointIntegrityTest.tiny(32);
    var spec = REG.spec(c.env());
    ActorCriticPolicy source = PolicyFile.skeleton(c, spec);
    byte[] policy = PolicyIO.encode(source);
    ActorCriticPolicy skeleton = PolicyFile.skeleton(c, spec);
    byte[] ckpt;
    try (Trainer t = new Trainer(c, REG, SCALAR)) {
      t.start();
      t.iterate(System.nanoTime(), 0);
      ckpt = t.checkpointBytes();
    }
    Random r = new Random(seed);
    long[] refused = new long[2], accepted = new long[2];
    long start = System.nanoTime();
    try (Trainer t = new Trainer(c, REG, SCALAR)) {
      for (long i = 0; i < inputs; i++) {
        boolean isPolicy = (i & 1) == 0;
        int kind = r.nextInt(10) < 2 ? 0 : r.nextInt(10) < 4 ? 1 : 2;
        byte[] m = isPolicy ? mutate(policy, r, kind, true, FileFormatFuzzTest::resealPolicy) : mutate(ckpt, r, kind, false, Checkpoint::reseal);
        String where = "seed " + seed + ", input " + i + " (" + (isPolicy ? "policy" : "checkpoint") + ", " + new String[] {"truncated", "flipped",
            "resealed"}[kind] + ")";
        try {
          if (isPolicy) {
            PolicyIO.decode(m, "fuzz", skeleton);
            if (kind != 2) fail(where + ": accepted without a valid checksum");
            assertArrayEquals(m, PolicyIO.encode(skeleton), where + ": accepted a structural mutant");
          } else {
            t.restoreCheckpoint("fuzz", m);
            if (kind != 2) fail(where + ": accepted without a valid checksum");
            byte[] back = t.checkpointBytes();
            int a = configEnd(m), b = configEnd(back);
            assertArrayEquals(Arrays.copyOfRange(m, a, m.length - 32), Arrays.copyOfRange(back, b, back.length - 32),
                where + ": accepted a structural mutant");
          }
          accepted[isPolicy ? 0 : 1]++;
        } catch (PolicyFormatException e) {
          if (!isPolicy) fail(where + ": " + e);
          refused[0]++;
        } catch (IOException e) {
          if (isPolicy || !e.getMessage().startsWith("fuzz: ")) fail(where + ": " + e);
          refused[1]++;
        } catch (RuntimeException | Error e) {
          throw new AssertionError(where + ": " + e, e);
        }
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
    if (inputs != DEFAULT_INPUTS || seed != 15) System.out.printf("FileFormatFuzzTest: %,d inputs in %.1f s (seed %d): policy %,d refused %,d accepted, checkpoint %,d refused %,d accepted%n",
        inputs, secs, seed, refused[0], accepted[0], refused[1], accepted[1]);
    assertTrue(refused[0] > 0 && refused[1] > 0);
  }

  /**
   * Version-2 policy files (self-describing: spec, normaliser, provenance; what {@code ./vecrl train}
   * writes), an MLP and an LSTM policy, through {@link SavedPolicy#decode}, the loader an embedding
   * application calls. Mutations: the three of {@link #mutate}, and a fourth aimed at the spec text
   * (characters replaced by ones the spec's grammar uses, numbers replaced by boundary values, lines
   * dropped or repeated), resealed. The oracle: a truncated or unsealed mutant gives {@link
   * PolicyFormatException}; a resealed one gives it or loads a policy that works: it acts on an
   * observation, and writing it back and loading that again gives the same actions, bit for bit.
   * Nothing else escapes. Each input's allocation is bounded (at most {@value #V2_ALLOCATION_FACTOR}
   * times what loading the valid file allocates, plus 1 MiB), so no length in a file makes the loader
   * allocate what the file does not justify; and the test has a time limit, so a loop on a mutant
   * fails it rather than hanging the build. Inputs: a fifth of {@code vecrl.fuzz.inputs}, same seed.
   */
  @Test
  @org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
  void versionTwoPolicyFilesRefuseEveryDamagedInputCleanly() throws IOException {
    long inputs = setting("vecrl.fuzz.inputs", "VECRL_FUZZ_INPUTS", DEFAULT_INPUTS) / 20;
    long seed = setting("vecrl.fuzz.seed", "VECRL_FUZZ_SEED", 15);
    byte[][] valid = {versionTwo(CheckpointIntegrityTest.tiny(32)),
        versionTwo(CheckpointIntegrityTest.tiny(32).with(java.util.Map.of("policy", "lstm", "hidden", "4", "seqLen", "8")))};
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().threadId();
    long[] baseline = new long[valid.length];
    for (int v = 0; v < valid.length; v++) {
      for (int k = 0; k < 50; k++) { // the allocation of a clean load, once class loading and the JIT have settled
        long before = mx.getThreadAllocatedBytes(tid);
        SavedPolicy.decode(valid[v], "fuzz");
        baseline[v] = mx.getThreadAllocatedBytes(tid) - before;
      }
    }
    Random r = new Random(seed);
    long refused = 0, accepted = 0, maxAllocated = 0;
    for (long i = 0; i < inputs; i++) {
      int v = (int) (i % valid.length);
      int kind = r.nextInt(10) < 2 ? 0 : r.nextInt(10) < 3 ? 1 : r.nextInt(2) == 0 ? 2 : 3;
      byte[] m = kind == 3 ? mutateSpec(valid[v], r) : mutate(valid[v], r, kind, true, FileFormatFuzzTest::resealPolicy);
      String where = "seed " + seed + ", input " + i + " (version 2, " + (v == 0 ? "mlp" : "lstm") + ", "
          + new String[] {"truncated", "flipped", "resealed", "spec mutated and resealed"}[kind] + ")";
      long before = mx.getThreadAllocatedBytes(tid);
      try {
        SavedPolicy q = SavedPolicy.decode(m, "fuzz");
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        maxAllocated = Math.max(maxAllocated, allocated / Math.max(1, baseline[v]));
        assertTrue(allocated <= V2_ALLOCATION_FACTOR * baseline[v] + (1 << 20), where + ": loading allocated " + allocated + " bytes, a clean load " + baseline[v]);
        if (kind < 2 && !Arrays.equals(m, valid[v])) fail(where + ": accepted without a valid checksum");
        float[] obs = new float[q.observationSize()];
        for (int j = 0; j < obs.length; j++) obs[j] = 0.05f * (j + 1);
        float[] a = q.act(obs);
        SavedPolicy back = SavedPolicy.decode(SavedPolicy.encode(q.policy(), q.normalizer(), q.provenance()), "written back");
        assertArrayEquals(a, back.act(obs), where + ": written back, it acts differently");
        accepted++;
      } catch (PolicyFormatException e) {
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated <= V2_ALLOCATION_FACTOR * baseline[v] + (1 << 20), where + ": refusing allocated " + allocated + " bytes, a clean load " + baseline[v]);
        assertTrue(e.getMessage().startsWith("fuzz: "), where + ": the error does not name the source: " + e.getMessage());
        refused++;
      } catch (RuntimeException | Error e) {
        throw new AssertionError(where + ": " + e, e);
      }
    }
    if (inputs != DEFAULT_INPUTS / 20 || seed != 15) System.out.printf("FileFormatFuzzTest: version 2: %,d inputs (seed %d): %,d refused, %,d accepted, largest allocation %d x a clean load%n",
        inputs, seed, refused, accepted, maxAllocated);
    assertTrue(refused > 0 && accepted > 0, "refused " + refused + ", accepted " + accepted);
  }

  /** The most a version-2 input may allocate, as a multiple of a clean load (plus 1 MiB). */
  static final int V2_ALLOCATION_FACTOR = 8;

  /** The version-2 file the trainer writes for {@code c}'s policy: spec, a normaliser, provenance. */
  private static byte[] versionTwo(TrainConfig c) {
    ActorCriticPolicy p = PolicyFile.skeleton(c, REG.spec(c.env()));
    vecrl.env.RunningMeanStd rms = new vecrl.env.RunningMeanStd(p.observationSize());
    Random r = new Random(1);
    for (int k = 0; k < 20; k++) {
      float[] x = new float[p.observationSize()];
      for (int j = 0; j < x.length; j++) x[j] = (float) r.nextGaussian();
      rms.update(x, 0);
    }
    java.util.Map<String, String> provenance = new java.util.LinkedHashMap<>();
    provenance.put("vecrl", "0.1.0-SNAPSHOT");
    provenance.put("env", c.env());
    provenance.put("seed", "1");
    provenance.put("config", "env = CartPole-v1\nhidden = 2\n");
    return SavedPolicy.encode(p, PolicyFile.normalizer(rms, 10f), provenance);
  }

  private static final String SPEC_CHARS = "0123456789[],:=.\n-+eE xNaI";
  private static final String[] SPEC_NUMBERS = {"0", "1", "-1", "2", "65", "1024", "65536", "2147483647", "2147483648", "-2147483648",
      "99999999999999999999", "1e9", "NaN", "Infinity", "2139095040", "-4194304", ""};

  /** A version-2 mutant aimed at the spec text: 1 to 4 edits inside it, the spec length and trailer made right again. */
  private static byte[] mutateSpec(byte[] valid, Random r) {
    ByteBuffer bb = ByteBuffer.wrap(valid).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int specLength = bb.getInt(44);
    String spec = new String(valid, 48, specLength, java.nio.charset.StandardCharsets.UTF_8);
    StringBuilder t = new StringBuilder(spec);
    for (int k = 1 + r.nextInt(4); k > 0 && t.length() > 0; k--) {
      int at = r.nextInt(t.length());
      switch (r.nextInt(4)) {
        case 0 -> t.setCharAt(at, SPEC_CHARS.charAt(r.nextInt(SPEC_CHARS.length())));
        case 1 -> { // a number replaced by a boundary value
          int s = at;
          while (s < t.length() && !Character.isDigit(t.charAt(s))) s++;
          int e = s;
          while (e < t.length() && (Character.isDigit(t.charAt(e)))) e++;
          if (s < t.length()) t.replace(s, e, SPEC_NUMBERS[r.nextInt(SPEC_NUMBERS.length)]);
        }
        case 2 -> { // a line dropped
          int s = t.lastIndexOf("\n", at) + 1, e = t.indexOf("\n", at);
          t.delete(s, e < 0 ? t.length() : e + 1);
        }
        default -> { // a line repeated
          int s = t.lastIndexOf("\n", at) + 1, e = t.indexOf("\n", at);
          String line = t.substring(s, e < 0 ? t.length() : e + 1);
          t.insert(s, line.endsWith("\n") ? line : line + "\n");
        }
      }
    }
    byte[] text = t.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] b = new byte[valid.length - specLength + text.length];
    System.arraycopy(valid, 0, b, 0, 48);
    ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(44, text.length);
    System.arraycopy(text, 0, b, 48, text.length);
    System.arraycopy(valid, 48 + specLength, b, 48 + text.length, valid.length - 48 - specLength);
    resealPolicy(b);
    return b;
  }

  /** The offset after the checkpoint's stored config text (header 12, u16 length, text). */
  private static int configEnd(byte[] b) {
    return 12 + 2 + (((b[12] & 0xff) << 8) | (b[13] & 0xff));
  }
}
