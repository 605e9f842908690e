package vecrl.gpu;

import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.exception.CompileFailedException;
import com.aparapi.exception.QueryFailedException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import vecrl.tensor.BinaryOp;
import vecrl.tensor.KernelChecks;
import vecrl.tensor.KernelChecks.Broadcast;
import vecrl.tensor.Kernels;
import vecrl.tensor.ReduceOp;
import vecrl.tensor.Tensor;
import vecrl.tensor.UnaryOp;

/**
 * The {@code opencl} backend: every {@link Kernels} method runs as an Aparapi kernel on one OpenCL
 * device (a GPU, or a CPU through PoCL).
 *
 * <p>Five kernel objects cover the interface (matrix multiply; elementwise; broadcast gradients;
 * line-wise reductions and softmax; Adam). Each is created and compiled for the device on first
 * use, once per backend instance, and reused for every call; {@link #close()} releases them.
 *
 * <p><b>No silent fallback.</b> Aparapi runs a kernel it cannot translate or build on a Java
 * thread pool. This backend compiles each kernel explicitly for its device and, after the first
 * execution of each kernel, checks that it ran through OpenCL on that device; otherwise it throws
 * {@link OpenClUnavailableException} naming the kernel and the device.
 *
 * <p><b>Data movement.</b> This version lets Aparapi copy each kernel's arrays to the device before
 * every call and copy the one written array back after it (implicit buffers). That is correct for
 * any mix with host code, and costly: see the gpu notes for the measured share of transfers and for
 * the design that keeps a training step's data on the device.
 *
 * <p>Arithmetic is float32 throughout (sums accumulate in float, unlike the scalar reference's
 * double), and the OpenCL compiler may contract {@code a * b + c} into fused multiply-adds.
 *
 * <p>JVM flags (JDK 24+): {@code --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow}.
 */
public final class OpenClKernels implements Kernels, AutoCloseable {
  /** The backend name, {@code opencl}. */
  public static final String NAME = "opencl";

  private static final System.Logger LOG = System.getLogger("vecrl.gpu");
  /** Work-group size for 1-D kernels, capped by the device's and the compiled kernel's limits. */
  private static final int PREFERRED_LOCAL_1D = 64;
  /** Largest matmul tile edge tried; a tile of t x t work items must fit in one work-group. */
  private static final int MAX_TILE = 16;

  private final OpenCLDevice device;
  private final float[] dummy = new float[1];
  private final int[] intDummy = new int[1];
  private final Map<Kernel, Integer> localSizes = new IdentityHashMap<>();
  private final Map<Kernel, Boolean> verified = new IdentityHashMap<>();
  private final List<Kernel> created = new ArrayList<>();
  private MatmulKernel matmul;
  private ElementwiseKernel elementwise;
  private BroadcastGradKernel broadcastGrad;
  private LineKernel line;
  private AdamKernel adam;
  private boolean closed;

  private OpenClKernels(OpenCLDevice device) {
    this.device = device;
  }

  /**
   * Opens the device chosen by {@code deviceSpec} (an index into {@link OpenClDevices#list()}, part
   * of a device name, or {@code null} for the first GPU, else the first device).
   *
   * @throws OpenClUnavailableException when no OpenCL library, platform or matching device exists
   */
  public static OpenClKernels open(String deviceSpec) {
    OpenCLDevice d = OpenClDevices.select(deviceSpec);
    LOG.log(System.Logger.Level.INFO, "vecrl: opencl device ''{0}'' ({1}, platform {2})", d.getName(), d.getType(),
        d.getOpenCLPlatform().getVersion());
    return new OpenClKernels(d);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The device's name, as OpenCL reports it. */
  public String deviceName() {
    return device.getName();
  }

  /** The matrix multiply tile edge in use (0 before the first matmul). */
  public synchronized int matmulTile() {
    return matmul == null ? 0 : matmul.tile;
  }

  // ---------------------------------------------------------------- kernel objects and launching

  private synchronized MatmulKernel matmulKernel() {
    if (matmul == null) {
      int limit = Math.min(device.getMaxWorkGroupSize(), Math.min(device.getMaxWorkItemSize()[0], device.getMaxWorkItemSize()[1]));
      int tile = MAX_TILE;
      while (tile > 1 && (tile * tile > limit || tile > device.getMaxWorkItemSize()[0])) tile /= 2;
      MatmulKernel k = new MatmulKernel(tile, dummy);
      int kernelLimit = compile(k, "matmul");
      while (tile > 1 && tile * tile > kernelLimit) {
        // The compiled kernel accepts smaller work-groups than the device: rebuild with a smaller tile.
        forget(k);
        tile /= 2;
        k = new MatmulKernel(tile, dummy);
        kernelLimit = compile(k, "matmul");
      }
      matmul = k;
    }
    return matmul;
  }

  private synchronized ElementwiseKernel elementwiseKernel() {
    if (elementwise == null) {
      elementwise = new ElementwiseKernel(dummy);
      compile(elementwise, "elementwise");
    }
    return elementwise;
  }

  private synchronized BroadcastGradKernel broadcastGradKernel() {
    if (broadcastGrad == null) {
      broadcastGrad = new BroadcastGradKernel(dummy);
      compile(broadcastGrad, "binaryBackward");
    }
    return broadcastGrad;
  }

  private synchronized LineKernel lineKernel() {
    if (line == null) {
      line = new LineKernel(dummy, intDummy);
      compile(line, "rows/columns");
    }
    return line;
  }

  private synchronized AdamKernel adamKernel() {
    if (adam == null) {
      adam = new AdamKernel(dummy);
      compile(adam, "adamStep");
    }
    return adam;
  }

  /** Compiles {@code k} for the device; returns the largest work-group the compiled kernel accepts. */
  private int compile(Kernel k, String what) {
    if (closed) throw new IllegalStateException("opencl: backend is closed");
    created.add(k);
    try {
      k.compile(device);
    } catch (CompileFailedException | RuntimeException e) {
      throw new OpenClUnavailableException("opencl: kernel '" + what + "' (" + k.getClass().getSimpleName()
          + ") could not be translated to OpenCL or built for " + device.getName() + ": " + e.getMessage(), e);
    }
    int limit;
    try {
      limit = k.getKernelMaxWorkGroupSize(device);
    } catch (QueryFailedException e) {
      throw new OpenClUnavailableException("opencl: kernel '" + what + "' built, but querying its work-group limit on "
          + device.getName() + " failed: " + e.getMessage(), e);
    }
    int local = Math.max(1, Math.min(PREFERRED_LOCAL_1D,
        Math.min(limit, Math.min(device.getMaxWorkGroupSize(), device.getMaxWorkItemSize()[0]))));
    localSizes.put(k, local);
    return limit;
  }

  private void forget(Kernel k) {
    created.remove(k);
    localSizes.remove(k);
    k.dispose();
  }

  /** Runs {@code k} over {@code n} work items (rounded up to whole work-groups). */
  private void launch1d(Kernel k, String what, int n) {
    int local = localSizes.get(k);
    int global = (n + local - 1) / local * local;
    launch(k, what, Range.create(device, global, local));
  }

  /**
   * Executes and, on the first execution of each kernel object, checks it really ran on the OpenCL
   * device: Aparapi would otherwise have run it on Java threads without an error.
   */
  void launch(Kernel k, String what, Range range) {
    k.execute(range);
    if (!verified.containsKey(k)) {
      Device target = k.getTargetDevice();
      if (!k.isRunningCL() || !(target instanceof OpenCLDevice) || target.getDeviceId() != device.getDeviceId()) {
        throw new OpenClUnavailableException("opencl: kernel '" + what + "' (" + k.getClass().getSimpleName()
            + ") did not run on OpenCL device " + device.getName() + " but on " + describe(target)
            + " (execution mode " + k.getExecutionMode() + "): Aparapi could not translate or build it and fell back"
            + " to Java threads; set -Dcom.aparapi.enableShowGeneratedOpenCL=true and see Aparapi's log for the cause");
      }
      verified.put(k, Boolean.TRUE);
    }
  }

  private static String describe(Device d) {
    if (d == null) return "no device";
    if (d instanceof OpenCLDevice o) return "OpenCL device " + o.getName();
    return d.getShortDescription() + " (" + d.getType() + ")";
  }

  /** Compiles a kernel for this device as the backend does its own (for tests of the fallback check). */
  void compileForTest(Kernel k, String what) {
    synchronized (this) {
      compile(k, what);
    }
  }

  /** Runs a kernel over {@code n} work items with the first-run OpenCL check (for tests). */
  void launchForTest(Kernel k, String what, int n) {
    launch1d(k, what, n);
  }

  /** Releases every kernel and its device buffers. The backend cannot be used afterwards. */
  @Override
  public synchronized void close() {
    closed = true;
    for (Kernel k : created) k.dispose();
    created.clear();
    localSizes.clear();
    matmul = null;
    elementwise = null;
    broadcastGrad = null;
    line = null;
    adam = null;
  }

  private float[] arr(Tensor t) {
    float[] d = t.data();
    return d.length == 0 ? dummy : d;
  }

  private int[] arr(int[] d) {
    return d.length == 0 ? intDummy : d;
  }

  private static int kind(Broadcast b) {
    return switch (b) {
      case FULL -> 0;
      case ROW -> 1;
      case COLUMN -> 2;
      case SCALAR -> 3;
    };
  }

  // ---------------------------------------------------------------- matmul

  @Override
  public void matmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor c, float beta) {
    KernelChecks.matmul(a, transposeA, b, transposeB, c);
    int m = c.rows(), n = c.cols();
    if (m == 0 || n == 0) return;
    MatmulKernel k = matmulKernel();
    synchronized (k) {
      k.a = arr(a);
      k.b = arr(b);
      k.c = arr(c);
      k.ao = a.offset();
      k.bo = b.offset();
      k.co = c.offset();
      k.m = m;
      k.n = n;
      k.k = transposeA ? a.rows() : a.cols();
      k.lda = a.cols();
      k.ldb = b.cols();
      k.ta = transposeA ? 1 : 0;
      k.tb = transposeB ? 1 : 0;
      k.beta = beta;
      int t = k.tile;
      launch(k, "matmul", Range.create2D(device, roundUp(n, t), roundUp(m, t), t, t));
      clear(k);
    }
  }

  private static int roundUp(int v, int step) {
    return (v + step - 1) / step * step;
  }

  /** Drops references to caller arrays so a cached kernel does not keep them alive. */
  private void clear(MatmulKernel k) {
    k.a = k.b = k.c = dummy;
  }

  // ---------------------------------------------------------------- elementwise

  /** Runs the elementwise kernel; {@code x}, {@code y}, {@code z} may be null (unused). */
  private void elementwise(int mode, int op, Tensor out, Tensor x, int kx, Tensor y, int ky, Tensor z, int kz,
      float s1, float s2, String what) {
    int n = out.size();
    if (n == 0) return;
    ElementwiseKernel k = elementwiseKernel();
    synchronized (k) {
      k.mode = mode;
      k.op = op;
      k.out = arr(out);
      k.oo = out.offset();
      k.x = x == null ? dummy : arr(x);
      k.xo = x == null ? 0 : x.offset();
      k.kx = kx;
      k.y = y == null ? dummy : arr(y);
      k.yo = y == null ? 0 : y.offset();
      k.ky = ky;
      k.z = z == null ? dummy : arr(z);
      k.zo = z == null ? 0 : z.offset();
      k.kz = kz;
      k.rows = out.rows();
      k.cols = out.cols();
      k.n = n;
      k.s1 = s1;
      k.s2 = s2;
      launch1d(k, what, n);
      k.x = k.y = k.z = k.out = dummy;
    }
  }

  @Override
  public void unary(UnaryOp op, Tensor x, Tensor out) {
    KernelChecks.sameShape("unary " + op, x, out);
    elementwise(ElementwiseKernel.UNARY, op.ordinal(), out, x, 0, null, 0, null, 0, 0f, 0f, "unary");
  }

  @Override
  public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx) {
    KernelChecks.sameShape("unaryBackward " + op, x, y, gy);
    KernelChecks.sameShape("unaryBackward " + op, x, gx);
    elementwise(ElementwiseKernel.UNARY_BACKWARD, op.ordinal(), gx, x, 0, y, 0, gy, 0, 0f, 0f, "unaryBackward");
  }

  @Override
  public void clamp(Tensor x, float lo, float hi, Tensor out) {
    KernelChecks.sameShape("clamp", x, out);
    if (!(lo <= hi)) throw new IllegalArgumentException("clamp: lower bound " + lo + " exceeds upper bound " + hi);
    elementwise(ElementwiseKernel.CLAMP, 0, out, x, 0, null, 0, null, 0, lo, hi, "clamp");
  }

  @Override
  public void clampBackward(Tensor x, float lo, float hi, Tensor gy, Tensor gx) {
    KernelChecks.sameShape("clampBackward", x, gy, gx);
    elementwise(ElementwiseKernel.CLAMP_BACKWARD, 0, gx, x, 0, null, 0, gy, 0, lo, hi, "clampBackward");
  }

  @Override
  public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    Broadcast ka = KernelChecks.broadcast("binary " + op, a, out, "left operand");
    Broadcast kb = KernelChecks.broadcast("binary " + op, b, out, "right operand");
    elementwise(ElementwiseKernel.BINARY, op.ordinal(), out, a, kind(ka), b, kind(kb), null, 0, 0f, 0f, "binary");
  }

  @Override
  public void binaryScalar(BinaryOp op, Tensor a, float s, Tensor out) {
    KernelChecks.sameShape("binaryScalar " + op, a, out);
    elementwise(ElementwiseKernel.BINARY_SCALAR, op.ordinal(), out, a, 0, null, 0, null, 0, s, 0f, "binaryScalar");
  }

  @Override
  public void where(Tensor mask, Tensor a, Tensor b, Tensor out) {
    Broadcast km = KernelChecks.broadcast("where", mask, out, "mask");
    Broadcast ka = KernelChecks.broadcast("where", a, out, "left operand");
    Broadcast kb = KernelChecks.broadcast("where", b, out, "right operand");
    elementwise(ElementwiseKernel.WHERE, 0, out, mask, kind(km), a, kind(ka), b, kind(kb), 0f, 0f, "where");
  }

  @Override
  public void fill(Tensor out, float value) {
    elementwise(ElementwiseKernel.FILL, 0, out, null, 0, null, 0, null, 0, value, 0f, "fill");
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    if (src.size() != dst.size()) {
      throw new IllegalArgumentException("copy: source " + src.shapeString() + " has " + src.size()
          + " elements, destination " + dst.shapeString() + " has " + dst.size());
    }
    // Flat copy: both are read as one row of size elements, whatever their shapes.
    elementwise(ElementwiseKernel.COPY, 0, dst.reshape(1, dst.size()), src, 0, null, 0, null, 0, 0f, 0f, "copy");
  }

  // ---------------------------------------------------------------- binary backward

  @Override
  public void binaryBackward(BinaryOp op, Tensor a, Tensor b, Tensor gy, Tensor ga, Tensor gb) {
    String name = "binaryBackward " + op;
    Broadcast ka = KernelChecks.broadcast(name, a, gy, "left operand");
    Broadcast kb = KernelChecks.broadcast(name, b, gy, "right operand");
    if (ga != null && ga.size() != a.size()) {
      throw new IllegalArgumentException(name + ": gradient " + ga.shapeString() + " does not match operand " + a.shapeString());
    }
    if (gb != null && gb.size() != b.size()) {
      throw new IllegalArgumentException(name + ": gradient " + gb.shapeString() + " does not match operand " + b.shapeString());
    }
    // One launch per gradient: each writes one array, so gradients that share a backing array stay correct.
    if (ga != null) gradient(op, a, ka, b, kb, gy, ga, ka, 0);
    if (gb != null) gradient(op, a, ka, b, kb, gy, gb, kb, 1);
  }

  private void gradient(BinaryOp op, Tensor a, Broadcast ka, Tensor b, Broadcast kb, Tensor gy, Tensor g,
      Broadcast kt, int wrtB) {
    int n = g.size();
    if (n == 0) return;
    BroadcastGradKernel k = broadcastGradKernel();
    synchronized (k) {
      k.a = arr(a);
      k.b = arr(b);
      k.gy = arr(gy);
      k.g = arr(g);
      k.ao = a.offset();
      k.bo = b.offset();
      k.gyo = gy.offset();
      k.go = g.offset();
      k.ka = kind(ka);
      k.kb = kind(kb);
      k.kt = kind(kt);
      k.op = op.ordinal();
      k.wrtB = wrtB;
      k.rows = gy.rows();
      k.cols = gy.cols();
      k.n = n;
      launch1d(k, "binaryBackward", n);
      k.a = k.b = k.gy = k.g = dummy;
    }
  }

  // ---------------------------------------------------------------- line kernels

  private void lines(int mode, Tensor x, int xOffset, int lines, int count, int lineStride, int stride,
      Tensor out, int outLineStride, int[] idx, int[] iout, String what) {
    if (lines == 0) return;
    LineKernel k = lineKernel();
    synchronized (k) {
      k.mode = mode;
      k.x = arr(x);
      k.xo = xOffset;
      k.out = out == null ? dummy : arr(out);
      k.oo = out == null ? 0 : out.offset();
      k.idx = idx == null ? intDummy : arr(idx);
      k.iout = iout == null ? intDummy : arr(iout);
      k.lines = lines;
      k.count = count;
      k.lineStride = lineStride;
      k.stride = stride;
      k.outLineStride = outLineStride;
      launch1d(k, what, lines);
      k.x = k.out = dummy;
      k.idx = k.iout = intDummy;
    }
  }

  private static int reduceMode(ReduceOp op) {
    return switch (op) {
      case SUM -> LineKernel.SUM;
      case MEAN -> LineKernel.MEAN;
      case MAX -> LineKernel.MAX;
    };
  }

  @Override
  public void reduceRows(ReduceOp op, Tensor x, Tensor out) {
    KernelChecks.reduce("reduceRows " + op, x, out, x.rows(), "rows");
    lines(reduceMode(op), x, x.offset(), x.rows(), x.cols(), x.cols(), 1, out, 0, null, null, "reduceRows");
  }

  @Override
  public void reduceCols(ReduceOp op, Tensor x, Tensor out) {
    KernelChecks.reduce("reduceCols " + op, x, out, x.cols(), "columns");
    lines(reduceMode(op), x, x.offset(), x.cols(), x.rows(), 1, x.cols(), out, 0, null, null, "reduceCols");
  }

  @Override
  public void reduceAll(ReduceOp op, Tensor x, Tensor out) {
    KernelChecks.reduce("reduceAll " + op, x, out, 1, "value");
    lines(reduceMode(op), x, x.offset(), 1, x.size(), 0, 1, out, 0, null, null, "reduceAll");
  }

  @Override
  public void argmaxRows(Tensor x, int[] out) {
    if (out.length != x.rows()) {
      throw new IllegalArgumentException("argmaxRows: " + x.shapeString() + " has " + x.rows() + " rows but the output holds " + out.length);
    }
    lines(LineKernel.ARGMAX, x, x.offset(), x.rows(), x.cols(), x.cols(), 1, null, 0, null, out, "argmaxRows");
  }

  @Override
  public void logSumExpRows(Tensor x, Tensor out) {
    KernelChecks.reduce("logSumExpRows", x, out, x.rows(), "rows");
    lines(LineKernel.LOG_SUM_EXP, x, x.offset(), x.rows(), x.cols(), x.cols(), 1, out, 0, null, null, "logSumExpRows");
  }

  @Override
  public void softmaxRows(Tensor x, Tensor out) {
    KernelChecks.sameShape("softmaxRows", x, out);
    if (x.cols() == 0) return;
    lines(LineKernel.SOFTMAX, x, x.offset(), x.rows(), x.cols(), x.cols(), 1, out, out.cols(), null, null, "softmaxRows");
  }

  @Override
  public void logSoftmaxRows(Tensor x, Tensor out) {
    KernelChecks.sameShape("logSoftmaxRows", x, out);
    if (x.cols() == 0) return;
    lines(LineKernel.LOG_SOFTMAX, x, x.offset(), x.rows(), x.cols(), x.cols(), 1, out, out.cols(), null, null, "logSoftmaxRows");
  }

  @Override
  public void gatherRows(Tensor x, int[] idx, Tensor out) {
    KernelChecks.indices("gatherRows", x, idx);
    KernelChecks.reduce("gatherRows", x, out, x.rows(), "rows");
    lines(LineKernel.GATHER, x, x.offset(), x.rows(), x.cols(), x.cols(), 1, out, 0, idx, null, "gatherRows");
  }

  @Override
  public void scatterAddRows(Tensor src, int[] idx, Tensor out) {
    KernelChecks.indices("scatterAddRows", out, idx);
    KernelChecks.reduce("scatterAddRows", out, src, out.rows(), "rows");
    // Line j reads src[j] and adds it at out[j, idx[j]]: one work item per row, so no two write one element.
    lines(LineKernel.SCATTER_ADD, src, src.offset(), out.rows(), 1, 1, 1, out, out.cols(), idx, null, "scatterAddRows");
  }

  // ---------------------------------------------------------------- adam

  @Override
  public void adamStep(Tensor p, Tensor g, Tensor m, Tensor v,
      float lr, float beta1, float beta2, float eps, float weightDecay, long t) {
    KernelChecks.sameShape("adamStep", p, g, m);
    KernelChecks.sameShape("adamStep", p, v);
    if (t < 1) throw new IllegalArgumentException("adamStep: step count " + t + " must be at least 1");
    int n = p.size();
    if (n == 0) return;
    AdamKernel k = adamKernel();
    synchronized (k) {
      k.g = arr(g);
      k.po = p.offset();
      k.go = g.offset();
      k.mo = m.offset();
      k.vo = v.offset();
      k.n = n;
      k.lr = lr;
      k.beta1 = beta1;
      k.beta2 = beta2;
      k.eps = eps;
      k.weightDecay = weightDecay;
      k.bc1 = (float) (1.0 - Math.pow(beta1, t));
      k.bc2 = (float) (1.0 - Math.pow(beta2, t));
      boolean shared = p.data() == m.data() || p.data() == v.data() || m.data() == v.data();
      if (!shared) {
        k.phase = 0;
        k.p = arr(p);
        k.m = arr(m);
        k.v = arr(v);
        launch1d(k, "adamStep", n);
      } else {
        k.phase = 1;
        k.p = k.v = dummy;
        k.m = arr(m);
        launch1d(k, "adamStep", n);
        k.phase = 2;
        k.m = dummy;
        k.v = arr(v);
        launch1d(k, "adamStep", n);
        k.phase = 3;
        k.v = dummy;
        k.p = arr(p);
        k.mIn = arr(m);
        k.vIn = arr(v);
        launch1d(k, "adamStep", n);
      }
      k.p = k.g = k.m = k.v = k.mIn = k.vIn = dummy;
    }
  }
}
