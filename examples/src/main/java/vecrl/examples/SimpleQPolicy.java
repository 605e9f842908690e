package vecrl.examples;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecrl.algo.PolicyTemplate;
import vecrl.algo.SampleBatch;
import vecrl.algo.TargetNetwork;
import vecrl.algo.TemplatePolicy;
import vecrl.autodiff.Composites;
import vecrl.autodiff.Tape;
import vecrl.autodiff.Var;
import vecrl.distribution.Distribution;
import vecrl.nn.Activation;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.BatchOutput;
import vecrl.policy.MlpQPolicy;
import vecrl.space.Space;
import vecrl.tensor.Rng;
import vecrl.tensor.Tensor;
import vecrl.train.TrainConfig;

/**
 * Example 7, RLlib's {@code SimpleQPolicy} from "How to customize policies": DQN in its simplest form,
 * built from the template with
 *
 * <ul>
 *   <li>{@code makeModel}: the Q network ({@link MlpQPolicy} of the config's {@code hidden}); its target
 *       network is made beside it in {@code afterInit} and kept in the {@link Models} mixin (RLlib's
 *       {@code build_q_models} puts {@code q_model} and {@code target_q_model} on the policy);
 *   <li>{@code actionSamplerFn}: argmax over Q, and with exploration a uniformly random action with
 *       probability epsilon (RLlib's {@code EpsilonGreedy}: {@code explorationInitialEps} to {@code
 *       explorationFinalEps} over {@code explorationFraction} of the run's steps, from the policy's
 *       {@link TemplatePolicy#globalTimestep()});
 *   <li>{@code lossFn}: RLlib's {@code build_q_losses}: {@code q_t_selected = sum(Q(obs) *
 *       one_hot(actions))}, {@code q_tp1_best = max Q_target(new_obs)}, {@code target = rewards +
 *       gamma * (1 - terminateds) * q_tp1_best} (no gradient), {@code td_error = q_t_selected -
 *       target}, {@code loss = mean(huber(td_error))};
 *   <li>{@code td_error} as a learn fetch: {@link #tdError} after each step, and its mean absolute
 *       value in the statistics ({@code statsFn});
 *   <li>{@code afterOptimizerStep}: a hard copy of the Q network into the target every {@code
 *       targetUpdateInterval} optimizer steps (RLlib's {@code TargetNetworkMixin.update_target}).
 * </ul>
 *
 * The config's {@code algo} must be an off-policy one ({@code dqn}): the trainer then runs the template
 * in its off-policy loop (replay buffer, {@code trainFreq}, {@code gradientSteps}, {@code
 * learningStarts}) through {@link vecrl.algo.TemplateOffPolicy}. Unlike the built-in {@code
 * Algorithms.dqn()}, the one-hot product and the max are spelled out on the tape, as on the page.
 */
public final class SimpleQPolicy {
  private SimpleQPolicy() {}

  /** The target network, the last step's TD errors, and the count of optimizer steps (RLlib's mixins' state). */
  public static final class Models implements PolicyTemplate.Mixin {
    MlpQPolicy target;
    float[] tdError = new float[0];
    long optimizerSteps;
    double loss = Double.NaN;

    @Override
    public void afterInit(TemplatePolicy policy) {
      MlpQPolicy q = (MlpQPolicy) policy.model();
      target = q.twin(new Rng(0));
      TargetNetwork.hardCopy(q.parameters(), target.parameters());
    }

    /** The target network. */
    public MlpQPolicy target() { return target; }

    @Override
    public double[] state() {
      List<Float> values = new java.util.ArrayList<>();
      for (var p : target.parameters()) for (float v : p.value().toArray()) values.add(v);
      double[] s = new double[values.size() + 1];
      s[0] = optimizerSteps;
      for (int i = 0; i < values.size(); i++) s[i + 1] = values.get(i);
      return s;
    }

    @Override
    public void restore(double[] s) {
      optimizerSteps = (long) s[0];
      int k = 1;
      for (var p : target.parameters()) {
        float[] v = new float[p.value().size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) s[k++];
        p.value().copyFrom(v);
      }
    }
  }

  /** RLlib's {@code build_q_models}: the Q network; the target is made in {@link Models#afterInit}. */
  public static ActorCriticPolicy buildQModel(Space<?> observationSpace, Space<?> actionSpace, TrainConfig config, Rng rng) {
    return new MlpQPolicy(observationSpace, actionSpace, config.hiddenSizes(), Activation.RELU, false, rng);
  }

  /** Epsilon at the policy's global timestep: linear from the initial to the final value over the exploration fraction. */
  public static double epsilon(TemplatePolicy policy) {
    TrainConfig c = policy.config();
    double progress = (double) policy.globalTimestep() / c.totalSteps();
    if (progress >= c.explorationFraction()) return c.explorationFinalEps();
    return c.explorationInitialEps() + progress / c.explorationFraction() * (c.explorationFinalEps() - c.explorationInitialEps());
  }

  /** RLlib's {@code build_action_sampler}: argmax Q, epsilon-greedy when exploring ({@code rng} not null). */
  public static void sampleActions(TemplatePolicy policy, ActorCriticPolicy model, Tensor obs, Tensor memory, Tensor episodeStarts, Rng rng,
      Tensor masks, BatchOutput out) {
    model.actionAndValueBatch(obs, null, masks, out); // the greedy action: the Categorical's mode over the Q-values
    if (rng == null) return;
    double eps = epsilon(policy);
    int n = ((MlpQPolicy) model).actions();
    for (int i = 0; i < obs.dim(0); i++) if (rng.uniformDouble() < eps) out.actions().set(i, 0, rng.nextInt(n));
  }

  private static Tensor column(SampleBatch b, String name) {
    SampleBatch.Floats f = b.floats(name);
    return Tensor.wrap(f.data(), f.offset(), f.width() == 1 ? new int[] {f.rows()} : new int[] {f.rows(), f.width()});
  }

  /** RLlib's {@code build_q_losses} (see the class comment). */
  public static Var qLoss(TemplatePolicy policy, ActorCriticPolicy model, Class<? extends Distribution> distClass, SampleBatch batch) {
    MlpQPolicy q = (MlpQPolicy) model;
    Models m = policy.mixin(Models.class);
    int b = batch.rows(), n = q.actions();
    float gamma = (float) policy.config().gamma();
    // the target, without gradient
    float[] target = new float[b];
    Tape nt = new Tape(policy.kernels());
    try (var ng = nt.noGrad()) {
      Tensor qTp1 = m.target.qValues(nt.input(column(batch, SampleBatch.NEW_OBS))).value();
      for (int i = 0; i < b; i++) {
        float best = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) best = Math.max(best, qTp1.get(i, k));
        target[i] = batch.floats(SampleBatch.REWARDS).get(i, 0) + gamma * (1f - batch.floats(SampleBatch.TERMINATEDS).get(i, 0)) * best;
      }
    }
    // q_t_selected = sum(Q(obs) * one_hot(actions))
    float[] oneHot = new float[b * n];
    for (int i = 0; i < b; i++) oneHot[i * n + (int) batch.floats(SampleBatch.ACTIONS).get(i, 0)] = 1f;
    Tape t = policy.tape();
    Var qT = q.qValues(t.input(column(batch, SampleBatch.OBS)));
    Var selected = qT.mul(t.input(Tensor.wrap(oneHot, new int[] {b, n}))).sumRows().reshape(b);
    Var loss = Composites.huber(selected, t.input(Tensor.wrap(target, new int[] {b})), 1f);
    m.tdError = new float[b];
    for (int i = 0; i < b; i++) m.tdError[i] = selected.value().get(i) - target[i];
    m.loss = loss.item();
    return loss;
  }

  /** The learn fetch: the TD errors of the last step. */
  public static float[] tdError(TemplatePolicy policy) {
    return policy.mixin(Models.class).tdError.clone();
  }

  /** RLlib's {@code TargetNetworkMixin.update_target}, every {@code targetUpdateInterval} optimizer steps. */
  public static void updateTarget(TemplatePolicy policy, SampleBatch batch) {
    Models m = policy.mixin(Models.class);
    m.optimizerSteps++;
    if (m.optimizerSteps % policy.config().targetUpdateInterval() == 0) TargetNetwork.hardCopy(policy.model().parameters(), m.target.parameters());
  }

  /** Loss, mean |td_error| and epsilon. */
  public static Map<String, Double> stats(TemplatePolicy policy, SampleBatch batch) {
    Models m = policy.mixin(Models.class);
    double abs = 0;
    for (float e : m.tdError) abs += Math.abs(e);
    Map<String, Double> s = new LinkedHashMap<>();
    s.put("loss", m.loss);
    s.put("mean_abs_td_error", m.tdError.length == 0 ? Double.NaN : abs / m.tdError.length);
    s.put("epsilon", epsilon(policy));
    return s;
  }

  /** The template. */
  public static final PolicyTemplate TEMPLATE = PolicyTemplate.builder("SimpleQPolicy")
      .makeModel(SimpleQPolicy::buildQModel)
      .actionSamplerFn(SimpleQPolicy::sampleActions)
      .lossFn(SimpleQPolicy::qLoss)
      .statsFn(SimpleQPolicy::stats)
      .afterOptimizerStep(SimpleQPolicy::updateTarget)
      .mixin(Models::new)
      .getDefaultConfig(() -> Map.of("algo", "dqn"))
      .build();

  /** Trains SimpleQ on CartPole-v1 and prints greedy returns before and after. */
  public static void main(String[] args) {
    TrainConfig c = vecrl.train.Presets.forEnv("dqn", "CartPole-v1").with(Map.of("totalSteps", "30000", "hidden", "64,64", "trainFreq", "4",
        "gradientSteps", "1", "learningStarts", "1000", "targetUpdateInterval", "500", "learningRate", "0.001", "explorationFraction", "0.3"));
    System.out.println("SimpleQPolicy on CartPole-v1: " + Examples.train(TEMPLATE, c, vecrl.tensor.Backends.kernels(), 10));
  }
}
