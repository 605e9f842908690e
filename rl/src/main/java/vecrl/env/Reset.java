package vecrl.env;

import java.util.Map;

/**
 * What {@link Env#reset} returns: the first observation of the episode and an info map.
 *
 * @param observation the first observation
 * @param info extra information; never null (empty when there is none)
 */
public record Reset<O>(O observation, Map<String, Object> info) {
  public Reset {
    if (info == null) throw new IllegalArgumentException("Reset: info is null; use Map.of()");
  }

  /** A reset with an empty info map. */
  public static <O> Reset<O> of(O observation) {
    return new Reset<>(observation, Map.of());
  }
}
