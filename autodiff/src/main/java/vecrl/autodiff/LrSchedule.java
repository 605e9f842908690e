package vecrl.autodiff;

/**
 * A learning rate as a function of the number of optimizer steps already taken ({@code step} = 0
 * for the first update). Schedules hold their end value after their last step.
 */
public sealed interface LrSchedule {
  /** The learning rate for the update that follows {@code step} completed updates. */
  double at(long step);

  /** The same rate forever. */
  static LrSchedule constant(double lr) { return new Constant(lr); }

  /** From {@code start} at step 0 straight down (or up) to {@code end} at {@code steps}, then {@code end}. */
  static LrSchedule linear(double start, double end, long steps) { return new Linear(start, end, steps); }

  /** Half a cosine from {@code start} at step 0 to {@code min} at {@code steps}, then {@code min}. */
  static LrSchedule cosine(double start, double min, long steps) { return new Cosine(start, min, steps); }

  /** {@code start * gamma^floor(step / every)}. */
  static LrSchedule step(double start, double gamma, long every) { return new Step(start, gamma, every); }

  record Constant(double lr) implements LrSchedule {
    public Constant {
      if (!(lr >= 0)) throw new IllegalArgumentException("constant schedule: learning rate " + lr + " must be >= 0");
    }
    @Override public double at(long step) { return lr; }
  }

  record Linear(double start, double end, long steps) implements LrSchedule {
    public Linear {
      if (steps <= 0) throw new IllegalArgumentException("linear schedule: steps " + steps + " must be positive");
    }
    @Override public double at(long step) {
      if (step >= steps) return end;
      double f = (double) Math.max(step, 0) / steps;
      return start + (end - start) * f;
    }
  }

  record Cosine(double start, double min, long steps) implements LrSchedule {
    public Cosine {
      if (steps <= 0) throw new IllegalArgumentException("cosine schedule: steps " + steps + " must be positive");
    }
    @Override public double at(long step) {
      if (step >= steps) return min;
      double f = (double) Math.max(step, 0) / steps;
      return min + 0.5 * (start - min) * (1 + Math.cos(Math.PI * f));
    }
  }

  record Step(double start, double gamma, long every) implements LrSchedule {
    public Step {
      if (every <= 0) throw new IllegalArgumentException("step schedule: interval " + every + " must be positive");
    }
    @Override public double at(long step) { return start * Math.pow(gamma, Math.max(step, 0) / every); }
  }
}
