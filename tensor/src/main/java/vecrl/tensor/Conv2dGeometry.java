package vecrl.tensor;

/**
 * The shapes of one 2-D convolution over a batch of channels-last (NHWC) images: input {@code
 * [batch, height, width, channels]}, weight {@code [outChannels, kernelH * kernelW * channels]}
 * (each row is one filter laid out as {@code [kernelH][kernelW][channels]}), output {@code [batch,
 * outHeight, outWidth, outChannels]}, read by the kernels as the matrix {@code [batch * outHeight *
 * outWidth, outChannels]}. The same {@code stride} and zero {@code padding} apply to both axes.
 *
 * <p>Why channels-last: the output of a convolution is then exactly the matrix product of the
 * input patches ({@link Kernels#im2col}, one row per output position) with the weight transposed,
 * a {@link Kernels#linear} layer, and it is already the next layer's input. Gymnasium's image
 * observations are {@code [H, W, C]} as well.
 */
public record Conv2dGeometry(int batch, int height, int width, int channels, int outChannels, int kernelH, int kernelW,
    int stride, int padding) {

  public Conv2dGeometry {
    if (batch < 0 || height <= 0 || width <= 0 || channels <= 0 || outChannels <= 0 || kernelH <= 0 || kernelW <= 0) {
      throw new IllegalArgumentException("conv2d: batch " + batch + ", input " + height + "x" + width + "x" + channels
          + ", " + outChannels + " filters of " + kernelH + "x" + kernelW + ": sizes must be positive (batch >= 0)");
    }
    if (stride <= 0 || padding < 0) {
      throw new IllegalArgumentException("conv2d: stride " + stride + " must be positive and padding " + padding
          + " at least 0");
    }
    if (height + 2 * padding < kernelH || width + 2 * padding < kernelW) {
      throw new IllegalArgumentException("conv2d: a " + kernelH + "x" + kernelW + " kernel does not fit a " + height + "x"
          + width + " input with padding " + padding);
    }
  }

  /** {@code (height + 2 padding - kernelH) / stride + 1}. */
  public int outHeight() {
    return (height + 2 * padding - kernelH) / stride + 1;
  }

  /** {@code (width + 2 padding - kernelW) / stride + 1}. */
  public int outWidth() {
    return (width + 2 * padding - kernelW) / stride + 1;
  }

  /** Elements of one input patch: {@code kernelH * kernelW * channels} (a weight row, an im2col row). */
  public int patchSize() {
    return kernelH * kernelW * channels;
  }

  /** Output positions over the batch: {@code batch * outHeight * outWidth} (rows of the output and im2col matrices). */
  public int outRows() {
    return batch * outHeight() * outWidth();
  }

  /** Elements of the input: {@code batch * height * width * channels}. */
  public int inputSize() {
    return batch * height * width * channels;
  }

  /** This geometry for another batch size. */
  public Conv2dGeometry withBatch(int b) {
    return new Conv2dGeometry(b, height, width, channels, outChannels, kernelH, kernelW, stride, padding);
  }

  /** {@code [batch, outHeight, outWidth, outChannels]}. */
  public int[] outputShape() {
    return new int[] {batch, outHeight(), outWidth(), outChannels};
  }

  @Override
  public String toString() {
    return "conv2d " + batch + "x" + height + "x" + width + "x" + channels + " -> " + batch + "x" + outHeight() + "x"
        + outWidth() + "x" + outChannels + " (" + kernelH + "x" + kernelW + ", stride " + stride + ", padding " + padding + ")";
  }

  // ---- shape checks, shared by every backend; messages are built only on failure ----

  /** Throws unless {@code x} holds {@link #inputSize()} values; {@code op} names the caller. */
  public void checkInput(String op, Tensor x) {
    if (x.size() != inputSize()) {
      throw new IllegalArgumentException(op + ": input " + x.shapeString() + " holds " + x.size() + " values, " + this
          + " expects [" + batch + ", " + height + ", " + width + ", " + channels + "] (" + inputSize() + ")");
    }
  }

  void checkWeight(String op, Tensor w) {
    if (w.rank() != 2 || w.rows() != outChannels || w.cols() != patchSize()) {
      throw new IllegalArgumentException(op + ": weight " + w.shapeString() + ", " + this + " expects [" + outChannels
          + ", " + patchSize() + "] (out channels, kernelH * kernelW * channels)");
    }
  }

  /** Throws unless {@code t} is the matrix {@code [rows, cols]}; {@code role} names it in the message. */
  public void checkMatrix(String op, String role, Tensor t, int rows, int cols) {
    if (t.rank() != 2 || t.rows() != rows || t.cols() != cols) {
      throw new IllegalArgumentException(op + ": " + role + " " + t.shapeString() + ", " + this + " expects [" + rows + ", "
          + cols + "]");
    }
  }

  void checkBias(String op, Tensor bias) {
    if (bias != null && (bias.size() != outChannels || bias.rank() > 2 || (bias.rank() == 2 && bias.rows() != 1))) {
      throw new IllegalArgumentException(op + ": bias " + bias.shapeString() + ", " + this + " expects [" + outChannels + "]");
    }
  }
}
