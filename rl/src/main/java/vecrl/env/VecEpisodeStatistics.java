package vecrl.env;

/**
 * Episode returns and lengths for a batch of environments, the vector counterpart of {@link
 * RecordEpisodeStatistics}: each environment's running return and length, the count of finished
 * episodes, and a ring of the last {@link #RECENT} finished ones for the mean return a progress line
 * shows. Feed it every step's raw rewards and done flags with {@link #step}. Its fields are the
 * state a checkpoint must keep ({@link #write}, {@link #read}).
 */
public final class VecEpisodeStatistics {
  /** How many finished episodes the recent means cover. */
  public static final int RECENT = 20;

  private final double[] epRet;
  private final int[] epLen;
  private final double[] recentRet = new double[RECENT];
  private final double[] recentLen = new double[RECENT];
  private int recentCount;
  private int recentHead;
  private long episodes;

  public VecEpisodeStatistics(int numEnvs) {
    if (numEnvs <= 0) throw new IllegalArgumentException("VecEpisodeStatistics: " + numEnvs + " envs, expected > 0");
    epRet = new double[numEnvs];
    epLen = new int[numEnvs];
  }

  /** Adds env {@code i}'s reward of one step; {@code done} finishes its episode. */
  public void step(int i, float reward, boolean done) {
    epRet[i] += reward;
    epLen[i]++;
    if (done) {
      recentRet[recentHead] = epRet[i];
      recentLen[recentHead] = epLen[i];
      recentHead = (recentHead + 1) % RECENT;
      recentCount = Math.min(recentCount + 1, RECENT);
      episodes++;
      epRet[i] = 0;
      epLen[i] = 0;
    }
  }

  /** Steps env {@code i} has taken in its current episode. */
  public int length(int i) {
    return epLen[i];
  }

  /** Episodes finished so far. */
  public long episodes() {
    return episodes;
  }

  /** Mean return of the recent finished episodes (NaN before any). */
  public double meanReturn() {
    return mean(recentRet);
  }

  /** Mean length of the recent finished episodes (NaN before any). */
  public double meanLength() {
    return mean(recentLen);
  }

  private double mean(double[] ring) {
    if (recentCount == 0) return Double.NaN;
    double s = 0;
    for (int i = 0; i < recentCount; i++) s += ring[i];
    return s / recentCount;
  }

  /** Writes the state (episodes, running returns and lengths, the recent ring). */
  public void write(java.io.DataOutputStream out) throws java.io.IOException {
    out.writeLong(episodes);
    out.writeInt(epRet.length);
    for (int i = 0; i < epRet.length; i++) {
      out.writeDouble(epRet[i]);
      out.writeInt(epLen[i]);
    }
    for (int i = 0; i < RECENT; i++) {
      out.writeDouble(recentRet[i]);
      out.writeDouble(recentLen[i]);
    }
    out.writeInt(recentCount);
    out.writeInt(recentHead);
  }

  /**
   * Reads a state written by {@link #write}; values that do not fit (env count, negative or
   * non-finite values, a ring count or head outside the ring) are an error naming them, and leave
   * this object unchanged.
   */
  public void read(java.io.DataInputStream in) throws java.io.IOException {
    long eps = in.readLong();
    int n = in.readInt();
    if (n != epRet.length) throw new java.io.IOException("episode statistics of " + n + " envs, expected " + epRet.length);
    if (eps < 0) throw new java.io.IOException("episode statistics: " + eps + " episodes, expected >= 0");
    double[] ret = new double[n];
    int[] len = new int[n];
    for (int i = 0; i < n; i++) {
      ret[i] = finite(in.readDouble(), "return of env " + i);
      len[i] = in.readInt();
      if (len[i] < 0) throw new java.io.IOException("episode statistics: env " + i + " has a length of " + len[i] + ", expected >= 0");
    }
    double[] rr = new double[RECENT], rl = new double[RECENT];
    for (int i = 0; i < RECENT; i++) {
      rr[i] = finite(in.readDouble(), "recent return " + i);
      rl[i] = finite(in.readDouble(), "recent length " + i);
    }
    int count = in.readInt(), head = in.readInt();
    if (count < 0 || count > RECENT || head < 0 || head >= RECENT) {
      throw new java.io.IOException("episode statistics: " + count + " recent episodes at position " + head + ", expected a count in [0, "
          + RECENT + "] and a position in [0, " + RECENT + ")");
    }
    System.arraycopy(ret, 0, epRet, 0, n);
    System.arraycopy(len, 0, epLen, 0, n);
    System.arraycopy(rr, 0, recentRet, 0, RECENT);
    System.arraycopy(rl, 0, recentLen, 0, RECENT);
    episodes = eps;
    recentCount = count;
    recentHead = head;
  }

  private static double finite(double v, String what) throws java.io.IOException {
    if (!Double.isFinite(v)) throw new java.io.IOException("episode statistics: " + what + " = " + v + ", expected a finite number");
    return v;
  }
}
