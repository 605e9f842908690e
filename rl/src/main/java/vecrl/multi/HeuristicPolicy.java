package vecrl.multi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import vecrl.algo.Policy;
import vecrl.algo.SampleBatch;
import vecrl.tensor.Tensor;

/**
 * A hand-written {@link Policy} that does not learn: subclasses give {@link #computeActions} (and
 * {@link #getInitialState} when they keep state between steps). The learning methods are errors
 * naming the policy, postprocessing returns the batch unchanged, and it has no weights. RLlib's
 * rock-paper-scissors heuristics are {@link #alwaysRock}, {@link #alternateRockPaper} and {@link
 * #beatLast}.
 */
public abstract class HeuristicPolicy implements Policy {
  private final String name;

  protected HeuristicPolicy(String name) {
    this.name = name;
  }

  public final String name() { return name; }

  /** RLlib's {@code AlwaysSameHeuristic} with rock: always {@link RockPaperScissors#ROCK}. */
  public static HeuristicPolicy alwaysRock() {
    return new AlwaysRock();
  }

  /** Rock, paper, rock, paper, ... from each episode's start (the state is the move count). */
  public static HeuristicPolicy alternateRockPaper() {
    return new AlternateRockPaper();
  }

  /**
   * RLlib's {@code BeatLastHeuristic}: the move that beats the opponent's last move (read from the
   * one-hot observation); rock before the first move.
   */
  public static HeuristicPolicy beatLast() {
    return new BeatLast();
  }

  /** The heuristic called {@code name}: {@code rock}, {@code alternate} or {@code beat_last}. */
  public static HeuristicPolicy rockPaperScissors(String name) {
    return switch (name) {
      case "rock" -> alwaysRock();
      case "alternate" -> alternateRockPaper();
      case "beat_last" -> beatLast();
      default -> throw new IllegalArgumentException("no rock-paper-scissors heuristic \"" + name + "\"; heuristics: rock, alternate, beat_last");
    };
  }

  @Override
  public ActionsResult computeSingleAction(Tensor obs, List<Tensor> state, boolean explore) {
    return computeActions(obs.reshape(1, obs.size()), state, null, null, null, explore);
  }

  @Override
  public List<Tensor> getInitialState() {
    return List.of();
  }

  @Override
  public boolean isRecurrent() {
    return !getInitialState().isEmpty();
  }

  private IllegalStateException noLearning(String what) {
    return new IllegalStateException(what + ": heuristic policy " + name + " does not learn");
  }

  @Override
  public final Map<String, Double> learnOnBatch(SampleBatch batch) { throw noLearning("learnOnBatch"); }

  @Override
  public final Gradients computeGradients(SampleBatch batch) { throw noLearning("computeGradients"); }

  @Override
  public final void applyGradients(Gradients gradients) { throw noLearning("applyGradients"); }

  @Override
  public final Map<String, Tensor> getWeights() { return Map.of(); }

  @Override
  public final void setWeights(Map<String, Tensor> weights) {
    if (!weights.isEmpty()) throw new IllegalArgumentException("setWeights: heuristic policy " + name + " has no parameters, got " + weights.keySet());
  }

  @Override
  public SampleBatch postprocessTrajectory(SampleBatch batch, Map<String, SampleBatch> otherAgentBatches, Object episode) {
    return batch;
  }

  @Override
  public final void exportCheckpoint(Path dir) { throw noLearning("exportCheckpoint"); }

  @Override
  public final void importCheckpoint(Path dir) { throw noLearning("importCheckpoint"); }

  @Override
  public String toString() {
    return "HeuristicPolicy[" + name + "]";
  }

  /** Actions [B, 1] of one Discrete move per row. */
  static ActionsResult moves(int[] moves, List<Tensor> stateOut) {
    float[] a = new float[moves.length];
    for (int i = 0; i < moves.length; i++) a[i] = moves[i];
    return new ActionsResult(Tensor.of(a, moves.length, 1), stateOut, Map.of());
  }

  private static final class AlwaysRock extends HeuristicPolicy {
    AlwaysRock() { super("rock"); }

    @Override
    public ActionsResult computeActions(Tensor obs, List<Tensor> state, Tensor prevA, Tensor prevR, List<Map<String, Object>> info, boolean explore) {
      return moves(new int[obs.rows()], List.of());
    }
  }

  private static final class AlternateRockPaper extends HeuristicPolicy {
    AlternateRockPaper() { super("alternate"); }

    @Override
    public List<Tensor> getInitialState() {
      return List.of(Tensor.zeros(1, 1));
    }

    @Override
    public ActionsResult computeActions(Tensor obs, List<Tensor> state, Tensor prevA, Tensor prevR, List<Map<String, Object>> info, boolean explore) {
      int b = obs.rows();
      if (state == null || state.size() != 1 || state.get(0).rows() != b) {
        throw new IllegalArgumentException("alternate: expects one state batch [" + b + ", 1] (its move count), got " + (state == null ? "none" : state.size()));
      }
      int[] m = new int[b];
      float[] next = new float[b];
      for (int i = 0; i < b; i++) {
        int count = (int) state.get(0).get(i, 0);
        m[i] = count % 2 == 0 ? RockPaperScissors.ROCK : RockPaperScissors.PAPER;
        next[i] = count + 1;
      }
      return moves(m, List.of(Tensor.of(next, b, 1)));
    }
  }

  private static final class BeatLast extends HeuristicPolicy {
    BeatLast() { super("beat_last"); }

    @Override
    public ActionsResult computeActions(Tensor obs, List<Tensor> state, Tensor prevA, Tensor prevR, List<Map<String, Object>> info, boolean explore) {
      int b = obs.rows();
      int[] m = new int[b];
      for (int i = 0; i < b; i++) {
        int last = -1;
        for (int j = 0; j < 3; j++) if (obs.get(i, j) > 0.5f) last = j;
        m[i] = last < 0 ? RockPaperScissors.ROCK : RockPaperScissors.beat(last);
      }
      return moves(m, List.of());
    }
  }
}
