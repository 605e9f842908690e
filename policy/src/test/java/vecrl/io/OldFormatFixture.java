package vecrl.io;

import java.nio.file.Path;
import vecrl.nn.Activation;
import vecrl.policy.MlpActorCriticPolicy;
import vecrl.policy.MlpPolicyConfig;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Rng;

/**
 * Generates the committed format-1 fixture {@value #RESOURCE}: a small CartPole-shaped policy from
 * seed 2024. Run once with {@code main(policy/src/test/resources/vecrl/io/mlp-v1.vpol)}; the test
 * then proves later builds still read it.
 */
final class OldFormatFixture {
  static final String RESOURCE = "/vecrl/io/mlp-v1.vpol";
  static final float EXPECTED_FIRST = -0x1.34e9d4p-2f; // printed by main when the file was generated
  static final float EXPECTED_LAST = -0x1.693cf8p-2f;

  static MlpPolicyConfig config() {
    return MlpPolicyConfig.lerax().withFeatures(4, 8, 1).withValueHead(8, 1).withActionHead(8, 1).withActivation(Activation.TANH);
  }

  static MlpActorCriticPolicy policy() {
    return new MlpActorCriticPolicy(new Box(-4.8f, 4.8f, 4), new Discrete(2), config(), new Rng(2024));
  }

  static MlpActorCriticPolicy skeleton() {
    return new MlpActorCriticPolicy(new Box(-4.8f, 4.8f, 4), new Discrete(2), config(), new Rng(0));
  }

  public static void main(String[] args) throws Exception {
    MlpActorCriticPolicy p = policy();
    PolicyIO.serialize(p, Path.of(args[0]));
    System.out.println("first " + Float.toHexString(p.parameters().get(0).value().get(0)));
    var last = p.parameters().get(p.parameters().size() - 1).value();
    System.out.println("last " + Float.toHexString(last.get(last.size() - 1)));
  }
}
