package vecrl.io;

/**
 * Text read from a file, made safe to show in a message: quoted, non-printable characters escaped
 * (so that no escape sequence reaches a terminal) and cut to {@link #MAX} characters.
 */
public final class Text {
  /** The most characters of file content a message quotes. */
  public static final int MAX = 100;

  private Text() {}

  /**
   * {@code s} as it is when it is at most {@link #MAX} printable ASCII characters, otherwise {@link
   * #quote}d: for values that messages have always shown bare.
   */
  public static String show(String s) {
    if (s == null) return "null";
    if (s.length() <= MAX && s.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) return s;
    return quote(s);
  }

  /** {@code s} in single quotes, escaped and cut to {@link #MAX} characters ({@code null} for null). */
  public static String quote(String s) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder("'");
    int shown = 0;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (shown == MAX) {
        b.append("...' (").append(s.codePointCount(0, s.length())).append(" characters)");
        return b.toString();
      }
      shown++;
      if (c == '\'' || c == '\\') b.append('\\').appendCodePoint(c);
      else if (c >= 0x20 && c < 0x7f) b.appendCodePoint(c);
      else if (c < 0x20 || c == 0x7f || Character.isISOControl(c) || !Character.isDefined(c) || Character.getType(c) == Character.FORMAT
          || Character.getType(c) == Character.SURROGATE || Character.getType(c) == Character.PRIVATE_USE
          || Character.isWhitespace(c)) {
        b.append(c <= 0xffff ? String.format("\\u%04x", c) : String.format("\\U%08x", c));
      } else {
        b.appendCodePoint(c);
      }
    }
    return b.append('\'').toString();
  }
}
