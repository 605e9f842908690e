package vecrl.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Both backends reject wrong shapes with the same message, naming the kernel and the shapes. */
final class ShapeErrorsTest {
  private static final List<Kernels> BACKENDS = List.of(new ScalarKernels(), VectorKernels.create(1));

  private static void rejects(String expectedMessage, java.util.function.Function<Kernels, Executable> call) {
    for (Kernels k : BACKENDS) {
      Exception e = assertThrows(RuntimeException.class, call.apply(k), k.name());
      assertEquals(expectedMessage, e.getMessage(), k.name());
    }
  }

  @Test
  void matmulNamesBothShapes() {
    Tensor a = Tensor.zeros(64, 3), b = Tensor.zeros(4, 2), c = Tensor.zeros(64, 2);
    rejects("matmul: [64, 3] x [4, 2]: inner sizes 3 and 4 differ", k -> () -> k.matmul(a, false, b, false, c, 0f));
    rejects("matmul: [64, 3] x [2, 4]^T: inner sizes 3 and 4 differ", k -> () -> k.matmul(a, false, Tensor.zeros(2, 4), true, c, 0f));
    rejects("matmul: [64, 3]^T x [64, 2] is [3, 2] but the output is [64, 2]",
        k -> () -> k.matmul(a, true, Tensor.zeros(64, 2), false, c, 0f));
    rejects("matmul: [64, 3]^T x [4, 2]^T is not supported; use (b a)^T", k -> () -> k.matmul(a, true, b, true, c, 0f));
    rejects("matmul: [64] x [4, 2] -> [64, 2]: every operand must be rank 2",
        k -> () -> k.matmul(Tensor.zeros(64), false, b, false, c, 0f));
  }

  @Test
  void elementwiseKernelsNameOpAndShapes() {
    Tensor x = Tensor.zeros(3, 4), wrong = Tensor.zeros(4, 3);
    rejects("unary EXP: input [3, 4] and output [4, 3] differ in shape", k -> () -> k.unary(UnaryOp.EXP, x, wrong));
    rejects("unaryBackward TANH: input [3, 4] and output [4, 3] differ in shape",
        k -> () -> k.unaryBackward(UnaryOp.TANH, x, x, x, wrong));
    rejects("clamp: input [3, 4] and output [4, 3] differ in shape", k -> () -> k.clamp(x, 0f, 1f, wrong));
    rejects("clamp: lower bound 2.0 exceeds upper bound 1.0", k -> () -> k.clamp(x, 2f, 1f, x));
    rejects("binaryScalar MUL: input [3, 4] and output [4, 3] differ in shape",
        k -> () -> k.binaryScalar(BinaryOp.MUL, x, 2f, wrong));
    rejects("binary ADD: right operand [3] does not broadcast to the output [3, 4] (expected [3, 4], a row of 4, "
        + "a column [3, 1] or a single value)", k -> () -> k.binary(BinaryOp.ADD, x, Tensor.zeros(3), x));
    rejects("binaryBackward MUL: left operand [4, 3] does not broadcast to the output [3, 4] (expected [3, 4], a row of 4, "
        + "a column [3, 1] or a single value)", k -> () -> k.binaryBackward(BinaryOp.MUL, wrong, x, x, null, null));
    rejects("binaryBackward SUB: gradient [4] does not match operand [3, 4]",
        k -> () -> k.binaryBackward(BinaryOp.SUB, x, x, x, Tensor.zeros(4), null));
    rejects("where: mask [2, 4] does not broadcast to the output [3, 4] (expected [3, 4], a row of 4, a column [3, 1] "
        + "or a single value)", k -> () -> k.where(Tensor.zeros(2, 4), x, x, x));
    rejects("addRowVector: [3, 4] + [3]: expected a row vector of 4 values", k -> () -> k.addRowVector(x, Tensor.zeros(3), x));
    rejects("adamStep: input [3, 4] and output [4, 3] differ in shape",
        k -> () -> k.adamStep(x, x, x, wrong, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1));
    rejects("adamStep: step count 0 must be at least 1", k -> () -> k.adamStep(x, x, x, x, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 0));
    rejects("softmaxRows: input [3, 4] and output [4, 3] differ in shape", k -> () -> k.softmaxRows(x, wrong));
    rejects("logSoftmaxRows: input [3, 4] and output [4, 3] differ in shape", k -> () -> k.logSoftmaxRows(x, wrong));
    rejects("copyFrom: source [3, 4] has 12 elements, destination [5] has 5", k -> () -> k.copy(x, Tensor.zeros(5)));
  }

  @Test
  void reductionsAndIndexingNameOpAndShapes() {
    Tensor x = Tensor.zeros(3, 4);
    rejects("reduceRows SUM: input [3, 4] reduces to 3 rows but the output [4] holds 4",
        k -> () -> k.reduceRows(ReduceOp.SUM, x, Tensor.zeros(4)));
    rejects("reduceCols MAX: input [3, 4] reduces to 4 columns but the output [3] holds 3",
        k -> () -> k.reduceCols(ReduceOp.MAX, x, Tensor.zeros(3)));
    rejects("reduceAll MEAN: input [3, 4] reduces to 1 value but the output [2] holds 2",
        k -> () -> k.reduceAll(ReduceOp.MEAN, x, Tensor.zeros(2)));
    rejects("logSumExpRows: input [3, 4] reduces to 3 rows but the output [2] holds 2", k -> () -> k.logSumExpRows(x, Tensor.zeros(2)));
    rejects("argmaxRows: [3, 4] has 3 rows but the output holds 2", k -> () -> k.argmaxRows(x, new int[2]));
    rejects("gatherRows: [3, 4] has 3 rows but 2 indices were given", k -> () -> k.gatherRows(x, new int[2], Tensor.zeros(3)));
    rejects("gatherRows: index 4 at row 1 is outside [0, 4) for [3, 4]",
        k -> () -> k.gatherRows(x, new int[] {0, 4, 1}, Tensor.zeros(3)));
    rejects("scatterAddRows: index -1 at row 2 is outside [0, 4) for [3, 4]",
        k -> () -> k.scatterAddRows(Tensor.zeros(3), new int[] {0, 1, -1}, x));
  }

  @Test
  void messagesAreTheSameForBothBackendsOnRandomMisuse() {
    // Sanity for the helper above: a correct call throws nothing on either backend.
    Tensor x = Tensor.zeros(3, 4);
    for (Kernels k : BACKENDS) {
      k.unary(UnaryOp.EXP, x, x);
      k.matmul(Tensor.zeros(2, 3), false, Tensor.zeros(3, 4), false, Tensor.zeros(2, 4), 0f);
      assertTrue(k.name().equals("scalar") || k.name().equals("vector"));
    }
  }
}
