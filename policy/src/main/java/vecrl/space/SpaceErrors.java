package vecrl.space;

/** The shared error checks of the row methods of spaces that have no mask or no action row. */
final class SpaceErrors {
  private SpaceErrors() {}

  /** An error for a non-null mask given to a space that takes none (Box, Dict, Tuple). */
  static void noMask(Space<?> space, Object mask) {
    if (mask != null) throw new IllegalArgumentException("action space " + space + " takes no action mask, got " + Box.describe(mask));
  }

  /** The error of the action-row methods of a space that cannot be a policy's action space (Dict, Tuple). */
  static IllegalArgumentException notAnActionSpace(Space<?> space) {
    return new IllegalArgumentException(space + " cannot be the action space of a policy: action rows exist for Box, "
        + "Discrete, MultiDiscrete and MultiBinary only");
  }
}
