package vecrl.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Learning curves (a value such as the mean return against environment steps) as a PNG, drawn with
 * java.awt in headless mode: one run's curve ({@link #learningCurve}) or several labelled series
 * with a legend and an optional threshold line ({@link #curves}).
 */
public final class Chart {
  private static final Color[] PALETTE = {
    new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40), new Color(148, 103, 189)
  };

  private Chart() {}

  /** One curve: {@code values[i]} at {@code steps[i]}; NaN values are skipped (the line resumes at the next finite point). */
  public record Series(String label, long[] steps, double[] values) {
    public Series {
      if (steps.length != values.length) {
        throw new IllegalArgumentException("Chart.Series " + label + ": " + steps.length + " steps for " + values.length + " values");
      }
    }
  }

  /** Draws {@code returns} (NaN points skipped) against {@code steps} into {@code file} (written atomically). */
  public static void learningCurve(Path file, String title, long[] steps, double[] returns) throws IOException {
    curves(file, title, List.of(new Series("mean return", steps, returns)), Double.NaN);
  }

  /**
   * Draws every series into {@code file} (written atomically), each in its own colour, with a legend
   * when there are several, and a dashed horizontal line at {@code threshold} unless it is NaN.
   */
  public static void curves(Path file, String title, List<Series> series, double threshold) throws IOException {
    if (series.isEmpty() || series.size() > PALETTE.length) {
      throw new IllegalArgumentException("Chart: " + series.size() + " series, expected 1 to " + PALETTE.length);
    }
    System.setProperty("java.awt.headless", "true");
    int w = 800, h = 480, left = 70, right = 20, top = 40, bottom = 50;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    double minY = Double.POSITIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
    long maxX = 1;
    for (Series sr : series) {
      for (int i = 0; i < sr.steps().length; i++) {
        maxX = Math.max(maxX, sr.steps()[i]);
        if (!Double.isNaN(sr.values()[i])) {
          minY = Math.min(minY, sr.values()[i]);
          maxY = Math.max(maxY, sr.values()[i]);
        }
      }
    }
    if (!Double.isNaN(threshold)) {
      minY = Math.min(minY, threshold);
      maxY = Math.max(maxY, threshold);
    }
    if (minY == Double.POSITIVE_INFINITY) { minY = 0; maxY = 1; }
    if (maxY - minY < 1e-9) { maxY += 1; minY -= 1; }
    double pad = 0.05 * (maxY - minY);
    minY -= pad;
    maxY += pad;
    int pw = w - left - right, ph = h - top - bottom;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setColor(new Color(225, 225, 225));
    for (int k = 0; k <= 5; k++) {
      int y = top + ph - k * ph / 5;
      g.drawLine(left, y, left + pw, y);
      int x = left + k * pw / 5;
      g.drawLine(x, top, x, top + ph);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawRect(left, top, pw, ph);
    String yFormat = maxY - minY < 10 ? "%.2f" : "%.0f";
    for (int k = 0; k <= 5; k++) {
      double yv = minY + k * (maxY - minY) / 5;
      g.drawString(String.format(Locale.ROOT, yFormat, yv), 8, top + ph - k * ph / 5 + 4);
      String xs = String.format(Locale.ROOT, "%,d", maxX * k / 5);
      int xw = g.getFontMetrics().stringWidth(xs);
      g.drawString(xs, Math.min(left + k * pw / 5 - xw / 2, w - 2 - xw), top + ph + 18);
    }
    g.drawString("environment steps", left + pw / 2 - 50, h - 10);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(title, left, 25);
    BasicStroke dashed = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
    if (!Double.isNaN(threshold)) {
      int y = top + ph - (int) Math.round((threshold - minY) / (maxY - minY) * ph);
      g.setColor(Color.GRAY);
      g.setStroke(dashed);
      g.drawLine(left, y, left + pw, y);
    }
    g.setStroke(new BasicStroke(2f));
    for (int s = 0; s < series.size(); s++) {
      Series sr = series.get(s);
      g.setColor(PALETTE[s]);
      int px = -1, py = -1;
      for (int i = 0; i < sr.steps().length; i++) {
        if (Double.isNaN(sr.values()[i])) continue;
        int x = left + (int) Math.round((double) sr.steps()[i] / maxX * pw);
        int y = top + ph - (int) Math.round((sr.values()[i] - minY) / (maxY - minY) * ph);
        if (px >= 0) g.drawLine(px, py, x, y);
        px = x;
        py = y;
      }
    }
    List<String> labels = new java.util.ArrayList<>();
    if (series.size() > 1) for (Series sr : series) labels.add(sr.label());
    if (!Double.isNaN(threshold) && !labels.isEmpty()) labels.add("threshold " + trim(threshold));
    if (!labels.isEmpty()) {
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      int lw = 0;
      for (String l : labels) lw = Math.max(lw, g.getFontMetrics().stringWidth(l));
      int lx = left + pw - lw - 52, ly = top + ph - 14 - 20 * (labels.size() - 1);
      g.setColor(Color.WHITE);
      g.fillRect(lx - 8, ly - 16, lw + 52, 20 * labels.size() + 6);
      g.setColor(new Color(200, 200, 200));
      g.setStroke(new BasicStroke(1f));
      g.drawRect(lx - 8, ly - 16, lw + 52, 20 * labels.size() + 6);
      for (int s = 0; s < labels.size(); s++) {
        int y = ly + 20 * s;
        if (s < series.size()) {
          g.setColor(PALETTE[s]);
          g.fillRect(lx, y - 6, 26, 3);
        } else {
          g.setColor(Color.GRAY);
          g.setStroke(dashed);
          g.drawLine(lx, y - 5, lx + 26, y - 5);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString(labels.get(s), lx + 34, y);
      }
    }
    g.dispose();
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "chart", ".png.tmp");
    try {
      ImageIO.write(img, "png", tmp.toFile());
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
