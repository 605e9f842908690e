package vecrl.plan;

import java.util.Map;
import vecrl.algo.SampleBatch;

/**
 * What one learner step of a plan produced (RLlib's {@code (batch, fetches)}): the batch it trained
 * on (null for applied gradients), the learner's statistics, the epochs (or gradient steps) run, the
 * env steps it covered, and the worker it came from (-1: all, or the learner).
 */
public record TrainResult(SampleBatch batch, Map<String, Double> info, int epochs, long steps, int worker) {}
