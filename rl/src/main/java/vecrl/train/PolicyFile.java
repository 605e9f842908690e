package vecrl.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import vecrl.env.Env;
import vecrl.env.EnvSpec;
import vecrl.env.RunningMeanStd;
import vecrl.io.PolicyIO;
import vecrl.policy.ActorCriticPolicy;
import vecrl.policy.MlpActorCriticPolicy;
import vecrl.policy.RecurrentActorCriticPolicy;
import vecrl.tensor.Rng;

/**
 * The trained policy of a run directory.
 *
 * <ul>
 *   <li>{@code policy.bin} ({@link TrainingRun#POLICY}): a self-describing (format version 2) file
 *       that an application loads with {@code vecrl.policy.SavedPolicy.load(path)} alone: the spec
 *       (kind, network config, spaces), the weights, the normaliser and the run's provenance. It is
 *       also, as before, the {@link MlpActorCriticPolicy} (or, for
 *       {@code policy = lstm|gru}, the {@link RecurrentActorCriticPolicy}) in the policy module's
 *       serialization format ({@link PolicyIO}: SHA-256 structural fingerprint, parameters by name,
 *       checksum). An application loads it with {@code PolicyIO.deserialize(path, new
 *       MlpActorCriticPolicy(obsSpace, actSpace, Trainer.policyConfig(config), anyRng))} (recurrent:
 *       {@code new RecurrentActorCriticPolicy(obsSpace, actSpace, Trainer.recurrentConfig(config),
 *       anyRng)}), the spaces being the env's ({@link #skeleton} builds exactly that).
 *   <li>{@code obs_normalizer.properties} ({@link #OBS_NORMALIZER}), only when the run normalised
 *       observations ({@code normObs = true}): the running statistics the policy expects its inputs
 *       to be normalised with, as text ({@code clip}, {@code epsilon}, {@code count}, then {@code mean}
 *       and {@code var}, comma-separated; doubles printed exactly). The policy's input is {@code
 *       clamp((x - mean) / sqrt(var + epsilon), -clip, clip)} per component ({@link
 *       Loaded#normalize}). Loading checks it: a finite clip and count > 0, finite means, finite
 *       variances >= 0, one value per observation component.
 * </ul>
 *
 * Both are written atomically ({@link vecrl.io.AtomicFiles}: temporary file, fsync, atomic rename).
 */
public final class PolicyFile {
  /** The observation normaliser's file name, next to the policy file. */
  public static final String OBS_NORMALIZER = "obs_normalizer.properties";
  /** The epsilon inside the square root of the normalisation. */
  public static final double EPSILON = 1e-8;

  /**
   * A loaded policy and its observation normaliser (null when the run did not normalise
   * observations, {@code clipObs} then unused).
   */
  public record Loaded(ActorCriticPolicy policy, RunningMeanStd obsRms, float clipObs) {
    /** Normalises one flat observation in place, as training did (a no-op without a normaliser). */
    public void normalize(float[] observation) {
      if (obsRms != null) vecrl.env.VecNormalize.normalize(obsRms, clipObs, observation, observation.length, obsRms.size());
    }
  }

  private PolicyFile() {}

  /**
   * The normaliser file that belongs to {@code policyFile}: {@code obs_normalizer.properties} beside
   * it, or {@code PREFIX_obs_normalizer.properties} for a file named {@code PREFIX_policy.bin} (so
   * {@code best_policy.bin} has {@code best_obs_normalizer.properties}).
   */
  public static Path normalizerFile(Path policyFile) {
    Path dir = policyFile.toAbsolutePath().getParent();
    String name = policyFile.getFileName().toString();
    String suffix = "_policy.bin";
    if (name.endsWith(suffix) && name.length() > suffix.length()) {
      return dir.resolve(name.substring(0, name.length() - suffix.length()) + "_" + OBS_NORMALIZER);
    }
    return dir.resolve(OBS_NORMALIZER);
  }

  /**
   * Writes {@code policy} to {@code policyFile} ({@link PolicyIO}) and the normaliser next to it
   * (or removes a stale normaliser file when {@code obsRms} is null).
   */
  public static void save(Path policyFile, ActorCriticPolicy policy, RunningMeanStd obsRms, float clipObs) throws IOException {
    save(policyFile, policy, obsRms, clipObs, Map.of());
  }

  /**
   * As {@link #save(Path, ActorCriticPolicy, RunningMeanStd, float)}, the policy file being the
   * self-describing version 2 ({@link vecrl.policy.SavedPolicy}: spec, normaliser and {@code
   * provenance} inside) for an MLP or recurrent policy, version 1 for any other policy class.
   */
  public static void save(Path policyFile, ActorCriticPolicy policy, RunningMeanStd obsRms, float clipObs, Map<String, String> provenance)
      throws IOException {
    java.util.Objects.requireNonNull(policyFile, "policyFile");
    java.util.Objects.requireNonNull(policy, "policy");
    if (policy instanceof MlpActorCriticPolicy || policy instanceof RecurrentActorCriticPolicy) {
      vecrl.policy.SavedPolicy.save(policyFile, policy, normalizer(obsRms, clipObs), provenance);
    } else {
      PolicyIO.serialize(policy, policyFile);
    }
    Path norm = normalizerFile(policyFile);
    if (obsRms == null) {
      Files.deleteIfExists(norm);
      return;
    }
    var s = obsRms.state();
    String text = "# observation normaliser of " + policyFile.getFileName() + ": x' = clamp((x - mean) / sqrt(var + epsilon), -clip, clip)\n"
        + "clip = " + clipObs + "\n"
        + "epsilon = " + EPSILON + "\n"
        + "count = " + s.count() + "\n"
        + "mean = " + join(s.mean()) + "\n"
        + "var = " + join(s.var()) + "\n";
    vecrl.io.AtomicFiles.write(norm, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The policy module's frozen form of a training normaliser (null for null). */
  public static vecrl.io.ObservationNormalizer normalizer(RunningMeanStd obsRms, float clipObs) {
    if (obsRms == null) return null;
    var s = obsRms.state();
    return new vecrl.io.ObservationNormalizer(s.mean(), s.var(), s.count(), clipObs, EPSILON);
  }

  /**
   * A fresh policy with the constructor arguments of a run of {@code config} on {@code spec}'s env
   * (observation and action spaces of the env, {@link Trainer#newPolicy}); its random weights are
   * meant to be overwritten by {@link PolicyIO#deserialize}.
   */
  @SuppressWarnings("unchecked")
  public static ActorCriticPolicy skeleton(TrainConfig config, EnvSpec spec) {
    Env<Object, Object> env = (Env<Object, Object>) spec.factory().get();
    try {
      return Trainer.newPolicy(config, env.observationSpace(), env.actionSpace(), new Rng(0));
    } finally {
      env.close();
    }
  }

  /**
   * Loads {@code policyFile} for a run of {@code config} on {@code spec}'s env, and the normaliser
   * next to it if there is one.
   *
   * @throws vecrl.io.PolicyFormatException when the file is not a policy, is damaged, or was written
   *     for other constructor arguments (another env or network config)
   */
  public static Loaded load(Path policyFile, TrainConfig config, EnvSpec spec) throws IOException {
    java.util.Objects.requireNonNull(policyFile, "policyFile");
    java.util.Objects.requireNonNull(config, "config");
    java.util.Objects.requireNonNull(spec, "spec");
    ActorCriticPolicy p = PolicyIO.deserialize(policyFile, skeleton(config, spec));
    Path norm = normalizerFile(policyFile);
    if (!Files.exists(norm)) return new Loaded(p, null, (float) config.clipObs());
    Map<String, String> m = TrainConfig.parse(Files.readString(norm, StandardCharsets.UTF_8));
    try {
      float clip = (float) number("clip", need(m, "clip", norm));
      double[] mean = doubles("mean", need(m, "mean", norm));
      double[] var = doubles("var", need(m, "var", norm));
      double count = number("count", need(m, "count", norm));
      if (mean.length != p.observationSize() || var.length != p.observationSize()) {
        throw new IOException(norm + ": mean has " + mean.length + " and var " + var.length + " values, the policy's observations have "
            + p.observationSize());
      }
      if (!(clip > 0) || !Float.isFinite(clip)) throw new IOException(norm + ": clip = " + clip + ", expected a finite number > 0");
      if (!(count > 0) || !Double.isFinite(count)) throw new IOException(norm + ": count = " + count + ", expected a finite number > 0");
      for (int i = 0; i < mean.length; i++) {
        if (!Double.isFinite(mean[i])) throw new IOException(norm + ": mean[" + i + "] = " + mean[i] + ", expected a finite number");
        if (!(var[i] >= 0) || !Double.isFinite(var[i])) {
          throw new IOException(norm + ": var[" + i + "] = " + var[i] + ", expected a finite number >= 0");
        }
      }
      RunningMeanStd rms = new RunningMeanStd(mean.length);
      rms.restore(new RunningMeanStd.State(mean, var, count));
      return new Loaded(p, rms, clip);
    } catch (NumberFormatException e) {
      throw new IOException(norm + ": " + e.getMessage(), e);
    }
  }

  private static String need(Map<String, String> m, String key, Path file) throws IOException {
    String v = m.get(key);
    if (v == null) throw new IOException(file + ": missing key '" + key + "'; expected clip, epsilon, count, mean, var");
    return v;
  }

  private static String join(double[] a) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < a.length; i++) b.append(i == 0 ? "" : ", ").append(a[i]);
    return b.toString();
  }

  private static double[] doubles(String key, String s) {
    return Arrays.stream(s.split(",")).map(String::trim).mapToDouble(v -> number(key, v)).toArray();
  }

  private static double number(String key, String v) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new NumberFormatException(key + ": " + vecrl.io.Text.quote(v) + " is not a number");
    }
  }
}
