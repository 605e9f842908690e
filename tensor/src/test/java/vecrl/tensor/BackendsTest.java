package vecrl.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

final class BackendsTest {
  @Test
  void namesSelectTheirBackend() {
    assertInstanceOf(ScalarKernels.class, Backends.byName("scalar"));
    assertInstanceOf(VectorKernels.class, Backends.byName("vector"));
    assertEquals("vector", Backends.byName("vector").name());
    assertEquals("scalar", Backends.byName("scalar").name());
  }

  @Test
  void unknownNameListsTheValidOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.byName("cuda"));
    assertTrue(e.getMessage().startsWith("unknown kernels backend 'cuda'; valid backends: "), e.getMessage());
    assertTrue(e.getMessage().contains("vector") && e.getMessage().contains("scalar"), e.getMessage());
    assertTrue(Backends.names().containsAll(java.util.List.of("vector", "scalar")));
  }

  @Test
  void vectorThreadCountIsConfigurable() {
    assertEquals(1, VectorKernels.create(1).threads());
    assertEquals(3, VectorKernels.create(3).threads());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VectorKernels.create(0));
    assertEquals("VectorKernels: thread count 0 must be at least 1", e.getMessage());
  }
}
