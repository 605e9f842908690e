package vecrl.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * Policies by name, as Stable-Baselines' {@code register_policy}. Not a global singleton: make a
 * registry with {@link #withDefaults()} (the built-in names), {@link #withProviders} (those plus
 * the {@link PolicyProvider}s on a class path) or {@link #empty()}, and pass it where names are
 * resolved. Thread-safe.
 *
 * <p>Built-in names: {@code MlpPolicy} (Lerax defaults, {@link MlpPolicyConfig#lerax()}) and
 * {@code SeparateMlpPolicy} (separate 64-64 tanh actor and critic, orthogonal init: {@link
 * MlpPolicyConfig#separate64()}). Both take the arguments of {@link MlpPolicyConfig#withArgs}
 * ({@code net_arch}, {@code activation}, {@code ortho_init}, {@code log_std_init}, {@code
 * squash_output}), applied to their defaults.
 *
 * <p><b>Arguments.</b> Like Stable-Baselines' {@code policy_kwargs}, an entry registered with an
 * {@link ArgsFactory} takes string arguments; {@link #parseArgs} reads them from text such as
 * {@code net_arch=[{pi: [64], vf: [64]}] activation=relu}. An entry registered with a plain
 * {@link Factory} takes none.
 */
public final class PolicyRegistry {
  /** Builds a policy for the given spaces. */
  @FunctionalInterface
  public interface Factory {
    /** A new policy for the spaces, initialised from {@code rng}. */
    ActorCriticPolicy create(Space<?> observationSpace, Space<?> actionSpace, Rng rng);
  }

  /** Builds a policy for the given spaces from string arguments (Stable-Baselines' {@code policy_kwargs}). */
  @FunctionalInterface
  public interface ArgsFactory {
    /**
     * A new policy for the spaces, configured by {@code args} (unmodifiable, in the caller's
     * order; empty for the defaults) and initialised from {@code rng}. An unknown key or a bad
     * value should be an {@link IllegalArgumentException} naming it.
     */
    ActorCriticPolicy create(Space<?> observationSpace, Space<?> actionSpace, Map<String, String> args, Rng rng);
  }

  /** One registered name: exactly one of the two factories is set. */
  private record Entry(Factory plain, ArgsFactory withArgs) {}

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  private PolicyRegistry() {}

  /** A registry with no names. */
  public static PolicyRegistry empty() {
    return new PolicyRegistry();
  }

  /**
   * A registry with the built-in names {@code MlpPolicy} and {@code SeparateMlpPolicy} ({@link
   * MlpActorCriticPolicy}), {@code CnnPolicy}, {@code SeedCnnPolicy} and {@code MultiInputPolicy}
   * ({@link FeaturesActorCriticPolicy} with {@link FeaturesPolicyConfig#cnn()}, {@link
   * FeaturesPolicyConfig#seedCustom()} and {@link FeaturesPolicyConfig#multiInput()}).
   */
  public static PolicyRegistry withDefaults() {
    PolicyRegistry r = new PolicyRegistry();
    r.register("MlpPolicy", (ArgsFactory) (o, a, args, rng) -> new MlpActorCriticPolicy(o, a, mlpConfig("MlpPolicy", MlpPolicyConfig.lerax(), args), rng));
    r.register("SeparateMlpPolicy",
        (ArgsFactory) (o, a, args, rng) -> new MlpActorCriticPolicy(o, a, mlpConfig("SeparateMlpPolicy", MlpPolicyConfig.separate64(), args), rng));
    r.register("CnnPolicy", (ArgsFactory) (o, a, args, rng) ->
        new FeaturesActorCriticPolicy(o, a, featuresConfig("CnnPolicy", FeaturesPolicyConfig.cnn(), args), rng));
    r.register("SeedCnnPolicy", (ArgsFactory) (o, a, args, rng) ->
        new FeaturesActorCriticPolicy(o, a, featuresConfig("SeedCnnPolicy", FeaturesPolicyConfig.seedCustom(), args), rng));
    r.register("MultiInputPolicy", (ArgsFactory) (o, a, args, rng) ->
        new FeaturesActorCriticPolicy(o, a, featuresConfig("MultiInputPolicy", FeaturesPolicyConfig.multiInput(), args), rng));
    return r;
  }

  private static FeaturesPolicyConfig featuresConfig(String name, FeaturesPolicyConfig defaults, Map<String, String> args) {
    try {
      return defaults.withArgs(args);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("PolicyRegistry: policy '" + name + "': " + e.getMessage(), e);
    }
  }

  private static MlpPolicyConfig mlpConfig(String name, MlpPolicyConfig defaults, Map<String, String> args) {
    try {
      return defaults.withArgs(args);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("PolicyRegistry: policy '" + name + "': " + e.getMessage(), e);
    }
  }

  /**
   * {@link #withDefaults()} plus the policies of every {@link PolicyProvider} that {@link
   * ServiceLoader} finds through {@code loader}, the providers called in the order of their class
   * names (so the registration order does not depend on the class path's order).
   *
   * @throws IllegalArgumentException naming the provider class, if a provider cannot be loaded or
   *     made, throws, or registers a name already taken
   */
  public static PolicyRegistry withProviders(ClassLoader loader) {
    PolicyRegistry r = withDefaults();
    List<ServiceLoader.Provider<PolicyProvider>> found;
    try {
      found = new ArrayList<>(ServiceLoader.load(PolicyProvider.class, loader).stream().toList());
    } catch (ServiceConfigurationError e) {
      throw new IllegalArgumentException("PolicyRegistry: cannot load the policy providers: " + e.getMessage(), e);
    }
    found.sort(Comparator.comparing(p -> p.type().getName()));
    for (ServiceLoader.Provider<PolicyProvider> p : found) {
      String who = p.type().getName();
      PolicyProvider provider;
      try {
        provider = p.get();
      } catch (ServiceConfigurationError | RuntimeException e) {
        throw new IllegalArgumentException("PolicyRegistry: policy provider " + who + " cannot be made: " + e.getMessage(), e);
      }
      try {
        provider.register(r);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("PolicyRegistry: policy provider " + who + " failed: " + e.getMessage(), e);
      }
    }
    return r;
  }

  /** Registers {@code factory} under {@code name}; it takes no arguments. A name already taken is an error. Returns this. */
  public synchronized PolicyRegistry register(String name, Factory factory) {
    if (factory == null) throw new IllegalArgumentException("PolicyRegistry: factory for '" + name + "' is null");
    return put(name, new Entry(factory, null));
  }

  /** Registers {@code factory}, which takes string arguments, under {@code name}; a name already taken is an error. Returns this. */
  public synchronized PolicyRegistry register(String name, ArgsFactory factory) {
    if (factory == null) throw new IllegalArgumentException("PolicyRegistry: factory for '" + name + "' is null");
    return put(name, new Entry(null, factory));
  }

  private PolicyRegistry put(String name, Entry e) {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("PolicyRegistry: a name is required");
    if (entries.containsKey(name)) {
      throw new IllegalArgumentException("PolicyRegistry: a policy named '" + name + "' is already registered");
    }
    entries.put(name, e);
    return this;
  }

  private synchronized Entry entry(String name) {
    Entry e = entries.get(name);
    if (e == null) throw new IllegalArgumentException("PolicyRegistry: no policy named '" + name + "'; registered: " + names());
    return e;
  }

  /**
   * The factory registered as {@code name}, called without arguments (the defaults of an {@link
   * ArgsFactory}); an unknown name is an error listing the known names.
   */
  public Factory lookup(String name) {
    Entry e = entry(name);
    if (e.plain() != null) return e.plain();
    ArgsFactory f = e.withArgs();
    return (o, a, rng) -> f.create(o, a, Map.of(), rng);
  }

  /** Whether the entry {@code name} takes arguments (was registered with an {@link ArgsFactory}). */
  public boolean takesArgs(String name) {
    return entry(name).withArgs() != null;
  }

  /** Builds the policy registered as {@code name} with its defaults. */
  public ActorCriticPolicy create(String name, Space<?> observationSpace, Space<?> actionSpace, Rng rng) {
    return lookup(name).create(observationSpace, actionSpace, rng);
  }

  /**
   * Builds the policy registered as {@code name} with the string arguments {@code args} (see
   * {@link #parseArgs}). A non-empty map for an entry that takes no arguments is an error naming
   * the policy and the arguments.
   */
  public ActorCriticPolicy create(String name, Space<?> observationSpace, Space<?> actionSpace, Map<String, String> args, Rng rng) {
    if (args == null) throw new IllegalArgumentException("PolicyRegistry: args for '" + name + "' is null; pass an empty map for none");
    Entry e = entry(name);
    if (e.withArgs() == null) {
      if (!args.isEmpty()) {
        throw new IllegalArgumentException("PolicyRegistry: policy '" + name + "' takes no arguments, got " + args);
      }
      return e.plain().create(observationSpace, actionSpace, rng);
    }
    return e.withArgs().create(observationSpace, actionSpace, Collections.unmodifiableMap(new LinkedHashMap<>(args)), rng);
  }

  /** Whether a policy named {@code name} is registered. */
  public synchronized boolean contains(String name) {
    return entries.containsKey(name);
  }

  /** The names, in registration order. */
  public synchronized List<String> names() {
    return new ArrayList<>(entries.keySet());
  }

  /**
   * Reads {@code key=value} arguments from text, in order. Grammar:
   *
   * <ul>
   *   <li>arguments are separated by spaces, tabs or commas (any number, also before the first
   *       and after the last), but only outside brackets: inside {@code [...]}, {@code {...}} or
   *       {@code (...)} they belong to the value, so {@code net_arch=[{pi: [64, 64], vf: [64]}]} is
   *       one argument;
   *   <li>an argument is a key, {@code =}, and a non-empty value, with no space around the {@code
   *       =}; the value runs to the next separator outside brackets and may contain {@code =};
   *   <li>a key starts with a letter or {@code _} and continues with letters, digits, {@code _},
   *       {@code -} or {@code .};
   *   <li>a key may appear once.
   * </ul>
   *
   * Blank text gives an empty map.
   *
   * @return an unmodifiable map in the order of the text
   * @throws IllegalArgumentException naming the bad argument: no {@code =}, an empty key or
   *     value, a bad key character, unbalanced brackets or a repeated key
   */
  public static Map<String, String> parseArgs(String text) {
    if (text == null) throw new IllegalArgumentException("PolicyRegistry.parseArgs: text is null");
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0, n = text.length();
    while (true) {
      while (i < n && isSeparator(text.charAt(i))) i++;
      if (i == n) break;
      int start = i;
      int depth = 0;
      while (i < n && (depth > 0 || !isSeparator(text.charAt(i)))) {
        char c = text.charAt(i);
        if (c == '[' || c == '{' || c == '(') depth++;
        else if (c == ']' || c == '}' || c == ')') {
          if (--depth < 0) throw badArg(text.substring(start, i + 1), "'" + c + "' closes no bracket");
        }
        i++;
      }
      String token = text.substring(start, i);
      if (depth > 0) throw badArg(token, depth + " bracket(s) left open");
      int eq = token.indexOf('=');
      if (eq < 0) throw badArg(token, "expected key=value");
      String key = token.substring(0, eq), value = token.substring(eq + 1);
      if (key.isEmpty()) throw badArg(token, "the key is empty");
      for (int k = 0; k < key.length(); k++) {
        char c = key.charAt(k);
        boolean ok = k == 0 ? Character.isLetter(c) || c == '_' : Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
        if (!ok) throw badArg(token, "key character '" + c + "' at " + k + " (keys are letters, digits, _, - and ., starting with a letter or _)");
      }
      if (value.isEmpty()) throw badArg(token, "the value is empty");
      if (out.put(key, value) != null) throw badArg(token, "key '" + key + "' appears twice");
    }
    return Collections.unmodifiableMap(out);
  }

  private static boolean isSeparator(char c) {
    return c == ' ' || c == ',' || c == '\t';
  }

  private static IllegalArgumentException badArg(String token, String why) {
    return new IllegalArgumentException("PolicyRegistry.parseArgs: bad argument '" + token + "': " + why);
  }
}
