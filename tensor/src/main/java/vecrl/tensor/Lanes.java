package vecrl.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane reductions in a fixed order, for code outside this package that writes its own vector loops
 * (the policy module's tape-free layers). The same butterfly as the kernels' own horizontal sums.
 * Call it where it runs often (once per output row, say): a rarely reached call may not be
 * inlined, and then the vector argument is boxed.
 */
public final class Lanes {
  private Lanes() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final VectorShuffle<Float> SWAP8 = butterfly(8), SWAP4 = butterfly(4), SWAP2 = butterfly(2),
      SWAP1 = butterfly(1);

  private static VectorShuffle<Float> butterfly(int h) {
    return VectorShuffle.fromOp(S, i -> (i ^ h) & (L - 1));
  }

  /**
   * The sum of the lanes of {@code v} ({@link FloatVector#SPECIES_PREFERRED}) as a butterfly: lanes
   * i and i^h added for h = L/2 .. 1. {@code reduceLanes(ADD)} is not used because its float order
   * differs between the interpreter and C2; this one gives the same bits in every JIT tier.
   */
  public static float sum(FloatVector v) {
    if (L > 8) v = v.add(v.rearrange(SWAP8));
    if (L > 4) v = v.add(v.rearrange(SWAP4));
    if (L > 2) v = v.add(v.rearrange(SWAP2));
    if (L > 1) v = v.add(v.rearrange(SWAP1));
    return v.lane(0);
  }
}
