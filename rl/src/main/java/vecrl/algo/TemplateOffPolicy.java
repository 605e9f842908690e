package vecrl.algo;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.BatchOutput;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * A {@link PolicyTemplate}'s policy as an {@link OffPolicyAlgorithm}: acting is the template's {@code
 * actionSamplerFn} (or the model's distribution) with {@link TemplatePolicy#globalTimestep()} set to
 * the env steps so far; after each vector step {@link TemplatePolicy#onGlobalVarUpdate} runs the
 * mixins' {@code onGlobalVarUpdate} (target updates); a gradient step is {@link TemplatePolicy#learn}
 * on the sampled batch; statistics are the template's {@code statsFn}. The checkpoint part is the
 * model's parameters, the optimizer, the entropy and KL coefficients, the global timestep and the
 * state of every mixin that keeps one.
 */
public final class TemplateOffPolicy implements OffPolicyAlgorithm {
  private final TemplatePolicy policy;
  private SampleBatch lastBatch;

  public TemplateOffPolicy(TemplatePolicy policy) {
    this.policy = java.util.Objects.requireNonNull(policy, "policy");
  }

  @Override
  public ActorCriticPolicy model() {
    return policy.model();
  }

  @Override
  public TemplatePolicy templatePolicy() {
    return policy;
  }

  @Override
  public void act(Tensor obs, Tensor masks, long timestep, Rng rng, BatchOutput out) {
    policy.setGlobalTimestep(timestep);
    policy.act(obs, null, null, rng, masks, out);
  }

  @Override
  public void onEnvStep(long timestep) {
    policy.onGlobalVarUpdate(timestep);
  }

  @Override
  public void beforeTrain(long iteration, long iterations) {
    policy.beforeUpdate(iteration, iterations);
  }

  @Override
  public void learn(SampleBatch batch, long timestep, Rng rng) {
    policy.setGlobalTimestep(timestep);
    policy.learn(batch);
    lastBatch = batch;
  }

  @Override
  public Map<String, Double> stats() {
    return lastBatch == null ? Map.of() : policy.stats(lastBatch);
  }

  @Override
  public double learningRate() {
    return policy.optimizer().learningRate();
  }

  @Override
  public void write(DataOutputStream out) throws IOException {
    StateIO.writeParams(out, policy.model().parameters());
    StateIO.writeOptimizer(out, policy.optimizer());
    out.writeDouble(policy.entCoef());
    out.writeDouble(policy.klCoeff());
    out.writeLong(policy.globalTimestep());
    List<PolicyTemplate.Mixin> mixins = policy.mixinsWithState();
    out.writeInt(mixins.size());
    for (PolicyTemplate.Mixin m : mixins) {
      double[] s = m.state();
      out.writeInt(s.length);
      for (double x : s) out.writeLong(Double.doubleToRawLongBits(x));
    }
  }

  @Override
  public Runnable read(DataInputStream in, long gradientSteps) throws IOException {
    float[][] values = StateIO.readParams(in, policy.model().parameters(), "model");
    Runnable opt = StateIO.readOptimizer(in, policy.optimizer(), gradientSteps, "model");
    double ent = in.readDouble(), kl = in.readDouble();
    if (!(ent >= 0) || !Double.isFinite(ent)) throw new IOException("entropy coefficient: " + ent + ", expected a finite value >= 0");
    if (!(kl >= 0) || !Double.isFinite(kl)) throw new IOException("KL coefficient: " + kl + ", expected a finite value >= 0");
    long timestep = in.readLong();
    if (timestep < 0) throw new IOException("global timestep: " + timestep + ", expected >= 0");
    List<PolicyTemplate.Mixin> mixins = policy.mixinsWithState();
    int c = in.readInt();
    if (c != mixins.size()) throw new IOException("mixin states: " + c + ", the template " + policy.template().name() + " has " + mixins.size());
    double[][] states = new double[c][];
    for (int i = 0; i < c; i++) {
      states[i] = new double[StateIO.readCount(in, 8, "state of mixin " + mixins.get(i).getClass().getName())];
      for (int k = 0; k < states[i].length; k++) states[i][k] = Double.longBitsToDouble(in.readLong());
    }
    return () -> {
      for (int i = 0; i < c; i++) {
        try {
          mixins.get(i).restore(states[i]);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("state of mixin " + mixins.get(i).getClass().getName() + ": " + e.getMessage(), e);
        }
      }
      StateIO.setParams(policy.model().parameters(), values);
      opt.run();
      policy.setEntCoef(ent);
      policy.setKlCoeff(kl);
      policy.setGlobalTimestep(timestep);
    };
  }
}
