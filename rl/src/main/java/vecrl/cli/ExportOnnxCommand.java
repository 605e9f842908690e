package vecrl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import vecrl.cli.Main.Opts;
import vecrl.cli.Main.UsageException;
import vecrl.policy.MlpActorCriticPolicy;
import vecrl.policy.RecurrentActorCriticPolicy;
import vecrl.train.PolicyFile;
import vecrl.train.TrainConfig;
import vecrl.train.TrainingRun;

/**
 * {@code vecrl export-onnx RUN_OR_POLICY OUT.onnx}: a run's trained policy (its policy.bin, rebuilt
 * from the config.properties beside it) as an ONNX model ({@code vecrl.onnx.OnnxExport}) that computes
 * the greedy action, the distribution's parameters and the value from the raw observation, the run's
 * observation normaliser included. The classes of vecrl-onnx load only here.
 */
final class ExportOnnxCommand {
  private final Main main;

  ExportOnnxCommand(Main main) {
    this.main = main;
  }

  int run(List<String> args) throws IOException {
    Opts o = Main.parse(args, List.of(), List.of(), "export-onnx");
    if (o.positional().size() != 2) throw new UsageException("export-onnx: expected RUN_OR_POLICY and OUT.onnx, got " + o.positional().size() + " arguments");
    Path p = Path.of(o.positional().get(0));
    if (Files.isDirectory(p)) p = p.resolve(TrainingRun.POLICY);
    if (!Files.isRegularFile(p)) throw new UsageException("export-onnx: " + p + " is neither a run directory nor a policy file");
    Path cfg = p.toAbsolutePath().getParent().resolve(TrainingRun.CONFIG);
    if (!Files.isRegularFile(cfg)) throw new UsageException("export-onnx: " + p + " has no " + TrainingRun.CONFIG + " beside it (needed to rebuild the policy)");
    TrainConfig c = TrainConfig.load(cfg);
    PolicyFile.Loaded l = PolicyFile.load(p, c, main.registry.spec(c.env()));
    Path out = Path.of(o.positional().get(1));
    try {
      export(l, out);
    } catch (NoClassDefFoundError e) {
      main.err.println("vecrl: export-onnx: the ONNX module (vecrl-onnx) is not on the class path");
      return 1;
    }
    main.out.println("wrote " + out.toAbsolutePath() + ": " + l.policy().getClass().getSimpleName() + " on " + c.env()
        + (l.obsRms() == null ? "" : ", observation normaliser included"));
    return 0;
  }

  private static void export(PolicyFile.Loaded l, Path out) throws IOException {
    vecrl.onnx.OnnxExport.Normalization norm = null;
    if (l.obsRms() != null) {
      var s = l.obsRms().state();
      float[] mean = new float[s.mean().length], var = new float[s.var().length];
      for (int i = 0; i < mean.length; i++) {
        mean[i] = (float) s.mean()[i];
        var[i] = (float) s.var()[i];
      }
      norm = new vecrl.onnx.OnnxExport.Normalization(mean, var, PolicyFile.EPSILON, l.clipObs());
    }
    switch (l.policy()) {
      case MlpActorCriticPolicy m -> {
        if (norm == null) vecrl.onnx.OnnxExport.export(m, out);
        else vecrl.onnx.OnnxExport.export(m, norm, out);
      }
      case RecurrentActorCriticPolicy r -> vecrl.onnx.OnnxExport.export(r, norm, out);
      default -> throw new UsageException("export-onnx: a " + l.policy().getClass().getName()
          + " has no ONNX export; the built-in MLP and recurrent policies do");
    }
  }
}
