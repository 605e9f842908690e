package vecrl.env;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

class VectorEnvTest {

  @Test
  void threadedGivesExactlyTheSyncResults() {
    try (SyncVectorEnv<float[], Integer> sync = SyncVectorEnv.make("CartPole-v1", 7);
        ThreadedVectorEnv<float[], Integer> threaded = ThreadedVectorEnv.make("CartPole-v1", 7, 3)) {
      assertArrayEquals(sync.reset(123).data(), threaded.reset(123).data());
      Rng actions = new Rng(99);
      Tensor a = Tensor.zeros(7);
      int episodesEnded = 0;
      for (int step = 0; step < 400; step++) {
        for (int i = 0; i < 7; i++) a.data()[i] = actions.nextInt(2);
        Tensor o1 = sync.step(a);
        Tensor o2 = threaded.step(a);
        assertArrayEquals(o1.data(), o2.data(), "step " + step);
        assertArrayEquals(sync.rewards(), threaded.rewards());
        assertArrayEquals(sync.terminated(), threaded.terminated());
        assertArrayEquals(sync.truncated(), threaded.truncated());
        assertArrayEquals(sync.hasFinal(), threaded.hasFinal());
        for (int i = 0; i < 7; i++) {
          if (sync.hasFinal()[i]) {
            episodesEnded++;
            assertArrayEquals(sync.finalObservations().row(i).copy().data(), threaded.finalObservations().row(i).copy().data());
          }
        }
      }
      assertTrue(episodesEnded > 50, "random CartPole episodes end often: " + episodesEnded);
    }
  }

  /** Observes the last action it received; actions are Discrete(3, start=-1), i.e. -1, 0 and 1. */
  private static final class LastAction implements Dynamics<Integer, float[], Integer> {
    public vecrl.space.Space<float[]> observationSpace() { return new vecrl.space.Box(-1f, 1f, 1); }
    public vecrl.space.Space<Integer> actionSpace() { return new vecrl.space.Discrete(3, -1); }
    public Integer initialState(Rng rng) { return 0; }
    public Transition<Integer> step(Integer state, Integer action) {
      if (action < -1 || action > 1) throw new IllegalStateException("action " + action + " outside Discrete(3, start=-1)");
      return new Transition<>(action, 0.0, false);
    }
    public float[] observation(Integer state) { return new float[] {state}; }
  }

  @Test
  void discreteActionsAreIndicesFromTheSpacesStart() {
    try (SyncVectorEnv<float[], Integer> venv = new SyncVectorEnv<float[], Integer>(() -> new DynamicsEnv<>(new LastAction()), 3)) {
      venv.reset(1);
      Tensor obs = venv.step(Tensor.vector(new float[] {0, 1, 2}));
      assertArrayEquals(new float[] {-1, 0, 1}, obs.copy().data());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> venv.step(Tensor.vector(new float[] {0, 3, 1})));
      assertEquals("VectorEnv.step: env 1: action index 3.0 is not an integer in [0, 3) of Discrete(3, start=-1)", e.getMessage());
    }
  }

  @Test
  void autoResetKeepsTheFinalObservationAndInfo() {
    SyncVectorEnv<float[], float[]> venv = new SyncVectorEnv<float[], float[]>(() -> new CounterEnv(3), 2);
    Tensor obs = venv.reset(5);
    int[] t = {(int) obs.data()[0], (int) obs.data()[2]};
    for (int i = 0; i < 2; i++) assertEquals(t[i], venv.info(i).get("start"));
    List<float[]> act = List.of(new float[] {0f}, new float[] {0f});
    boolean sawFinal = false;
    for (int step = 0; step < 6; step++) {
      Tensor o = venv.step(act);
      assertSame(obs, o, "the observation buffer is reused");
      for (int i = 0; i < 2; i++) {
        t[i]++;
        if (t[i] >= 3) {
          sawFinal = true;
          assertTrue(venv.hasFinal()[i]);
          assertTrue(venv.terminated()[i]);
          assertFalse(venv.truncated()[i]);
          assertArrayEquals(new float[] {3f, -3f}, venv.finalObservations().row(i).copy().data());
          assertArrayEquals(new float[] {3f, -3f}, venv.finalObservation(i));
          assertEquals(3, venv.finalInfo(i).get("t"));
          assertEquals(3f, venv.rewards()[i]);
          // The row already holds the next episode's first observation.
          t[i] = (int) o.data()[2 * i];
          assertTrue(t[i] >= 0 && t[i] <= 2);
          assertEquals(t[i], venv.info(i).get("start"));
        } else {
          assertFalse(venv.hasFinal()[i]);
          assertNull(venv.finalObservation(i));
          assertEquals((float) t[i], o.data()[2 * i]);
        }
      }
    }
    assertTrue(sawFinal);
  }

  @Test
  void truncationStaysDistinctFromTermination() {
    SyncVectorEnv<float[], float[]> venv = new SyncVectorEnv<float[], float[]>(() -> new TimeLimit<>(new CounterEnv(1000), 2), 1);
    venv.reset(0);
    venv.step(Tensor.zeros(1, 1));
    assertFalse(venv.hasFinal()[0]);
    venv.step(Tensor.zeros(1, 1));
    assertTrue(venv.hasFinal()[0]);
    assertTrue(venv.truncated()[0]);
    assertFalse(venv.terminated()[0]);
  }

  @Test
  void envIGetsTheIthSplitOfTheRunSeed() {
    SyncVectorEnv<float[], Integer> venv = SyncVectorEnv.make("CartPole-v1", 4);
    float[] batch = venv.reset(77).data().clone();
    Rng root = new Rng(77);
    for (int i = 0; i < 4; i++) {
      float[] single = Envs.<float[], Integer>make("CartPole-v1").reset(root.split()).observation();
      for (int j = 0; j < 4; j++) assertEquals(single[j], batch[i * 4 + j]);
    }
    assertArrayEquals(batch, venv.reset(77).data());
    assertFalse(java.util.Arrays.equals(batch, venv.reset(78).data()));
  }

  @Test
  void tensorActionsAreDecodedPerActionSpaceAndCheckedForShape() {
    List<CounterEnv> inner = new ArrayList<>();
    SyncVectorEnv<float[], float[]> box = new SyncVectorEnv<float[], float[]>(() -> {
      CounterEnv e = new CounterEnv(100);
      inner.add(e);
      return e;
    }, 3);
    box.reset(1);
    box.step(Tensor.matrix(new float[][] {{0.1f}, {0.2f}, {0.3f}}));
    for (int i = 0; i < 3; i++) assertArrayEquals(new float[] {0.1f * (i + 1)}, inner.get(i).lastAction, 1e-7f);
    assertThrows(IllegalArgumentException.class, () -> box.step(Tensor.zeros(2, 1)));
    SyncVectorEnv<float[], Integer> disc = SyncVectorEnv.make("Acrobot-v1", 2);
    assertThrows(IllegalStateException.class, () -> disc.step(Tensor.vector(0, 1)), "step before reset");
    disc.reset(0);
    disc.step(Tensor.vector(0, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> disc.step(Tensor.vector(0, 3)));
    assertEquals("VectorEnv.step: env 1: action index 3.0 is not an integer in [0, 3) of Discrete(3)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> disc.step(Tensor.vector(0.5f, 1)));
  }

  @Test
  void mismatchedSpacesAreAnError() {
    List<Env<float[], Integer>> envs = List.of(Envs.make("CartPole-v1"), Envs.make("Acrobot-v1"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SyncVectorEnv<>(envs));
    assertTrue(e.getMessage().contains("env 1"), e.getMessage());
  }

  /** Keeps the last action it was given as its state; the observation is a constant. */
  private record Recorder<A>(vecrl.space.Space<A> actionSpace) implements Dynamics<Object, float[], A> {
    public vecrl.space.Space<float[]> observationSpace() { return new vecrl.space.Box(0f, 1f, 1); }
    public Object initialState(Rng rng) { return "start"; }
    public Transition<Object> step(Object state, A action) { return new Transition<>(action, 0, false); }
    public float[] observation(Object state) { return new float[] {0f}; }
  }

  private static <A> List<Object> stepOnce(vecrl.space.Space<A> space, Tensor actions, int n) {
    List<DynamicsEnv<Object, float[], A>> envs = new ArrayList<>();
    for (int i = 0; i < n; i++) envs.add(new DynamicsEnv<>(new Recorder<>(space)));
    try (SyncVectorEnv<float[], A> v = new SyncVectorEnv<>(new ArrayList<Env<float[], A>>(envs))) {
      v.reset(3);
      v.step(actions);
      List<Object> got = new ArrayList<>();
      for (DynamicsEnv<Object, float[], A> e : envs) got.add(e.state());
      return got;
    }
  }

  @Test
  void tensorActionsOfMultiDiscreteAndMultiBinaryBecomeIntArrays() {
    List<Object> md = stepOnce(new vecrl.space.MultiDiscrete(3, 2), Tensor.matrix(new float[][] {{2, 1}, {0, 0}}), 2);
    assertArrayEquals(new int[] {2, 1}, (int[]) md.get(0));
    assertArrayEquals(new int[] {0, 0}, (int[]) md.get(1));
    List<Object> mb = stepOnce(new vecrl.space.MultiBinary(3), Tensor.matrix(new float[][] {{1, 0, 1}}), 1);
    assertArrayEquals(new int[] {1, 0, 1}, (int[]) mb.get(0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> stepOnce(new vecrl.space.MultiDiscrete(3, 2), Tensor.matrix(new float[][] {{0, 0}, {1, 2}}), 2));
    assertEquals("VectorEnv.step: env 1: action component 1 = 2.0 is not an integer in [0, 2) of MultiDiscrete([3, 2])", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> stepOnce(new vecrl.space.MultiBinary(2), Tensor.zeros(3, 2), 2));
    assertEquals("VectorEnv.step: actions [3, 2] for 2 envs with action space MultiBinary(2), expected [2, 2]", e.getMessage());
    vecrl.space.Dict dict = vecrl.space.Dict.of("a", new vecrl.space.Discrete(2));
    e = assertThrows(IllegalArgumentException.class, () -> stepOnce(dict, Tensor.zeros(1, 1), 1));
    assertEquals("VectorEnv.step: a " + dict + " action space has no tensor form; use step(List)", e.getMessage());
  }
}
