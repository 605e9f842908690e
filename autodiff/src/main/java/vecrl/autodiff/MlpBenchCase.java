package vecrl.autodiff;

import java.util.List;
import vecrl.tensor.Kernels;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

/**
 * One of the autodiff benchmark's MLPs (tanh between layers, identity at the end, loss mean(y^2)),
 * with the two workloads whose ratio is the tape's overhead: {@link #step()}, forward + backward
 * on a {@link Tape}, and {@link #matmuls()}, exactly the matrix multiplies that step runs (same
 * shapes, transposes and beta), nothing else. Used by {@code AutodiffBench} (JMH) and by {@code
 * ./vecrl bench-autodiff}, which alternates the two so that both see the same machine.
 *
 * <p>Cases: {@code A} 64 -> 64 -> 64 at batch 2048; {@code B2048} and {@code B128}, the PPO actor 4
 * -> 64 -> 64 -> 2 at batch 2048 and 128; {@code C} 64 -> 64 -> 64 -> 1 at batch 2048. Inputs do not
 * require gradients, so no input gradient is computed.
 */
public final class MlpBenchCase {
  /** The case names {@link #of} accepts. */
  public static final List<String> NAMES = List.of("A", "B2048", "B128", "C");

  private final String name;
  private final Kernels k;
  private final Tape tape;
  private final ParameterSet params = new ParameterSet();
  private final Parameter[] w, b;
  private final Tensor x;
  private final Tensor[] acts, grads, wgrads; // buffers for the matmuls-alone baseline

  /** A case by name (see {@link #NAMES}) on {@code kernels}. */
  public static MlpBenchCase of(String name, Kernels kernels) {
    return switch (name) {
      case "A" -> new MlpBenchCase(name, kernels, new int[] {64, 64, 64}, 2048);
      case "B2048" -> new MlpBenchCase(name, kernels, new int[] {4, 64, 64, 2}, 2048);
      case "B128" -> new MlpBenchCase(name, kernels, new int[] {4, 64, 64, 2}, 128);
      case "C" -> new MlpBenchCase(name, kernels, new int[] {64, 64, 64, 1}, 2048);
      default -> throw new IllegalArgumentException("MlpBenchCase: unknown case \"" + name + "\"; valid cases: "
          + String.join(", ", NAMES));
    };
  }

  private MlpBenchCase(String name, Kernels kernels, int[] sizes, int batch) {
    this.name = name;
    this.k = kernels;
    Rng rng = new Rng(42);
    int layers = sizes.length - 1;
    w = new Parameter[layers];
    b = new Parameter[layers];
    acts = new Tensor[layers + 1];
    grads = new Tensor[layers + 1];
    wgrads = new Tensor[layers];
    x = Tensor.zeros(batch, sizes[0]);
    rng.fillUniform(x, -1, 1);
    acts[0] = x;
    for (int l = 0; l < layers; l++) {
      Tensor wt = Tensor.zeros(sizes[l + 1], sizes[l]);
      float bound = (float) (1 / Math.sqrt(sizes[l]));
      rng.fillUniform(wt, -bound, bound);
      Tensor bt = Tensor.zeros(sizes[l + 1]);
      rng.fillUniform(bt, -bound, bound);
      w[l] = params.add(new Parameter("w" + l, wt));
      b[l] = params.add(new Parameter("b" + l, bt));
      acts[l + 1] = Tensor.zeros(batch, sizes[l + 1]);
      grads[l + 1] = Tensor.zeros(batch, sizes[l + 1]);
      rng.fillUniform(grads[l + 1], -1, 1);
      wgrads[l] = Tensor.zeros(sizes[l + 1], sizes[l]);
    }
    tape = new Tape(kernels);
  }

  public String name() {
    return name;
  }

  public ParameterSet params() {
    return params;
  }

  public Kernels kernels() {
    return k;
  }

  /** The tape the steps run on (for {@link Tape#setProfiling} and {@link Tape#profile}). */
  public Tape tape() {
    return tape;
  }

  /** Forward + backward on the tape; returns the loss. */
  public float step() {
    tape.clear();
    params.zeroGrad();
    Var h = tape.input(x);
    int layers = w.length;
    for (int l = 0; l < layers; l++) h = h.linear(w[l], b[l], l < layers - 1 ? UnaryOp.TANH : null);
    Var loss = h.square().mean();
    tape.backward(loss);
    return loss.item();
  }

  /** The GEMMs of {@link #step()} alone: forward x W^T per layer; backward dW = g^T a and (but for the input) dA = g W. */
  public float matmuls() {
    int layers = w.length;
    for (int l = 0; l < layers; l++) k.matmul(acts[l], false, w[l].value(), true, acts[l + 1], 0f);
    for (int l = layers - 1; l >= 0; l--) {
      k.matmul(grads[l + 1], true, acts[l], false, wgrads[l], 0f);
      if (l > 0) k.matmul(grads[l + 1], false, w[l].value(), false, grads[l], 0f);
    }
    return wgrads[0].data()[0];
  }
}
