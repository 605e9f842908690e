package vecrl.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vecrl.tensor.Conv2dGeometry;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

/** The kernel grid in the resident mode (the default): results reach the host through the hook. */
final class OpenClKernelsResidentTest extends OpenClKernelsTest {
  @BeforeAll
  static void openResident() {
    gpu = OpenClTestSupport.openOrNull(true);
  }

  /**
   * conv2d makes its patches on the device: it uploads the input, the weight and the bias, and
   * not the patch matrix (here 2.6 times the input's size); the backward uploads only the output
   * gradient and the input gradient's array.
   */
  @Test
  void conv2dUploadsTheInputNotThePatchMatrix() {
    Rng rng = new Rng(45);
    Conv2dGeometry g = new Conv2dGeometry(2, 20, 20, 4, 32, 8, 8, 4, 0);
    Tensor x = Tensor.zeros(g.batch(), g.height(), g.width(), g.channels());
    Tensor w = Tensor.zeros(g.outChannels(), g.patchSize()), b = Tensor.zeros(g.outChannels());
    Tensor gy = Tensor.zeros(g.outRows(), g.outChannels()), gx = Tensor.zeros(g.batch(), g.height(), g.width(), g.channels());
    for (Tensor t : new Tensor[] {x, w, b, gy}) {
      for (int i = 0; i < t.size(); i++) t.set(i, rng.uniform(-1, 1));
    }
    Tensor cols = Tensor.zeros(g.outRows(), g.patchSize()), out = Tensor.zeros(g.outRows(), g.outChannels());
    int resets = gpu.arenaResets();
    gpu.resetTransferCounts();
    gpu.conv2d(x, w, b, UnaryOp.RELU, g, cols, out);
    assertEquals(4L * (x.size() + w.size() + b.size()), gpu.bytesToDevice(), "conv2d bytes uploaded (arena resets "
        + (gpu.arenaResets() - resets) + "; the patch matrix alone is " + 4L * cols.size() + ")");
    gpu.resetTransferCounts();
    gpu.conv2dBackward(x, w, gy, g, cols, gx, null, null);
    assertEquals(4L * (gy.size() + gx.size()), gpu.bytesToDevice(), "conv2dBackward bytes uploaded");
    assertEquals(0L, gpu.bytesToHost(), "conv2dBackward bytes downloaded before any host read");
  }
}
