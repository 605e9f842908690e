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

  /** The offset after the checkpoint's stored config text (header 12, u16 length, text). */
  private static int configEnd(byte[] b) {
    return 12 + 2 + (((b[12] & 0xff) << 8) | (b[13] & 0xff));
  }
}
