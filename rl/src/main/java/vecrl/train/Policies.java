package vecrl.train;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import vecrl.nn.NetArch;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.MlpActorCriticPolicy;
import vecrl.policy.MlpPolicyConfig;
import vecrl.policy.PolicyRegistry;
import vecrl.policy.RecurrentActorCriticPolicy;
import vecrl.policy.RecurrentPolicyConfig;
import vecrl.space.Space;
import vecrl.tensor.Rng;

/**
 * How a run's policy is built, and how the run records it so that resume, {@code eval} and loading
 * rebuild the same skeleton. The config's {@code policy} key says which of three ways applies:
 *
 * <ul>
 *   <li>{@code mlp}, {@code lstm}, {@code gru}: a built-in policy made from the config's network keys
 *       ({@code netArch} or {@code hidden}, {@code activation}, {@code orthoInit}, {@code logStdInit},
 *       {@code squash}; for a recurrent one {@code cellSize} and {@code sharedCell}, and in {@code
 *       policyArgs} {@code layer_norm=true} and {@code n_lstm_layers=N});
 *   <li>a name in the {@link PolicyRegistry} (for example {@code MlpPolicy}, or a user's policy
 *       registered by a {@link vecrl.policy.PolicyProvider}), with {@code policyArgs};
 *   <li>{@code class:NAME}: a user's {@link ActorCriticPolicy} subclass with a public constructor
 *       {@code (Space<?> observationSpace, Space<?> actionSpace, Rng rng)}, as the README's {@code
 *       LeraxCustomPolicy}; a trainer given a policy instance records it this way.
 * </ul>
 */
public final class Policies {
  /** The prefix of a {@code policy} value that names a class. */
  public static final String CLASS_PREFIX = "class:";

  private Policies() {}

  /**
   * The feed-forward policy configuration a training config describes: Stable-Baselines {@code
   * net_arch} (the {@code netArch} key, or {@code [{pi: hidden, vf: hidden}]} when it is empty) with
   * the config's activation, orthogonal init flag, initial log-std and squashing. For the defaults
   * (hidden 64,64, tanh, orthogonal, log-std 0) this equals {@link MlpPolicyConfig#separate64()}.
   */
  public static MlpPolicyConfig mlpConfig(TrainConfig config) {
    return MlpPolicyConfig.sb3(netArch(config))
        .withActivation(config.activation())
        .withOrthogonalInit(config.orthoInit())
        .withLogStdInit((float) config.logStdInit())
        .withSquash(config.squash());
  }

  /**
   * The recurrent policy configuration of a config with {@code policy = lstm|gru}: net_arch {@code
   * [<policy>:cellSize, {pi: hidden, vf: hidden}]} (or the {@code netArch} key, given a cell of the
   * policy's kind and {@code cellSize} when it names none), {@code sharedCell}, the activation,
   * orthogonal init flag (feed-forward layers), initial log-std and squashing.
   */
  public static RecurrentPolicyConfig recurrentConfig(TrainConfig config) {
    if (!config.recurrent()) throw new IllegalArgumentException("recurrentConfig: policy = " + config.policy() + " is not recurrent");
    NetArch a = netArch(config);
    if (a.cell() == null) a = new NetArch(a.shared(), a.pi(), a.vf(), new NetArch.Cell(config.policy(), config.cellSize()));
    boolean layerNorm = false;
    int layers = 1;
    for (var e : PolicyRegistry.parseArgs(config.policyArgs()).entrySet()) {
      String v = e.getValue();
      switch (e.getKey()) {
        case "layer_norm" -> {
          if (!v.equals("true") && !v.equals("false")) throw new IllegalArgumentException("policyArgs: layer_norm=" + v + ", expected true or false");
          layerNorm = v.equals("true");
        }
        case "n_lstm_layers" -> {
          try {
            layers = Integer.parseInt(v);
          } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("policyArgs: n_lstm_layers=" + v + ", expected a whole number of stacked layers");
          }
        }
        default -> throw new IllegalArgumentException("policyArgs: \"" + e.getKey() + "\" is not an argument of policy " + config.policy()
            + "; it takes layer_norm (true|false) and n_lstm_layers (stacked layers, default 1)");
      }
    }
    return new RecurrentPolicyConfig(a, config.sharedCell(), config.activation(), config.orthoInit(), (float) config.logStdInit(),
        config.squash(), layerNorm, layers);
  }

  private static NetArch netArch(TrainConfig config) {
    if (!config.netArch().isBlank()) return NetArch.parse(config.netArch());
    int[] hidden = config.hiddenSizes();
    return new NetArch(new int[0], hidden, hidden);
  }

  /**
   * The untrained policy of a run of {@code config} for the env's spaces, initialised from {@code
   * rng}; {@code registry} resolves registry names.
   */
  public static ActorCriticPolicy build(TrainConfig config, Space<?> observationSpace, Space<?> actionSpace, Rng rng,
      PolicyRegistry registry) {
    String p = config.policy();
    if (p.equals("mlp") && config.algo().offPolicy()) return vecrl.algo.OffPolicyAlgorithms.model(config, observationSpace, actionSpace, rng);
    if (p.equals("mlp")) return new MlpActorCriticPolicy(observationSpace, actionSpace, mlpConfig(config), rng);
    if (config.recurrent()) return new RecurrentActorCriticPolicy(observationSpace, actionSpace, recurrentConfig(config), rng);
    if (p.startsWith(CLASS_PREFIX)) {
      requireNoArgs(config);
      return fromClass(p.substring(CLASS_PREFIX.length()), observationSpace, actionSpace, rng);
    }
    if (!registry.contains(p)) {
      throw new IllegalArgumentException("policy \"" + p + "\" is neither a built-in kind " + TrainConfig.POLICIES
          + ", a registered policy " + registry.names() + " nor class:NAME (a policy class on the classpath)");
    }
    var args = PolicyRegistry.parseArgs(config.policyArgs());
    if (!args.isEmpty() && !registry.takesArgs(p)) {
      throw new IllegalArgumentException("policy " + p + " takes no policyArgs, got \"" + config.policyArgs() + "\"");
    }
    return registry.create(p, observationSpace, actionSpace, args, rng);
  }

  private static void requireNoArgs(TrainConfig config) {
    if (!config.policyArgs().isBlank()) {
      throw new IllegalArgumentException("policy " + config.policy() + " takes no policyArgs, got \"" + config.policyArgs() + "\"");
    }
  }

  /**
   * The policy registry a run resolves names in when the caller gives none: the built-in names plus
   * every {@link vecrl.policy.PolicyProvider} on the thread's context class loader.
   */
  public static PolicyRegistry defaultRegistry() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return PolicyRegistry.withProviders(loader != null ? loader : Policies.class.getClassLoader());
  }

  /** The value of the {@code policy} key that rebuilds {@code policy}'s class: {@code class:NAME}. */
  public static String classSpec(ActorCriticPolicy policy) {
    return CLASS_PREFIX + policy.getClass().getName();
  }

  /**
   * A new instance of the policy class {@code name}, found through the thread's context class
   * loader, by its {@code (Space, Space, Rng)} constructor. A missing class or constructor is an
   * error that names it and says what is needed.
   */
  public static ActorCriticPolicy fromClass(String name, Space<?> observationSpace, Space<?> actionSpace, Rng rng) {
    Class<?> c;
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      c = Class.forName(name, true, loader != null ? loader : Policies.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException("policy class " + name + " was not found on the classpath (the command line takes its jar with"
          + " --classpath)", e);
    }
    if (!ActorCriticPolicy.class.isAssignableFrom(c)) {
      throw new IllegalArgumentException("policy class " + name + " is not an ActorCriticPolicy");
    }
    Constructor<?> ctor;
    try {
      ctor = c.getConstructor(Space.class, Space.class, Rng.class);
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException("policy class " + name + " has no public constructor (Space<?> observationSpace, Space<?> actionSpace,"
          + " Rng rng), which a run needs to rebuild it; register it in a PolicyRegistry instead, or add that constructor", e);
    }
    try {
      return (ActorCriticPolicy) ctor.newInstance(observationSpace, actionSpace, rng);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw new IllegalStateException("policy class " + name + ": its constructor failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("policy class " + name + " cannot be instantiated: " + e, e);
    }
  }
}
