package vecrl.autodiff;

import vecrl.tensor.Kernels;
import vecrl.tensor.Tensor;

/**
 * Checks a tape's gradients against central differences. Users can run it on their own
 * functions.
 *
 * <p>Two forms:
 *
 * <ul>
 *   <li>{@link #againstReference}: the numeric gradient comes from central differences, in
 *       double precision, of a double-precision reference {@code ref} of the same function. This
 *       is the strong check: its own error is about {@code h^2} plus {@code 1e-16 / h}, far below
 *       float32 rounding, so the tolerance only has to cover float32 rounding in the tape.
 *   <li>{@link #againstTape}: the numeric gradient comes from evaluating the tape function itself
 *       (in float32) at {@code x +- h}, with the difference taken in double. No second
 *       implementation is needed, but float32 rounding of the function value, divided by
 *       {@code 2h}, limits how tight the tolerance can be.
 * </ul>
 *
 * <p>An element passes when {@code |analytic - numeric| <= absTol + relTol * |numeric|}.
 */
public final class GradCheck {
  private GradCheck() {}

  /** The function under test: builds a one-element loss on {@code tape} from {@code inputs}. */
  @FunctionalInterface
  public interface TapeFunction {
    Var apply(Tape tape, Var[] inputs);
  }

  /** A double-precision reference of the same function: inputs flat in row-major order. */
  @FunctionalInterface
  public interface ReferenceFunction {
    double apply(double[][] inputs);
  }

  /**
   * The outcome: the worst element (largest error relative to its allowance), with both
   * gradients there, and the relative difference of the function values (reference form only).
   */
  public record Result(boolean passed, int worstInput, int worstIndex, double analytic, double numeric,
      double maxAbsError, double valueRelError, String description) {

    /** Throws an {@link AssertionError} with {@link #description()} unless the check passed. */
    public Result assertPassed() {
      if (!passed) throw new AssertionError(description);
      return this;
    }
  }

  /**
   * The analytic gradients of {@code f} at {@code inputs} then {@code params} (copies), and the
   * value, from one tape pass.
   */
  private static float[][] tapeGradients(Kernels k, TapeFunction f, Tensor[] inputs, Parameter[] params, double[] value) {
    Tape tape = new Tape(k);
    Var[] vars = new Var[inputs.length];
    for (int i = 0; i < inputs.length; i++) vars[i] = tape.variable(inputs[i]);
    for (Parameter p : params) p.zeroGrad();
    Var loss = f.apply(tape, vars);
    value[0] = loss.item();
    tape.backward(loss);
    float[][] g = new float[inputs.length + params.length][];
    for (int i = 0; i < inputs.length; i++) g[i] = vars[i].grad().toArray();
    for (int i = 0; i < params.length; i++) g[inputs.length + i] = params[i].grad().toArray();
    return g;
  }

  /**
   * Compares the tape gradient of {@code f} with double-precision central differences of {@code
   * ref} (step {@code h}, for example 1e-6) at {@code inputs}. The inputs are not modified.
   */
  public static Result againstReference(Kernels k, TapeFunction f, ReferenceFunction ref, Tensor[] inputs,
      double h, double absTol, double relTol) {
    return againstReference(k, f, ref, inputs, new Parameter[0], h, absTol, relTol);
  }

  /**
   * As {@link #againstReference(Kernels, TapeFunction, ReferenceFunction, Tensor[], double, double,
   * double)}, and also checks the gradients of {@code params}, parameters that {@code f} reads
   * itself (the weights of a layer, say). {@code ref} receives the inputs followed by the
   * parameters' values, and the result numbers them in that order. The parameters' values are not
   * modified; their gradients are overwritten.
   */
  public static Result againstReference(Kernels k, TapeFunction f, ReferenceFunction ref, Tensor[] inputs, Parameter[] params,
      double h, double absTol, double relTol) {
    double[] value = new double[1];
    float[][] analytic = tapeGradients(k, f, inputs, params, value);
    double[][] x = new double[inputs.length + params.length][];
    for (int i = 0; i < x.length; i++) {
      Tensor t = i < inputs.length ? inputs[i] : params[i - inputs.length].value();
      x[i] = new double[t.size()];
      for (int j = 0; j < x[i].length; j++) x[i][j] = t.get(j);
    }
    double refValue = ref.apply(x);
    double valueRel = Math.abs(value[0] - refValue) / Math.max(1e-30, Math.abs(refValue));
    Worst w = new Worst();
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < x[i].length; j++) {
        double keep = x[i][j];
        x[i][j] = keep + h;
        double up = ref.apply(x);
        x[i][j] = keep - h;
        double down = ref.apply(x);
        x[i][j] = keep;
        w.offer(i, j, analytic[i][j], (up - down) / (2 * h), absTol, relTol);
      }
    }
    boolean valueOk = Math.abs(value[0] - refValue) <= absTol + relTol * Math.abs(refValue);
    return w.result(valueOk, valueRel, "reference value " + refValue + ", tape value " + value[0]);
  }

  /**
   * Compares the tape gradient of {@code f} with central differences of {@code f} itself,
   * evaluated in float32 at {@code x +- h} (for example h = 1e-2 for values of order one). The
   * inputs are restored afterwards.
   */
  public static Result againstTape(Kernels k, TapeFunction f, Tensor[] inputs, float h, double absTol, double relTol) {
    double[] value = new double[1];
    float[][] analytic = tapeGradients(k, f, inputs, new Parameter[0], value);
    Tape tape = new Tape(k);
    Worst w = new Worst();
    for (int i = 0; i < inputs.length; i++) {
      Tensor t = inputs[i];
      for (int j = 0; j < t.size(); j++) {
        float keep = t.get(j);
        float xp = keep + h, xm = keep - h;
        t.set(j, xp);
        double up = evaluate(tape, f, inputs);
        t.set(j, xm);
        double down = evaluate(tape, f, inputs);
        t.set(j, keep);
        w.offer(i, j, analytic[i][j], (up - down) / ((double) xp - xm), absTol, relTol);
      }
    }
    return w.result(true, 0, "tape value " + value[0]);
  }

  private static double evaluate(Tape tape, TapeFunction f, Tensor[] inputs) {
    tape.clear();
    try (var ng = tape.noGrad()) {
      Var[] vars = new Var[inputs.length];
      for (int i = 0; i < inputs.length; i++) vars[i] = tape.input(inputs[i]);
      return f.apply(tape, vars).item();
    }
  }

  private static final class Worst {
    double ratio = -1, maxAbs;
    int input = -1, index = -1;
    double analytic, numeric;
    boolean passed = true;

    void offer(int i, int j, double a, double n, double absTol, double relTol) {
      double err = Math.abs(a - n);
      double allow = absTol + relTol * Math.abs(n);
      if (!(err <= allow)) passed = false;
      maxAbs = Math.max(maxAbs, err);
      double r = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err / allow;
      if (r > ratio) { ratio = r; input = i; index = j; analytic = a; numeric = n; }
    }

    Result result(boolean valueOk, double valueRel, String valueText) {
      boolean ok = passed && valueOk;
      String d = (ok ? "gradient check passed" : "gradient check FAILED") + ": worst element " + index + " of input "
          + input + ": tape gradient " + analytic + ", numeric " + numeric + " (max abs error " + maxAbs + "); "
          + valueText + (valueOk ? "" : " (values differ beyond tolerance)");
      return new Result(ok, input, index, analytic, numeric, maxAbs, valueRel, d);
    }
  }
}
