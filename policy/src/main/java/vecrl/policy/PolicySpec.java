package vecrl.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import vecrl.io.ObservationNormalizer;
import vecrl.io.SpaceText;
import vecrl.io.Structure;
import vecrl.io.Text;
import vecrl.nn.Activation;
import vecrl.nn.NetArch;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * The structure spec of a version-2 policy file ({@link vecrl.io.PolicyIO}): everything needed to
 * rebuild the policy with no constructor arguments, plus the observation normaliser and the
 * provenance. It is UTF-8 text, one {@code key=value} line per entry ({@code \} and line breaks in
 * values escaped as {@code \\}, {@code \n}, {@code \r}):
 *
 * <pre>
 * spec=1
 * kind=MlpActorCriticPolicy | RecurrentActorCriticPolicy
 * observationSpace=Box(shape=[4], low=[...], high=[...])      exact, as Structure.describe
 * actionSpace=Discrete(n=2, start=0)
 * config.*=...                                               every field of the network config (a recurrent
 *                                                            config's layerNorm and layers only when not false and 1)
 * normalizer.clip=, normalizer.epsilon=, normalizer.count=,   only with a normaliser; doubles in
 * normalizer.mean=, normalizer.var=                           Java's round-trip decimal form
 * provenance.*=...                                           free text: vecrl, git, jdk, backend, env, ...
 * </pre>
 *
 * Floats of the config are written as hex bit patterns, so the rebuilt policy's structure (and so
 * its fingerprint) is the saved one's exactly. Parsing is bounded by the text (at most {@value
 * #MAX_LINES} lines) and every error names the key.
 */
public record PolicySpec(ActorCriticPolicy skeleton, ObservationNormalizer normalizer, Map<String, String> provenance) {
  static final int MAX_LINES = 100_000;
  /** The policy kinds a spec can name. */
  public static final String MLP = "MlpActorCriticPolicy", RECURRENT = "RecurrentActorCriticPolicy";

  public PolicySpec {
    if (skeleton == null) throw new IllegalArgumentException("PolicySpec: skeleton is null");
    provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance == null ? Map.of() : provenance));
    if (normalizer != null && normalizer.size() != skeleton.observationSize()) {
      throw new IllegalArgumentException("PolicySpec: normaliser of " + normalizer.size() + " components for observations of "
          + skeleton.observationSize());
    }
  }

  /** The spec text of {@code policy} (an MLP or recurrent actor-critic) with its normaliser (or null) and provenance. */
  public static String write(ActorCriticPolicy policy, ObservationNormalizer normalizer, Map<String, String> provenance) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("spec", "1");
    switch (policy) {
      case MlpActorCriticPolicy p -> {
        m.put("kind", MLP);
        MlpPolicyConfig c = p.config();
        m.put("config.netArch", c.netArch() == null ? "none" : c.netArch().toString());
        m.put("config.featureSize", "" + c.featureSize());
        m.put("config.featureWidth", "" + c.featureWidth());
        m.put("config.featureDepth", "" + c.featureDepth());
        m.put("config.valueWidth", "" + c.valueWidth());
        m.put("config.valueDepth", "" + c.valueDepth());
        m.put("config.actionWidth", "" + c.actionWidth());
        m.put("config.actionDepth", "" + c.actionDepth());
        m.put("config.activation", c.activation().name());
        m.put("config.logStdInit", hex(c.logStdInit()));
        m.put("config.orthogonalInit", "" + c.orthogonalInit());
        m.put("config.squash", "" + c.squash());
      }
      case RecurrentActorCriticPolicy p -> {
        m.put("kind", RECURRENT);
        RecurrentPolicyConfig c = p.config();
        m.put("config.netArch", c.netArch().toString());
        m.put("config.sharedCell", "" + c.sharedCell());
        m.put("config.activation", c.activation().name());
        m.put("config.logStdInit", hex(c.logStdInit()));
        m.put("config.orthogonalInit", "" + c.orthogonalInit());
        m.put("config.squash", "" + c.squash());
        // written only when set, so that a one-layer plain policy's spec text is what it always was
        if (c.layerNorm()) m.put("config.layerNorm", "true");
        if (c.layers() != 1) m.put("config.layers", "" + c.layers());
      }
      default -> throw new IllegalArgumentException("PolicySpec: " + policy.getClass().getName()
          + " cannot describe itself; a self-describing file holds an MlpActorCriticPolicy or a RecurrentActorCriticPolicy");
    }
    // Spaces after the kind and config keys would read as well; they come second for a reader.
    Map<String, String> ordered = new LinkedHashMap<>();
    ordered.put("spec", m.remove("spec"));
    ordered.put("kind", m.remove("kind"));
    ordered.put("observationSpace", Structure.describe(policy.observationSpace()));
    ordered.put("actionSpace", Structure.describe(policy.actionSpace()));
    ordered.putAll(m);
    if (normalizer != null) {
      ordered.put("normalizer.clip", Float.toString(normalizer.clip()));
      ordered.put("normalizer.epsilon", Double.toString(normalizer.epsilon()));
      ordered.put("normalizer.count", Double.toString(normalizer.count()));
      ordered.put("normalizer.mean", doubles(normalizer.mean()));
      ordered.put("normalizer.var", doubles(normalizer.var()));
    }
    if (provenance != null) provenance.forEach((k, v) -> ordered.put("provenance." + k, v == null ? "" : v));
    StringBuilder b = new StringBuilder();
    ordered.forEach((k, v) -> b.append(k).append('=').append(escape(v)).append('\n'));
    return b.toString();
  }

  /**
   * Parses spec text and builds the skeleton it describes (random weights from a fixed seed, to be
   * overwritten by the file's).
   *
   * @throws IllegalArgumentException naming the key, for a missing key, an unknown kind or a value
   *     that does not parse
   */
  public static PolicySpec parse(String text) {
    return parse(text, Long.MAX_VALUE);
  }

  /**
   * {@link #parse(String)}, refusing before anything is built a spec whose network would have more
   * than about {@code 4 * savedFloats + 65536} parameters (an upper bound is computed from the
   * sizes): a hostile file cannot make the loader allocate much more than the file holds.
   */
  public static PolicySpec parse(String text, long savedFloats) {
    Map<String, String> m = lines(text);
    String version = need(m, "spec");
    if (!version.equals("1")) throw new IllegalArgumentException("spec version " + Text.quote(version) + "; this build reads 1");
    Space<?> obs = space(m, "observationSpace"), act = space(m, "actionSpace");
    String kind = need(m, "kind");
    Activation activation = value(m, "config.activation", Activation::parse);
    float logStd = value(m, "config.logStdInit", PolicySpec::unhex);
    boolean ortho = value(m, "config.orthogonalInit", PolicySpec::bool), squash = value(m, "config.squash", PolicySpec::bool);
    String arch = need(m, "config.netArch");
    boolean layerNorm = m.containsKey("config.layerNorm") && value(m, "config.layerNorm", PolicySpec::bool);
    int layers = m.containsKey("config.layers") ? integer(m, "config.layers") : 1;
    if (layers < 1 || layers > RecurrentPolicyConfig.MAX_LAYERS) {
      throw new IllegalArgumentException("config.layers " + layers + ", expected 1 to " + RecurrentPolicyConfig.MAX_LAYERS);
    }
    long head = Math.max(2L * act.actionWidth(), act.maskWidth()) + 1, bound;
    if (kind.equals(MLP) && arch.equals("none")) {
      int fs = integer(m, "config.featureSize");
      bound = chain(obs.flatSize(), integer(m, "config.featureWidth"), integer(m, "config.featureDepth"), fs)
          + chain(fs, integer(m, "config.valueWidth"), integer(m, "config.valueDepth"), 1)
          + chain(fs, integer(m, "config.actionWidth"), integer(m, "config.actionDepth"), head);
    } else {
      NetArch a = value(m, "config.netArch", NetArch::parse);
      long[] trunk = widths(obs.flatSize(), a.shared());
      long last = trunk[trunk.length - 1], h = a.cell() == null ? 0 : a.cell().size();
      // every layer: 4 gate blocks of (in + h + 2) h, plus at most 18 h of layer-norm gains and shifts
      bound = chain(trunk) + (h == 0 ? 0 : 4 * (last + h + 2) * h + (layers - 1) * 4 * (2 * h + 2) * h + layers * 18 * h);
      long top = h == 0 ? last : h;
      bound += chain(append(widths(top, a.pi()), head)) + chain(append(widths(top, a.vf()), 1));
      if (h != 0) bound *= 2;
    }
    if (bound / 4 > savedFloats + 16_384) {
      throw new IllegalArgumentException("the spec describes a network of up to " + bound + " parameters but the file holds " + savedFloats
          + " values; refused before allocating");
    }
    ActorCriticPolicy skeleton;
    try {
      skeleton = switch (kind) {
        case MLP -> new MlpActorCriticPolicy(obs, act, new MlpPolicyConfig(integer(m, "config.featureSize"), integer(m, "config.featureWidth"),
            integer(m, "config.featureDepth"), integer(m, "config.valueWidth"), integer(m, "config.valueDepth"), integer(m, "config.actionWidth"),
            integer(m, "config.actionDepth"), activation, logStd, ortho, squash, arch.equals("none") ? null : value(m, "config.netArch", NetArch::parse)),
            new Rng(0));
        case RECURRENT -> new RecurrentActorCriticPolicy(obs, act, new RecurrentPolicyConfig(value(m, "config.netArch", NetArch::parse),
            value(m, "config.sharedCell", PolicySpec::bool), activation, ortho, logStd, squash, layerNorm, layers), new Rng(0));
        default -> throw new IllegalArgumentException("kind " + Text.quote(kind) + " is not one this build can rebuild; expected " + MLP + " or " + RECURRENT);
      };
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the spec does not build a policy: " + e.getMessage(), e);
    }
    ObservationNormalizer norm = null;
    if (m.containsKey("normalizer.mean")) {
      try {
        norm = new ObservationNormalizer(value(m, "normalizer.mean", PolicySpec::parseDoubles), value(m, "normalizer.var", PolicySpec::parseDoubles),
            value(m, "normalizer.count", Double::parseDouble), value(m, "normalizer.clip", Float::parseFloat),
            value(m, "normalizer.epsilon", Double::parseDouble));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("normalizer: " + e.getMessage(), e);
      }
    }
    Map<String, String> prov = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (k.startsWith("provenance.")) prov.put(k.substring("provenance.".length()), v);
    });
    return new PolicySpec(skeleton, norm, prov);
  }

  /** The key=value entries of spec text, unescaped, in order; a duplicate key or a line without '=' is an error. */
  public static Map<String, String> lines(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    int n = 0;
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) continue;
      if (++n > MAX_LINES) throw new IllegalArgumentException("more than " + MAX_LINES + " lines");
      int eq = line.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("line " + n + " " + Text.quote(line) + " is not key=value");
      String key = line.substring(0, eq);
      if (m.put(key, unescape(line.substring(eq + 1), key)) != null) throw new IllegalArgumentException("key " + Text.quote(key) + " appears twice");
    }
    return m;
  }

  /** Weights and biases of {@code in -> width x depth -> out}, saturating. */
  private static long chain(long in, long width, long depth, long out) {
    if (depth < 0 || depth > 1_000 || width < 0) return Long.MAX_VALUE / 4;
    long[] sizes = new long[(int) depth + 2];
    sizes[0] = in;
    for (int i = 1; i <= depth; i++) sizes[i] = width;
    sizes[sizes.length - 1] = out;
    return chain(sizes);
  }

  private static long chain(long... sizes) {
    long total = 0;
    for (int i = 0; i + 1 < sizes.length; i++) {
      total += Math.multiplyHigh(sizes[i] + 1, sizes[i + 1]) != 0 ? Long.MAX_VALUE / 4 : Math.min(Long.MAX_VALUE / 4, (sizes[i] + 1) * sizes[i + 1]);
      if (total > Long.MAX_VALUE / 4) return Long.MAX_VALUE / 4;
    }
    return total;
  }

  private static long[] widths(long first, int[] rest) {
    long[] out = new long[rest.length + 1];
    out[0] = first;
    for (int i = 0; i < rest.length; i++) out[i + 1] = rest[i];
    return out;
  }

  private static long[] append(long[] a, long last) {
    long[] out = java.util.Arrays.copyOf(a, a.length + 1);
    out[a.length] = last;
    return out;
  }

  private static String need(Map<String, String> m, String key) {
    String v = m.get(key);
    if (v == null) throw new IllegalArgumentException("missing key " + Text.quote(key));
    return v;
  }

  private static <T> T value(Map<String, String> m, String key, java.util.function.Function<String, T> parse) {
    String v = need(m, key);
    try {
      return parse.apply(v);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(key + "=" + Text.quote(v) + ": " + e.getMessage(), e);
    }
  }

  private static Space<?> space(Map<String, String> m, String key) {
    return value(m, key, SpaceText::parse);
  }

  private static int integer(Map<String, String> m, String key) {
    return value(m, key, Integer::parseInt);
  }

  private static boolean bool(String v) {
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("expected true or false");
    };
  }

  private static String hex(float f) {
    return Integer.toHexString(Float.floatToRawIntBits(f));
  }

  private static float unhex(String v) {
    return Float.intBitsToFloat(Integer.parseUnsignedInt(v, 16));
  }

  private static String doubles(double[] a) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < a.length; i++) b.append(i == 0 ? "" : ",").append(a[i]);
    return b.toString();
  }

  private static double[] parseDoubles(String v) {
    if (v.isEmpty()) return new double[0];
    String[] it = v.split(",");
    double[] out = new double[it.length];
    for (int i = 0; i < it.length; i++) out[i] = Double.parseDouble(it[i]);
    return out;
  }

  static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
  }

  private static String unescape(String v, String key) {
    if (v.indexOf('\\') < 0) return v;
    StringBuilder b = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (++i == v.length()) throw new IllegalArgumentException(key + ": a lone '\\' at the end");
      switch (v.charAt(i)) {
        case '\\' -> b.append('\\');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        default -> throw new IllegalArgumentException(key + ": unknown escape '\\" + v.charAt(i) + "'");
      }
    }
    return b.toString();
  }
}
