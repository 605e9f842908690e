package vecrl.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecrl.space.Box;
import vecrl.space.Dict;
import vecrl.space.Discrete;
import vecrl.space.MultiBinary;
import vecrl.space.MultiDiscrete;
import vecrl.space.Space;
import vecrl.space.Tuple;

/**
 * Parses the exact space text of {@link Structure#describe} back into a space, so {@code
 * parse(describe(s))} equals {@code s} bit for bit (Box bounds are hex float bit patterns). Hostile
 * text gives an {@link IllegalArgumentException} naming the position; nesting is at most {@value
 * #MAX_DEPTH} deep and no array is longer than the text.
 */
public final class SpaceText {
  static final int MAX_DEPTH = 16;
  private final String s;
  private int i;

  private SpaceText(String s) {
    this.s = s;
  }

  /** The space {@code text} describes. */
  public static Space<?> parse(String text) {
    SpaceText p = new SpaceText(text);
    Space<?> sp = p.space(0);
    if (p.i != text.length()) throw p.error("unexpected text after the space");
    return sp;
  }

  private Space<?> space(int depth) {
    if (depth > MAX_DEPTH) throw error("spaces nested deeper than " + MAX_DEPTH);
    int start = i;
    while (i < s.length() && Character.isLetter(s.charAt(i))) i++;
    String kind = s.substring(start, i);
    expect('(');
    Space<?> out;
    try {
      out = switch (kind) {
        case "Box" -> {
          int[] shape = ints(key("shape"));
          expect(", ");
          float[] low = hexFloats(key("low"));
          expect(", ");
          float[] high = hexFloats(key("high"));
          boolean uint8 = false;
          if (tryExpect(", ")) {
            String dtype = key("dtype");
            if (!dtype.equals("uint8")) throw error("unknown Box dtype " + Text.quote(dtype) + "; expected uint8");
            uint8 = true;
          }
          yield new Box(uint8, low, high, shape);
        }
        case "Discrete" -> {
          int n = integer(key("n"));
          expect(", ");
          yield new Discrete(n, integer(key("start")));
        }
        case "MultiDiscrete" -> new MultiDiscrete(ints(key("nvec")));
        case "MultiBinary" -> new MultiBinary(integer(key("n")));
        case "Dict" -> {
          Map<String, Space<?>> m = new LinkedHashMap<>();
          do {
            int k = i;
            int colon = s.indexOf(": ", i);
            if (colon < 0) throw error("expected 'key: space'");
            String key = s.substring(k, colon);
            i = colon + 2;
            if (m.put(key, space(depth + 1)) != null) throw error("key " + Text.quote(key) + " appears twice");
          } while (tryExpect(", "));
          yield new Dict(m);
        }
        case "Tuple" -> {
          List<Space<?>> l = new ArrayList<>();
          do l.add(space(depth + 1)); while (tryExpect(", "));
          yield new Tuple(l);
        }
        default -> throw error("unknown space " + Text.quote(kind) + "; expected Box, Discrete, MultiDiscrete, MultiBinary, Dict or Tuple");
      };
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("space text")) throw e;
      throw error(kind + ": " + e.getMessage());
    }
    expect(')');
    return out;
  }

  private String key(String key) {
    expect(key + "=");
    int start = i;
    if (i < s.length() && s.charAt(i) == '[') {
      int end = s.indexOf(']', i);
      if (end < 0) throw error("unclosed '['");
      i = end + 1;
    } else {
      while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '-')) i++;
    }
    return s.substring(start, i);
  }

  private int integer(String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw error(Text.quote(v) + " is not an integer");
    }
  }

  private String[] items(String v) {
    if (!v.startsWith("[") || !v.endsWith("]")) throw error("expected [...], got " + Text.quote(v));
    String body = v.substring(1, v.length() - 1).trim();
    return body.isEmpty() ? new String[0] : body.split(",");
  }

  private int[] ints(String v) {
    String[] it = items(v);
    int[] out = new int[it.length];
    for (int k = 0; k < it.length; k++) out[k] = integer(it[k].trim());
    return out;
  }

  private float[] hexFloats(String v) {
    String[] it = items(v);
    float[] out = new float[it.length];
    for (int k = 0; k < it.length; k++) {
      try {
        out[k] = Float.intBitsToFloat(Integer.parseUnsignedInt(it[k].trim(), 16));
      } catch (NumberFormatException e) {
        throw error(Text.quote(it[k]) + " is not a float bit pattern in hex");
      }
    }
    return out;
  }

  private void expect(char c) {
    expect(String.valueOf(c));
  }

  private void expect(String t) {
    if (!tryExpect(t)) throw error("expected " + Text.quote(t));
  }

  private boolean tryExpect(String t) {
    if (s.startsWith(t, i)) {
      i += t.length();
      return true;
    }
    return false;
  }

  private IllegalArgumentException error(String why) {
    return new IllegalArgumentException("space text " + Text.quote(s) + " at " + i + ": " + why);
  }
}
