package vecrl.nn;

import vecrl.autodiff.Composites;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Var;
import vecrl.tensor.Tensor;

/**
 * Layer normalisation over the features of each row, PyTorch's {@code nn.LayerNorm(size)}: a gain
 * {@code <name>.weight} (ones) and a shift {@code <name>.bias} (zeros), eps 1e-5.
 */
public final class LayerNorm {
  public static final float EPS = 1e-5f;
  private final String name;
  private final Parameter weight, bias;

  public LayerNorm(String name, int size) {
    if (size <= 0) throw new IllegalArgumentException("LayerNorm '" + name + "': size " + size + " must be positive");
    this.name = name;
    this.weight = new Parameter(name + ".weight", Tensor.full(1f, size));
    this.bias = new Parameter(name + ".bias", Tensor.zeros(size));
  }

  public String name() { return name; }
  public Parameter weight() { return weight; }
  public Parameter bias() { return bias; }
  public int size() { return weight.value().size(); }

  /** Appends weight then bias. */
  public void addParameters(ParameterSet set) {
    set.add(weight);
    set.add(bias);
  }

  /** The normalised rows of x [batch, size]. */
  public Var forward(Var x) {
    if (x.value().rank() != 2 || x.value().cols() != size()) {
      throw new IllegalArgumentException("LayerNorm '" + name + "': input " + x.shapeString() + ", expected [batch, " + size() + "]");
    }
    return Composites.layerNorm(x, weight, bias, EPS);
  }

  public String describe() {
    return "LayerNorm[" + size() + ", eps " + EPS + "]";
  }
}
