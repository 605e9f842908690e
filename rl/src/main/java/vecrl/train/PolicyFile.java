package vecrl.train;

import java.io.IOException;
import java.nio.file.Path;
import vecrl.algo.MlpActorCritic;
import vecrl.env.RunningMeanStd;
import vecrl.tensor.Rng;

/**
 * The trained policy as written into a run directory ({@code policy.bin}): magic {@code VECRLPOL},
 * version, the network's structure (env id, observation size, outputs, discrete flag, hidden widths,
 * activation, observation clip), its parameters by name, and the observation normaliser if any.
 * Written atomically. (The policy module's own serialization format replaces this once its batched
 * policies are used for training.)
 */
public final class PolicyFile {
  static final long MAGIC = 0x56454352_4c504f4cL; // "VECRLPOL"

  /** A loaded policy: the network, its environment id, and its observation normaliser (or null). */
  public record Loaded(String env, MlpActorCritic policy, RunningMeanStd obsRms, float clipObs) {}

  private PolicyFile() {}

  public static void save(Path file, String env, MlpActorCritic p, RunningMeanStd obsRms, float clipObs) throws IOException {
    Checkpoint.writeAtomically(file, MAGIC, out -> {
      out.writeUTF(env);
      out.writeInt(p.obsDim());
      out.writeInt(p.outputs());
      out.writeBoolean(p.discrete());
      int[] h = p.hidden();
      out.writeInt(h.length);
      for (int x : h) out.writeInt(x);
      out.writeUTF(p.activation().name());
      out.writeFloat(clipObs);
      Checkpoint.writeParams(out, p.parameters());
      Checkpoint.writeRms(out, obsRms);
    });
  }

  public static Loaded load(Path file) throws IOException {
    Loaded[] r = new Loaded[1];
    Checkpoint.readChecked(file, MAGIC, "policy", in -> {
      String env = in.readUTF();
      int obsDim = in.readInt();
      int outputs = in.readInt();
      boolean discrete = in.readBoolean();
      int[] h = new int[Checkpoint.readCount(in, 64, "hidden layer")];
      for (int i = 0; i < h.length; i++) h[i] = in.readInt();
      String act = in.readUTF();
      float clip = in.readFloat();
      MlpActorCritic.Activation a;
      try {
        a = MlpActorCritic.Activation.valueOf(act);
      } catch (IllegalArgumentException e) {
        throw new IOException(file + ": unknown activation " + act);
      }
      MlpActorCritic p = new MlpActorCritic(obsDim, outputs, discrete, h, a, false, 0f, new Rng(0));
      Checkpoint.readParams(in, p.parameters(), file);
      r[0] = new Loaded(env, p, Checkpoint.readRms(in), clip);
    });
    return r[0];
  }
}
