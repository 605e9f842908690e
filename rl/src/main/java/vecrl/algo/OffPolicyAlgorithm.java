package vecrl.algo;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.BatchOutput;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * An off-policy algorithm as the trainer drives it. The trainer owns the environments, the {@link
 * ReplayBuffer} and the loop (Stable-Baselines3's {@code OffPolicyAlgorithm.learn}); an algorithm
 * only acts, learns from sampled batches and keeps its own state. One iteration of the loop is:
 *
 * <ol>
 *   <li>{@link #beforeTrain beforeTrain(iteration, iterations)};
 *   <li>{@code trainFreq} vector steps: {@link #act act(obs, masks, timestep, rng, out)} (exploring
 *       actions into {@code out.actions()}), the env step, the transition into the buffer, {@link
 *       #onEnvStep onEnvStep(timestep)} with the new count of env steps (all envs);
 *   <li>when more than {@code learningStarts} env steps are done: {@code gradientSteps} times, a
 *       batch sampled from the buffer and {@link #learn learn(batch, timestep)};
 *   <li>{@link #stats()} for the metrics.
 * </ol>
 *
 * <p><b>Plugging in a new algorithm</b> (SAC, TD3, ...): implement this interface in a final class
 * that holds its networks (the acting model, critics, target networks), its optimizers and
 * coefficients; add an {@link vecrl.train.TrainConfig.Algo} value with {@code offPolicy = true} and
 * its case in {@link OffPolicyAlgorithms} (the model it trains, and the algorithm around the model).
 * Then {@code ./vecrl train --algo NAME}, checkpoints, resume, {@code eval} and the run files work as
 * for DQN. Rules the trainer relies on:
 *
 * <ul>
 *   <li>{@link #model()} is an {@link ActorCriticPolicy} whose deterministic mode ({@code
 *       actionAndValueBatch} with a null {@code rng}) is the greedy policy: the trainer evaluates and
 *       saves it ({@code policy.bin}), and {@code eval} rebuilds it from the config through {@link
 *       OffPolicyAlgorithms#model};
 *   <li>all randomness comes from the {@code rng} arguments (the trainer's generator) or from
 *       generators the algorithm keeps and checkpoints: the same seed gives the same bits;
 *   <li>{@link #write} writes every bit a resumed run needs (parameters, target networks, optimizer
 *       states, coefficients, counters), and {@link #read} checks it all before changing anything (it
 *       returns the action that applies it), so a resumed run continues bit for bit;
 *   <li>a batch holds the columns {@link SampleBatch#OBS}, {@link SampleBatch#ACTIONS}, {@link
 *       SampleBatch#REWARDS}, {@link SampleBatch#NEW_OBS}, {@link SampleBatch#TERMINATEDS}, {@link
 *       SampleBatch#TRUNCATEDS} (see {@link ReplayBuffer}: bootstrap through truncations, not
 *       terminations); {@link ReplayBuffer#column} gives tensor views without allocating;
 *   <li>a steady-state {@link #learn} should allocate nothing (reuse tapes and buffers).
 * </ul>
 *
 * <p>A {@link PolicyTemplate} becomes an off-policy algorithm through {@link TemplateOffPolicy} (its
 * {@code actionSamplerFn} acts, its {@code lossFn} learns; DQN is one, {@link Algorithms#dqn()}).
 */
public interface OffPolicyAlgorithm {
  /** The policy that is evaluated greedily and saved (its parameters are trained in place). */
  ActorCriticPolicy model();

  /**
   * Exploring actions for the observations [envs, obsDim] of env step {@code timestep} (env steps so
   * far, all envs) into {@code out.actions()}; {@code masks} [envs, maskWidth] or null.
   */
  void act(Tensor obs, Tensor masks, long timestep, Rng rng, BatchOutput out);

  /** After each vector step, with the env steps done so far (all envs): schedules and target updates counted in env steps. */
  default void onEnvStep(long timestep) {}

  /** Before the collection of iteration {@code iteration} (0-based) of {@code iterations}. */
  default void beforeTrain(long iteration, long iterations) {}

  /** One gradient step on {@code batch}, sampled after {@code timestep} env steps; {@code rng} for any sampling the loss needs. */
  void learn(SampleBatch batch, long timestep, Rng rng);

  /** Named statistics of the last gradient step ({@code loss} first); may allocate, called once per iteration. */
  Map<String, Double> stats();

  /** The learning rate now (the metrics' column). */
  double learningRate();

  /** The template policy behind the algorithm, or null when it is not a template. */
  default TemplatePolicy templatePolicy() {
    return null;
  }

  /** Writes the algorithm's state (see the class comment). */
  void write(DataOutputStream out) throws IOException;

  /**
   * Reads and checks a state written by {@link #write} after {@code gradientSteps} gradient steps of
   * the run (a bound for optimizer step counts); changes nothing until the returned action runs.
   */
  Runnable read(DataInputStream in, long gradientSteps) throws IOException;
}
