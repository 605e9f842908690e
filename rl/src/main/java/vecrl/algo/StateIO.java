package vecrl.algo;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import vecrl.autodiff.Optimizer;
import vecrl.autodiff.OptimizerState;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;

/**
 * Checkpoint fields for off-policy algorithms and the replay buffer: counted float arrays, named
 * parameter sets and optimizer states, each read back with its count, names, sizes and values
 * checked (finite) before anything changes. Errors are {@link IOException}s naming the field; the
 * trainer's checkpoint adds the file name. The layouts match the trainer's own sections.
 */
public final class StateIO {
  private StateIO() {}

  /** A count of elements of {@code bytesEach} bytes, checked against the bytes left before anything is allocated. */
  public static int readCount(DataInputStream in, int bytesEach, String what) throws IOException {
    int c = in.readInt();
    int left = in.available();
    if (c < 0 || (long) c * bytesEach > left) {
      throw new IOException(what + ": count " + Integer.toUnsignedString(c) + " does not fit the " + left + " bytes left");
    }
    return c;
  }

  /** The first {@code n} floats of {@code a}, with their count. */
  public static void writeFloats(DataOutputStream out, float[] a, int n) throws IOException {
    out.writeInt(n);
    for (int i = 0; i < n; i++) out.writeFloat(a[i]);
  }

  public static void writeFloats(DataOutputStream out, float[] a) throws IOException {
    writeFloats(out, a, a.length);
  }

  /** Exactly {@code n} floats, every one finite. */
  public static float[] readFloats(DataInputStream in, int n, String what) throws IOException {
    int c = readCount(in, 4, what);
    if (c != n) throw new IOException(what + ": " + c + " values, expected " + n);
    float[] a = new float[c];
    for (int i = 0; i < c; i++) {
      a[i] = in.readFloat();
      if (!Float.isFinite(a[i])) throw new IOException(what + "[" + i + "] = " + a[i] + ", expected a finite number");
    }
    return a;
  }

  /** The parameters' names and values. */
  public static void writeParams(DataOutputStream out, ParameterSet params) throws IOException {
    out.writeInt(params.size());
    for (Parameter p : params) {
      out.writeUTF(p.name());
      writeFloats(out, p.value().toArray());
    }
  }

  /** Values for {@code params} (count, names, sizes, finite), not yet copied; {@code what} names the network. */
  public static float[][] readParams(DataInputStream in, ParameterSet params, String what) throws IOException {
    int c = readCount(in, 6, what + " parameters");
    if (c != params.size()) throw new IOException(what + " parameters: " + c + " saved, the network has " + params.size());
    float[][] v = new float[c][];
    for (int i = 0; i < c; i++) {
      Parameter p = params.get(i);
      String name = in.readUTF();
      if (!name.equals(p.name())) throw new IOException(what + " parameter " + i + " is '" + name + "', the network has '" + p.name() + "'");
      v[i] = readFloats(in, p.value().size(), what + " parameter '" + p.name() + "' " + p.value().shapeString());
    }
    return v;
  }

  /** Copies values read by {@link #readParams} into {@code params}. */
  public static void setParams(ParameterSet params, float[][] values) {
    for (int i = 0; i < values.length; i++) params.get(i).value().copyFrom(values[i]);
  }

  /** The optimizer's kind, step count and buffers. */
  public static void writeOptimizer(DataOutputStream out, Optimizer optimizer) throws IOException {
    OptimizerState os = optimizer.state();
    out.writeUTF(os.kind());
    out.writeLong(os.step());
    float[][] b = os.buffers();
    out.writeInt(b.length);
    for (float[] x : b) writeFloats(out, x);
  }

  /**
   * Reads a state written by {@link #writeOptimizer} for {@code optimizer} (its kind, a step in [0,
   * {@code maxStep}], its buffers' count and sizes, finite); the returned action restores it.
   */
  public static Runnable readOptimizer(DataInputStream in, Optimizer optimizer, long maxStep, String what) throws IOException {
    String kind = in.readUTF();
    OptimizerState now = optimizer.state();
    if (!kind.equals(now.kind())) throw new IOException(what + " optimizer: '" + kind + "', the config's optimizer is '" + now.kind() + "'");
    long step = in.readLong();
    if (step < 0 || step > maxStep) throw new IOException(what + " optimizer step: " + step + ", expected in [0, " + maxStep + "]");
    float[][] expected = now.buffers();
    int c = readCount(in, 4, what + " optimizer buffers");
    if (c != expected.length) throw new IOException(what + " optimizer buffers: " + c + ", the " + kind + " optimizer has " + expected.length);
    float[][] b = new float[c][];
    for (int i = 0; i < c; i++) b[i] = readFloats(in, expected[i].length, what + " optimizer buffer " + i);
    OptimizerState state = new OptimizerState(kind, step, b);
    return () -> optimizer.restore(state);
  }

  /**
   * The checkpoint state of an off-policy actor-critic (SAC, discrete SAC, TD3, DDPG): its {@code
   * kind}, its gradient-step count, every parameter of the model and each optimizer, in that order.
   */
  public static void writeActorCritic(DataOutputStream out, String kind, long updates, ParameterSet params, Optimizer... optimizers)
      throws IOException {
    out.writeUTF(kind);
    out.writeLong(updates);
    writeParams(out, params);
    for (Optimizer o : optimizers) writeOptimizer(out, o);
  }

  /**
   * Reads and checks a state written by {@link #writeActorCritic}: the kind must be {@code kind}, the
   * step count in [0, gradientSteps], the parameters and optimizers ({@code names[i]} for {@code
   * optimizers[i]}) as {@link #readParams} and {@link #readOptimizer} check them. Errors start with
   * {@code label}. Changes nothing until the returned action runs; it passes the step count to {@code
   * setUpdates}, then sets the parameters and the optimizers.
   */
  public static Runnable readActorCritic(DataInputStream in, String kind, String label, long gradientSteps, ParameterSet params,
      java.util.function.LongConsumer setUpdates, Optimizer[] optimizers, String[] names) throws IOException {
    String k = in.readUTF();
    if (!k.equals(kind)) throw new IOException(label + " state: the checkpoint holds '" + k + "' state");
    long u = in.readLong();
    if (u < 0 || u > gradientSteps) throw new IOException(label + " state: " + u + " gradient steps, expected in [0, " + gradientSteps + "]");
    float[][] values = readParams(in, params, label + " parameters");
    Runnable[] opts = new Runnable[optimizers.length];
    for (int i = 0; i < optimizers.length; i++) opts[i] = readOptimizer(in, optimizers[i], u, label + " " + names[i]);
    return () -> {
      setUpdates.accept(u);
      setParams(params, values);
      for (Runnable r : opts) r.run();
    };
  }
}
