package vecrl.algo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A minimal JSON reader for the test fixtures: objects, arrays, numbers, strings, booleans, null. */
final class Json {
  private final String s;
  private int i;

  private Json(String s) {
    this.s = s;
  }

  static Object resource(String name) {
    try (InputStream in = Json.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing test resource " + name);
      return new Json(new String(in.readAllBytes(), StandardCharsets.UTF_8)).value();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> obj(Object o) {
    return (Map<String, Object>) o;
  }

  /** A flat double array from a nested list of numbers, row-major. */
  static double[] flat(Object o) {
    List<Double> out = new ArrayList<>();
    flatten(o, out);
    double[] a = new double[out.size()];
    for (int k = 0; k < a.length; k++) a[k] = out.get(k);
    return a;
  }

  static float[] flatF(Object o) {
    double[] d = flat(o);
    float[] f = new float[d.length];
    for (int k = 0; k < d.length; k++) f[k] = (float) d[k];
    return f;
  }

  private static void flatten(Object o, List<Double> out) {
    if (o instanceof List<?> l) for (Object e : l) flatten(e, out);
    else out.add(((Number) o).doubleValue());
  }

  private Object value() {
    ws();
    char c = s.charAt(i);
    if (c == '{') {
      i++;
      Map<String, Object> m = new LinkedHashMap<>();
      ws();
      if (s.charAt(i) == '}') { i++; return m; }
      while (true) {
        ws();
        String k = (String) value();
        ws();
        expect(':');
        m.put(k, value());
        ws();
        if (s.charAt(i) == ',') { i++; continue; }
        expect('}');
        return m;
      }
    }
    if (c == '[') {
      i++;
      List<Object> l = new ArrayList<>();
      ws();
      if (s.charAt(i) == ']') { i++; return l; }
      while (true) {
        l.add(value());
        ws();
        if (s.charAt(i) == ',') { i++; continue; }
        expect(']');
        return l;
      }
    }
    if (c == '"') {
      StringBuilder b = new StringBuilder();
      i++;
      while (s.charAt(i) != '"') {
        if (s.charAt(i) == '\\') i++;
        b.append(s.charAt(i++));
      }
      i++;
      return b.toString();
    }
    if (s.startsWith("true", i)) { i += 4; return true; }
    if (s.startsWith("false", i)) { i += 5; return false; }
    if (s.startsWith("null", i)) { i += 4; return null; }
    int st = i;
    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
    return Double.parseDouble(s.substring(st, i));
  }

  private void ws() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
  }

  private void expect(char c) {
    if (s.charAt(i) != c) throw new IllegalStateException("json: expected '" + c + "' at " + i + ", found '" + s.charAt(i) + "'");
    i++;
  }
}
