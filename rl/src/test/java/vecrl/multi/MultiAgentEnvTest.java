package vecrl.multi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/** The multi-agent environments' dynamics, checked by hand, the registry and the heuristics. */
class MultiAgentEnvTest {
  static final int R = RockPaperScissors.ROCK, P = RockPaperScissors.PAPER, S = RockPaperScissors.SCISSORS;

  @Test
  void rockPaperScissorsPayoffs() {
    int[][] expected = {{0, -1, 1}, {1, 0, -1}, {-1, 1, 0}}; // row: my move R, P, S; column: theirs
    for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) assertEquals(expected[a][b], RockPaperScissors.payoff(a, b), a + " vs " + b);
    assertEquals(P, RockPaperScissors.beat(R));
    assertEquals(S, RockPaperScissors.beat(P));
    assertEquals(R, RockPaperScissors.beat(S));
  }

  @Test
  void rockPaperScissorsEpisode() {
    var env = new RockPaperScissors(2);
    var reset = env.reset(new Rng(1));
    assertEquals(List.of("player_0", "player_1"), List.copyOf(reset.observations().keySet()));
    assertArrayEquals(new float[3], (float[]) reset.observations().get("player_0"));
    var s = env.step(Map.of("player_0", P, "player_1", R));
    assertArrayEquals(new float[] {1, 0, 0}, (float[]) s.observations().get("player_0")); // the opponent played rock
    assertArrayEquals(new float[] {0, 1, 0}, (float[]) s.observations().get("player_1"));
    assertEquals(Map.of("player_0", 1.0, "player_1", -1.0), s.rewards());
    assertFalse(s.allDone());
    assertEquals(false, s.terminateds().get("player_0"));
    s = env.step(Map.of("player_0", S, "player_1", S));
    assertEquals(Map.of("player_0", 0.0, "player_1", 0.0), s.rewards());
    assertTrue(s.allDone());
    assertEquals(Map.of("player_0", true, "player_1", true, MultiAgentEnv.ALL, true), s.terminateds());
    assertThrows(IllegalStateException.class, () -> env.step(Map.of("player_0", R, "player_1", R)));
    env.reset(new Rng(1));
    assertThrows(IllegalArgumentException.class, () -> env.step(Map.of("player_0", R)));
    assertThrows(IllegalArgumentException.class, () -> env.observationSpace("player_2"));
  }

  @Test
  void signalingGameTurns() {
    var env = new SignalingGame(3);
    Rng rng = new Rng(7);
    int target = new Rng(7).nextInt(3);
    var reset = env.reset(rng);
    assertEquals(target, env.target());
    assertEquals(List.of("speaker"), List.copyOf(reset.observations().keySet())); // the listener joins later
    float[] onehot = new float[3];
    onehot[target] = 1;
    assertArrayEquals(onehot, (float[]) reset.observations().get("speaker"));
    var s = env.step(Map.of("speaker", 2));
    assertEquals(List.of("listener"), List.copyOf(s.observations().keySet()));
    assertArrayEquals(new float[] {0, 0, 1}, (float[]) s.observations().get("listener"));
    assertTrue(s.rewards().isEmpty());
    assertFalse(s.allDone());
    assertThrows(IllegalArgumentException.class, () -> env.step(Map.of("speaker", 0)));
    s = env.step(Map.of("listener", target));
    assertEquals(Map.of("speaker", 1.0, "listener", 1.0), s.rewards());
    assertTrue(s.allDone());
    env.reset(new Rng(7));
    env.step(Map.of("speaker", 0));
    assertEquals(Map.of("speaker", 0.0, "listener", 0.0), env.step(Map.of("listener", (target + 1) % 3)).rewards());
  }

  @Test
  void registry() {
    var r = MultiAgentEnvRegistry.standard();
    assertEquals(List.of("RockPaperScissors-v0", "Signaling-v0"), r.names());
    assertEquals(10, ((RockPaperScissors) r.make("RockPaperScissors-v0")).rounds());
    assertEquals(3, ((SignalingGame) r.make("Signaling-v0")).k());
    var e = assertThrows(IllegalArgumentException.class, () -> r.make("Nope-v0"));
    assertTrue(e.getMessage().contains("RockPaperScissors-v0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> r.register("Signaling-v0", () -> new SignalingGame(2)));
  }

  private static int move(HeuristicPolicy p, float[] obs, List<Tensor>[] state) {
    var res = p.computeSingleAction(Tensor.of(obs, 3), state[0], true);
    state[0] = res.stateOut();
    return (int) res.actions().get(0);
  }

  @Test
  @SuppressWarnings("unchecked")
  void heuristics() {
    List<Tensor>[] st = new List[] {HeuristicPolicy.alwaysRock().getInitialState()};
    for (int i = 0; i < 3; i++) assertEquals(R, move(HeuristicPolicy.alwaysRock(), new float[] {0, 0, 1}, st));
    var alt = HeuristicPolicy.alternateRockPaper();
    st[0] = alt.getInitialState();
    int[] seq = new int[5];
    for (int i = 0; i < 5; i++) seq[i] = move(alt, new float[3], st);
    assertArrayEquals(new int[] {R, P, R, P, R}, seq);
    var beat = HeuristicPolicy.beatLast();
    st[0] = beat.getInitialState();
    assertEquals(R, move(beat, new float[3], st)); // no last move yet
    assertEquals(P, move(beat, new float[] {1, 0, 0}, st));
    assertEquals(S, move(beat, new float[] {0, 1, 0}, st));
    assertEquals(R, move(beat, new float[] {0, 0, 1}, st));
    assertThrows(IllegalStateException.class, () -> beat.learnOnBatch(new vecrl.algo.SampleBatch(0)));
    assertThrows(IllegalArgumentException.class, () -> HeuristicPolicy.rockPaperScissors("random"));
  }
}
