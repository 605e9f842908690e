package vecrl.policy;

import vecrl.space.Discrete;
import vecrl.space.MultiBinary;
import vecrl.space.MultiDiscrete;
import vecrl.space.Space;
import vecrl.tensor.Tensor;

/**
 * The conversion from an environment's action mask (the object a space's {@code sample(rng, mask)}
 * takes) to the float mask row a policy takes ({@link ActorCriticPolicy#maskWidth} columns), plus
 * the check of an action against such a row. The spaces own these layouts ({@link
 * Space#maskToRow}, {@link Space#rowAllowed}); this class is a thin front for code holding a
 * {@code Space<?>}.
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
    space.maskToRow(mask, out, offset);
  }

  /** The row of {@code mask} as a new [maskWidth] tensor for single-observation calls ({@link ActorCriticPolicy#act}); null for a null mask. */
  public static Tensor row(Space<?> space, Object mask) {
    if (mask == null) return null;
    Tensor t = Tensor.zeros(space.maskWidth());
    write(space, mask, t.data(), t.offset());
    return t;
  }

  /**
   * Whether the action row {@code action[actionOffset ..]} (the policy's float form: a discrete
   * index, or one value per component or bit) is allowed by the mask row {@code mask[maskOffset
   * ..]}. For a Box every action is allowed. A discrete index outside its range is an error.
   */
  public static boolean allows(Space<?> space, float[] mask, int maskOffset, float[] action, int actionOffset) {
    return space.rowAllowed(mask, maskOffset, action, actionOffset);
  }
}
