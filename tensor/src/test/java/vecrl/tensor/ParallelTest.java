package vecrl.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

final class ParallelTest {
  @Test
  void everyTaskRunsExactlyOnce() {
    Parallel pool = new Parallel(3);
    for (int count : new int[] {0, 1, 2, 3, 7, 100}) {
      for (int rep = 0; rep < 20; rep++) {
        AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(count, 1));
        pool.run(count, hits::incrementAndGet);
        for (int i = 0; i < count; i++) assertEquals(1, hits.get(i), "task " + i + " of " + count);
      }
    }
  }

  @Test
  void taskFailurePropagatesToTheCaller() {
    Parallel pool = new Parallel(2);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run(4, i -> {
      if (i == 3) throw new IllegalStateException("task 3 failed");
    }));
    assertEquals("task 3 failed", e.getMessage());
    // The pool still works afterwards.
    AtomicIntegerArray hits = new AtomicIntegerArray(4);
    pool.run(4, hits::incrementAndGet);
    for (int i = 0; i < 4; i++) assertEquals(1, hits.get(i));
  }

  @Test
  void threadCountIsValidated() {
    assertThrows(IllegalArgumentException.class, () -> new Parallel(0));
    assertTrue(Parallel.defaultThreads() >= 1);
  }
}
