package vecrl.env;

import java.util.Arrays;

/**
 * Running mean and variance of vectors, merged batch by batch with Chan et al.'s parallel formula,
 * as Gymnasium's {@code RunningMeanStd}: it starts from mean 0, variance 1 and a pseudo-count of
 * {@code 1e-4}. Not thread-safe.
 */
public final class RunningMeanStd {
  private final double[] mean;
  private final double[] var;
  private double count;

  /** Running statistics of vectors of length {@code size}. */
  public RunningMeanStd(int size) {
    if (size <= 0) throw new IllegalArgumentException("RunningMeanStd: size = " + size + ", expected > 0");
    mean = new double[size];
    var = new double[size];
    Arrays.fill(var, 1.0);
    count = 1e-4;
  }

  /** The exported statistics, for checkpoints. */
  public record State(double[] mean, double[] var, double count) {
    public State {
      if (mean.length != var.length) throw new IllegalArgumentException("RunningMeanStd.State: mean has " + mean.length + " and var " + var.length + " entries");
      mean = mean.clone();
      var = var.clone();
    }

    @Override
    public double[] mean() {
      return mean.clone();
    }

    @Override
    public double[] var() {
      return var.clone();
    }
  }

  public int size() {
    return mean.length;
  }

  /** A copy of the statistics. */
  public State state() {
    return new State(mean, var, count);
  }

  /** Replaces the statistics with {@code s}, which must have this size. */
  public void restore(State s) {
    if (s.mean.length != mean.length) {
      throw new IllegalArgumentException("RunningMeanStd.restore: state has size " + s.mean.length + ", expected " + mean.length);
    }
    System.arraycopy(s.mean, 0, mean, 0, mean.length);
    System.arraycopy(s.var, 0, var, 0, var.length);
    count = s.count;
  }

  public double mean(int i) {
    return mean[i];
  }

  public double var(int i) {
    return var[i];
  }

  public double count() {
    return count;
  }

  /** Merges one sample {@code x[offset .. offset + size())} (a batch of one: batch variance 0). */
  public void update(float[] x, int offset) {
    double tot = count + 1;
    for (int i = 0; i < mean.length; i++) {
      double delta = x[offset + i] - mean[i];
      mean[i] += delta / tot;
      double m2 = var[i] * count + delta * delta * count / tot;
      var[i] = m2 / tot;
    }
    count = tot;
  }

  /** Merges one scalar sample (size must be 1). */
  public void update(double x) {
    if (mean.length != 1) throw new IllegalArgumentException("RunningMeanStd.update: scalar sample, size is " + mean.length);
    double tot = count + 1;
    double delta = x - mean[0];
    mean[0] += delta / tot;
    var[0] = (var[0] * count + delta * delta * count / tot) / tot;
    count = tot;
  }
}
