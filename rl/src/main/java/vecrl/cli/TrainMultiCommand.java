package vecrl.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import vecrl.cli.Main.Opts;
import vecrl.cli.Main.UsageException;
import vecrl.multi.MultiAgentCollector;
import vecrl.multi.MultiAgentRuns;
import vecrl.multi.MultiAgentTrainer;

/**
 * {@code vecrl train-multi --env RockPaperScissors-v0|Signaling-v0 [--opponent rock|alternate|beat_last]
 * [--iterations N] [--seed N] [--out DIR]}: one of the measured multi-agent setups ({@link
 * MultiAgentRuns}); prints each policy's mean reward per agent step every 5 iterations and at the
 * end; with {@code --out}, writes a checkpoint and one policy file per trained policy into DIR.
 */
final class TrainMultiCommand {
  private final Main main;

  TrainMultiCommand(Main main) {
    this.main = main;
  }

  int run(List<String> args) throws IOException {
    Opts o = Main.parse(args, List.of("--env", "--opponent", "--iterations", "--seed", "--out"), List.of(), "train-multi");
    if (!o.positional().isEmpty()) throw new UsageException("train-multi: unexpected argument \"" + o.positional().get(0) + "\"");
    String env = o.get("--env") == null ? "RockPaperScissors-v0" : o.get("--env");
    long seed = o.get("--seed") == null ? 1 : Main.parseLong("--seed", o.get("--seed"), Long.MIN_VALUE);
    MultiAgentTrainer t;
    long iterations;
    switch (env) {
      case "RockPaperScissors-v0" -> {
        String opp = o.get("--opponent") == null ? "beat_last" : o.get("--opponent").toLowerCase(Locale.ROOT);
        if (!List.of("rock", "alternate", "beat_last").contains(opp)) {
          throw new UsageException("--opponent " + o.get("--opponent") + ": unknown heuristic; valid heuristics: rock, alternate, beat_last");
        }
        iterations = o.get("--iterations") == null ? 40 : Main.parseLong("--iterations", o.get("--iterations"), 1);
        t = MultiAgentRuns.rockPaperScissors(opp, seed, iterations);
      }
      case "Signaling-v0" -> {
        if (o.get("--opponent") != null) throw new UsageException("--opponent: Signaling-v0 has no opponent (both policies learn)");
        iterations = o.get("--iterations") == null ? 60 : Main.parseLong("--iterations", o.get("--iterations"), 1);
        t = MultiAgentRuns.signaling(seed, iterations);
      }
      default -> throw new UsageException("--env " + env + ": unknown multi-agent environment; valid: RockPaperScissors-v0, Signaling-v0");
    }
    main.out.println("iteration  " + String.join("  ", t.policies().keySet().stream().map(p -> String.format(Locale.ROOT, "%10s", p)).toList())
        + "   (mean reward per agent step)");
    for (long i = 0; i < iterations; i++) {
      var r = t.train();
      if (r.iteration() % 5 == 0 || r.iteration() == iterations) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%9d", r.iteration()));
        for (MultiAgentCollector.PolicyStats s : r.stats().values()) b.append(String.format(Locale.ROOT, "  %10.3f", s.meanRewardPerStep()));
        main.out.println(b);
      }
    }
    if (o.get("--out") != null) {
      Path dir = Path.of(o.get("--out"));
      t.saveCheckpoint(dir.resolve("checkpoint"));
      for (var f : t.savePolicies(dir).entrySet()) main.out.println("saved " + f.getKey() + ": " + f.getValue());
    }
    return 0;
  }
}
