package vecrl.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.tensor.Tensor;

/** Weights: the by-name weight and gradient maps every Policy shares. */
final class WeightsTest {
  private static ParameterSet params() {
    return ParameterSet.of(new Parameter("a", Tensor.zeros(2, 3)), new Parameter("b", Tensor.zeros(3)));
  }

  @Test
  void copiesSetsAndNamesEveryProblem() {
    ParameterSet ps = params();
    Map<String, Tensor> w = Weights.copyOf(ps);
    assertEquals(java.util.List.of("a", "b"), java.util.List.copyOf(w.keySet()));
    w.get("b").set(1, 5f);
    assertEquals(0f, ps.get("b").value().get(1), "a copy");
    Weights.set(ps, w);
    assertEquals(5f, ps.get("b").value().get(1));

    Map<String, Tensor> bad = new LinkedHashMap<>();
    bad.put("a", Tensor.zeros(3));
    bad.put("c", Tensor.zeros(1));
    var e = assertThrows(IllegalArgumentException.class, () -> Weights.set(ps, bad));
    assertEquals("setWeights: a is [3], expected [2, 3]; missing parameter b; unknown parameter c; parameters: [a, b]", e.getMessage());
    assertEquals(5f, ps.get("b").value().get(1), "nothing changed");

    Map<String, Tensor> g = new LinkedHashMap<>(Weights.copyOf(ps));
    Weights.setGradients(ps, g);
    assertArrayEquals(ps.get("b").value().toArray(), Weights.gradientsOf(ps).get("b").toArray());
    g.remove("a");
    e = assertThrows(IllegalArgumentException.class, () -> Weights.setGradients(ps, g));
    assertEquals("applyGradients: no gradient for parameter a", e.getMessage());
  }
}
