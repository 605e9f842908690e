package vecrl.policy.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecrl.autodiff.Adam;
import vecrl.autodiff.Parameter;
import vecrl.autodiff.ParameterSet;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.distribution.Categorical;
import vecrl.io.Savable;
import vecrl.io.Structure;
import vecrl.nn.Activation;
import vecrl.nn.Linear;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Port of RLlib's "policy written from scratch" example, without the actor-critic base class: the
 * methods RLlib's {@code Policy} asks for, on batches.
 *
 * <ul>
 *   <li>{@link #computeActions}: observations [B, obsDim] and state batches in, actions [B, 1], the
 *       new state batches and extra outputs ({@code vf_preds} [B], {@code action_logits} [B, n],
 *       {@code action_logp} [B]) out.
 *   <li>{@link #getInitialState()}: one state row; here a step counter, to show state batches
 *       flowing through (the network itself is feed-forward).
 *   <li>{@link #getWeights()} / {@link #setWeights}: name to float[] copies.
 *   <li>{@link #learnOnBatch}: one advantage-actor-critic step with Adam, returning statistics.
 * </ul>
 *
 * It also implements {@link Savable}, so {@link vecrl.io.PolicyIO} saves it like any policy.
 */
public final class RllibStylePolicy implements Savable {
  /** A training batch: observations [B, obsDim], actions [B, 1], advantages [B], value targets [B]. */
  public record SampleBatch(Tensor obs, Tensor actions, Tensor advantages, Tensor valueTargets) {}

  /** What {@link #computeActions} returns. */
  public record ComputeActionsResult(Tensor actions, List<Tensor> stateOut, Map<String, Tensor> extraFetches) {}

  private final Box observationSpace;
  private final Discrete actionSpace;
  private final int hidden;
  private final Linear body, pi, vf;
  private final ParameterSet params = new ParameterSet();
  private final Adam optimizer;
  private final Tape tape = new Tape();
  private final float vfCoef, entCoef;

  public RllibStylePolicy(Box observationSpace, Discrete actionSpace, int hidden, double lr, Rng rng) {
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    this.hidden = hidden;
    body = new Linear("body", observationSpace.flatSize(), hidden, rng);
    pi = new Linear("pi", hidden, actionSpace.n(), rng);
    vf = new Linear("vf", hidden, 1, rng);
    body.addParameters(params);
    pi.addParameters(params);
    vf.addParameters(params);
    optimizer = new Adam(params, lr);
    vfCoef = 0.5f;
    entCoef = 0.01f;
  }

  /** One state tensor per state kind, each [1, width]: here a step counter of width 1. */
  public List<Tensor> getInitialState() {
    return List.of(Tensor.zeros(1, 1));
  }

  /** Actions for a batch (sampled; {@code explore == false} takes the argmax). */
  public ComputeActionsResult computeActions(Tensor obsBatch, List<Tensor> stateBatches, boolean explore, Rng rng) {
    int b = obsBatch.rows();
    if (stateBatches.size() != 1 || stateBatches.get(0).rows() != b) {
      throw new IllegalArgumentException("computeActions: expected one state batch of " + b + " rows, got " + stateBatches.size());
    }
    Tape t = new Tape();
    Tensor actions = Tensor.zeros(b, 1);
    Map<String, Tensor> extra = new LinkedHashMap<>();
    try (var ng = t.noGrad()) {
      Var h = body.forward(t.input(obsBatch), Activation.TANH);
      Categorical d = new Categorical(pi.forward(h, Activation.IDENTITY));
      if (explore) d.sample(rng, actions); else d.mode(actions);
      extra.put("vf_preds", vf.forward(h, Activation.IDENTITY).value().reshape(b).copy());
      extra.put("action_logits", d.logits().value().copy());
      extra.put("action_logp", d.logProb(actions).value().copy());
    }
    Tensor counter = stateBatches.get(0).copy();
    for (int i = 0; i < b; i++) counter.set(i, 0, counter.get(i, 0) + 1);
    return new ComputeActionsResult(actions, List.of(counter), extra);
  }

  /** One A2C step: loss = -mean(logp * adv) + 0.5 mean((v - target)^2) - 0.01 mean(entropy). */
  public Map<String, Double> learnOnBatch(SampleBatch batch) {
    tape.clear();
    params.zeroGrad();
    int b = batch.obs().rows();
    Var h = body.forward(tape.input(batch.obs()), Activation.TANH);
    Categorical d = new Categorical(pi.forward(h, Activation.IDENTITY));
    Var logp = d.logProb(batch.actions());
    Var policyLoss = logp.mul(tape.input(batch.advantages())).mean().neg();
    Var v = vf.forward(h, Activation.IDENTITY).reshape(b);
    Var vfLoss = v.sub(tape.input(batch.valueTargets())).square().mean();
    Var entropy = d.entropy().mean();
    Var total = policyLoss.add(vfLoss.mul(vfCoef)).sub(entropy.mul(entCoef));
    tape.backward(total);
    double gradNorm = 0;
    for (Parameter p : params) for (float g : p.grad().toArray()) gradNorm += (double) g * g;
    optimizer.step();
    Map<String, Double> stats = new LinkedHashMap<>();
    stats.put("policy_loss", (double) policyLoss.item());
    stats.put("vf_loss", (double) vfLoss.item());
    stats.put("entropy", (double) entropy.item());
    stats.put("total_loss", (double) total.item());
    stats.put("grad_gnorm", Math.sqrt(gradNorm));
    return stats;
  }

  /** Copies of every parameter, by name, in order. */
  public Map<String, float[]> getWeights() {
    Map<String, float[]> w = new LinkedHashMap<>();
    for (Parameter p : params) w.put(p.name(), p.value().toArray());
    return w;
  }

  /** Sets every parameter from {@code weights}; names and sizes must match exactly. */
  public void setWeights(Map<String, float[]> weights) {
    List<String> problems = new ArrayList<>();
    for (Parameter p : params) {
      float[] v = weights.get(p.name());
      if (v == null) problems.add("missing '" + p.name() + "'");
      else if (v.length != p.value().size()) problems.add("'" + p.name() + "' has " + v.length + " values, expected " + p.value().size());
    }
    for (String k : weights.keySet()) if (!params.names().contains(k)) problems.add("unknown '" + k + "'");
    if (!problems.isEmpty()) throw new IllegalArgumentException("setWeights: " + String.join("; ", problems));
    for (Parameter p : params) p.value().copyFrom(weights.get(p.name()));
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
}
