package vecrl.algo;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import vecrl.autodiff.OptimizerState;
import vecrl.io.PolicyIO;

/**
 * A {@link TemplatePolicy}'s exported checkpoint: the model in the policy file format ({@link
 * TemplatePolicy#MODEL_FILE}) and {@link TemplatePolicy#OPTIMIZER_FILE}, big-endian: the optimizer's
 * kind, step and buffers, the entropy and KL coefficients, then each stateful mixin's state.
 */
final class TemplateCheckpoint {
  private TemplateCheckpoint() {}

  /** Writes {@code p}'s model and optimizer state (see {@link TemplatePolicy#exportCheckpoint}). */
  static void export(TemplatePolicy p, Path dir) throws IOException {
    Files.createDirectories(dir);
    PolicyIO.serialize(p.model(), dir.resolve(TemplatePolicy.MODEL_FILE));
    vecrl.io.AtomicFiles.write(dir.resolve(TemplatePolicy.OPTIMIZER_FILE), vecrl.io.AtomicFiles.bytes(out -> {
      OptimizerState s = p.optimizer().state();
      out.writeUTF(s.kind());
      out.writeLong(s.step());
      out.writeInt(s.buffers().length);
      for (float[] b : s.buffers()) {
        out.writeInt(b.length);
        for (float v : b) out.writeInt(Float.floatToRawIntBits(v));
      }
      out.writeDouble(p.entCoef());
      out.writeDouble(p.klCoeff());
      for (PolicyTemplate.Mixin m : p.mixinsWithState()) {
        double[] st = m.state();
        out.writeInt(st.length);
        for (double v : st) out.writeDouble(v);
      }
    }));
  }

  /** Reads what {@link #export} wrote into {@code p}, checking everything before changing anything. */
  static void importInto(TemplatePolicy p, Path dir) throws IOException {
    // the optimizer's file is read and checked against this policy first: a mismatch changes nothing
    Path f = dir.resolve(TemplatePolicy.OPTIMIZER_FILE);
    long size = Files.size(f);
    OptimizerState state;
    double ent, kl;
    List<PolicyTemplate.Mixin> stateful = p.mixinsWithState();
    double[][] mixinStates = new double[stateful.size()][];
    try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(f)))) {
      String kind = in.readUTF();
      long step = in.readLong();
      int n = in.readInt();
      if (n < 0 || n > p.model().parameters().size() * 4) throw new IOException(f + ": " + n + " optimizer buffers, expected at most " + p.model().parameters().size() * 4);
      float[][] b = new float[n][];
      for (int i = 0; i < n; i++) {
        int len = in.readInt();
        if (len < 0 || len > size / 4) throw new IOException(f + ": optimizer buffer " + i + " of " + len + " floats does not fit the file");
        b[i] = new float[len];
        for (int j = 0; j < len; j++) b[i][j] = Float.intBitsToFloat(in.readInt());
      }
      ent = in.readDouble();
      kl = in.readDouble();
      for (int i = 0; i < mixinStates.length; i++) {
        int len = in.readInt();
        if (len < 0 || len > size / 8) throw new IOException(f + ": state of mixin " + stateful.get(i).getClass().getName() + " of " + len + " values does not fit the file");
        mixinStates[i] = new double[len];
        for (int j = 0; j < len; j++) mixinStates[i][j] = in.readDouble();
      }
      if (in.read() != -1) throw new IOException(f + ": unexpected bytes after the optimizer state");
      state = new OptimizerState(kind, step, b);
    } catch (java.io.EOFException e) {
      throw new IOException(f + ": truncated optimizer state", e);
    }
    if (!(ent >= 0) || !Double.isFinite(ent) || !(kl >= 0) || !Double.isFinite(kl)) {
      throw new IOException(f + ": entropy coefficient " + ent + " and KL coefficient " + kl + ", expected finite values >= 0");
    }
    Path mf = dir.resolve(TemplatePolicy.MODEL_FILE);
    byte[] modelBytes = Files.readAllBytes(mf);
    if (modelBytes.length < 32 || !java.util.Arrays.equals(java.util.Arrays.copyOf(modelBytes, 32), PolicyIO.fingerprint(p.model()))) {
      PolicyIO.decode(modelBytes, mf.toString(), p.model()); // a model of another structure: throws, naming the file and the difference
    }
    OptimizerState mine = p.optimizer().state();
    boolean fits = state.kind().equals(mine.kind()) && state.buffers().length == mine.buffers().length;
    for (int i = 0; fits && i < mine.buffers().length; i++) fits = state.buffers()[i].length == mine.buffers()[i].length;
    if (!fits) {
      throw new IOException(f + ": the state of a '" + state.kind() + "' optimizer with " + state.buffers().length
          + " buffers does not fit this policy's '" + mine.kind() + "' optimizer with " + mine.buffers().length
          + " buffers (an exported checkpoint goes into a policy of the same model structure and optimizer)");
    }
    PolicyIO.decode(modelBytes, mf.toString(), p.model());
    p.optimizer().restore(state);
    p.setEntCoef(ent);
    p.setKlCoeff(kl);
    for (int i = 0; i < mixinStates.length; i++) stateful.get(i).restore(mixinStates[i]);
  }
}
