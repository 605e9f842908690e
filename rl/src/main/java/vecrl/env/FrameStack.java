package vecrl.env;

import java.util.Arrays;
import vecrl.space.Box;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Stacks the last {@code k} observations of a Box environment into one (Gymnasium's {@code
 * FrameStackObservation}, Stable-Baselines' {@code VecFrameStack}), so a feed-forward policy sees
 * motion. For an image the frames are stacked on the channel axis: [H, W, C] becomes [H, W, k C]
 * (each pixel's channels, oldest frame first) and [C, H, W] becomes [k C, H, W]; any other Box
 * becomes [k * size], oldest first. At reset every slot holds the first observation.
 *
 * <p>Its frames are wrapper state that the trainer's checkpoint snapshot does not include.
 */
public final class FrameStack<A> extends Wrapper<float[], A, float[], A> {
  private final int k, size;
  private final Box space;
  private final int channels, pixels; // for channels-last images: channels per frame and pixels per frame; else 0
  private final float[][] frames;
  private int newest;

  public FrameStack(Env<float[], A> env, int k) {
    super(env);
    if (k < 1) throw new IllegalArgumentException("FrameStack: k " + k + " must be at least 1");
    if (!(env.observationSpace() instanceof Box b)) {
      throw new IllegalArgumentException("FrameStack: observation space " + env.observationSpace() + " is not a Box");
    }
    this.k = k;
    this.size = b.size();
    int[] s = b.shape();
    float[] lo = b.low(), hi = b.high();
    boolean image = b.isUint8() && s.length == 3;
    boolean first = image && s[0] < s[2] && s[0] <= s[1];
    if (image && !first) {
      channels = s[2];
      pixels = s[0] * s[1];
    } else {
      channels = 0;
      pixels = 0;
    }
    int[] shape = image ? (first ? new int[] {k * s[0], s[1], s[2]} : new int[] {s[0], s[1], k * s[2]}) : new int[] {k * size};
    this.space = new Box(b.isUint8(), stack(lo), stack(hi), shape);
    this.frames = new float[k][];
  }

  public int k() { return k; }

  @Override public Space<float[]> observationSpace() { return space; }
  @Override public Space<A> actionSpace() { return env.actionSpace(); }

  @Override
  public Reset<float[]> reset(Rng rng) {
    Reset<float[]> r = env.reset(rng);
    for (int i = 0; i < k; i++) frames[i] = r.observation();
    newest = k - 1;
    return new Reset<>(stacked(), r.info());
  }

  @Override
  public StepResult<float[]> step(A action) {
    if (frames[0] == null) throw new IllegalStateException("FrameStack: step before reset");
    StepResult<float[]> r = env.step(action);
    newest = (newest + 1) % k;
    frames[newest] = r.observation();
    return new StepResult<>(stacked(), r.reward(), r.terminated(), r.truncated(), r.info());
  }

  /** The frames oldest first, laid out as the stacked space says. */
  private float[] stacked() {
    return stackFrames(i -> frames[(newest + 1 + i) % k]);
  }

  private float[] stack(float[] one) {
    return stackFrames(i -> one);
  }

  private float[] stackFrames(java.util.function.IntFunction<float[]> frame) {
    float[] out = new float[k * size];
    for (int i = 0; i < k; i++) {
      float[] f = frame.apply(i);
      if (f.length != size) {
        throw new IllegalStateException("FrameStack: an observation has " + f.length + " values, " + env.observationSpace()
            + " has " + size);
      }
      if (channels == 0) {
        System.arraycopy(f, 0, out, i * size, size);
      } else {
        for (int p = 0; p < pixels; p++) System.arraycopy(f, p * channels, out, (p * k + i) * channels, channels);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "FrameStack" + Arrays.toString(new int[] {k}) + "<" + env + ">";
  }
}
