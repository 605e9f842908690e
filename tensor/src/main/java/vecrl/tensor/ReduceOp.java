package vecrl.tensor;

/** Reductions over a row, a column or a whole tensor. */
public enum ReduceOp {
  SUM,
  MEAN,
  /** The largest value; -infinity over zero elements. */
  MAX
}
