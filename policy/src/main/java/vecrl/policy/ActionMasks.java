package vecrl.policy;

import vecrl.space.Discrete;
import vecrl.space.MultiBinary;
import vecrl.space.MultiDiscrete;
import vecrl.space.Space;
import vecrl.tensor.Tensor;

/**
 * The one conversion from an environment's action mask (the object a space's {@code sample(rng,
 * mask)} takes) to the float mask row a policy takes ({@link ActorCriticPolicy#maskWidth}
 * columns), plus the check of an action against such a row.
 *
 * <table>
 *   <caption>Mask objects and rows</caption>
 *   <tr><th>Action space</th><th>Mask object</th><th>Row</th></tr>
 *   <tr><td>{@link Discrete}(n)</td><td>{@code boolean[n]}, true = allowed</td><td>n floats, 1 = allowed, 0 = masked</td></tr>
 *   <tr><td>{@link MultiDiscrete}(nvec)</td><td>{@code boolean[components][]}, one {@code boolean[nvec[i]]} per
 *       component, a null component unmasked</td><td>sum(nvec) floats, the components' rows one after another</td></tr>
 *   <tr><td>{@link MultiBinary}(n)</td><td>{@code int[n]} of codes 0 (bit must be 0), 1 (must be 1), 2 (free)</td>
 *       <td>n floats holding the codes</td></tr>
 * </table>
 *
 * A null mask object means every action is allowed. A mask of the wrong type or length, a code
 * outside 0..2, or a (component's) mask that allows nothing is an {@link IllegalArgumentException}
 * whose message names the problem and the space (for example {@code action mask allows no action
 * (Discrete(4))}); callers that know where the mask came from prefix it (the vector environment
 * names the env index and step). A {@link vecrl.space.Box} takes no mask (width 0).
 */
public final class ActionMasks {
  private ActionMasks() {}

  /**
   * Writes the row of {@code mask} for {@code space} into {@code out[offset .. offset +
   * maskWidth)} (modified); a null mask writes the row that allows every action.
   */
  public static void write(Space<?> space, Object mask, float[] out, int offset) {
    switch (space) {
      case Discrete d -> {
        if (mask == null) {
          java.util.Arrays.fill(out, offset, offset + d.n(), 1f);
          return;
        }
        if (!(mask instanceof boolean[] m)) throw new IllegalArgumentException("action mask must be a boolean[" + d.n() + "] for " + space + ", got " + describe(mask));
        writeChoices(m, d.n(), out, offset, "", space);
      }
      case MultiDiscrete md -> {
        int[] nvec = md.nvec();
        if (mask != null && (!(mask instanceof boolean[][] m) || m.length != nvec.length)) {
          throw new IllegalArgumentException("action mask must be a boolean[" + nvec.length + "][] for " + space + ", got " + describe(mask));
        }
        boolean[][] m = (boolean[][]) mask;
        int at = offset;
        for (int i = 0; i < nvec.length; i++) {
          if (m == null || m[i] == null) java.util.Arrays.fill(out, at, at + nvec[i], 1f);
          else writeChoices(m[i], nvec[i], out, at, " of component " + i, space);
          at += nvec[i];
        }
      }
      case MultiBinary mb -> {
        int n = mb.n();
        if (mask == null) {
          java.util.Arrays.fill(out, offset, offset + n, 2f);
          return;
        }
        if (!(mask instanceof int[] m) || m.length != n) {
          throw new IllegalArgumentException("action mask must be an int[" + n + "] of codes 0, 1, 2 for " + space + ", got " + describe(mask));
        }
        for (int i = 0; i < n; i++) {
          if (m[i] < 0 || m[i] > 2) {
            throw new IllegalArgumentException("action mask bit " + i + " has code " + m[i] + ", expected 0 (bit 0), 1 (bit 1) or 2 (free) for " + space);
          }
          out[offset + i] = m[i];
        }
      }
      default -> {
        if (mask != null) throw new IllegalArgumentException("action space " + space + " takes no action mask, got " + describe(mask));
      }
    }
  }

  private static void writeChoices(boolean[] m, int n, float[] out, int offset, String part, Space<?> space) {
    if (m.length != n) throw new IllegalArgumentException("action mask" + part + " has " + m.length + " entries, expected " + n + " for " + space);
    boolean any = false;
    for (int i = 0; i < n; i++) {
      out[offset + i] = m[i] ? 1f : 0f;
      any |= m[i];
    }
    if (!any) throw new IllegalArgumentException("action mask" + part + " allows no action (" + space + ")");
  }

  /** The row of {@code mask} as a new [maskWidth] tensor for single-observation calls ({@link ActorCriticPolicy#act}); null for a null mask. */
  public static Tensor row(Space<?> space, Object mask) {
    if (mask == null) return null;
    Tensor t = Tensor.zeros(ActorCriticPolicy.maskWidth(space));
    write(space, mask, t.data(), t.offset());
    return t;
  }

  /**
   * Whether the action row {@code action[actionOffset ..]} (the policy's float form: a discrete
   * index, or one value per component or bit) is allowed by the mask row {@code mask[maskOffset
   * ..]}. For a Box every action is allowed.
   */
  public static boolean allows(Space<?> space, float[] mask, int maskOffset, float[] action, int actionOffset) {
    switch (space) {
      case Discrete d -> {
        return mask[maskOffset + (int) action[actionOffset]] != 0f;
      }
      case MultiDiscrete md -> {
        int[] nvec = md.nvec();
        int at = maskOffset;
        for (int i = 0; i < nvec.length; i++) {
          if (mask[at + (int) action[actionOffset + i]] == 0f) return false;
          at += nvec[i];
        }
        return true;
      }
      case MultiBinary mb -> {
        for (int i = 0; i < mb.n(); i++) {
          float code = mask[maskOffset + i];
          if (code != 2f && code != action[actionOffset + i]) return false;
        }
        return true;
      }
      default -> {
        return true;
      }
    }
  }

  private static String describe(Object v) {
    if (v == null) return "null";
    if (v instanceof boolean[] a) return "boolean[" + a.length + "]";
    if (v instanceof int[] a) return "int[" + a.length + "]";
    if (v instanceof float[] a) return "float[" + a.length + "]";
    if (v instanceof boolean[][] a) return "boolean[" + a.length + "][]";
    return v.getClass().getSimpleName();
  }
}
