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
import java.util.concurrent.CopyOnWriteArrayList;
import vecrl.tensor.BinaryOp;
import vecrl.tensor.Conv2dGeometry;
import vecrl.tensor.HostSync;
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
 * <p>Six kernel objects cover the interface (matrix multiply; elementwise; broadcast gradients;
 * line-wise reductions and softmax; Adam; the convolution's im2col and col2im). Each is created and compiled for the device on first
 * use, once per backend instance, and reused for every call; {@link #close()} releases them.
 *
 * <p><b>No silent fallback.</b> Aparapi runs a kernel it cannot translate or build on a Java
 * thread pool. This backend compiles each kernel explicitly for its device and, after the first
 * execution of each kernel, checks that it ran through OpenCL on that device; otherwise it throws
 * {@link OpenClUnavailableException} naming the kernel and the device.
 *
 * <p><b>Data movement: two modes.</b> {@value #RESIDENT_PROPERTY}{@code =true} (the default) keeps
 * data on the device across kernels: one {@link ArenaKernel} holds every op over one device arena
 * in Aparapi's explicit mode, and {@link DeviceMemory} tracks, per backing array, whether the host
 * or the device holds the newer values. An array is copied to the device only when a kernel reads
 * it and the host may have changed it, and to the host only when host code touches it through
 * {@link Tensor} (the {@link HostSync} hook this backend installs) while the device holds newer
 * values. Tensors made by {@link Tensor#wrap} are copied in before and out after every kernel that
 * uses them, since their arrays are shared with code outside {@link Tensor}. {@code =false} is the
 * older implicit mode: Aparapi copies every array of a kernel to the device before each call and
 * the written one back after it. Both count the bytes they move ({@link #bytesToDevice()}, {@link
 * #bytesToHost()}).
 *
 * <p>Arithmetic is float32 throughout (sums accumulate in float, unlike the scalar reference's
 * double), and the OpenCL compiler may contract {@code a * b + c} into fused multiply-adds.
 *
 * <p>JVM flags (JDK 24+): {@code --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow}.
 */
public final class OpenClKernels implements Kernels, AutoCloseable {
  /** The backend name, {@code opencl}. */
  public static final String NAME = "opencl";

  /** System property choosing the data-movement mode: {@code true} (default) resident, {@code false} implicit. */
  public static final String RESIDENT_PROPERTY = "vecrl.opencl.resident";
  /** Initial device arena of the resident mode, in floats (32 MB: a humongous object, which G1 never moves). */
  static final int DEFAULT_ARENA_FLOATS = 8 << 20;

  private static final System.Logger LOG = System.getLogger("vecrl.gpu");
  /** The open resident backends; the installed {@link HostSync} asks each of them. */
  private static final CopyOnWriteArrayList<OpenClKernels> RESIDENT = new CopyOnWriteArrayList<>();
  private static final HostSync SYNC = data -> {
    for (OpenClKernels b : RESIDENT) b.toHost(data);
  };
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
  private Conv2dKernel conv;
  private boolean closed;

  private final boolean resident;
  private final int arenaFloats;
  private ArenaKernel arenaKernel;
  private DeviceMemory memory;
  private long bytesToDevice;
  private long bytesToHost;
  private long launches;

  private OpenClKernels(OpenCLDevice device, boolean resident, int arenaFloats) {
    this.device = device;
    this.resident = resident;
    this.arenaFloats = arenaFloats;
    if (resident) {
      synchronized (RESIDENT) { // with close(): the hook is installed exactly while some resident backend is open
        RESIDENT.add(this);
        Tensor.installHostSync(SYNC);
      }
    }
  }

  /**
   * Opens the device chosen by {@code deviceSpec} (an index into {@link OpenClDevices#list()}, part
   * of a device name, or {@code null} for the first GPU, else the first device).
   *
   * @throws OpenClUnavailableException when no OpenCL library, platform or matching device exists
   */
  public static OpenClKernels open(String deviceSpec) {
    String mode = System.getProperty(RESIDENT_PROPERTY, "true");
    if (!mode.equals("true") && !mode.equals("false")) {
      throw new IllegalArgumentException("opencl: -D" + RESIDENT_PROPERTY + "=" + mode + ": expected true or false");
    }
    return open(deviceSpec, mode.equals("true"), DEFAULT_ARENA_FLOATS);
  }

  /** As {@link #open(String)}, with the data-movement mode and the initial arena size given. */
  static OpenClKernels open(String deviceSpec, boolean resident, int arenaFloats) {
    OpenCLDevice d = OpenClDevices.select(deviceSpec);
    LOG.log(System.Logger.Level.INFO, "vecrl: opencl device ''{0}'' ({1}, platform {2}), {3} data", d.getName(), d.getType(),
        d.getOpenCLPlatform().getVersion(), resident ? "resident" : "implicitly copied");
    return new OpenClKernels(d, resident, arenaFloats);
  }

  /** True when data stays on the device between kernels ({@value #RESIDENT_PROPERTY}). */
  public boolean isResident() {
    return resident;
  }

  /**
   * Bytes copied host to device since the last {@link #resetTransferCounts()}: in resident mode the
   * arrays this backend copied in (and index arrays); in implicit mode every array Aparapi copies
   * before each call (every array field the kernel reads, as Aparapi's implicit mode does).
   */
  public synchronized long bytesToDevice() {
    return bytesToDevice;
  }

  /** Bytes copied device to host since the last {@link #resetTransferCounts()} (see {@link #bytesToDevice()}). */
  public synchronized long bytesToHost() {
    return bytesToHost;
  }

  /** Kernel launches since the last {@link #resetTransferCounts()}, the resident mode's copies included. */
  public synchronized long kernelLaunches() {
    return launches;
  }

  /** Sets the transfer and launch counters to zero. */
  public synchronized void resetTransferCounts() {
    bytesToDevice = 0;
    bytesToHost = 0;
    launches = 0;
  }

  /** How often the resident arena was full and started over (0 in implicit mode). */
  synchronized int arenaResets() {
    return memory == null ? 0 : memory.resets();
  }

  /** The residency state of an array (for tests): see {@link DeviceMemory}; -1 when it has none. */
  synchronized int residencyState(float[] data) {
    return memory == null ? -1 : memory.state(data);
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
    if (resident) return arenaKernel == null ? 0 : arenaKernel.tile;
    return matmul == null ? 0 : matmul.tile;
  }

  /** The host hook's entry: copies {@code data} out when this backend's device holds newer values. */
  private synchronized void toHost(float[] data) {
    if (memory != null) memory.toHost(data);
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

  /** The resident mode's one kernel object and its arena; compiled on first use. Call under this lock. */
  private ArenaKernel arenaKernel() {
    if (arenaKernel == null) {
      int tile = firstTile();
      memory = new DeviceMemory(arenaFloats, new DeviceMemory.Copier() {
        @Override
        public void toDevice(float[] host, int base) {
          stage(ArenaKernel.STAGE_IN, host, base);
        }

        @Override
        public void toHost(float[] host, int base) {
          stage(ArenaKernel.STAGE_OUT, host, base);
        }

        @Override
        public void arenaReplaced(float[] arena) {
          arenaKernel.mem = arena;
        }
      });
      ArenaKernel k = new ArenaKernel(tile, memory.arena(), dummy, intDummy);
      k.setExplicit(true);
      int kernelLimit = compile(k, "arena");
      while (tile > 1 && tile * tile > kernelLimit) {
        forget(k);
        tile /= 2;
        k = new ArenaKernel(tile, memory.arena(), dummy, intDummy);
        k.setExplicit(true);
        kernelLimit = compile(k, "arena");
      }
      arenaKernel = k;
    }
    return arenaKernel;
  }

  /** Copies one host array into ({@code STAGE_IN}) or out of ({@code STAGE_OUT}) its arena region. */
  private void stage(int mode, float[] host, int base) {
    ArenaKernel k = arenaKernel;
    k.stage = host;
    k.mode = mode;
    k.oo = base;
    k.n = host.length;
    if (mode == ArenaKernel.STAGE_IN) {
      k.put(host);
      bytesToDevice += 4L * host.length;
    }
    launch1d(k, "arena copy", host.length);
    if (mode == ArenaKernel.STAGE_OUT) {
      k.get(host);
      bytesToHost += 4L * host.length;
    }
  }

  private int firstTile() {
    int limit = Math.min(device.getMaxWorkGroupSize(), Math.min(device.getMaxWorkItemSize()[0], device.getMaxWorkItemSize()[1]));
    int tile = MAX_TILE;
    while (tile > 1 && (tile * tile > limit || tile > device.getMaxWorkItemSize()[0])) tile /= 2;
    return tile;
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

  private synchronized Conv2dKernel convKernel() {
    if (conv == null) {
      conv = new Conv2dKernel(dummy);
      compile(conv, "im2col/col2im");
    }
    return conv;
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
    countLaunch();
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
    if (closed) return;
    if (memory != null && arenaKernel != null) memory.flush();
    synchronized (RESIDENT) {
      RESIDENT.remove(this);
      if (RESIDENT.isEmpty()) Tensor.installHostSync(null);
    }
    closed = true;
    for (Kernel k : created) k.dispose();
    created.clear();
    localSizes.clear();
    matmul = null;
    elementwise = null;
    broadcastGrad = null;
    line = null;
    adam = null;
    conv = null;
    arenaKernel = null;
  }

  private float[] arr(Tensor t) {
    float[] d = t.data(); // implicit mode is host code to any open resident backend
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
    if (resident) {
      residentMatmul(a, transposeA, b, transposeB, c, beta);
      return;
    }
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
      count(k.a.length + k.b.length + k.c.length, k.c.length);
      clear(k);
    }
  }

  private void residentMatmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor c, float beta) {
    syncOthers(a, b, c, null);
    synchronized (this) {
      ArenaKernel k = arenaKernel();
      float[] ad = a.deviceData(), bd = b.deviceData(), cd = c.deviceData();
      memory.reserve(ad, bd, cd, null);
      int ao = memory.read(ad) + a.offset();
      int bo = memory.read(bd) + b.offset();
      int co = memory.write(cd, beta == 0f && covers(c)) + c.offset();
      k.mode = ArenaKernel.MATMUL;
      k.xo = ao;
      k.yo = bo;
      k.oo = co;
      k.mm = c.rows();
      k.mn = c.cols();
      k.mk = transposeA ? a.rows() : a.cols();
      k.lda = a.cols();
      k.ldb = b.cols();
      k.ta = transposeA ? 1 : 0;
      k.tb = transposeB ? 1 : 0;
      k.beta = beta;
      int t = k.tile;
      launch(k, "matmul", Range.create2D(device, roundUp(k.mn, t), roundUp(k.mm, t), t, t));
      memory.written(cd);
      release(a, b, c, null);
    }
  }

  /** True when {@code t} spans its whole backing array. */
  private static boolean covers(Tensor t) {
    return t.offset() == 0 && t.size() == t.deviceData().length;
  }

  /** Other open resident backends copy these arrays out if their device holds newer values. */
  private void syncOthers(Tensor a, Tensor b, Tensor c, Tensor d) {
    if (RESIDENT.size() < 2) return;
    for (OpenClKernels other : RESIDENT) {
      if (other == this) continue;
      if (a != null) other.toHost(a.deviceData());
      if (b != null) other.toHost(b.deviceData());
      if (c != null) other.toHost(c.deviceData());
      if (d != null) other.toHost(d.deviceData());
    }
  }

  /** After an op: arrays shared through {@link Tensor#wrap} go back to the host and count as host-newer. */
  private void release(Tensor a, Tensor b, Tensor c, Tensor d) {
    if (a != null && a.isWrapped()) memory.release(a.deviceData());
    if (b != null && b.isWrapped()) memory.release(b.deviceData());
    if (c != null && c.isWrapped()) memory.release(c.deviceData());
    if (d != null && d.isWrapped()) memory.release(d.deviceData());
  }

  private static float[] dataOrNull(Tensor t) {
    return t == null ? null : t.deviceData();
  }

  private synchronized void countLaunch() {
    launches++;
  }

  /** Adds an implicit-mode call's copies, in floats each way. */
  private synchronized void count(long floatsIn, long floatsOut) {
    bytesToDevice += 4 * floatsIn;
    bytesToHost += 4 * floatsOut;
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
    if (resident) {
      residentElementwise(mode, op, out, x, kx, y, ky, z, kz, s1, s2, what);
      return;
    }
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
      count(k.x.length + k.y.length + k.z.length + k.out.length, k.out.length);
      k.x = k.y = k.z = k.out = dummy;
    }
  }

  private void residentElementwise(int mode, int op, Tensor out, Tensor x, int kx, Tensor y, int ky, Tensor z, int kz,
      float s1, float s2, String what) {
    syncOthers(out, x, y, z);
    synchronized (this) {
      ArenaKernel k = arenaKernel();
      memory.reserve(out.deviceData(), dataOrNull(x), dataOrNull(y), dataOrNull(z));
      int xo = x == null ? 0 : memory.read(x.deviceData()) + x.offset();
      int yo = y == null ? 0 : memory.read(y.deviceData()) + y.offset();
      int zo = z == null ? 0 : memory.read(z.deviceData()) + z.offset();
      boolean readsOut = mode == ElementwiseKernel.UNARY_BACKWARD || mode == ElementwiseKernel.CLAMP_BACKWARD;
      int oo = memory.write(out.deviceData(), !readsOut && covers(out)) + out.offset();
      // ElementwiseKernel's mode codes are ArenaKernel's (UNARY .. COPY).
      k.mode = mode;
      k.op = op;
      k.xo = xo;
      k.yo = yo;
      k.zo = zo;
      k.oo = oo;
      k.kx = kx;
      k.ky = ky;
      k.kz = kz;
      k.rows = out.rows();
      k.cols = out.cols();
      k.n = out.size();
      k.s1 = s1;
      k.s2 = s2;
      launch1d(k, what, k.n);
      memory.written(out.deviceData());
      release(out, x, y, z);
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
    if (resident) {
      residentGradient(op, a, ka, b, kb, gy, g, kt, wrtB);
      return;
    }
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
      count(k.a.length + k.b.length + k.gy.length + k.g.length, k.g.length);
      k.a = k.b = k.gy = k.g = dummy;
    }
  }

  private void residentGradient(BinaryOp op, Tensor a, Broadcast ka, Tensor b, Broadcast kb, Tensor gy, Tensor g,
      Broadcast kt, int wrtB) {
    syncOthers(a, b, gy, g);
    synchronized (this) {
      ArenaKernel k = arenaKernel();
      memory.reserve(a.deviceData(), b.deviceData(), gy.deviceData(), g.deviceData());
      int ao = memory.read(a.deviceData()) + a.offset();
      int bo = memory.read(b.deviceData()) + b.offset();
      int gyo = memory.read(gy.deviceData()) + gy.offset();
      int go = memory.write(g.deviceData(), false) + g.offset();
      k.mode = ArenaKernel.BINARY_GRAD;
      k.xo = ao;
      k.yo = bo;
      k.zo = gyo;
      k.oo = go;
      k.kx = kind(ka);
      k.ky = kind(kb);
      k.kt = kind(kt);
      k.op = op.ordinal();
      k.wrtB = wrtB;
      k.rows = gy.rows();
      k.cols = gy.cols();
      k.n = g.size();
      launch1d(k, "binaryBackward", k.n);
      memory.written(g.deviceData());
      release(a, b, gy, g);
    }
  }

  // ---------------------------------------------------------------- line kernels

  private void lines(int mode, Tensor x, int xOffset, int lines, int count, int lineStride, int stride,
      Tensor out, int outLineStride, int[] idx, int[] iout, String what) {
    if (lines == 0) return;
    if (resident) {
      residentLines(mode, x, xOffset, lines, count, lineStride, stride, out, outLineStride, idx, iout, what);
      return;
    }
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
      count(k.x.length + k.out.length + k.idx.length, k.out.length + k.iout.length);
      k.x = k.out = dummy;
      k.idx = k.iout = intDummy;
    }
  }

  private void residentLines(int mode, Tensor x, int xOffset, int lines, int count, int lineStride, int stride,
      Tensor out, int outLineStride, int[] idx, int[] iout, String what) {
    syncOthers(x, out, null, null);
    synchronized (this) {
      ArenaKernel k = arenaKernel();
      memory.reserve(x.deviceData(), dataOrNull(out), null, null);
      int xo = memory.read(x.deviceData()) + xOffset;
      int oo = 0;
      if (out != null) oo = memory.write(out.deviceData(), mode != LineKernel.SCATTER_ADD && covers(out)) + out.offset();
      if (idx != null) {
        k.idx = arr(idx);
        k.put(k.idx);
        bytesToDevice += 4L * k.idx.length;
      }
      if (iout != null) k.iout = arr(iout);
      // LineKernel's mode codes (SUM .. SCATTER_ADD) shifted to ArenaKernel's.
      k.mode = ArenaKernel.SUM + mode - LineKernel.SUM;
      k.xo = xo;
      k.oo = oo;
      k.n = lines;
      k.count = count;
      k.lineStride = lineStride;
      k.stride = stride;
      k.outLineStride = outLineStride;
      launch1d(k, what, lines);
      if (iout != null) {
        k.get(k.iout);
        bytesToHost += 4L * k.iout.length;
      }
      if (out != null) memory.written(out.deviceData());
      release(x, out, null, null);
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

  // ---------------------------------------------------------------- convolution patches

  /**
   * im2col on the device (one work item per patch-matrix element), so that {@link #conv2d} (the
   * interface's im2col then {@link #linear}) uploads the input, not the patch matrix; in the
   * resident mode the patch matrix stays on the device for {@link #conv2dBackward}. The values are
   * the host loop's exactly (copies and zeros).
   */
  @Override
  public void im2col(Tensor x, Conv2dGeometry g, Tensor cols) {
    g.checkInput("im2col", x);
    g.checkMatrix("im2col", "patch matrix", cols, g.outRows(), g.patchSize());
    patches(Conv2dKernel.IM2COL, x, g, cols, cols.size(), "im2col");
  }

  /**
   * col2im on the device: one work item per input-gradient element adds the patch entries read
   * from it in the host loop's order (output row after output row), so the sums are the host
   * loop's bit for bit.
   */
  @Override
  public void col2imAdd(Tensor cols, Conv2dGeometry g, Tensor gx) {
    g.checkInput("col2imAdd", gx);
    g.checkMatrix("col2imAdd", "patch matrix", cols, g.outRows(), g.patchSize());
    patches(Conv2dKernel.COL2IM, gx, g, cols, gx.size(), "col2imAdd");
  }

  /** Runs im2col ({@code x} read, {@code cols} written) or col2im ({@code cols} read, {@code x} accumulated). */
  private void patches(int mode, Tensor x, Conv2dGeometry g, Tensor cols, int n, String what) {
    if (n == 0 || cols.size() == 0) return;
    if (resident) {
      residentPatches(mode, x, g, cols, n, what);
      return;
    }
    Conv2dKernel k = convKernel();
    synchronized (k) {
      k.mode = mode;
      k.x = arr(x);
      k.cols = arr(cols);
      k.xo = x.offset();
      k.co = cols.offset();
      k.n = n;
      setGeometry(k, g);
      launch1d(k, what, n);
      count(k.x.length + k.cols.length, mode == Conv2dKernel.IM2COL ? k.cols.length : k.x.length);
      k.x = k.cols = dummy;
    }
  }

  private static void setGeometry(Conv2dKernel k, Conv2dGeometry g) {
    k.cvH = g.height();
    k.cvW = g.width();
    k.cvC = g.channels();
    k.cvKh = g.kernelH();
    k.cvKw = g.kernelW();
    k.cvS = g.stride();
    k.cvP = g.padding();
    k.cvOh = g.outHeight();
    k.cvOw = g.outWidth();
  }

  private void residentPatches(int mode, Tensor x, Conv2dGeometry g, Tensor cols, int n, String what) {
    syncOthers(x, cols, null, null);
    synchronized (this) {
      ArenaKernel k = arenaKernel();
      float[] xd = x.deviceData(), cd = cols.deviceData();
      memory.reserve(xd, cd, null, null);
      // Resolve the regions first: copying an array in launches this kernel object in a staging mode.
      boolean im2col = mode == Conv2dKernel.IM2COL;
      int in = im2col ? memory.read(xd) + x.offset() : memory.read(cd) + cols.offset();
      int out = im2col ? memory.write(cd, covers(cols)) + cols.offset() : memory.write(xd, false) + x.offset();
      k.mode = im2col ? ArenaKernel.IM2COL : ArenaKernel.COL2IM;
      k.xo = in;
      k.oo = out;
      k.n = n;
      k.cvH = g.height();
      k.cvW = g.width();
      k.cvC = g.channels();
      k.cvKh = g.kernelH();
      k.cvKw = g.kernelW();
      k.cvS = g.stride();
      k.cvP = g.padding();
      k.cvOh = g.outHeight();
      k.cvOw = g.outWidth();
      launch1d(k, what, n);
      memory.written(im2col ? cd : xd);
      release(x, cols, null, null);
    }
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
    if (resident) {
      residentAdam(p, g, m, v, lr, beta1, beta2, eps, weightDecay, t);
      return;
    }
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
      boolean shared = p.deviceData() == m.deviceData() || p.deviceData() == v.deviceData() || m.deviceData() == v.deviceData();
      if (!shared) {
        k.phase = 0;
        k.p = arr(p);
        k.m = arr(m);
        k.v = arr(v);
        launch1d(k, "adamStep", n);
        countAdam(k);
      } else {
        k.phase = 1;
        k.p = k.v = dummy;
        k.m = arr(m);
        launch1d(k, "adamStep", n);
        countAdam(k);
        k.phase = 2;
        k.m = dummy;
        k.v = arr(v);
        launch1d(k, "adamStep", n);
        countAdam(k);
        k.phase = 3;
        k.v = dummy;
        k.p = arr(p);
        k.mIn = arr(m);
        k.vIn = arr(v);
        launch1d(k, "adamStep", n);
        countAdam(k);
      }
      k.p = k.g = k.m = k.v = k.mIn = k.vIn = dummy;
    }
  }

  /** Implicit mode: Aparapi copies every array field of the Adam kernel in and the written ones out. */
  private void countAdam(AdamKernel k) {
    count(k.p.length + k.g.length + k.m.length + k.v.length + k.mIn.length + k.vIn.length, k.p.length + k.m.length + k.v.length);
  }

  private void residentAdam(Tensor p, Tensor g, Tensor m, Tensor v,
      float lr, float beta1, float beta2, float eps, float weightDecay, long t) {
    syncOthers(p, g, m, v);
    synchronized (this) {
      ArenaKernel k = arenaKernel();
      memory.reserve(p.deviceData(), g.deviceData(), m.deviceData(), v.deviceData());
      k.xo = memory.read(g.deviceData()) + g.offset();
      k.yo = memory.write(m.deviceData(), false) + m.offset();
      k.zo = memory.write(v.deviceData(), false) + v.offset();
      k.oo = memory.write(p.deviceData(), false) + p.offset();
      k.mode = ArenaKernel.ADAM;
      k.n = p.size();
      k.lr = lr;
      k.beta1 = beta1;
      k.beta2 = beta2;
      k.eps = eps;
      k.weightDecay = weightDecay;
      k.bc1 = (float) (1.0 - Math.pow(beta1, t));
      k.bc2 = (float) (1.0 - Math.pow(beta2, t));
      launch1d(k, "adamStep", k.n);
      memory.written(p.deviceData());
      memory.written(m.deviceData());
      memory.written(v.deviceData());
      release(p, g, m, v);
    }
  }
}
