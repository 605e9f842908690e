package vecrl.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.io.PolicyIO;
import vecrl.io.SpaceText;
import vecrl.io.Structure;
import vecrl.nn.Activation;
import vecrl.nn.Cnn;
import vecrl.nn.FeaturesExtractor;
import vecrl.nn.ImageShape;
import vecrl.nn.NetArch;
import vecrl.space.Box;
import vecrl.space.Dict;
import vecrl.space.Discrete;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Feature extractors in a policy: the seed's custom CNN policy's structure, image layouts
 * (channels-first equals channels-last transposed), normalizeImages, the Dict extractor, a user's
 * own extractor, the seed API (step, probaStep, value) against the batched API, and save/load.
 */
class FeaturesPolicyTest {
  static final Box CATCH = Box.image(40, 40, 1);

  static Tensor images(Rng rng, int batch, int size) {
    Tensor t = Tensor.zeros(batch, size);
    for (int i = 0; i < t.size(); i++) t.set(i, rng.nextInt(256));
    return t;
  }

  @Test
  void theSeedPolicyHasNatureCnnThenItsActorAndCritic() {
    var p = new FeaturesActorCriticPolicy(Box.image(52, 52, 4), new Discrete(4), FeaturesPolicyConfig.seedCustom(), new Rng(1));
    String d = p.describe();
    // (a 52x52 image rather than Atari's 84x84 keeps the orthogonal init of the linear layer quick)
    assertTrue(d.startsWith("features: Cnn[[52, 52, 4] channels-last, pixels / 255, "
        + "Conv2d[52x52x4 -> 12x12x32, kernel 8, stride 4, padding 0, orthogonal(1.4142135623730951)] relu, "
        + "Conv2d[12x12x32 -> 5x5x64, kernel 4, stride 2, padding 0, orthogonal(1.4142135623730951)] relu, "
        + "Conv2d[5x5x64 -> 3x3x64, kernel 3, stride 1, padding 0, orthogonal(1.4142135623730951)] relu, "
        + "Linear[576 -> 512, orthogonal(1.4142135623730951)] relu]"), d);
    assertEquals(List.of(512, 128, 128, 128), sizes(p.policyBranch().sizes()));
    assertEquals(List.of(512, 32, 32), sizes(p.valueBranch().sizes()));
    List<String> names = p.parameters().names();
    assertEquals(List.of("features.conv0.weight", "features.conv0.bias", "features.conv1.weight", "features.conv1.bias",
        "features.conv2.weight", "features.conv2.bias", "features.linear.weight", "features.linear.bias"), names.subList(0, 8));
    assertArrayEquals(new int[] {32, 8 * 8 * 4}, p.parameters().get(0).value().shape());
    // The action head's orthogonal init with gain 0.01: its rows have norm 0.01.
    Parameter head = p.actionLayer().mlp().layers().get(0).weight();
    Tensor w = head.value();
    for (int r = 0; r < w.rows(); r++) {
      double n = 0;
      for (int c = 0; c < w.cols(); c++) n += (double) w.get(r * w.cols() + c) * w.get(r * w.cols() + c);
      assertEquals(0.01, Math.sqrt(n), 1e-6, "row " + r + " of " + head.name());
    }
  }

  private static List<Integer> sizes(int[] s) {
    return java.util.Arrays.stream(s).boxed().toList();
  }

  @Test
  void natureCnnOnA40By40ImageEndsAt1By1() {
    Cnn cnn = Cnn.natureCnn("c", CATCH, true, 512, new Rng(2));
    assertEquals(1, cnn.convs().get(2).outHeight());
    assertEquals(64, cnn.linear().in());
    var e = assertThrows(IllegalArgumentException.class, () -> Cnn.natureCnn("c", Box.image(30, 30, 1), true, 512, new Rng(2)));
    assertTrue(e.getMessage().contains("layer 2 (3x3 stride 1) does not fit its 2x2 input"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Cnn.natureCnn("c", new Box(0f, 1f, 40, 40, 1), true, 512, new Rng(2)));
    assertEquals("Cnn 'c': observation space Box(0.0..1.0, [40, 40, 1]) is not an image; expected a uint8 Box of shape"
        + " [height, width, channels] or [channels, height, width] (Box.image)", e.getMessage());
  }

  @Test
  void channelsFirstImagesGiveTheSameOutputsAsChannelsLast() {
    int c = 3, h = 36, w = 38;
    var last = new FeaturesActorCriticPolicy(Box.image(h, w, c), new Discrete(3), FeaturesPolicyConfig.seedCustom(), new Rng(5));
    var first = new FeaturesActorCriticPolicy(Box.image(c, h, w), new Discrete(3), FeaturesPolicyConfig.seedCustom(), new Rng(5));
    assertEquals(new ImageShape(h, w, c, true), ImageShape.of("t", Box.image(c, h, w)));
    Rng rng = new Rng(6);
    Tensor hwc = images(rng, 2, h * w * c), chw = Tensor.zeros(2, c * h * w);
    for (int n = 0; n < 2; n++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          for (int ch = 0; ch < c; ch++) chw.set(n * c * h * w + (ch * h + y) * w + x, hwc.get(n * h * w * c + (y * w + x) * c + ch));
        }
      }
    }
    assertArrayEquals(last.probaStep(hwc, null, null).toArray(), first.probaStep(chw, null, null).toArray());
    assertArrayEquals(last.value(hwc, null, null).toArray(), first.value(chw, null, null).toArray());
    // and gradients flow back through the transpose to the observations
    Tape t = new Tape();
    Var obs = t.variable(chw);
    t.backward(first.value(t, obs).sum());
    assertTrue(obs.grad().toArray().length == chw.size());
  }

  @Test
  void normalizeImagesDividesPixelsBy255() {
    FeaturesPolicyConfig scaled = FeaturesPolicyConfig.seedCustom();
    FeaturesPolicyConfig raw = scaled.withArgs(Map.of("normalize_images", "false"));
    var a = new FeaturesActorCriticPolicy(CATCH, new Discrete(3), scaled, new Rng(9));
    var b = new FeaturesActorCriticPolicy(CATCH, new Discrete(3), raw, new Rng(9));
    Tensor x = images(new Rng(10), 3, 1600), x255 = x.copy();
    for (int i = 0; i < x255.size(); i++) x255.set(i, x.get(i) / 255f);
    assertArrayEquals(a.value(x, null, null).toArray(), b.value(x255, null, null).toArray());
    assertFalse(java.util.Arrays.equals(a.value(x, null, null).toArray(), b.value(x, null, null).toArray()));
  }

  @Test
  void theSeedApiAgreesWithTheBatchedApi() {
    var p = new FeaturesActorCriticPolicy(CATCH, new Discrete(3), FeaturesPolicyConfig.seedCustom(), new Rng(3));
    Tensor x = images(new Rng(4), 5, 1600);
    Tensor probs = p.probaStep(x, null, null);
    assertArrayEquals(new int[] {5, 3}, probs.shape());
    ActorCriticPolicy.Step greedy = p.step(x, null, null, true, null);
    assertNull(greedy.state());
    Tape t = new Tape();
    for (int i = 0; i < 5; i++) {
      double sum = 0;
      int best = 0;
      for (int a = 0; a < 3; a++) {
        sum += probs.get(i * 3 + a);
        if (probs.get(i * 3 + a) > probs.get(i * 3 + best)) best = a;
      }
      assertEquals(1.0, sum, 1e-6);
      assertEquals(best, (int) greedy.actions().get(i), "the deterministic step takes the most probable action");
      assertEquals(-Math.log(probs.get(i * 3 + best)), greedy.neglogp().get(i), 1e-5);
    }
    BatchOutput out = p.newBatchOutput(5);
    p.valueBatch(x, out);
    assertArrayEquals(out.values().toArray(), p.value(x, null, null).toArray());
    assertArrayEquals(out.values().toArray(), greedy.values().toArray());
    ActorCriticPolicy.Step sampled = p.step(x, null, null, false, new Rng(8));
    for (int i = 0; i < 5; i++) {
      int a = (int) sampled.actions().get(i);
      assertEquals(-Math.log(probs.get(i * 3 + a)), sampled.neglogp().get(i), 1e-5);
    }
    var e = assertThrows(IllegalArgumentException.class, () -> p.step(x, null, null, false, null));
    assertEquals("FeaturesActorCriticPolicy.step: sampling (deterministic false) needs an Rng", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> p.probaStep(Tensor.zeros(2, 40), null, null));
    assertTrue(e.getMessage().contains("observations [2, 40], expected [batch, 1600]"), e.getMessage());
  }

  @Test
  void combinedExtractorRunsACnnPerImageKeyAndFlattensTheRest() {
    Map<String, Space<?>> m = new LinkedHashMap<>();
    m.put("image", Box.image(40, 40, 2));
    m.put("speed", new Box(-1f, 1f, 3));
    m.put("mode", new Discrete(4));
    Dict obs = new Dict(m);
    var p = new FeaturesActorCriticPolicy(obs, new Discrete(2), FeaturesPolicyConfig.multiInput(), new Rng(1));
    assertEquals(256 + 3 + 4, p.extractor().featuresDim());
    assertTrue(p.describe().startsWith("features: CombinedExtractor[image: Cnn[[40, 40, 2] channels-last, pixels / 255"), p.describe());
    assertTrue(p.describe().contains("speed: Flatten[3], mode: Flatten[4]]"), p.describe());
    // The features of a row are the CNN of its image part followed by the other parts as they are.
    Tensor x = images(new Rng(2), 2, obs.flatSize());
    Tape t = new Tape();
    Var f = p.extractor().forward(t.input(x));
    assertArrayEquals(new int[] {2, 263}, f.value().shape());
    for (int r = 0; r < 2; r++) {
      for (int j = 0; j < 7; j++) assertEquals(x.get(r * obs.flatSize() + 3200 + j), f.value().get(r * 263 + 256 + j));
    }
    var e = assertThrows(IllegalArgumentException.class,
        () -> new FeaturesActorCriticPolicy(CATCH, new Discrete(2), FeaturesPolicyConfig.multiInput(), new Rng(1)));
    assertTrue(e.getMessage().startsWith("CombinedExtractor: observation space Box(0.0..255.0, [40, 40, 1], uint8) is not a Dict"),
        e.getMessage());
  }

  /** A user's own extractor: the mean pixel of each row and its square. */
  static final class MeanPixel implements FeaturesExtractor {
    @Override public Var forward(Var obs) {
      Var mean = obs.meanRows();
      return obs.tape().concatCols(mean, mean.square());
    }
    @Override public int featuresDim() { return 2; }
    @Override public void addParameters(vecrl.autodiff.ParameterSet set) {}
    @Override public String describe() { return "MeanPixel"; }
  }

  @Test
  void aUsersOwnExtractorPlugsIn() {
    FeaturesPolicyConfig c = new FeaturesPolicyConfig((space, normalize, rng) -> new MeanPixel(), NetArch.separate(8),
        Activation.TANH, true, 0.01, false, 0f);
    var p = new FeaturesActorCriticPolicy(CATCH, new Discrete(3), c, new Rng(1));
    assertTrue(p.describe().startsWith("features: MeanPixel\n"), p.describe());
    assertEquals("pi.layers.0.weight", p.parameters().names().get(0));
    assertArrayEquals(new int[] {8, 2}, p.parameters().get(0).value().shape());
  }

  @Test
  void savedAndLoadedPoliciesAgreeAndTheFingerprintCoversTheExtractor(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    var p = new FeaturesActorCriticPolicy(CATCH, new Discrete(3), FeaturesPolicyConfig.seedCustom(), new Rng(11));
    java.nio.file.Path f = dir.resolve("p.bin");
    p.serialize(f);
    var q = PolicyIO.deserialize(f, new FeaturesActorCriticPolicy(CATCH, new Discrete(3), FeaturesPolicyConfig.seedCustom(), new Rng(0)));
    Tensor x = images(new Rng(12), 4, 1600);
    assertArrayEquals(p.probaStep(x, null, null).toArray(), q.probaStep(x, null, null).toArray());
    var other = new FeaturesActorCriticPolicy(CATCH, new Discrete(3), FeaturesPolicyConfig.seedCustom()
        .withArgs(Map.of("normalize_images", "false")), new Rng(0));
    assertFalse(java.util.Arrays.equals(PolicyIO.fingerprint(p), PolicyIO.fingerprint(other)));
    assertTrue(p.structure().contains("Box(shape=[40, 40, 1], low="), p.structure());
    assertTrue(p.structure().contains(", dtype=uint8)"), p.structure());
  }

  @Test
  void imageBoxesDescribeParseAndSample() {
    Box b = Box.image(4, 5, 3);
    assertEquals("Box(0.0..255.0, [4, 5, 3], uint8)", b.toString());
    assertTrue(b.isUint8());
    assertEquals(b, SpaceText.parse(Structure.describe(b)));
    assertFalse(b.equals(new Box(0f, 255f, 4, 5, 3)));
    float[] v = b.sample(new Rng(1));
    for (float x : v) assertTrue(x >= 0 && x <= 255 && x == Math.rint(x), "whole pixel values: " + x);
    assertTrue(b.contains(v));
    v[0] = 0.5f;
    assertFalse(b.contains(v));
    var e = assertThrows(IllegalArgumentException.class, () -> Box.image(4, 5));
    assertTrue(e.getMessage().startsWith("Box.image: shape [4, 5] is not an image"), e.getMessage());
  }
}
