package vecrl.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Stable-Baselines' network architecture spec {@code [shared..., {pi: [...], vf: [...]}]}: hidden
 * layers shared by actor and critic, then separate policy ({@code pi}) and value ({@code vf})
 * branches. Examples: {@code [128, {vf: [256, 256]}]} (one shared layer, no policy branch),
 * {@code [128, {vf: [256], pi: [16]}]}, {@code [{pi: [64, 64], vf: [64, 64]}]} (separate 64-64
 * networks, the CleanRL/PPO CartPole configuration). A list of integers only means shared layers
 * (the pre-1.8 Stable-Baselines reading). Keys may be quoted; whitespace is free.
 *
 * <p><b>Recurrent entry.</b> As in Stable-Baselines 2's LSTM policies, the shared part may end with
 * one {@code lstm} or {@code gru} entry, optionally with its hidden size after a colon: {@code [8,
 * lstm, {vf: [5, 10], pi: [10]}]} (an LSTM of {@link #DEFAULT_CELL_SIZE}, SB3-contrib's default,
 * after a shared layer of 8), {@code [gru:64, {pi: [64], vf: [64]}]}. The cell runs after the shared
 * layers, and the pi and vf branches read its output; shared layers after the cell are an error
 * (put them in the branches). Such a spec is for {@code vecrl.policy.RecurrentActorCriticPolicy};
 * {@link #cell()} is null for a feed-forward spec.
 */
public record NetArch(int[] shared, int[] pi, int[] vf, Cell cell) {
  /** The hidden size of a recurrent entry written without one ({@code lstm}): 256, as SB3-contrib's {@code lstm_hidden_size}. */
  public static final int DEFAULT_CELL_SIZE = 256;

  /** The recurrent entry: {@code kind} "lstm" or "gru", and the hidden size. */
  public record Cell(String kind, int size) {
    public Cell {
      if (!"lstm".equals(kind) && !"gru".equals(kind)) {
        throw new IllegalArgumentException("NetArch: recurrent entry '" + kind + "', expected lstm or gru");
      }
      if (size <= 0) throw new IllegalArgumentException("NetArch: " + kind + " hidden size " + size + " must be positive");
    }

    /** e.g. {@code lstm:64}. */
    @Override public String toString() { return kind + ":" + size; }
  }

  public NetArch {
    shared = shared.clone();
    pi = pi.clone();
    vf = vf.clone();
    for (int[] a : new int[][] {shared, pi, vf}) {
      for (int w : a) if (w <= 0) throw new IllegalArgumentException("NetArch: layer width " + w + " must be positive");
    }
  }

  /** A feed-forward spec (no recurrent entry). */
  public NetArch(int[] shared, int[] pi, int[] vf) {
    this(shared, pi, vf, null);
  }

  /** Separate actor and critic networks of the given hidden widths each. */
  public static NetArch separate(int... widths) {
    return new NetArch(new int[0], widths, widths);
  }

  /** Parses the Stable-Baselines spec (see the class comment). */
  public static NetArch parse(String spec) {
    Parser p = new Parser(spec);
    NetArch a = p.parse();
    return a;
  }

  @Override public int[] shared() { return shared.clone(); }
  @Override public int[] pi() { return pi.clone(); }
  @Override public int[] vf() { return vf.clone(); }

  /** The canonical spec, e.g. {@code [128, {pi: [], vf: [256, 256]}]} or {@code [8, lstm:256, {pi: [10], vf: [5, 10]}]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int w : shared) sb.append(w).append(", ");
    if (cell != null) sb.append(cell).append(", ");
    sb.append("{pi: ").append(list(pi)).append(", vf: ").append(list(vf)).append("}]");
    return sb.toString();
  }

  private static String list(int[] a) {
    return Arrays.toString(a);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetArch n && Arrays.equals(shared, n.shared) && Arrays.equals(pi, n.pi) && Arrays.equals(vf, n.vf)
        && java.util.Objects.equals(cell, n.cell);
  }

  @Override
  public int hashCode() {
    return (Arrays.hashCode(shared) * 961 + Arrays.hashCode(pi) * 31 + Arrays.hashCode(vf)) * 31 + java.util.Objects.hashCode(cell);
  }

  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    NetArch parse() {
      List<Integer> shared = new ArrayList<>();
      int[] pi = new int[0], vf = new int[0];
      Cell cell = null;
      expect('[');
      boolean dictSeen = false;
      skip();
      if (peek() != ']') {
        while (true) {
          skip();
          if (peek() == '{') {
            if (dictSeen) throw error("a second {pi, vf} dict");
            dictSeen = true;
            i++;
            skip();
            while (peek() != '}') {
              String key = key();
              expect(':');
              int[] v = intList();
              switch (key) {
                case "pi" -> pi = v;
                case "vf" -> vf = v;
                default -> throw error("key '" + key + "' (expected pi or vf)");
              }
              skip();
              if (peek() == ',') { i++; skip(); }
            }
            i++;
          } else if (Character.isLetter(peek()) || peek() == '"' || peek() == '\'') {
            if (dictSeen) throw error("a recurrent entry after the {pi, vf} dict");
            int at = i;
            String kind = key();
            if (!kind.equals("lstm") && !kind.equals("gru")) {
              i = at;
              throw error("the entry '" + kind + "' (expected a layer width, lstm, gru, lstm:SIZE, gru:SIZE or the {pi, vf} dict)");
            }
            if (cell != null) throw error("a second recurrent entry (one lstm or gru per spec)");
            int size = DEFAULT_CELL_SIZE;
            skip();
            if (peek() == ':') {
              i++;
              size = integer();
            }
            if (size <= 0) throw error(kind + " hidden size " + size + " (must be positive)");
            cell = new Cell(kind, size);
          } else {
            if (dictSeen) throw error("a shared layer after the {pi, vf} dict");
            if (cell != null) throw error("a shared layer after the " + cell.kind() + " entry (put layers after the cell in pi and vf)");
            shared.add(integer());
          }
          skip();
          if (peek() == ',') { i++; continue; }
          break;
        }
      }
      expect(']');
      skip();
      if (i != s.length()) throw error("trailing text");
      return new NetArch(shared.stream().mapToInt(Integer::intValue).toArray(), pi, vf, cell);
    }

    private int[] intList() {
      List<Integer> out = new ArrayList<>();
      expect('[');
      skip();
      if (peek() != ']') {
        while (true) {
          out.add(integer());
          skip();
          if (peek() == ',') { i++; continue; }
          break;
        }
      }
      expect(']');
      return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private String key() {
      skip();
      char q = peek();
      if (q == '"' || q == '\'') {
        int end = s.indexOf(q, i + 1);
        if (end < 0) throw error("an unterminated quote");
        String k = s.substring(i + 1, end);
        i = end + 1;
        return k;
      }
      int start = i;
      while (i < s.length() && Character.isLetter(s.charAt(i))) i++;
      if (start == i) throw error("a key");
      return s.substring(start, i);
    }

    private int integer() {
      skip();
      int start = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
      if (start == i) throw error("a layer width");
      try {
        return Integer.parseInt(s.substring(start, i));
      } catch (NumberFormatException e) {
        throw error("a layer width that fits an int");
      }
    }

    private void expect(char c) {
      skip();
      if (peek() != c) throw error("'" + c + "'");
      i++;
    }

    private char peek() {
      return i < s.length() ? s.charAt(i) : '\0';
    }

    private void skip() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException("NetArch: cannot parse '" + s + "' at position " + i + ": expected or found " + what);
    }
  }
}
