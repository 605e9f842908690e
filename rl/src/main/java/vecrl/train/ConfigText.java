package vecrl.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@link TrainConfig}'s text form: {@code key = value} lines to a config and back, with errors that name the key and what it takes. */
final class ConfigText {
  private ConfigText() {}

  /** Every field as key to text, in declaration order. */
  static Map<String, String> toMap(TrainConfig config) {
    Map<String, String> m = new LinkedHashMap<>();
    for (var c : TrainConfig.class.getRecordComponents()) {
      try {
        Object v = c.getAccessor().invoke(config);
        m.put(c.getName(), v instanceof Double d ? fmt(d) : String.valueOf(v));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return m;
  }

  private static String fmt(double d) {
    if (Double.isNaN(d)) return "NaN";
    if (d == Math.rint(d) && Math.abs(d) < 1e15) return String.valueOf((long) d);
    return String.valueOf(d);
  }

  /**
   * A config from {@code values} laid over {@code base}. Unknown keys are an error naming the valid
   * ones; unparsable values name the key and the expected type.
   */
  static TrainConfig fromMap(TrainConfig base, Map<String, String> values) {
    Map<String, String> m = base.toMap();
    for (var e : values.entrySet()) {
      String k = e.getKey().trim();
      if (k.equals("annealLr")) { // the key of older config files
        m.put("lrSchedule", parseBool(e.getValue().trim()) ? "linear" : "constant");
        continue;
      }
      if (!m.containsKey(k)) throw new IllegalArgumentException("config: unknown key \"" + vecrl.io.Text.show(k) + "\"; valid keys: " + String.join(", ", m.keySet()));
      m.put(k, e.getValue().trim());
    }
    var comps = TrainConfig.class.getRecordComponents();
    Object[] args = new Object[comps.length];
    Class<?>[] types = new Class<?>[comps.length];
    for (int i = 0; i < comps.length; i++) {
      types[i] = comps[i].getType();
      String k = comps[i].getName();
      String v = m.get(k);
      try {
        args[i] = switch (types[i].getName()) {
          case "long" -> TrainConfig.parseInteger(v);
          case "int" -> Math.toIntExact(TrainConfig.parseInteger(v));
          case "double" -> Double.parseDouble(v);
          case "boolean" -> parseBool(v);
          default -> types[i].isEnum() ? parseEnum(k, v, types[i]) : k.equals("policy") ? policyName(v) : v;
        };
      } catch (NumberFormatException | ArithmeticException e) {
        throw new IllegalArgumentException("config: " + k + " = " + vecrl.io.Text.show(v) + ", expected a" + (types[i] == int.class
            ? "n integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE : types[i] == long.class ? "n integer" : " number"));
      }
    }
    try {
      return TrainConfig.class.getDeclaredConstructor(types).newInstance(args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object parseEnum(String key, String v, Class<?> type) {
    for (Object c : type.getEnumConstants()) {
      if (c.toString().equalsIgnoreCase(v) || ((Enum<?>) c).name().equalsIgnoreCase(v)) return c;
    }
    throw new IllegalArgumentException("config: " + key + " = " + vecrl.io.Text.show(v) + ", expected one of " + java.util.Arrays.toString(type.getEnumConstants()));
  }

  /** The built-in kinds are case-insensitive; registry and class names are kept as written. */
  private static String policyName(String v) {
    String lower = v.toLowerCase(Locale.ROOT);
    return TrainConfig.POLICIES.contains(lower) ? lower : v;
  }

  private static boolean parseBool(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new IllegalArgumentException("config: \"" + vecrl.io.Text.show(v) + "\" is not a boolean (true/false)");
    };
  }

  /** Parses {@code key = value} lines (blank lines and # comments skipped). */
  static Map<String, String> parse(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    int line = 0;
    for (String raw : text.split("\n", -1)) {
      line++;
      String s = raw.strip();
      if (s.isEmpty() || s.startsWith("#")) continue;
      int eq = s.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("config line " + line + ": \"" + vecrl.io.Text.show(s) + "\" is not key = value");
      m.put(s.substring(0, eq).strip(), s.substring(eq + 1).strip());
    }
    return m;
  }

  /** The key = value lines of a UTF-8 text file; a binary file is an error that says so. */
  static Map<String, String> parse(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IOException(file + ": not a config file (not UTF-8 text; a config is key = value lines)", e);
    }
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }
}
