package vecrl.examples.embed;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import vecrl.policy.SavedPolicy;

/**
 * A plain application that embeds a trained policy with {@code vecrl-policy} alone:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp vecrl-policy.jar:vecrl-autodiff.jar:vecrl-tensor.jar:app.jar \
 *     vecrl.examples.embed.EmbedMain [runs/cartpole/policy.bin]
 * </pre>
 *
 * Without an argument it loads the CartPole-shaped fixture on its class path. It prints the policy's
 * description (structure, provenance, parameters), warms it up and prints the greedy action for a
 * few raw observations (the saved normaliser is applied inside {@code act}).
 */
public final class EmbedMain {
  /** A few CartPole observations: cart position, velocity, pole angle, angular velocity. */
  static final float[][] OBSERVATIONS = {{0, 0, 0, 0}, {0.1f, 1, -0.05f, -1}, {-0.2f, -1.5f, 0.1f, 2}, {1, 0.5f, -0.2f, 0.3f}};

  private EmbedMain() {}

  public static void main(String[] args) throws IOException {
    run(args, System.out);
  }

  static SavedPolicy run(String[] args, PrintStream out) throws IOException {
    SavedPolicy policy;
    if (args.length > 0) {
      policy = SavedPolicy.load(Path.of(args[0]));
    } else {
      try (InputStream in = EmbedMain.class.getResourceAsStream("/cartpole-v2.vpol")) {
        policy = SavedPolicy.decode(in.readAllBytes(), "cartpole-v2.vpol");
      }
    }
    out.print(policy.describe());
    policy.warmUp();
    float[] action = new float[policy.actionWidth()];
    for (float[] observation : OBSERVATIONS) {
      if (observation.length != policy.observationSize()) break; // another env's policy: only the description applies
      policy.act(observation, action);
      out.println("act(" + Arrays.toString(observation) + ") = " + Arrays.toString(action));
    }
    return policy;
  }
}
