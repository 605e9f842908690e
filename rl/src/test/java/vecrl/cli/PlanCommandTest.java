package vecrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecrl.train.Metrics;
import vecrl.train.TrainingRun;

/** {@code train --plan}: A3C's plan from the command line, and the options' errors, given before any run directory exists. */
final class PlanCommandTest {
  @TempDir Path tmp;

  @Test
  void asyncGradientsPlanTrainsOnInProcessWorkers() throws Exception {
    Path out = tmp.resolve("runs");
    CliRun r = CliRun.of("train", "--plan", "async-gradients", "--plan-workers", "2", "--envs", "4", "--steps", "2048", "--set", "numSteps=32",
        "--set", "evalEpisodes=0", "--out", out.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("trained 2,048 steps"), "the workers' steps count as the run's: " + r.out());
    Path dir;
    try (var s = Files.list(out)) {
      dir = s.findFirst().orElseThrow();
    }
    Metrics m = Metrics.read(dir.resolve(TrainingRun.METRICS));
    assertEquals(16, m.steps().length, "2,048 steps / (4 envs x 32 steps)");
    assertEquals(2048, m.steps()[15]);
    assertTrue(Files.exists(dir.resolve(TrainingRun.POLICY)));
  }

  @Test
  void aResumedRunKeepsItsPlanAndRefusesAnother() throws Exception {
    Path out = tmp.resolve("resumed");
    CliRun r = CliRun.of("train", "--plan", "async-gradients", "--plan-workers", "1", "--envs", "4", "--steps", "256", "--set", "numSteps=32",
        "--set", "evalEpisodes=0", "--out", out.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    Path dir;
    try (var s = Files.list(out)) {
      dir = s.findFirst().orElseThrow();
    }
    assertEquals("plan=async-gradients\nworkers=1\n", Files.readString(dir.resolve(TrainCommand.PLAN_FILE)));

    CliRun other = CliRun.of("train", "--resume", dir.toString(), "--plan", "bulk-sync", "--steps", "512");
    assertEquals(2, other.code(), other.out() + other.err());
    assertTrue(other.err().contains("trained with --plan async-gradients, not --plan bulk-sync"), other.err());
    long[] before = Metrics.read(dir.resolve(TrainingRun.METRICS)).steps();
    assertEquals(256, before[before.length - 1], "the refused resume trained nothing");

    CliRun same = CliRun.of("train", "--resume", dir.toString(), "--steps", "512");
    assertEquals(0, same.code(), same.err());
    assertTrue(same.out().contains("resuming through the run's execution plan: --plan async-gradients --plan-workers 1"), same.out());
    long[] steps = Metrics.read(dir.resolve(TrainingRun.METRICS)).steps();
    assertEquals(512, steps[steps.length - 1]);

    Files.writeString(dir.resolve(TrainCommand.PLAN_FILE), "plan=warp\n");
    CliRun bad = CliRun.of("train", "--resume", dir.toString(), "--steps", "768");
    assertEquals(2, bad.code(), bad.out() + bad.err());
    assertTrue(bad.err().contains("does not name a plan and a worker count"), bad.err());
  }

  @Test
  void badPlanOptionsFailBeforeTheRunDirectory() {
    Path out = tmp.resolve("none");
    String[][] cases = {
      {"--plan", "nope"}, {"--plan-workers", "2"}, {"--plan", "async-gradients"}, {"--plan", "bulk-sync", "--plan-workers", "9", "--envs", "4"},
      {"--plan", "bulk-sync", "--plan-workers", "2", "--policy", "lstm"}, {"--plan", "bulk-sync", "--algo", "dqn"},
      {"--cluster", "127.0.0.1:5799", "--set", "normObs=true"}, {"--cluster", "127.0.0.1:5799", "--policy", "lstm"},
      {"--cluster", "127.0.0.1:5799", "--plan", "async-gradients", "--plan-workers", "1"}, {"--cluster", "127.0.0.1:5799", "--plan", "bulk-sync",
        "--algo", "dqn"}};
    String[] expected = {"unknown execution plan", "--plan-workers needs --plan", "give --plan-workers N", "9 rollout workers for 4 envs",
      "recurrent policy", "off-policy", "normObs = true is not supported", "recurrent", "--plan-workers is for in-process workers", "off-policy"};
    for (int i = 0; i < cases.length; i++) {
      String[] args = new String[cases[i].length + 5];
      args[0] = "train";
      System.arraycopy(cases[i], 0, args, 1, cases[i].length);
      System.arraycopy(new String[] {"--steps", "4096", "--out", out.toString()}, 0, args, cases[i].length + 1, 4);
      CliRun r = CliRun.of(args);
      assertEquals(2, r.code(), String.join(" ", cases[i]) + ": " + r.out() + r.err());
      assertTrue(r.err().contains(expected[i]), String.join(" ", cases[i]) + ": " + r.err());
      assertFalse(Files.exists(out), String.join(" ", cases[i]) + ": made " + out);
    }
  }
}
