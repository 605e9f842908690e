package vecrl.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An axis from {@code lo} to {@code hi} with its tick values. Linear: ticks at multiples of the
 * step, which is 1, 2 or 5 times a power of ten, chosen for 4 to 8 ticks, and the range widened to
 * whole steps. Logarithmic: ticks at powers of ten (and 2 and 5 times them when the range spans
 * under two decades), the range widened to the powers of ten around the data.
 */
final class ChartAxis {
  final double lo;
  final double hi;
  final double[] ticks;
  final boolean log;
  final double step;

  ChartAxis(double lo, double hi, double[] ticks, boolean log) {
    this.lo = lo;
    this.hi = hi;
    this.ticks = ticks;
    this.log = log;
    this.step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
  }

  /** The 1-2-5 step that gives about {@code target} intervals over {@code span}. */
  static double niceStep(double span, int target) {
    double raw = span / target;
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    double m = raw / p;
    double nice = m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10;
    return nice * p;
  }

  static ChartAxis linear(double min, double max) {
    if (max - min < 1e-12 * Math.max(1, Math.abs(max))) {
      double d = Math.max(1e-3, Math.abs(max) * 0.1);
      min -= d;
      max += d;
    }
    double step = niceStep(max - min, 5);
    double lo = Math.floor(min / step + 1e-9) * step, hi = Math.ceil(max / step - 1e-9) * step;
    int n = (int) Math.round((hi - lo) / step);
    double[] t = new double[n + 1];
    for (int i = 0; i <= n; i++) t[i] = clean(lo + i * step, step);
    return new ChartAxis(lo, hi, t, false);
  }

  static ChartAxis log(double min, double max) {
    double lo = Math.pow(10, Math.floor(Math.log10(min) + 1e-9));
    double hi = Math.pow(10, Math.ceil(Math.log10(max) - 1e-9));
    if (hi <= lo) hi = lo * 10;
    boolean fine = Math.log10(hi / lo) < 2.5;
    if (fine) { // tighten to the 1-2-5 values around the data
      for (double m : new double[] {5, 2}) if (lo * m <= min * (1 + 1e-9)) { lo *= m; break; }
      for (double m : new double[] {5, 2}) if (hi / 10 * m >= max * (1 - 1e-9) && hi / 10 * m > lo) { hi = hi / 10 * m; break; }
      if (hi / 10 * 1 >= max * (1 - 1e-9) && hi / 10 > lo) hi /= 10;
    }
    List<Double> t = new ArrayList<>();
    for (double d = Math.pow(10, Math.floor(Math.log10(lo) + 1e-9)); d <= hi * 1.0001; d *= 10) {
      for (double m : fine ? new double[] {1, 2, 5} : new double[] {1}) {
        double v = d * m;
        if (v >= lo * 0.9999 && v <= hi * 1.0001) t.add(v);
      }
    }
    return new ChartAxis(lo, hi, t.stream().mapToDouble(Double::doubleValue).toArray(), true);
  }

  /** Rounds away the float noise of {@code lo + i * step}. */
  private static double clean(double v, double step) {
    double scale = Math.pow(10, Math.max(0, -Math.floor(Math.log10(step)) + 1));
    return Math.round(v * scale) / scale;
  }

  /** Where {@code v} lies on the axis, 0 at lo and 1 at hi. */
  double frac(double v) {
    return log ? Math.log(v / lo) / Math.log(hi / lo) : (v - lo) / (hi - lo);
  }

  /** A y tick's text: as many decimals as the step needs; {@code 1e-3} form for small log ticks. */
  String label(double v) {
    if (log) {
      if (v >= 1e-2 && v < 1e5) return Chart.trim(v);
      int e = (int) Math.floor(Math.log10(v) + 1e-9);
      double m = v / Math.pow(10, e);
      return (Math.abs(m - 1) < 1e-9 ? "" : Chart.trim(Math.round(m * 10) / 10.0) + "x") + "1e" + e;
    }
    int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
    return String.format(Locale.ROOT, "%,." + decimals + "f", v);
  }

  /** An x tick's text: env steps with k or M (20k, 1.5M). */
  String stepLabel(double v) {
    if (v == 0) return "0";
    if (Math.abs(v) >= 1e6) return Chart.trim(v / 1e6) + "M";
    if (Math.abs(v) >= 1e3) return Chart.trim(v / 1e3) + "k";
    return Chart.trim(v);
  }
}
