package vecrl.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import vecrl.cli.Main.Opts;
import vecrl.cli.Main.UsageException;
import vecrl.multi.MultiAgentCollector;
import vecrl.multi.MultiAgentSpec;
import vecrl.multi.MultiAgentTrainer;

/**
 * The command line's multi-agent runs: {@code vecrl train --env RockPaperScissors-v0 --policies
 * learned=ppo,opponent=beat_last [--iterations N] [--seed N] [--out DIR]} trains the learned policies
 * ({@link MultiAgentSpec}) into a run directory ({@code multi.properties}, the checkpoint, one policy
 * file per trained policy) and ends with a greedy evaluation per policy; {@code vecrl eval RUN_DIR}
 * on such a directory reports each policy's returns again.
 */
final class MultiAgentCommand {
  /** Episodes per env of the closing and the {@code eval} evaluation. */
  static final int EVAL_EPISODES = 4;

  private final PrintStream out;

  MultiAgentCommand(Main main) {
    this.out = main.out;
  }

  int train(Opts o, String env, boolean quiet) throws IOException {
    for (String k : new String[] {"--algo", "--policy", "--preset", "--config", "--set", "--resume", "--steps", "--envs", "--tensorboard"}) {
      if (o.get(k) != null) throw new UsageException("train: " + k + " does not apply to the multi-agent environment " + env + " (it takes --policies, --iterations, --seed, --out)");
    }
    long seed = o.get("--seed") == null ? 1 : Main.parseLong("--seed", o.get("--seed"), Long.MIN_VALUE);
    MultiAgentSpec spec;
    try {
      MultiAgentSpec d = MultiAgentSpec.defaults(env, seed);
      spec = new MultiAgentSpec(env, o.get("--policies") == null ? d.policies() : MultiAgentSpec.parsePolicies(o.get("--policies")), seed,
          o.get("--iterations") == null ? d.iterations() : Main.parseLong("--iterations", o.get("--iterations"), 1));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    MultiAgentTrainer t = spec.build();
    Path outDir = Path.of(o.get("--out") == null ? "runs" : o.get("--out"));
    Files.createDirectories(outDir);
    Path dir = outDir.resolve(env + "_multi_s" + seed);
    for (int k = 2; Files.exists(dir); k++) dir = outDir.resolve(env + "_multi_s" + seed + "_" + k);
    Files.createDirectories(dir);
    spec.save(dir.resolve(MultiAgentSpec.FILE));
    out.println(String.format(Locale.ROOT, "training %s: policies %s, %d iterations, seed %d", env, spec.policiesText(), spec.iterations(), seed));
    if (!quiet) out.println("iteration  " + String.join("  ", t.policies().keySet().stream().map(p -> String.format(Locale.ROOT, "%10s", p)).toList())
        + "   (mean reward per agent step)");
    for (long i = 0; i < spec.iterations(); i++) {
      var r = t.train();
      if (!quiet && (r.iteration() % 5 == 0 || r.iteration() == spec.iterations())) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%9d", r.iteration()));
        for (MultiAgentCollector.PolicyStats s : r.stats().values()) b.append(String.format(Locale.ROOT, "  %10.3f", s.meanRewardPerStep()));
        out.println(b);
      }
    }
    t.saveCheckpoint(dir.resolve("checkpoint"));
    for (var f : t.savePolicies(dir).entrySet()) out.println("saved " + f.getKey() + ": " + f.getValue());
    report(t.evaluate(EVAL_EPISODES, seed * 0x9E3779B97F4A7C15L + 12345));
    out.println("run directory: " + dir.toAbsolutePath());
    return 0;
  }

  /** {@code eval} of a multi-agent run directory: its policies restored from the checkpoint, greedy episodes per policy. */
  int eval(Path dir, Opts o) throws IOException {
    MultiAgentSpec spec = MultiAgentSpec.load(dir.resolve(MultiAgentSpec.FILE));
    MultiAgentTrainer t = spec.build();
    t.restoreCheckpoint(dir.resolve("checkpoint"));
    int episodes = o.get("--episodes") == null ? EVAL_EPISODES : Main.parseInt("--episodes", o.get("--episodes"), 1);
    long seed = o.get("--seed") == null ? spec.seed() * 0x9E3779B97F4A7C15L + 12345 : Main.parseLong("--seed", o.get("--seed"), Long.MIN_VALUE);
    out.println(String.format(Locale.ROOT, "%s: policies %s after %d iterations", spec.env(), spec.policiesText(), t.iteration()));
    report(t.evaluate(episodes, seed));
    return 0;
  }

  private void report(Map<String, MultiAgentCollector.PolicyStats> stats) {
    out.println("greedy evaluation, per policy:");
    stats.forEach((p, s) -> out.println(String.format(Locale.ROOT, "  %-12s mean return %.3f per agent-episode (%d episodes, %.3f per step)", p,
        s.meanEpisodeReturn(), s.agentEpisodes(), s.meanRewardPerStep())));
  }
}
