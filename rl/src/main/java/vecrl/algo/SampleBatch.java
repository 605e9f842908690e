package vecrl.algo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Named columns of experience, with RLlib's column names and meanings: a column is a typed array of
 * {@link #rows()} rows of {@code width} values each ({@link Floats} or {@link Ints}), and may be a
 * view into a larger array (an offset), so that {@link #slice} copies nothing. The trainer's rollout
 * storage is a sample batch ({@link RolloutBuffer} writes its columns), its postprocessing adds
 * columns ({@link #ADVANTAGES}, {@link #VALUE_TARGETS}), and each minibatch a loss sees is one too.
 *
 * <p>A rollout batch is laid out step-major, CleanRL's order: row {@code k = t * envs + i} is step
 * {@code t} of env {@code i} ({@link #steps()}, {@link #envs()}; both 0 for a batch of no such
 * layout). Values that belong to the batch as a whole rather than to a row, such as each env's value
 * of the observation after the last step, are {@linkplain #side side arrays}.
 */
public final class SampleBatch {
  /** Observations, flat: [rows, obsDim]. */
  public static final String OBS = "obs";
  /** The observations after each step (not stored by the on-policy trainer, which bootstraps from {@link #EPS_START}). */
  public static final String NEW_OBS = "new_obs";
  /** The policy's action rows: [rows, actionWidth] (a Discrete action as its index). */
  public static final String ACTIONS = "actions";
  /** The rewards the step gave (after reward scaling; a truncated step's includes gamma times the final observation's value). */
  public static final String REWARDS = "rewards";
  /** 1 where the step ended its episode by termination. */
  public static final String TERMINATEDS = "terminateds";
  /** 1 where the step ended its episode by truncation (a time limit) and not termination. */
  public static final String TRUNCATEDS = "truncateds";
  /** Log-probability of the action under the policy that took it. */
  public static final String ACTION_LOGP = "action_logp";
  /** The distribution's inputs (logits, or means and log-stds) when a policy records them as an extra output. */
  public static final String ACTION_DIST_INPUTS = "action_dist_inputs";
  /** The value the policy predicted for the observation when it acted. */
  public static final String VF_PREDS = "vf_preds";
  /** Added by postprocessing: the advantage of each step. */
  public static final String ADVANTAGES = "advantages";
  /** Added by postprocessing: the value function's target (GAE: advantages + vf_preds). */
  public static final String VALUE_TARGETS = "value_targets";
  /** The episode each row belongs to (an id per env and episode). */
  public static final String EPS_ID = "eps_id";
  /** The row's time step within its episode. */
  public static final String T = "t";
  /** The action of the previous step of the same env (0 at an episode start). */
  public static final String PREV_ACTIONS = "prev_actions";
  /** The reward of the previous step of the same env (0 at an episode start). */
  public static final String PREV_REWARDS = "prev_rewards";
  /** Steps per sequence, one row per sequence (recurrent training batches). */
  public static final String SEQ_LENS = "seq_lens";
  /** vecrl: 1 where the row's observation starts an episode (CleanRL's {@code dones}). */
  public static final String EPS_START = "eps_start";
  /** vecrl: the action mask the action was sampled under, [rows, maskWidth] (the policy's mask-row layout). */
  public static final String ACTION_MASK = "action_mask";

  /** The i-th recurrent state before a sequence ({@code state_in_0}: the memory rows [sequences, memorySize]). */
  public static String stateIn(int i) {
    return "state_in_" + i;
  }

  /** The i-th recurrent state after a step. */
  public static String stateOut(int i) {
    return "state_out_" + i;
  }

  /** A column: {@code rows} rows of {@code width} values. */
  public sealed interface Column permits Floats, Ints {
    int rows();

    int width();

    /** Rows {@code [from, to)} as a view of the same array. */
    Column slice(int from, int to);
  }

  /** A float column over {@code data[offset ..]}. */
  public record Floats(float[] data, int offset, int rows, int width) implements Column {
    public Floats {
      check(data.length, offset, rows, width);
    }

    /** A column over all of {@code data}, {@code width} values per row; {@code data.length} must be a multiple of {@code width}. */
    public static Floats of(float[] data, int width) {
      if (width < 0 || (width == 0 ? data.length != 0 : data.length % width != 0)) {
        throw new IllegalArgumentException("SampleBatch.Floats.of: " + data.length + " values are not a whole number of rows of width " + width);
      }
      return new Floats(data, 0, width == 0 ? 0 : data.length / width, width);
    }

    public float get(int row, int col) {
      return data[offset + row * width + col];
    }

    public void set(int row, int col, float v) {
      data[offset + row * width + col] = v;
    }

    @Override
    public Floats slice(int from, int to) {
      checkSlice(from, to, rows);
      return new Floats(data, offset + from * width, to - from, width);
    }
  }

  /** An int column over {@code data[offset ..]}. */
  public record Ints(int[] data, int offset, int rows, int width) implements Column {
    public Ints {
      check(data.length, offset, rows, width);
    }

    public int get(int row, int col) {
      return data[offset + row * width + col];
    }

    @Override
    public Ints slice(int from, int to) {
      checkSlice(from, to, rows);
      return new Ints(data, offset + from * width, to - from, width);
    }
  }

  private static void check(int length, int offset, int rows, int width) {
    if (offset < 0 || rows < 0 || width < 0 || (long) offset + (long) rows * width > length) {
      throw new IllegalArgumentException("SampleBatch column: " + rows + " rows of " + width + " from offset " + offset + " do not fit an array of "
          + length);
    }
  }

  private static void checkSlice(int from, int to, int rows) {
    if (from < 0 || to < from || to > rows) throw new IllegalArgumentException("SampleBatch: slice [" + from + ", " + to + ") of " + rows + " rows");
  }

  private final int rows;
  private final int steps;
  private final int envs;
  private final LinkedHashMap<String, Column> columns = new LinkedHashMap<>();
  private final LinkedHashMap<String, float[]> side = new LinkedHashMap<>();

  /** An empty batch of {@code rows} rows (no layout). */
  public SampleBatch(int rows) {
    this(rows, 0, 0);
  }

  /** An empty rollout batch of {@code steps x envs} rows, step-major. */
  public static SampleBatch rollout(int steps, int envs) {
    return new SampleBatch(steps * envs, steps, envs);
  }

  private SampleBatch(int rows, int steps, int envs) {
    if (rows < 0) throw new IllegalArgumentException("SampleBatch: " + rows + " rows");
    this.rows = rows;
    this.steps = steps;
    this.envs = envs;
  }

  public int rows() { return rows; }
  /** Steps per env of a rollout batch (0: no rollout layout). */
  public int steps() { return steps; }
  /** Envs of a rollout batch (0: no rollout layout). */
  public int envs() { return envs; }

  /** Adds or replaces column {@code name}; its row count must be the batch's. Returns this. */
  public SampleBatch put(String name, Column column) {
    if (column.rows() != rows) {
      throw new IllegalArgumentException("SampleBatch.put: column " + name + " has " + column.rows() + " rows, the batch " + rows);
    }
    columns.put(name, column);
    return this;
  }

  /** Removes column {@code name} if present. Returns this. */
  public SampleBatch remove(String name) {
    columns.remove(name);
    return this;
  }

  /** A new zeroed float column {@code name} of {@code width} values per row, added and returned. */
  public Floats addFloats(String name, int width) {
    Floats f = new Floats(new float[rows * width], 0, rows, width);
    put(name, f);
    return f;
  }

  public boolean has(String name) {
    return columns.containsKey(name);
  }

  /** The column names, in the order they were added. */
  public List<String> names() {
    return new ArrayList<>(columns.keySet());
  }

  /** The columns, by name (unmodifiable). */
  public Map<String, Column> columns() {
    return Collections.unmodifiableMap(columns);
  }

  /** Float column {@code name}; a missing or int column is an error naming the present ones. */
  public Floats floats(String name) {
    Column c = columns.get(name);
    if (c instanceof Floats f) return f;
    throw new IllegalArgumentException("SampleBatch: no float column \"" + name + "\"; columns: " + names());
  }

  /** Int column {@code name}; a missing or float column is an error naming the present ones. */
  public Ints ints(String name) {
    Column c = columns.get(name);
    if (c instanceof Ints i) return i;
    throw new IllegalArgumentException("SampleBatch: no int column \"" + name + "\"; columns: " + names());
  }

  /** Sets side array {@code name} (values of the batch as a whole, e.g. per env). Returns this. */
  public SampleBatch putSide(String name, float[] values) {
    side.put(name, values);
    return this;
  }

  /** Side array {@code name}; missing is an error. */
  public float[] side(String name) {
    float[] v = side.get(name);
    if (v == null) throw new IllegalArgumentException("SampleBatch: no side array \"" + name + "\"; side arrays: " + side.keySet());
    return v;
  }

  /** The side array names. */
  public List<String> sideNames() {
    return new ArrayList<>(side.keySet());
  }

  /** Rows {@code [from, to)} of every column, as views (no copy); side arrays are shared; no rollout layout. */
  public SampleBatch slice(int from, int to) {
    checkSlice(from, to, rows);
    SampleBatch b = new SampleBatch(to - from);
    columns.forEach((k, c) -> b.put(k, c.slice(from, to)));
    b.side.putAll(side);
    return b;
  }

  /**
   * The batches one after another (copies), with no rollout layout. Every batch must have the same
   * columns, of the same types and widths: a column missing from some batch, or present in a later
   * batch only, is an error naming it and the batch. Side arrays are kept when every batch has the
   * same side array names: each is then the batches' arrays of that name one after another (per-row
   * or per-sequence arrays line up with the rows; per-env arrays become one block per batch). When
   * the batches' side array names differ, the result has no side arrays.
   */
  public static SampleBatch concat(List<SampleBatch> batches) {
    if (batches.isEmpty()) return new SampleBatch(0);
    int total = 0;
    for (SampleBatch b : batches) total += b.rows;
    SampleBatch first = batches.get(0);
    for (int i = 1; i < batches.size(); i++) {
      SampleBatch b = batches.get(i);
      for (String name : first.columns.keySet()) {
        if (!b.columns.containsKey(name)) {
          throw new IllegalArgumentException("SampleBatch.concat: batch " + i + " has no column \"" + name + "\" (batch 0 has it); columns of batch 0: "
              + first.names() + ", of batch " + i + ": " + b.names());
        }
      }
      for (String name : b.columns.keySet()) {
        if (!first.columns.containsKey(name)) {
          throw new IllegalArgumentException("SampleBatch.concat: batch " + i + " has an extra column \"" + name + "\" (batch 0 has not); columns of batch 0: "
              + first.names() + ", of batch " + i + ": " + b.names());
        }
      }
    }
    SampleBatch out = new SampleBatch(total);
    for (var e : batches.get(0).columns.entrySet()) {
      String name = e.getKey();
      int width = e.getValue().width();
      int at = 0;
      if (e.getValue() instanceof Floats) {
        float[] d = new float[total * width];
        for (SampleBatch b : batches) {
          Floats f = b.floats(name);
          if (f.width() != width) throw new IllegalArgumentException("SampleBatch.concat: column " + name + " widths " + width + " and " + f.width());
          System.arraycopy(f.data(), f.offset(), d, at, f.rows() * width);
          at += f.rows() * width;
        }
        out.put(name, new Floats(d, 0, total, width));
      } else {
        int[] d = new int[total * width];
        for (SampleBatch b : batches) {
          Ints f = b.ints(name);
          if (f.width() != width) throw new IllegalArgumentException("SampleBatch.concat: column " + name + " widths " + width + " and " + f.width());
          System.arraycopy(f.data(), f.offset(), d, at, f.rows() * width);
          at += f.rows() * width;
        }
        out.put(name, new Ints(d, 0, total, width));
      }
    }
    boolean sameSide = true;
    for (SampleBatch b : batches) sameSide &= b.side.keySet().equals(first.side.keySet());
    if (sameSide) {
      for (String name : first.side.keySet()) {
        int len = 0;
        for (SampleBatch b : batches) len += b.side.get(name).length;
        float[] d = new float[len];
        int at = 0;
        for (SampleBatch b : batches) {
          float[] v = b.side.get(name);
          System.arraycopy(v, 0, d, at, v.length);
          at += v.length;
        }
        out.side.put(name, d);
      }
    }
    return out;
  }

  /** A table of the first {@code maxRows} rows: one line per column with its width and values (rounded to 4 digits). */
  public String describe(int maxRows) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "SampleBatch: %d rows%s%n", rows,
        steps > 0 ? String.format(Locale.ROOT, " (%d steps x %d envs, step-major)", steps, envs) : ""));
    int show = Math.min(rows, maxRows);
    for (var e : columns.entrySet()) {
      Column c = e.getValue();
      b.append(String.format(Locale.ROOT, "  %-16s [%d, %d]  ", e.getKey(), c.rows(), c.width()));
      for (int r = 0; r < show; r++) {
        if (r > 0) b.append(" | ");
        for (int j = 0; j < Math.min(c.width(), 6); j++) {
          if (j > 0) b.append(' ');
          b.append(c instanceof Floats f ? String.format(Locale.ROOT, "%.4g", f.get(r, j)) : String.valueOf(((Ints) c).get(r, j)));
        }
        if (c.width() > 6) b.append(" ...");
      }
      if (rows > show) b.append(" | ...");
      b.append('\n');
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return "SampleBatch[" + rows + " rows, columns " + names() + "]";
  }
}
