package vecrl.env;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import vecrl.policy.ActionMasks;
import vecrl.policy.ActorCriticPolicy;
import vecrl.space.Dict;
import vecrl.space.Space;
import vecrl.space.Tuple;
import vecrl.tensor.Rng;

/**
 * Checks that an {@link Env} keeps the contract the trainer relies on, as Gymnasium's {@code
 * check_env}. It plays the environment twice from the same seed with random actions and reports:
 *
 * <ul>
 *   <li>a null space, an observation space with a flat size of 0, or a space that changes between
 *       calls;
 *   <li>a null {@link Reset} or {@link StepResult}, an observation outside the observation space, a
 *       reward that is NaN or infinite;
 *   <li>an action mask ({@link Env#actionMask()}) not in the form the action space takes, or one
 *       that allows no action (checked with {@link ActionMasks});
 *   <li>an exception from any call, for example {@code step} rejecting an action sampled from the
 *       action space (with the mask, when there is one);
 *   <li>two runs from the same seed with the same actions that differ in an observation, reward,
 *       flag or mask.
 * </ul>
 *
 * <p>The checker resets with one generator seeded with the seed (and, after an episode ends, resets
 * again with the same generator, as the vector environments do), and draws actions from a second
 * generator derived from the seed. Each kind of problem is reported at its first occurrence, with
 * the number of later ones.
 */
public final class EnvChecker {
  /** The number of steps {@link #check(Env)} plays. */
  public static final int DEFAULT_STEPS = 1000;

  private EnvChecker() {}

  /**
   * Checks {@code env} with seed 0 over {@value #DEFAULT_STEPS} steps.
   *
   * @throws IllegalArgumentException listing every problem found, one per line
   */
  public static void check(Env<?, ?> env) {
    List<String> problems = problems(env, 0L, DEFAULT_STEPS);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("environment " + describeEnv(env) + " failed the check:\n  " + String.join("\n  ", problems));
    }
  }

  /**
   * The problems found in {@code steps} steps from {@code seed}, each naming the call, the step and
   * what was expected; an empty list when the environment passes.
   *
   * @throws IllegalArgumentException when {@code env} is null or {@code steps < 1}
   */
  public static List<String> problems(Env<?, ?> env, long seed, int steps) {
    if (env == null) throw new IllegalArgumentException("EnvChecker: env is null");
    if (steps < 1) throw new IllegalArgumentException("EnvChecker: steps = " + steps + ", expected >= 1");
    Problems p = new Problems();
    Space<?> obsSpace = space(env, true, p);
    Space<?> actSpace = space(env, false, p);
    if (obsSpace == null || actSpace == null) return p.list();
    if (obsSpace.flatSize() <= 0) {
      p.add("observation space", "observationSpace() " + obsSpace + " has flat size " + obsSpace.flatSize() + ", expected > 0");
    }
    List<Event> first = play(env, obsSpace, actSpace, seed, steps, p);
    List<Event> second = play(env, obsSpace, actSpace, seed, steps, null);
    compare(first, second, seed, p);
    Space<?> obsAfter = call(() -> env.observationSpace());
    Space<?> actAfter = call(() -> env.actionSpace());
    if (!obsSpace.equals(obsAfter)) {
      p.add("observation space changed", "observationSpace() was " + obsSpace + " before the episodes and " + obsAfter + " after them, expected the same space");
    }
    if (!actSpace.equals(actAfter)) {
      p.add("action space changed", "actionSpace() was " + actSpace + " before the episodes and " + actAfter + " after them, expected the same space");
    }
    return p.list();
  }

  /** The space, asked for twice; null (with a problem recorded) when it is null, throws or changes. */
  private static Space<?> space(Env<?, ?> env, boolean observation, Problems p) {
    String call = observation ? "observationSpace()" : "actionSpace()";
    Space<?> a, b;
    try {
      a = observation ? env.observationSpace() : env.actionSpace();
      b = observation ? env.observationSpace() : env.actionSpace();
    } catch (RuntimeException e) {
      p.add(call, call + " threw " + describe(e));
      return null;
    }
    if (a == null || b == null) {
      p.add(call, call + " returned null, expected a Space");
      return null;
    }
    if (!a.equals(b)) {
      p.add(call, call + " returned " + a + " and then " + b + ", expected the same space on every call");
    }
    return a;
  }

  private static Space<?> call(java.util.function.Supplier<Space<?>> s) {
    try {
      return s.get();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * One thing the environment returned, in the order of play: the flat observation (or its text
   * when it is not in the space), the reward and flags of a step, the mask row, or an exception.
   */
  private record Event(int step, String what, Object value) {}

  /**
   * Plays {@code steps} steps from {@code seed}; records what the env returned and, when {@code p}
   * is not null, the problems. Stops at the first exception from the env.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Event> play(Env env, Space obsSpace, Space actSpace, long seed, int steps, Problems p) {
    List<Event> events = new ArrayList<>();
    Rng envRng = new Rng(seed);
    Rng actionRng = new Rng(seed).split();
    int maskWidth = ActorCriticPolicy.maskWidth(actSpace);
    float[] maskRow = new float[maskWidth];
    String resetCall = "reset(seed " + seed + ")";
    boolean needReset = true;
    for (int step = 1; step <= steps; step++) {
      if (needReset) {
        String where = step == 1 ? resetCall : "reset after step " + (step - 1);
        Reset<?> r;
        try {
          r = env.reset(envRng);
        } catch (RuntimeException e) {
          record(events, p, step - 1, "exception", where + " threw " + describe(e), "reset threw");
          return events;
        }
        if (r == null) {
          record(events, p, step - 1, "exception", where + " returned null, expected a Reset", "reset null");
          return events;
        }
        observation(events, p, step - 1, where + ": observation ", r.observation(), obsSpace);
        needReset = false;
      }
      String at = "step " + step + ": ";
      Object mask;
      try {
        mask = env.actionMask();
      } catch (RuntimeException e) {
        record(events, p, step, "exception", at + "actionMask() threw " + describe(e), "mask threw");
        return events;
      }
      boolean maskUsable = true;
      if (mask != null) {
        if (actSpace instanceof Dict || actSpace instanceof Tuple) {
          events.add(new Event(step, "action mask", maskText(mask)));
        } else {
          try {
            ActionMasks.write(actSpace, mask, maskRow, 0);
            events.add(new Event(step, "action mask", maskRow.clone()));
          } catch (IllegalArgumentException e) {
            maskUsable = false;
            record(events, p, step, "action mask", at + "actionMask() " + maskText(mask) + " is not a valid mask: " + e.getMessage(), "bad mask");
          }
        }
      }
      Object action;
      try {
        action = maskUsable ? actSpace.sample(actionRng, mask) : actSpace.sample(actionRng);
      } catch (IllegalArgumentException e) {
        record(events, p, step, "action mask", at + "actionMask() " + maskText(mask) + " cannot be sampled from: " + e.getMessage(), "bad mask");
        action = actSpace.sample(actionRng);
      }
      String actionText = valueText(action);
      StepResult<?> s;
      try {
        s = env.step(action);
      } catch (RuntimeException e) {
        record(events, p, step, "exception", at + "step(" + actionText + ") threw " + describe(e) + "; the action was sampled from the action space "
            + actSpace + (mask != null && maskUsable ? " under the env's mask" : "") + ", so step must accept it", "step threw");
        return events;
      }
      if (s == null) {
        record(events, p, step, "exception", at + "step(" + actionText + ") returned null, expected a StepResult", "step null");
        return events;
      }
      observation(events, p, step, at + "observation ", s.observation(), obsSpace);
      events.add(new Event(step, "reward", s.reward()));
      if (p != null && !Double.isFinite(s.reward())) p.add("reward", at + "reward " + s.reward() + " is not finite, expected a finite number");
      events.add(new Event(step, "terminated", s.terminated()));
      events.add(new Event(step, "truncated", s.truncated()));
      needReset = s.terminated() || s.truncated();
    }
    return events;
  }

  private static void observation(List<Event> events, Problems p, int step, String where, Object obs, Space<Object> space) {
    if (obs != null && space.contains(obs)) {
      float[] flat = new float[space.flatSize()];
      space.flatten(obs, flat, 0);
      events.add(new Event(step, "observation", flat));
      return;
    }
    String text = valueText(obs);
    events.add(new Event(step, "observation", text));
    if (p != null) p.add("observation", where + text + " is not in the observation space " + space);
  }

  private static void record(List<Event> events, Problems p, int step, String what, String message, String kind) {
    events.add(new Event(step, what, message));
    if (p != null) p.add(kind, message);
  }

  /** Reports the first difference between two runs from the same seed. */
  private static void compare(List<Event> a, List<Event> b, long seed, Problems p) {
    int n = Math.min(a.size(), b.size());
    String head = "reset(seed " + seed + ") twice gave different trajectories";
    for (int i = 0; i < n; i++) {
      Event x = a.get(i), y = b.get(i);
      if (x.step() == y.step() && x.what().equals(y.what()) && same(x.value(), y.value())) continue;
      String where = x.step() == 0 ? " at the first reset" : " at step " + x.step();
      if (x.step() == y.step() && x.what().equals(y.what())) {
        p.add("determinism", head + where + ": " + x.what() + " " + valueText(x.value()) + " then " + valueText(y.value()));
      } else {
        p.add("determinism", head + where + ": " + x.what() + " " + valueText(x.value()) + " then, at step " + y.step() + ", " + y.what()
            + " " + valueText(y.value()));
      }
      return;
    }
    if (a.size() != b.size()) {
      List<Event> longer = a.size() > b.size() ? a : b;
      Event e = longer.get(n);
      p.add("determinism", head + ": the " + (longer == a ? "second" : "first") + " run stopped before step " + e.step() + "'s " + e.what());
    }
  }

  private static boolean same(Object x, Object y) {
    if (x instanceof float[] fx && y instanceof float[] fy) return Arrays.equals(fx, fy);
    if (x instanceof Double dx && y instanceof Double dy) return Double.doubleToLongBits(dx) == Double.doubleToLongBits(dy);
    return Objects.equals(x, y);
  }

  private static String valueText(Object v) {
    if (v == null) return "null";
    if (v instanceof float[] a) return Arrays.toString(a);
    if (v instanceof int[] a) return Arrays.toString(a);
    if (v instanceof double[] a) return Arrays.toString(a);
    if (v instanceof long[] a) return Arrays.toString(a);
    if (v instanceof boolean[] a) return Arrays.toString(a);
    if (v instanceof Object[] a) return Arrays.deepToString(a);
    return String.valueOf(v);
  }

  private static String maskText(Object mask) {
    if (mask instanceof boolean[][] m) return Arrays.deepToString(m);
    return valueText(mask);
  }

  private static String describe(RuntimeException e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private static String describeEnv(Env<?, ?> env) {
    try {
      return String.valueOf(env);
    } catch (RuntimeException e) {
      return env.getClass().getName();
    }
  }

  /** Problems by kind: the first message of each kind, with the count of later ones. */
  private static final class Problems {
    private final Map<String, String> first = new LinkedHashMap<>();
    private final Map<String, Integer> more = new LinkedHashMap<>();

    void add(String kind, String message) {
      if (first.putIfAbsent(kind, message) != null) more.merge(kind, 1, Integer::sum);
    }

    List<String> list() {
      List<String> out = new ArrayList<>();
      for (Map.Entry<String, String> e : first.entrySet()) {
        Integer m = more.get(e.getKey());
        out.add(m == null ? e.getValue() : e.getValue() + " (and " + m + " more like it)");
      }
      return out;
    }
  }
}
