package vecrl.algo;

import vecrl.tensor.Tensor;

/**
 * The sequence view of a {@link RolloutBuffer} for recurrent policies. The rollout of {@code steps x
 * envs} is cut, per environment, into sequences of {@code seqLen} consecutive steps ({@code seqLen}
 * divides {@code steps}); sequence {@code j} is chunk {@code j / envs} of env {@code j % envs}, i.e.
 * steps {@code [c·seqLen, (c+1)·seqLen)}. This object keeps the policy memory at the start of each
 * sequence ({@link #putStartMemory}, during the rollout) and gathers minibatches of whole sequences
 * ({@link #gather}).
 *
 * <p>Episode boundaries inside a sequence are not cut out: the gathered {@link #keep()} mask is 0 at
 * every step that starts an episode, and the policy zeroes its memory there (no gradient crosses
 * it), which is exactly splitting the sequence at the boundary. Every sequence has the same length,
 * so a minibatch holds no padding, and every row of it is a real transition that the loss averages
 * over with equal weight, as for feed-forward minibatches.
 */
public final class SequenceMinibatches {
  private final int steps, envs, seqLen, memorySize, perMinibatch;
  private final float[] startMemory;
  private final Tensor memory, keep;

  /**
   * @param perMinibatch sequences per minibatch
   */
  public SequenceMinibatches(int steps, int envs, int seqLen, int memorySize, int perMinibatch) {
    if (seqLen <= 0 || steps % seqLen != 0) {
      throw new IllegalArgumentException("SequenceMinibatches: sequence length " + seqLen + " must be > 0 and divide the rollout length " + steps);
    }
    int sequences = envs * (steps / seqLen);
    if (perMinibatch <= 0 || sequences % perMinibatch != 0) {
      throw new IllegalArgumentException("SequenceMinibatches: " + perMinibatch + " sequences per minibatch must divide the " + sequences
          + " sequences of a rollout (" + envs + " envs x " + steps / seqLen + " sequences of " + seqLen + " steps)");
    }
    this.steps = steps;
    this.envs = envs;
    this.seqLen = seqLen;
    this.memorySize = memorySize;
    this.perMinibatch = perMinibatch;
    this.startMemory = new float[sequences * memorySize];
    this.memory = Tensor.zeros(perMinibatch, memorySize);
    this.keep = Tensor.zeros(seqLen * perMinibatch);
  }

  public int seqLen() { return seqLen; }
  /** Sequences in one rollout. */
  public int sequences() { return envs * (steps / seqLen); }
  public int perMinibatch() { return perMinibatch; }
  /** The stored start memories, [sequences · memorySize] (checkpoints need none: they are rewritten every rollout). */
  public float[] startMemory() { return startMemory; }

  /** Whether rollout step {@code t} starts a sequence (its memory must be stored). */
  public boolean startsSequence(int t) {
    return t % seqLen == 0;
  }

  /** Stores the memory rows [envs, memorySize] the policy had before rollout step {@code t} (a sequence start). */
  public void putStartMemory(int t, Tensor rows) {
    if (!startsSequence(t)) throw new IllegalArgumentException("SequenceMinibatches: step " + t + " starts no sequence of " + seqLen);
    if (rows.size() != envs * memorySize) {
      throw new IllegalArgumentException("SequenceMinibatches: memory " + rows.shapeString() + ", expected [" + envs + ", " + memorySize + "]");
    }
    System.arraycopy(rows.data(), rows.offset(), startMemory, (t / seqLen) * envs * memorySize, envs * memorySize);
  }

  /**
   * Gathers the sequences {@code order[from .. from+perMinibatch)} of {@code buf}: sequence-major
   * rows of observations into {@code obs} [perMinibatch·seqLen, obsDim], actions into {@code act},
   * action masks into {@code masks} (when not null; [perMinibatch·seqLen, maskWidth]), advantages,
   * returns, old values and log-probs into {@code mb}; start memories into {@link #memory()} and the
   * step-major keep mask into {@link #keep()}.
   */
  public void gather(RolloutBuffer buf, int[] order, int from, Minibatch mb, Tensor obs, Tensor act, Tensor masks) {
    int obsDim = buf.obsDim(), actDim = buf.actDim(), mw = buf.maskWidth();
    float[] od = obs.data(), ad = act.data(), md = memory.data(), kd = keep.data();
    for (int q = 0; q < perMinibatch; q++) {
      int j = order[from + q];
      int e = j % envs, s = (j / envs) * seqLen;
      System.arraycopy(startMemory, j * memorySize, md, q * memorySize, memorySize);
      for (int t = 0; t < seqLen; t++) {
        int k = (s + t) * envs + e, row = q * seqLen + t;
        System.arraycopy(buf.obs, k * obsDim, od, row * obsDim, obsDim);
        System.arraycopy(buf.actions, k * actDim, ad, row * actDim, actDim);
        if (masks != null) System.arraycopy(buf.masks, k * mw, masks.data(), masks.offset() + row * mw, mw);
        mb.advantages[row] = buf.advantages[k];
        mb.returns[row] = buf.returns[k];
        mb.oldValues[row] = buf.values[k];
        mb.oldLogProbs[row] = buf.logProbs[k];
        kd[t * perMinibatch + q] = buf.dones[k] != 0f ? 0f : 1f;
      }
    }
  }

  /** The start memories of the last gathered minibatch, [perMinibatch, memorySize]. */
  public Tensor memory() { return memory; }

  /** The keep mask of the last gathered minibatch, [seqLen · perMinibatch], step-major: 0 where an episode starts. */
  public Tensor keep() { return keep; }
}
