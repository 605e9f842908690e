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
import java.util.Locale;
import javax.imageio.ImageIO;

/** The learning curve (mean return against steps) as a PNG, drawn with java.awt in headless mode. */
public final class Chart {
  private Chart() {}

  /** Draws {@code returns} (NaN points skipped) against {@code steps} into {@code file} (written atomically). */
  public static void learningCurve(Path file, String title, long[] steps, double[] returns) throws IOException {
    System.setProperty("java.awt.headless", "true");
    int w = 800, h = 480, left = 70, right = 20, top = 40, bottom = 50;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    double minY = Double.POSITIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
    long maxX = 1;
    for (int i = 0; i < steps.length; i++) {
      maxX = Math.max(maxX, steps[i]);
      if (!Double.isNaN(returns[i])) {
        minY = Math.min(minY, returns[i]);
        maxY = Math.max(maxY, returns[i]);
      }
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
    for (int k = 0; k <= 5; k++) {
      double yv = minY + k * (maxY - minY) / 5;
      g.drawString(String.format(Locale.ROOT, "%.0f", yv), 8, top + ph - k * ph / 5 + 4);
      long xv = maxX * k / 5;
      g.drawString(String.format(Locale.ROOT, "%,d", xv), left + k * pw / 5 - 15, top + ph + 18);
    }
    g.drawString("environment steps", left + pw / 2 - 50, h - 10);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(title, left, 25);
    g.setColor(new Color(31, 119, 180));
    g.setStroke(new BasicStroke(2f));
    int px = -1, py = -1;
    for (int i = 0; i < steps.length; i++) {
      if (Double.isNaN(returns[i])) continue;
      int x = left + (int) Math.round((double) steps[i] / maxX * pw);
      int y = top + ph - (int) Math.round((returns[i] - minY) / (maxY - minY) * ph);
      if (px >= 0) g.drawLine(px, py, x, y);
      px = x;
      py = y;
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
}
