package vecrl.multi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vecrl.tensor.Rng;
import vecrl.train.TrainConfig;

/**
 * What a multi-agent run is made of, as the command line gives it ({@code --policies
 * learned=ppo,opponent=beat_last}) and as a run directory records it ({@link #FILE}): the
 * environment, named policies in the order of the environment's agents (the i-th policy plays the
 * i-th of {@link MultiAgentEnv#possibleAgents()}), each either learned by an algorithm ({@code ppo},
 * {@code a2c}, {@code reinforce}) or a heuristic ({@code rock}, {@code alternate}, {@code
 * beat_last} in RockPaperScissors-v0), the seed and the iterations. {@link #build} makes the
 * trainer; the learned policies use {@link MultiAgentRuns#config}.
 */
public record MultiAgentSpec(String env, Map<String, String> policies, long seed, long iterations) {
  /** The file a run directory records the spec in. */
  public static final String FILE = "multi.properties";
  /** The algorithms a learned policy can have. */
  public static final List<String> ALGOS = List.of("ppo", "a2c", "reinforce");

  /** Per environment: default policies, iterations, the learned policies' entropy coefficient, envs and episodes per env. */
  private record Setup(String policies, long iterations, double entCoef, int numEnvs, int episodesPerEnv, List<String> heuristics) {}

  private static final Map<String, Setup> SETUPS = Map.of(
      "RockPaperScissors-v0", new Setup("learned=ppo,opponent=beat_last", 40, 0.01, 8, 4, List.of("rock", "alternate", "beat_last")),
      "Signaling-v0", new Setup("speaker=ppo,listener=ppo", 60, 0.2, 8, 16, List.of()));

  public MultiAgentSpec {
    Setup s = SETUPS.get(env);
    if (s == null) throw new IllegalArgumentException("unknown multi-agent environment \"" + env + "\"; valid: " + List.copyOf(SETUPS.keySet()).stream().sorted().toList());
    policies = new LinkedHashMap<>(policies);
    int agents = MultiAgentEnvRegistry.standard().make(env).possibleAgents().size();
    if (policies.size() != agents) {
      throw new IllegalArgumentException("--policies: " + env + " has " + agents + " agents, so it needs " + agents + " policies (NAME=KIND, one per agent in order), got "
          + policies.size());
    }
    for (var e : policies.entrySet()) {
      String kind = e.getValue();
      if (!ALGOS.contains(kind) && !s.heuristics().contains(kind)) {
        List<String> valid = new ArrayList<>(ALGOS);
        valid.addAll(s.heuristics());
        throw new IllegalArgumentException("--policies: policy " + e.getKey() + " = " + kind + ", expected one of " + valid + " for " + env);
      }
    }
    if (iterations <= 0) throw new IllegalArgumentException("iterations: " + iterations + ", expected > 0");
  }

  /** The spec of {@code env} with its default policies and iterations. */
  public static MultiAgentSpec defaults(String env, long seed) {
    Setup s = SETUPS.get(env);
    if (s == null) throw new IllegalArgumentException("unknown multi-agent environment \"" + env + "\"; valid: " + List.copyOf(SETUPS.keySet()).stream().sorted().toList());
    return new MultiAgentSpec(env, parsePolicies(s.policies()), seed, s.iterations());
  }

  /** Whether {@code env} is a multi-agent environment this spec knows. */
  public static boolean isMultiAgent(String env) {
    return SETUPS.containsKey(env);
  }

  /** {@code NAME=KIND,NAME=KIND...} in order; names unique. */
  public static Map<String, String> parsePolicies(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      String p = part.strip();
      int eq = p.indexOf('=');
      if (eq <= 0 || eq == p.length() - 1) throw new IllegalArgumentException("--policies: \"" + p + "\" is not NAME=KIND (e.g. learned=ppo,opponent=beat_last)");
      String name = p.substring(0, eq).strip(), kind = p.substring(eq + 1).strip().toLowerCase(Locale.ROOT);
      if (!name.matches("[A-Za-z][A-Za-z0-9_-]*")) throw new IllegalArgumentException("--policies: policy name \"" + name + "\": letters, digits, _ and - only");
      if (m.put(name, kind) != null) throw new IllegalArgumentException("--policies: policy " + name + " given twice");
    }
    return m;
  }

  /** The policies as {@code NAME=KIND,...}. */
  public String policiesText() {
    StringBuilder b = new StringBuilder();
    policies.forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return b.toString();
  }

  /** The learned policies' names, in order. */
  public List<String> learned() {
    List<String> l = new ArrayList<>();
    policies.forEach((k, v) -> { if (ALGOS.contains(v)) l.add(k); });
    return l;
  }

  /**
   * The trainer: learned policies are initialised from {@code Rng(seed)} when there is one, from its
   * successive splits when there are several; the i-th policy plays the i-th agent.
   */
  public MultiAgentTrainer build() {
    Setup s = SETUPS.get(env);
    MultiAgentEnvRegistry reg = MultiAgentEnvRegistry.standard();
    MultiAgentEnv probe = reg.make(env);
    List<String> agents = probe.possibleAgents();
    List<String> learned = learned();
    Rng root = new Rng(seed);
    MultiAgentTrainer.Builder b = MultiAgentTrainer.builder().env(reg.factory(env));
    Map<String, String> agentToPolicy = new LinkedHashMap<>();
    int i = 0;
    for (var e : policies.entrySet()) {
      String agent = agents.get(i++);
      agentToPolicy.put(agent, e.getKey());
      if (ALGOS.contains(e.getValue())) {
        TrainConfig c = MultiAgentRuns.config(env, seed, s.entCoef()).with("algo", e.getValue());
        Rng init = learned.size() == 1 ? root : root.split();
        b.policy(e.getKey(), MultiAgentTrainer.learnedPolicy(probe, agent, c, init));
      } else {
        b.policy(e.getKey(), HeuristicPolicy.rockPaperScissors(e.getValue()));
      }
    }
    return b.policyMappingFn((agent, episode) -> agentToPolicy.get(agent)).policiesToTrain(learned.toArray(new String[0]))
        .seed(seed).numEnvs(s.numEnvs()).episodesPerEnv(s.episodesPerEnv()).iterations(iterations).build();
  }

  /** Writes the spec as {@code key = value} lines. */
  public void save(Path file) throws IOException {
    Files.writeString(file, "# vecrl multi-agent run\nenv = " + env + "\npolicies = " + policiesText() + "\nseed = " + seed + "\niterations = "
        + iterations + "\n", StandardCharsets.UTF_8);
  }

  /** Reads a spec written by {@link #save}; a missing key is an error naming it. */
  public static MultiAgentSpec load(Path file) throws IOException {
    Map<String, String> m = TrainConfig.parse(Files.readString(file, StandardCharsets.UTF_8));
    for (String k : List.of("env", "policies", "seed", "iterations")) {
      if (!m.containsKey(k)) throw new IOException(file + ": missing key '" + k + "'; expected env, policies, seed, iterations");
    }
    try {
      return new MultiAgentSpec(m.get("env"), parsePolicies(m.get("policies")), Long.parseLong(m.get("seed")), Long.parseLong(m.get("iterations")));
    } catch (NumberFormatException e) {
      throw new IOException(file + ": seed and iterations must be integers: " + e.getMessage(), e);
    }
  }
}
