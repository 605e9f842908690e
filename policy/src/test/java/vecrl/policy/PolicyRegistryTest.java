package vecrl.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import vecrl.autodiff.Parameter;
import vecrl.nn.Activation;
import vecrl.nn.NetArch;
import vecrl.policy.examples.LeraxCustomPolicy;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Rng;

/** Providers found by ServiceLoader, registry entries with arguments, and the argument text. */
final class PolicyRegistryTest {
  private static final Box OBS = new Box(-5f, 5f, 6);
  private static final Discrete ACT = new Discrete(3);

  private static void error(String expected, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertEquals(expected, e.getMessage());
  }

  private static Map<String, String> args(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  private static void assertSameParameters(ActorCriticPolicy expected, ActorCriticPolicy actual) {
    assertEquals(expected.structure(), actual.structure());
    List<Parameter> e = expected.parameters().asList();
    List<Parameter> a = actual.parameters().asList();
    assertEquals(e.size(), a.size());
    for (int i = 0; i < e.size(); i++) assertArrayEquals(e.get(i).value().toArray(), a.get(i).value().toArray(), e.get(i).name());
  }

  // ---- providers ----

  @Test
  void providersOnTheClassPathAddTheirPolicies() {
    PolicyRegistry r = PolicyRegistry.withProviders(PolicyRegistryTest.class.getClassLoader());
    assertEquals(List.of("MlpPolicy", "SeparateMlpPolicy", "CnnPolicy", "SeedCnnPolicy", "MultiInputPolicy", "LeraxCustomPolicy"), r.names());
    ActorCriticPolicy p = r.create("LeraxCustomPolicy", OBS, ACT, new Rng(4));
    assertSameParameters(new LeraxCustomPolicy(OBS, ACT, new Rng(4)), p);
    assertFalse(r.takesArgs("LeraxCustomPolicy"));
    error("PolicyRegistry: policy 'LeraxCustomPolicy' takes no arguments, got {hidden=32}",
        () -> r.create("LeraxCustomPolicy", OBS, ACT, args("hidden", "32"), new Rng(4)));
    assertFalse(PolicyRegistry.withDefaults().contains("LeraxCustomPolicy"), "withDefaults reads no providers");
  }

  /** A class loader that also sees a services file listing {@code providers}, in that order. */
  private static URLClassLoader withServices(Path dir, String... providers) throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(services.resolve(PolicyProvider.class.getName()), String.join("\n", providers) + "\n");
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, PolicyRegistryTest.class.getClassLoader());
  }

  @Test
  void providersRunInTheOrderOfTheirClassNames(@TempDir Path dir) throws IOException {
    // Listed Late before Early; vecrl.policy.examples.LeraxPolicyProvider (from the test resources) sorts before both.
    try (URLClassLoader loader = withServices(dir, "vecrl.policy.providers.LateProvider", "vecrl.policy.providers.EarlyProvider")) {
      PolicyRegistry r = PolicyRegistry.withProviders(loader);
      assertEquals(List.of("MlpPolicy", "SeparateMlpPolicy", "CnnPolicy", "SeedCnnPolicy", "MultiInputPolicy", "LeraxCustomPolicy", "Early", "Late"), r.names());
    }
  }

  @Test
  void aFailingProviderIsNamed(@TempDir Path dir) throws IOException {
    try (URLClassLoader loader = withServices(dir, "vecrl.policy.providers.ThrowingProvider")) {
      error("PolicyRegistry: policy provider vecrl.policy.providers.ThrowingProvider failed: no GPU here",
          () -> PolicyRegistry.withProviders(loader));
    }
  }

  @Test
  void aProviderTakingARegisteredNameIsNamed(@TempDir Path dir) throws IOException {
    try (URLClassLoader loader = withServices(dir, "vecrl.policy.providers.TakenNameProvider")) {
      error("PolicyRegistry: policy provider vecrl.policy.providers.TakenNameProvider failed: "
          + "PolicyRegistry: a policy named 'MlpPolicy' is already registered", () -> PolicyRegistry.withProviders(loader));
    }
  }

  @Test
  void aMissingProviderClassIsNamed(@TempDir Path dir) throws IOException {
    try (URLClassLoader loader = withServices(dir, "vecrl.policy.providers.NoSuchProvider")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.withProviders(loader));
      assertTrue(e.getMessage().startsWith("PolicyRegistry: cannot load the policy providers: ")
          && e.getMessage().contains("vecrl.policy.providers.NoSuchProvider"), e.getMessage());
    }
  }

  // ---- arguments ----

  @Test
  void builtInsWithoutArgumentsAreTheirDefaults() {
    PolicyRegistry r = PolicyRegistry.withDefaults();
    assertSameParameters(new MlpActorCriticPolicy(OBS, ACT, MlpPolicyConfig.lerax(), new Rng(9)),
        r.create("MlpPolicy", OBS, ACT, Map.of(), new Rng(9)));
    assertSameParameters(new MlpActorCriticPolicy(OBS, ACT, MlpPolicyConfig.separate64(), new Rng(9)),
        r.create("SeparateMlpPolicy", OBS, ACT, new Rng(9)));
    assertTrue(r.takesArgs("MlpPolicy"));
  }

  @Test
  void builtInsTakeStableBaselinesStyleArguments() {
    PolicyRegistry r = PolicyRegistry.withDefaults();
    Box act = new Box(-2f, 2f, 2);
    Map<String, String> a = PolicyRegistry.parseArgs(
        "net_arch=[16, {pi: [32], vf: [8, 8]}] activation=relu, ortho_init=true log_std_init=-0.5 squash_output=true");
    MlpPolicyConfig expected = new MlpPolicyConfig(16, 64, 2, 64, 2, 64, 2, Activation.RELU, -0.5f, true, true,
        new NetArch(new int[] {16}, new int[] {32}, new int[] {8, 8}));
    MlpActorCriticPolicy p = (MlpActorCriticPolicy) r.create("MlpPolicy", OBS, act, a, new Rng(2));
    assertEquals(expected, p.config());
    assertSameParameters(new MlpActorCriticPolicy(OBS, act, expected, new Rng(2)), p);
    MlpActorCriticPolicy s = (MlpActorCriticPolicy) r.create("SeparateMlpPolicy", OBS, ACT, Map.of("activation", "relu"), new Rng(2));
    assertEquals(MlpPolicyConfig.separate64().withActivation(Activation.RELU), s.config());
  }

  @Test
  void badArgumentsNameThePolicyTheKeyAndWhatIsValid() {
    PolicyRegistry r = PolicyRegistry.withDefaults();
    error("PolicyRegistry: policy 'MlpPolicy': MlpPolicyConfig: argument hidden=32: unknown key; valid keys are "
        + "[net_arch, activation, ortho_init, log_std_init, squash_output]", () -> r.create("MlpPolicy", OBS, ACT, args("hidden", "32"), new Rng(1)));
    error("PolicyRegistry: policy 'MlpPolicy': MlpPolicyConfig: argument ortho_init=yes: expected true or false",
        () -> r.create("MlpPolicy", OBS, ACT, args("ortho_init", "yes"), new Rng(1)));
    error("PolicyRegistry: policy 'SeparateMlpPolicy': MlpPolicyConfig: argument log_std_init=NaN: expected a finite number",
        () -> r.create("SeparateMlpPolicy", OBS, ACT, args("log_std_init", "NaN"), new Rng(1)));
    error("PolicyRegistry: policy 'MlpPolicy': MlpPolicyConfig: argument activation=gelu: Activation: unknown 'gelu'; "
        + "expected one of [identity, tanh, relu, sigmoid, softplus]", () -> r.create("MlpPolicy", OBS, ACT, args("activation", "gelu"), new Rng(1)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> r.create("MlpPolicy", OBS, ACT, args("net_arch", "[64, {pi: [64]"), new Rng(1)));
    assertTrue(e.getMessage().startsWith("PolicyRegistry: policy 'MlpPolicy': MlpPolicyConfig: argument net_arch=[64, {pi: [64]: NetArch: cannot parse"),
        e.getMessage());
    error("PolicyRegistry: args for 'MlpPolicy' is null; pass an empty map for none", () -> r.create("MlpPolicy", OBS, ACT, null, new Rng(1)));
  }

  @Test
  void plainEntriesAndArgsEntriesTogether() {
    PolicyRegistry r = PolicyRegistry.empty();
    r.register("Plain", (o, a, rng) -> new LeraxCustomPolicy(o, a, rng));
    r.register("Sized", (o, a, args, rng) -> new MlpActorCriticPolicy(o, a,
        MlpPolicyConfig.lerax().withFeatures(Integer.parseInt(args.getOrDefault("features", "16")), 8, 1), rng));
    MlpActorCriticPolicy sized = (MlpActorCriticPolicy) r.create("Sized", OBS, ACT, Map.of("features", "5"), new Rng(3));
    assertEquals(5, sized.config().featureSize());
    assertEquals(16, ((MlpActorCriticPolicy) r.lookup("Sized").create(OBS, ACT, new Rng(3))).config().featureSize(),
        "lookup calls an args entry with no arguments");
    assertTrue(r.create("Plain", OBS, ACT, Map.of(), new Rng(3)) instanceof LeraxCustomPolicy);
    error("PolicyRegistry: policy 'Plain' takes no arguments, got {a=1, b=2}", () -> r.create("Plain", OBS, ACT, args("a", "1", "b", "2"), new Rng(3)));
    error("PolicyRegistry: a policy named 'Sized' is already registered", () -> r.register("Sized", (o, a, rng) -> null));
    error("PolicyRegistry: no policy named 'Nope'; registered: [Plain, Sized]", () -> r.create("Nope", OBS, ACT, Map.of(), new Rng(3)));
  }

  // ---- argument text ----

  @Test
  void parseArgsSplitsOnSpacesAndCommasOutsideBrackets() {
    assertEquals(List.of(Map.entry("net_arch", "[{pi: [64, 64], vf: [64, 64]}]"), Map.entry("activation", "tanh"),
            Map.entry("log_std_init", "-1e-3"), Map.entry("x.y-z_2", "a=b")),
        List.copyOf(PolicyRegistry.parseArgs(" net_arch=[{pi: [64, 64], vf: [64, 64]}],activation=tanh ,, log_std_init=-1e-3\tx.y-z_2=a=b ")
            .entrySet()));
    assertEquals(Map.of(), PolicyRegistry.parseArgs("  , "));
    assertEquals(Map.of("f", "g(1, 2)"), PolicyRegistry.parseArgs("f=g(1, 2)"));
  }

  @Test
  void parseArgsNamesTheBadToken() {
    error("PolicyRegistry.parseArgs: bad argument 'activation': expected key=value", () -> PolicyRegistry.parseArgs("activation relu"));
    error("PolicyRegistry.parseArgs: bad argument '=3': the key is empty", () -> PolicyRegistry.parseArgs("a=1 =3"));
    error("PolicyRegistry.parseArgs: bad argument 'a=': the value is empty", () -> PolicyRegistry.parseArgs("a= b=2"));
    error("PolicyRegistry.parseArgs: bad argument 'a=2': key 'a' appears twice", () -> PolicyRegistry.parseArgs("a=1, a=2"));
    error("PolicyRegistry.parseArgs: bad argument 'net_arch=[64, {pi: [64]': 2 bracket(s) left open",
        () -> PolicyRegistry.parseArgs("net_arch=[64, {pi: [64]"));
    error("PolicyRegistry.parseArgs: bad argument 'x=1]': ']' closes no bracket", () -> PolicyRegistry.parseArgs("x=1] y=2"));
    error("PolicyRegistry.parseArgs: bad argument '1x=2': key character '1' at 0 (keys are letters, digits, _, - and ., starting with a letter or _)",
        () -> PolicyRegistry.parseArgs("1x=2"));
  }
}
