package vecrl.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import vecrl.policy.BatchOutput;
import vecrl.policy.MlpActorCriticPolicy;
import vecrl.policy.MlpPolicyConfig;
import vecrl.policy.PolicyState;
import vecrl.space.Box;
import vecrl.space.Discrete;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;

/**
 * Single-observation inference of the CartPole-sized {@link MlpActorCriticPolicy} (4 inputs, 2
 * actions, Lerax defaults: encoder 4-64-64-16, action head 16-64-64-2, value head 16-64-64-1;
 * and the separate 64-64 actor/critic layout), on one thread, through the live policy and through its
 * frozen snapshot ({@code freeze()}). Target (issue 4): act <= 1 us, 0 B/op.
 * The tape path ({@code tapeAct}: the generic path every custom policy inherits) and a batch of 128
 * through the tape are measured in the same run for comparison.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar PolicyBench -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Dvecrl.threads=1"})
@Threads(1)
@State(Scope.Thread)
public class PolicyBench {
  MlpActorCriticPolicy lerax, separate, leraxRelu;
  vecrl.policy.FrozenMlpPolicy frozen;
  PolicyState reluState;
  /** The same Lerax-default policy seen only through the generic (tape) path of the base class. */
  vecrl.policy.ActorCriticPolicy generic;
  PolicyState leraxState, separateState, genericState;
  Tensor obs;
  Tensor batchObs;
  BatchOutput batchOut;
  Rng rng;

  /** Delegates to the MLP policy's tape definition only, so the base class's generic path runs. */
  static final class TapeOnly extends vecrl.policy.StatelessActorCriticPolicy {
    final MlpActorCriticPolicy p;
    TapeOnly(MlpActorCriticPolicy p) { super(p.observationSpace(), p.actionSpace()); this.p = p; }
    @Override public vecrl.distribution.Distribution distribution(vecrl.autodiff.Tape t, vecrl.autodiff.Var o, Tensor m) { return p.distribution(t, o, m); }
    @Override public vecrl.autodiff.Var value(vecrl.autodiff.Tape t, vecrl.autodiff.Var o) { return p.value(t, o); }
    @Override public vecrl.autodiff.ParameterSet parameters() { return p.parameters(); }
    @Override protected void describeHyperparameters(vecrl.io.Structure s) { s.add("wraps", p.structure()); }
  }

  @Setup
  public void setup() {
    Box obsSpace = new Box(new float[] {-4.8f, -1e9f, -0.42f, -1e9f}, new float[] {4.8f, 1e9f, 0.42f, 1e9f}, 4);
    lerax = new MlpActorCriticPolicy(obsSpace, new Discrete(2), MlpPolicyConfig.lerax(), new Rng(1));
    separate = new MlpActorCriticPolicy(obsSpace, new Discrete(2), MlpPolicyConfig.separate64(), new Rng(1));
    generic = new TapeOnly(lerax);
    leraxRelu = new MlpActorCriticPolicy(obsSpace, new Discrete(2), MlpPolicyConfig.lerax().withActivation(vecrl.nn.Activation.RELU), new Rng(1));
    reluState = leraxRelu.reset(null);
    frozen = lerax.freeze();
    leraxState = lerax.reset(null);
    separateState = separate.reset(null);
    genericState = generic.reset(null);
    obs = Tensor.vector(0.02f, -0.3f, 0.05f, 0.4f);
    batchObs = Tensor.zeros(128, 4);
    new Rng(3).fillUniform(batchObs, -0.2f, 0.2f);
    batchOut = lerax.newBatchOutput(128);
    rng = new Rng(2);
  }

  @Benchmark
  public int actDeterministic() {
    return lerax.act(leraxState, obs, null, null).discreteAction();
  }

  @Benchmark
  public int actSampled() {
    return lerax.act(leraxState, obs, rng, null).discreteAction();
  }

  /** The frozen snapshot (transposed weights) of the same policy: the application path. */
  @Benchmark
  public int frozenActDeterministic() {
    return frozen.act(leraxState, obs, null, null).discreteAction();
  }

  @Benchmark
  public int frozenActSampled() {
    return frozen.act(leraxState, obs, rng, null).discreteAction();
  }

  @Benchmark
  public float frozenActionAndValueSampled() {
    return frozen.actionAndValue(leraxState, obs, rng, null).value();
  }

  @Benchmark
  public float actionAndValueSampled() {
    return lerax.actionAndValue(leraxState, obs, rng, null).value();
  }

  /** The same shapes with ReLU: separates the cost of tanh from the matrix-vector products. */
  @Benchmark
  public int reluActSampled() {
    return leraxRelu.act(reluState, obs, rng, null).discreteAction();
  }

  @Benchmark
  public int separate64ActSampled() {
    return separate.act(separateState, obs, rng, null).discreteAction();
  }

  @Benchmark
  public int tapeActSampled() {
    return generic.act(genericState, obs, rng, null).discreteAction();
  }

  @Benchmark
  public float batch128ActionAndValue() {
    return lerax.actionAndValueBatch(batchObs, rng, null, batchOut).values().get(0);
  }
}
