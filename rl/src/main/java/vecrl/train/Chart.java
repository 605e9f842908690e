package vecrl.train;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Training curves (a metric against environment steps) as a PNG, drawn with java.awt in headless
 * mode: one run's curve ({@link #learningCurve}) or several labelled series ({@link #draw}), each
 * optionally with a shaded band (the spread over a group's runs), a legend, axis labels, round tick
 * values (1, 2 or 5 times a power of ten), a linear or logarithmic y axis and an optional threshold line.
 */
public final class Chart {
  private static final Color[] PALETTE = {
    new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40), new Color(148, 103, 189)
  };

  private Chart() {}

  /**
   * One curve: {@code values[i]} at {@code steps[i]}, and when {@code lower} and {@code upper} are not
   * null a band between them; NaN points are skipped (the line resumes at the next finite point).
   */
  public record Series(String label, long[] steps, double[] values, double[] lower, double[] upper) {
    public Series {
      if (steps.length != values.length) {
        throw new IllegalArgumentException("Chart.Series " + label + ": " + steps.length + " steps for " + values.length + " values");
      }
      if ((lower == null) != (upper == null) || lower != null && (lower.length != steps.length || upper.length != steps.length)) {
        throw new IllegalArgumentException("Chart.Series " + label + ": a band needs lower and upper values at each of the " + steps.length + " steps");
      }
    }

    /** A curve without a band. */
    public Series(String label, long[] steps, double[] values) {
      this(label, steps, values, null, null);
    }
  }

  /**
   * How to draw: the title, the axis labels (with units), a logarithmic y axis (values <= 0 are
   * then left out), a dashed threshold line (NaN: none) and a legend line for the bands (null: none).
   */
  public record Options(String title, String xLabel, String yLabel, boolean logY, double threshold, String bandLegend) {
    /** A linear chart against environment steps. */
    public static Options of(String title, String yLabel) {
      return new Options(title, "environment steps", yLabel, false, Double.NaN, null);
    }

    public Options withLogY(boolean log) {
      return new Options(title, xLabel, yLabel, log, threshold, bandLegend);
    }

    public Options withThreshold(double t) {
      return new Options(title, xLabel, yLabel, logY, t, bandLegend);
    }

    public Options withBandLegend(String legend) {
      return new Options(title, xLabel, yLabel, logY, threshold, legend);
    }
  }

  /** The y-axis label, with its unit, of a metrics.csv column (the column name itself for others). */
  public static String axisLabel(String column) {
    return switch (column) {
      case "mean_return" -> "mean episode return (last 20 episodes)";
      case "mean_length" -> "mean episode length (steps, last 20 episodes)";
      case "episodes" -> "episodes finished";
      case "iteration" -> "iteration";
      case "loss" -> "total loss";
      case "policy_loss" -> "policy loss";
      case "value_loss" -> "value loss (squared return units)";
      case "entropy" -> "policy entropy (nats)";
      case "approx_kl" -> "approx. KL divergence (nats)";
      case "clip_fraction" -> "clip fraction (of samples)";
      case "explained_variance" -> "explained variance";
      case "learning_rate" -> "learning rate";
      case "epochs" -> "epochs run";
      case "invalid_actions" -> "invalid actions per rollout";
      case "steps_per_second" -> "env steps per second";
      default -> column;
    };
  }

  /** Draws {@code returns} (NaN points skipped) against {@code steps} into {@code file} (written atomically). */
  public static void learningCurve(Path file, String title, long[] steps, double[] returns) throws IOException {
    draw(file, Options.of(title, axisLabel("mean_return")), List.of(new Series("mean return", steps, returns)));
  }

  /**
   * Draws every series into {@code file} (written atomically), each in its own colour, with a legend
   * when there are several, and a dashed horizontal line at {@code threshold} unless it is NaN.
   */
  public static void curves(Path file, String title, List<Series> series, double threshold) throws IOException {
    draw(file, Options.of(title, axisLabel("mean_return")).withThreshold(threshold), series);
  }

  /** Draws {@code series} with {@code o} into {@code file} (written atomically). */
  public static void draw(Path file, Options o, List<Series> series) throws IOException {
    if (series.isEmpty() || series.size() > PALETTE.length) {
      throw new IllegalArgumentException("Chart: " + series.size() + " series, expected 1 to " + PALETTE.length);
    }
    System.setProperty("java.awt.headless", "true");
    int w = 800, h = 480, left = 84, right = 24, top = 40, bottom = 56;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);

    // data ranges
    double minY = Double.POSITIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
    long maxX = 1;
    for (Series sr : series) {
      for (int i = 0; i < sr.steps().length; i++) {
        maxX = Math.max(maxX, sr.steps()[i]);
        for (double v : sr.lower() == null ? new double[] {sr.values()[i]} : new double[] {sr.values()[i], sr.lower()[i], sr.upper()[i]}) {
          if (Double.isNaN(v) || o.logY() && v <= 0) continue;
          minY = Math.min(minY, v);
          maxY = Math.max(maxY, v);
        }
      }
    }
    if (!Double.isNaN(o.threshold()) && !(o.logY() && o.threshold() <= 0)) {
      minY = Math.min(minY, o.threshold());
      maxY = Math.max(maxY, o.threshold());
    }
    if (minY == Double.POSITIVE_INFINITY) {
      minY = o.logY() ? 0.1 : 0;
      maxY = o.logY() ? 10 : 1;
    }
    ChartAxis y = o.logY() ? ChartAxis.log(minY, maxY) : ChartAxis.linear(minY, maxY);
    ChartAxis x = ChartAxis.linear(0, maxX);
    x = new ChartAxis(0, x.hi, x.ticks, false); // steps start at 0

    int pw = w - left - right, ph = h - top - bottom;
    Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    g.setFont(small);
    // grid and ticks
    for (double t : y.ticks) {
      int py = top + ph - (int) Math.round(y.frac(t) * ph);
      g.setColor(new Color(228, 228, 228));
      g.drawLine(left, py, left + pw, py);
      g.setColor(Color.DARK_GRAY);
      String s = y.label(t);
      g.drawString(s, left - 6 - g.getFontMetrics().stringWidth(s), py + 4);
    }
    for (double t : x.ticks) {
      int px = left + (int) Math.round(x.frac(t) * pw);
      g.setColor(new Color(228, 228, 228));
      g.drawLine(px, top, px, top + ph);
      g.setColor(Color.DARK_GRAY);
      String s = x.stepLabel(t);
      g.drawString(s, px - g.getFontMetrics().stringWidth(s) / 2, top + ph + 17);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawRect(left, top, pw, ph);
    // axis labels
    Font label = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    g.setFont(label);
    g.drawString(o.xLabel(), left + pw / 2 - g.getFontMetrics().stringWidth(o.xLabel()) / 2, h - 12);
    String yl = o.yLabel() + (o.logY() ? " (log scale)" : "");
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    g.drawString(yl, -(top + ph / 2) - g.getFontMetrics().stringWidth(yl) / 2, 18);
    g.setTransform(saved);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(o.title(), left, 25);

    // bands, then lines, clipped to the plot
    g.setClip(left, top, pw + 1, ph + 1);
    for (int s = 0; s < series.size(); s++) {
      Series sr = series.get(s);
      if (sr.lower() == null) continue;
      g.setColor(PALETTE[s]);
      g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.2f));
      // one polygon per run of points where the band is finite
      int i = 0, n = sr.steps().length;
      while (i < n) {
        while (i < n && !finite(y, sr.lower()[i], sr.upper()[i])) i++;
        int j = i;
        while (j < n && finite(y, sr.lower()[j], sr.upper()[j])) j++;
        if (j - i >= 2) {
          Path2D.Double poly = new Path2D.Double();
          for (int k = i; k < j; k++) {
            double px = left + x.frac(sr.steps()[k]) * pw, py = top + ph - y.frac(sr.upper()[k]) * ph;
            if (k == i) poly.moveTo(px, py);
            else poly.lineTo(px, py);
          }
          for (int k = j - 1; k >= i; k--) poly.lineTo(left + x.frac(sr.steps()[k]) * pw, top + ph - y.frac(sr.lower()[k]) * ph);
          poly.closePath();
          g.fill(poly);
        }
        i = j;
      }
      g.setComposite(AlphaComposite.SrcOver);
    }
    BasicStroke dashed = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
    if (!Double.isNaN(o.threshold()) && !(o.logY() && o.threshold() <= 0)) {
      int py = top + ph - (int) Math.round(y.frac(o.threshold()) * ph);
      g.setColor(Color.GRAY);
      g.setStroke(dashed);
      g.drawLine(left, py, left + pw, py);
    }
    g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    for (int s = 0; s < series.size(); s++) {
      Series sr = series.get(s);
      g.setColor(PALETTE[s]);
      Path2D.Double line = new Path2D.Double();
      boolean pen = false;
      for (int i = 0; i < sr.steps().length; i++) {
        double v = sr.values()[i];
        if (Double.isNaN(v) || o.logY() && v <= 0) {
          continue;
        }
        double px = left + x.frac(sr.steps()[i]) * pw, py = top + ph - y.frac(v) * ph;
        if (pen) line.lineTo(px, py);
        else line.moveTo(px, py);
        pen = true;
      }
      g.draw(line);
    }
    g.setClip(null);

    // legend: the series (when several, or when they have bands), the band's meaning, the threshold
    List<String> labels = new ArrayList<>();
    boolean bands = series.stream().anyMatch(sr -> sr.lower() != null);
    if (series.size() > 1 || bands) for (Series sr : series) labels.add(sr.label());
    int bandRow = -1;
    if (bands && o.bandLegend() != null) {
      bandRow = labels.size();
      labels.add(o.bandLegend());
    }
    int thresholdRow = -1;
    if (!Double.isNaN(o.threshold()) && !labels.isEmpty()) {
      thresholdRow = labels.size();
      labels.add("threshold " + trim(o.threshold()));
    }
    if (!labels.isEmpty()) {
      g.setFont(label);
      int lw = 0;
      for (String l : labels) lw = Math.max(lw, g.getFontMetrics().stringWidth(l));
      int boxW = lw + 52, boxH = 20 * labels.size() + 6;
      // the corner whose box covers the fewest drawn points (values and band edges)
      int[][] corners = {{left + pw - boxW - 2, top + 4}, {left + pw - boxW - 2, top + ph - boxH - 4}, {left + 10, top + 4},
        {left + 10, top + ph - boxH - 4}};
      int bestCorner = 0;
      long fewest = Long.MAX_VALUE;
      for (int k = 0; k < corners.length; k++) {
        long covered = covered(series, x, y, left, top, pw, ph, corners[k][0], corners[k][1], boxW, boxH);
        if (covered < fewest) {
          fewest = covered;
          bestCorner = k;
        }
      }
      int lx = corners[bestCorner][0] + 8, ly = corners[bestCorner][1] + 16;
      g.setColor(Color.WHITE);
      g.fillRect(lx - 8, ly - 16, lw + 52, boxH);
      g.setColor(new Color(200, 200, 200));
      g.setStroke(new BasicStroke(1f));
      g.drawRect(lx - 8, ly - 16, lw + 52, boxH);
      for (int s = 0; s < labels.size(); s++) {
        int yy = ly + 20 * s;
        if (s < series.size() && (series.size() > 1 || bands)) {
          g.setColor(PALETTE[s]);
          if (series.get(s).lower() != null) {
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.2f));
            g.fillRect(lx, yy - 12, 26, 11);
            g.setComposite(AlphaComposite.SrcOver);
          }
          g.fillRect(lx, yy - 8, 26, 3);
        } else if (s == bandRow) {
          g.setColor(new Color(150, 150, 150));
          g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.3f));
          g.fillRect(lx, yy - 12, 26, 11);
          g.setComposite(AlphaComposite.SrcOver);
        } else if (s == thresholdRow) {
          g.setColor(Color.GRAY);
          g.setStroke(dashed);
          g.drawLine(lx, yy - 6, lx + 26, yy - 6);
          g.setStroke(new BasicStroke(1f));
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString(labels.get(s), lx + 34, yy);
      }
    }
    g.dispose();
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    ImageIO.write(img, "png", png);
    vecrl.io.AtomicFiles.write(file, png.toByteArray());
  }

  private static boolean finite(ChartAxis y, double lo, double hi) {
    return !Double.isNaN(lo) && !Double.isNaN(hi) && !(y.log && (lo <= 0 || hi <= 0));
  }

  /** How many drawn points (values, and band edges filled between) of {@code series} fall in the box. */
  private static long covered(List<Series> series, ChartAxis x, ChartAxis y, int left, int top, int pw, int ph, int bx, int by, int bw, int bh) {
    long n = 0;
    for (Series sr : series) {
      for (int i = 0; i < sr.steps().length; i++) {
        double px = left + x.frac(sr.steps()[i]) * pw;
        if (px < bx || px > bx + bw) continue;
        double v = sr.values()[i];
        double lo = sr.lower() == null ? v : sr.lower()[i], hi = sr.upper() == null ? v : sr.upper()[i];
        if (Double.isNaN(v) || Double.isNaN(lo) || Double.isNaN(hi) || y.log && (lo <= 0 || hi <= 0 || v <= 0)) continue;
        double pyLo = top + ph - y.frac(lo) * ph, pyHi = top + ph - y.frac(hi) * ph;
        // the part of [pyHi, pyLo] inside the box, in pixels, plus a heavy weight for the line itself
        double overlap = Math.max(0, Math.min(pyLo, by + bh) - Math.max(pyHi, by));
        double pv = top + ph - y.frac(v) * ph;
        n += (long) overlap + (pv >= by && pv <= by + bh ? 1000 : 0);
      }
    }
    return n;
  }

  static String trim(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.valueOf((long) v);
    String s = String.format(Locale.ROOT, "%.6f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
