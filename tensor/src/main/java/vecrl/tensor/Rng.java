package vecrl.tensor;

/**
 * A splittable, deterministic random number generator.
 *
 * <p>The generator is SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014): a 64-bit counter advanced by an odd increment and passed through a
 * mixing function. {@link #split()} derives an independent generator, so that each environment,
 * initialiser or worker thread gets its own stream while the whole run stays a function of one
 * seed. Floating-point draws use {@link StrictMath}, so the same seed gives the same numbers on
 * every machine and JVM.
 *
 * <p>An {@code Rng} is not thread-safe: give each thread its own {@link #split()}.
 */
public final class Rng {
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private long seed;
  private final long gamma;

  /** A generator whose whole stream is determined by {@code seed}. */
  public Rng(long seed) {
    this(mix64(seed), GOLDEN_GAMMA);
  }

  private Rng(long seed, long gamma) {
    this.seed = seed;
    this.gamma = gamma;
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static long mixGamma(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    z = (z ^ (z >>> 33)) | 1L;
    int n = Long.bitCount(z ^ (z >>> 1));
    return n < 24 ? z ^ 0xaaaaaaaaaaaaaaaaL : z;
  }

  /** A new generator, independent of this one; advances this generator. */
  public Rng split() {
    return new Rng(nextLong(), mixGamma(nextLong()));
  }

  /** The state, for checkpoints: {@code restore(state())} continues the same stream. */
  public long[] state() {
    return new long[] {seed, gamma};
  }

  /** A generator that continues the stream saved by {@link #state()}. */
  public static Rng restore(long[] state) {
    if (state == null || state.length != 2 || (state[1] & 1L) == 0) {
      throw new IllegalArgumentException("Rng.restore: expected the two longs from Rng.state() (the second odd)");
    }
    return new Rng(state[0], state[1]);
  }

  /** 64 random bits. */
  public long nextLong() {
    seed += gamma;
    return mix64(seed);
  }

  /** 32 random bits. */
  public int nextInt() {
    return (int) (nextLong() >>> 32);
  }

  /** A uniform integer in [0, bound). */
  public int nextInt(int bound) {
    if (bound <= 0) throw new IllegalArgumentException("nextInt: bound " + bound + " must be positive");
    // Lemire's multiply-and-reject: unbiased, usually one draw.
    long m = (nextLong() >>> 32) * bound;
    long low = m & 0xffffffffL;
    if (low < bound) {
      long threshold = (0x100000000L - bound) % bound;
      while (low < threshold) {
        m = (nextLong() >>> 32) * bound;
        low = m & 0xffffffffL;
      }
    }
    return (int) (m >>> 32);
  }

  /** A uniform integer in [lo, hi). */
  public int nextInt(int lo, int hi) {
    if (lo >= hi) throw new IllegalArgumentException("nextInt: empty range [" + lo + ", " + hi + ")");
    return lo + nextInt(hi - lo);
  }

  /** A uniform float in [0, 1), with 24 random bits. */
  public float uniform() {
    return (nextLong() >>> 40) * 0x1.0p-24f;
  }

  /** A uniform float in [lo, hi). */
  public float uniform(float lo, float hi) {
    return lo + (hi - lo) * uniform();
  }

  /** A uniform double in [0, 1), with 53 random bits. */
  public double uniformDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** A standard normal draw (Box-Muller; two uniforms per draw, no cached state). */
  public float normal() {
    double u1 = 1.0 - uniformDouble(); // (0, 1]: log is finite
    double u2 = uniformDouble();
    return (float) (StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2));
  }

  /** A normal draw with the given mean and standard deviation. */
  public float normal(float mean, float std) {
    return mean + std * normal();
  }

  /** Fills {@code t} with uniform draws from [lo, hi). */
  public void fillUniform(Tensor t, float lo, float hi) {
    float[] d = t.data();
    for (int i = 0, o = t.offset(), n = t.size(); i < n; i++) d[o + i] = uniform(lo, hi);
  }

  /** Fills {@code t} with normal draws. */
  public void fillNormal(Tensor t, float mean, float std) {
    float[] d = t.data();
    for (int i = 0, o = t.offset(), n = t.size(); i < n; i++) d[o + i] = normal(mean, std);
  }

  /**
   * An index drawn with probability proportional to {@code probs[from + i]}, for i in [0, n). The
   * weights need not sum to one; they must be non-negative with a positive sum.
   */
  public int categorical(float[] probs, int from, int n) {
    double total = 0;
    for (int i = 0; i < n; i++) {
      float p = probs[from + i];
      if (!(p >= 0)) throw new IllegalArgumentException("categorical: weight " + p + " at index " + i + " is negative or NaN");
      total += p;
    }
    if (!(total > 0) || Double.isInfinite(total)) {
      throw new IllegalArgumentException("categorical: the " + n + " weights sum to " + total + "; expected a positive finite sum");
    }
    double u = uniformDouble() * total;
    double acc = 0;
    int last = -1;
    for (int i = 0; i < n; i++) {
      float p = probs[from + i];
      if (p > 0) {
        acc += p;
        last = i;
        if (u < acc) return i;
      }
    }
    return last; // rounding left u at the very top: take the last index with weight
  }

  /** An index drawn with probability proportional to {@code probs}. */
  public int categorical(float[] probs) {
    return categorical(probs, 0, probs.length);
  }

  /**
   * An index drawn from softmax({@code logits[from .. from+n)}), always in {@code [0, n)}. Entries of
   * -infinity (masked actions) are never drawn; entries of +infinity are certain (one of them, with
   * equal chances, when there are several); a NaN, or only -infinity, is an error.
   */
  public int categoricalFromLogits(float[] logits, int from, int n) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) max = Math.max(max, logits[from + i]);
    if (max == Float.NEGATIVE_INFINITY || Float.isNaN(max)) {
      throw new IllegalArgumentException("categoricalFromLogits: no finite logit among " + n);
    }
    if (max == Float.POSITIVE_INFINITY) {
      // the limit of softmax as those logits grow together: equal shares among the +inf entries
      int inf = 0;
      for (int i = 0; i < n; i++) if (logits[from + i] == Float.POSITIVE_INFINITY) inf++;
      int k = (int) Math.min(inf - 1, (long) (uniformDouble() * inf));
      for (int i = 0; i < n; i++) if (logits[from + i] == Float.POSITIVE_INFINITY && k-- == 0) return i;
    }
    double total = 0;
    for (int i = 0; i < n; i++) total += StrictMath.exp(logits[from + i] - max);
    double u = uniformDouble() * total;
    double acc = 0;
    int last = -1;
    for (int i = 0; i < n; i++) {
      double w = StrictMath.exp(logits[from + i] - max);
      if (w > 0) {
        acc += w;
        last = i;
        if (u < acc) return i;
      }
    }
    return last;
  }

  /** Shuffles {@code a} in place (Fisher-Yates). */
  public void shuffle(int[] a) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** A random permutation of 0 .. n-1. */
  public int[] permutation(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    shuffle(p);
    return p;
  }
}
