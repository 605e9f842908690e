package vecrl.io;

import vecrl.autodiff.ParameterSet;

/**
 * Something {@link PolicyIO} can save: a structure description (whose SHA-256 is the file's
 * fingerprint) and parameters in a stable order.
 */
public interface Savable {
  /**
   * A canonical text covering everything that fixes the parameter layout and the meaning of the
   * parameters: class, hyperparameters, activations, spaces (with exact Box bounds) and every
   * parameter's name and shape. Build it with {@link Structure}.
   */
  String structure();

  /** The parameters, in the order they are saved. */
  ParameterSet parameters();
}
