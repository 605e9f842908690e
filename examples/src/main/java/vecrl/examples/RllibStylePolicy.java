package vecrl.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vecrl.algo.Policy;
import vecrl.algo.SampleBatch;
import vecrl.algo.Weights;
import vecrl.autodiff.Adam;
import vecrl.autodiff.GradClip;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.distribution.Categorical;
import vecrl.env.Env;
import vecrl.env.EnvRegistry;
import vecrl.io.PolicyIO;
import vecrl.io.Savable;
import vecrl.io.Structure;
import vecrl.nn.Activation;
import vecrl.nn.Linear;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Example 1, RLlib's "policy written from scratch": {@link Policy} implemented directly, with no
 * template and no trainer. A one-hidden-layer actor-critic for a Box observation and Discrete actions.
 *
 * <ul>
 *   <li>{@link #computeActions}: actions [B, 1], the state after the step, and extra outputs {@code
 *       vf_preds} [B], {@code action_dist_inputs} (the logits) [B, n] and {@code action_logp} [B];
 *   <li>{@link #getInitialState()}: one state row, a step counter ({@code state_out = state_in + 1}),
 *       to show state flowing through (the network itself is feed-forward);
 *   <li>{@link #postprocessTrajectory}: discounted returns per episode into {@code value_targets},
 *       and {@code advantages = value_targets - vf_preds};
 *   <li>{@link #learnOnBatch}: one advantage-actor-critic step with Adam; returns {@code
 *       policy_loss, vf_loss, entropy, total_loss, grad_gnorm};
 *   <li>{@link #getWeights()} / {@link #setWeights}: by name, checked by name and shape;
 *   <li>{@link #exportCheckpoint} / {@link #importCheckpoint}: the {@link PolicyIO} file.
 * </ul>
 *
 * {@link Rollouts.Worker} samples with it; {@link #main} trains it on CartPole-v1.
 */
public final class RllibStylePolicy implements Policy, Savable {
  private final Box observationSpace;
  private final Discrete actionSpace;
  private final int hidden;
  private final double gamma;
  private final Linear body, pi, vf;
  private final ParameterSet params = new ParameterSet();
  private final Adam optimizer;
  private final GradClip clip;
  private final Tape tape = new Tape();
  private final Tape actTape = new Tape();
  private final Rng rng;
  private static final float VF_COEF = 0.5f, ENT_COEF = 0.01f;

  public RllibStylePolicy(Box observationSpace, Discrete actionSpace, int hidden, double lr, double gamma, Rng rng) {
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    this.hidden = hidden;
    this.gamma = gamma;
    body = new Linear("body", observationSpace.flatSize(), hidden, rng);
    pi = new Linear("pi", hidden, actionSpace.n(), rng);
    vf = new Linear("vf", hidden, 1, rng);
    body.addParameters(params);
    pi.addParameters(params);
    vf.addParameters(params);
    optimizer = new Adam(params, lr);
    clip = new GradClip(params, tape.kernels());
    this.rng = rng.split();
  }

  @Override
  public List<Tensor> getInitialState() {
    return List.of(Tensor.zeros(1, 1));
  }

  @Override
  public boolean isRecurrent() {
    return true; // it keeps state (a counter), though its network does not read it
  }

  @Override
  public ActionsResult computeActions(Tensor obsBatch, List<Tensor> stateBatches, Tensor prevActionBatch, Tensor prevRewardBatch,
      List<Map<String, Object>> infoBatch, boolean explore) {
    int b = obsBatch.rows();
    if (stateBatches.size() != 1 || stateBatches.get(0).rows() != b) {
      throw new IllegalArgumentException("computeActions: expected one state batch of " + b + " rows, got " + stateBatches.size());
    }
    actTape.clear();
    Tensor actions = Tensor.zeros(b, 1);
    Map<String, Tensor> extra = new LinkedHashMap<>();
    try (var ng = actTape.noGrad()) {
      Var h = body.forward(actTape.input(obsBatch), Activation.TANH);
      Categorical d = new Categorical(pi.forward(h, Activation.IDENTITY));
      if (explore) d.sample(rng, actions); else d.mode(actions);
      extra.put(SampleBatch.VF_PREDS, vf.forward(h, Activation.IDENTITY).value().reshape(b).copy());
      extra.put(SampleBatch.ACTION_DIST_INPUTS, d.logits().value().copy());
      extra.put(SampleBatch.ACTION_LOGP, d.logProb(actions).value().copy());
    }
    Tensor counter = stateBatches.get(0).copy();
    for (int i = 0; i < b; i++) counter.set(i, 0, counter.get(i, 0) + 1);
    return new ActionsResult(actions, List.of(counter), extra);
  }

  @Override
  public ActionsResult computeSingleAction(Tensor obs, List<Tensor> state, boolean explore) {
    return computeActions(obs.reshape(1, observationSpace.flatSize()), state, null, null, null, explore);
  }

  /**
   * Discounted returns {@code G_t = r_t + gamma G_{t+1}} within each episode ({@code eps_id}), from 0
   * after a termination and from the last {@code vf_preds} where the batch cuts an episode (or a
   * time limit truncated it); {@code advantages = G - vf_preds}.
   */
  @Override
  public SampleBatch postprocessTrajectory(SampleBatch batch, Map<String, SampleBatch> otherAgentBatches, Object episode) {
    int n = batch.rows();
    SampleBatch.Floats r = batch.floats(SampleBatch.REWARDS), v = batch.floats(SampleBatch.VF_PREDS);
    SampleBatch.Floats term = batch.floats(SampleBatch.TERMINATEDS);
    SampleBatch.Ints eps = batch.ints(SampleBatch.EPS_ID);
    SampleBatch.Floats ret = batch.addFloats(SampleBatch.VALUE_TARGETS, 1), adv = batch.addFloats(SampleBatch.ADVANTAGES, 1);
    double g = 0;
    for (int k = n - 1; k >= 0; k--) {
      boolean lastOfEpisode = k == n - 1 || eps.get(k + 1, 0) != eps.get(k, 0);
      if (lastOfEpisode) g = term.get(k, 0) != 0f ? 0 : v.get(k, 0); // cut or truncated: the value of the last observation seen
      g = r.get(k, 0) + gamma * g;
      ret.set(k, 0, (float) g);
      adv.set(k, 0, (float) g - v.get(k, 0));
    }
    return batch;
  }

  /** One A2C step: loss = -mean(logp * adv) + 0.5 mean((v - target)^2) - 0.01 mean(entropy), gradients clipped at norm 0.5. */
  @Override
  public Map<String, Double> learnOnBatch(SampleBatch batch) {
    Var[] parts = loss(batch);
    tape.backward(parts[3]);
    double gradNorm = clip.clip(0.5);
    optimizer.step();
    Map<String, Double> stats = new LinkedHashMap<>();
    stats.put("policy_loss", (double) parts[0].item());
    stats.put("vf_loss", (double) parts[1].item());
    stats.put("entropy", (double) parts[2].item());
    stats.put("total_loss", (double) parts[3].item());
    stats.put("grad_gnorm", gradNorm);
    return stats;
  }

  /** policy loss, value loss, entropy, total, on {@link #tape} with zeroed gradients. */
  private Var[] loss(SampleBatch batch) {
    tape.clear();
    params.zeroGrad();
    int b = batch.rows();
    Var h = body.forward(tape.input(tensor(batch.floats(SampleBatch.OBS))), Activation.TANH);
    Categorical d = new Categorical(pi.forward(h, Activation.IDENTITY));
    Var logp = d.logProb(tensor(batch.floats(SampleBatch.ACTIONS)));
    Var policyLoss = logp.mul(tape.input(tensor(batch.floats(SampleBatch.ADVANTAGES)).reshape(b))).mean().neg();
    Var v = vf.forward(h, Activation.IDENTITY).reshape(b);
    Var vfLoss = v.sub(tape.input(tensor(batch.floats(SampleBatch.VALUE_TARGETS)).reshape(b))).square().mean();
    Var entropy = d.entropy().mean();
    Var total = policyLoss.add(vfLoss.mul(VF_COEF)).sub(entropy.mul(ENT_COEF));
    return new Var[] {policyLoss, vfLoss, entropy, total};
  }

  private static Tensor tensor(SampleBatch.Floats f) {
    return Tensor.wrap(f.data(), f.offset(), new int[] {f.rows(), f.width()});
  }

  @Override
  public Gradients computeGradients(SampleBatch batch) {
    Var[] parts = loss(batch);
    tape.backward(parts[3]);
    return new Gradients(Weights.gradientsOf(params), Map.of("total_loss", (double) parts[3].item()));
  }

  @Override
  public void applyGradients(Gradients gradients) {
    Weights.setGradients(params, gradients.grads());
    optimizer.step();
  }

  @Override
  public Map<String, Tensor> getWeights() {
    return Weights.copyOf(params);
  }

  /** Sets every parameter; a missing or unknown name or a wrong shape is an error naming each problem ({@link Weights#set}). */
  @Override
  public void setWeights(Map<String, Tensor> weights) {
    Weights.set(params, weights);
  }

  @Override
  public void exportCheckpoint(Path dir) throws IOException {
    Files.createDirectories(dir);
    PolicyIO.serialize(this, dir.resolve("policy.bin"));
  }

  @Override
  public void importCheckpoint(Path dir) throws IOException {
    PolicyIO.deserialize(dir.resolve("policy.bin"), this);
  }

  @Override
  public ParameterSet parameters() {
    return params;
  }

  @Override
  public String structure() {
    return new Structure(getClass()).space("observationSpace", observationSpace).space("actionSpace", actionSpace)
        .add("hidden", hidden).add("activation", "tanh").parameters(params).toString();
  }

  /** Trains on CartPole-v1 with {@link Rollouts.Worker}: 200 rounds of 256 steps; prints the greedy return before and after. */
  public static void main(String[] args) {
    Env<Object, Object> env = EnvRegistry.standard().make("CartPole-v1");
    var p = new RllibStylePolicy((Box) (Object) env.observationSpace(), (Discrete) (Object) env.actionSpace(), 64, 3e-3, 0.99, new Rng(1));
    System.out.printf(Locale.ROOT, "greedy return before: %.1f%n", Rollouts.greedyReturn(p, EnvRegistry.standard().make("CartPole-v1"), 5, 7));
    Rollouts.Worker w = new Rollouts.Worker(p, env, 1);
    for (int i = 0; i < 200; i++) {
      Map<String, Double> s = w.sampleAndLearn(256);
      if (i % 40 == 39) System.out.printf(Locale.ROOT, "round %d: %s%n", i + 1, s);
    }
    System.out.printf(Locale.ROOT, "greedy return after: %.1f%n", Rollouts.greedyReturn(p, EnvRegistry.standard().make("CartPole-v1"), 5, 7));
  }
}
