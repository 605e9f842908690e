package vecrl.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A run's {@code metrics.csv} ({@link IterationStats#HEADER}) read back column by column.
 *
 * @param file the file read
 * @param header the column names
 * @param steps the {@code step} column
 * @param columns every column as numbers, in header order ({@code columns[c][row]})
 */
public record Metrics(Path file, List<String> header, long[] steps, double[][] columns) {

  /** Reads {@code file}; a row with the wrong number of fields or a field that is not a number is an error naming the line. */
  public static Metrics read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty()) throw new IOException(file + ": empty, expected the header " + IterationStats.HEADER);
    List<String> header = List.of(lines.get(0).split(","));
    int stepCol = header.indexOf("step");
    if (stepCol < 0) throw new IOException(file + ": no step column in the header " + lines.get(0));
    List<String> rows = lines.subList(1, lines.size()).stream().filter(l -> !l.isEmpty()).toList();
    double[][] cols = new double[header.size()][rows.size()];
    long[] steps = new long[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      String[] p = rows.get(r).split(",");
      if (p.length != header.size()) throw new IOException(file + " line " + (r + 2) + ": " + p.length + " fields, the header has " + header.size());
      for (int c = 0; c < p.length; c++) {
        try {
          cols[c][r] = Double.parseDouble(p[c]);
        } catch (NumberFormatException e) {
          throw new IOException(file + " line " + (r + 2) + ": " + header.get(c) + " = " + p[c] + " is not a number");
        }
      }
      steps[r] = Long.parseLong(p[stepCol]);
    }
    return new Metrics(file, header, steps, cols);
  }

  /** The number of rows (iterations). */
  public int rows() {
    return steps.length;
  }

  /** The column {@code name}; an unknown name is an error listing the columns. */
  public double[] column(String name) {
    int c = header.indexOf(name);
    if (c < 0) throw new IllegalArgumentException(file + ": no column \"" + name + "\"; columns: " + String.join(", ", header));
    return columns[c];
  }

  /** The sum of column {@code name} (for example the invalid actions taken over the run). */
  public double sum(String name) {
    double s = 0;
    for (double v : column(name)) s += v;
    return s;
  }
}
