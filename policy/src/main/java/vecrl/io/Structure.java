package vecrl.io;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.space.Box;
import vecrl.space.Dict;
import vecrl.space.Discrete;
import vecrl.space.MultiBinary;
import vecrl.space.MultiDiscrete;
import vecrl.space.Space;
import vecrl.space.Tuple;

/**
 * Builds the canonical structure text of a {@link Savable}: one {@code key=value} line per entry, in
 * the order added. Floats are written exactly (hex bit patterns), so any bound change changes the
 * fingerprint.
 */
public final class Structure {
  private final StringBuilder sb = new StringBuilder();

  /** Starts with the class: {@code class=<fully qualified name>}. */
  public Structure(Class<?> type) {
    add("class", type.getName());
  }

  public Structure add(String key, Object value) {
    sb.append(key).append('=').append(value).append('\n');
    return this;
  }

  /** A space, with exact bounds for Box. */
  public Structure space(String key, Space<?> space) {
    return add(key, describe(space));
  }

  /** Every parameter's name and shape, in order. */
  public Structure parameters(ParameterSet params) {
    add("parameters", params.size());
    for (Parameter p : params) add("param", p.name() + " " + Arrays.toString(p.value().shape()));
    return this;
  }

  @Override
  public String toString() {
    return sb.toString();
  }

  /** An exact description of a space. */
  public static String describe(Space<?> space) {
    return switch (space) {
      case Box b -> "Box(shape=" + Arrays.toString(b.shape()) + ", low=" + exact(b.low()) + ", high=" + exact(b.high())
          + (b.isUint8() ? ", dtype=uint8" : "") + ")";
      case Discrete d -> "Discrete(n=" + d.n() + ", start=" + d.start() + ")";
      case MultiDiscrete m -> "MultiDiscrete(nvec=" + Arrays.toString(m.nvec()) + ")";
      case MultiBinary m -> "MultiBinary(n=" + m.n() + ")";
      case Dict d -> {
        StringBuilder s = new StringBuilder("Dict(");
        boolean first = true;
        for (Map.Entry<String, ? extends Space<?>> e : d.spaces().entrySet()) {
          s.append(first ? "" : ", ").append(e.getKey()).append(": ").append(describe(e.getValue()));
          first = false;
        }
        yield s.append(')').toString();
      }
      case Tuple t -> {
        StringBuilder s = new StringBuilder("Tuple(");
        for (int i = 0; i < t.spaces().size(); i++) s.append(i == 0 ? "" : ", ").append(describe(t.spaces().get(i)));
        yield s.append(')').toString();
      }
    };
  }

  private static String exact(float[] xs) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < xs.length; i++) s.append(i == 0 ? "" : ",").append(Integer.toHexString(Float.floatToRawIntBits(xs[i])));
    return s.append(']').toString();
  }

  /** SHA-256 of the UTF-8 text: the 32-byte structural fingerprint. */
  public static byte[] fingerprint(String structure) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(structure.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
