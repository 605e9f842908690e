package vecrl.cli;

/** The command line's log output: one undated line per record on stderr. */
final class CliLogging {
  private CliLogging() {}

  /**
   * Keeps the command line's own log output to one undated line per record on stderr ({@code
   * vecrl: MESSAGE}, {@code vecrl: WARNING: MESSAGE} above INFO), and leaves out the backend choice,
   * which the run's header and {@code eval}'s line print. A {@code java.util.logging.config.file}
   * given by the user is left alone.
   */
  static void configure() {
    if (System.getProperty("java.util.logging.config.file") != null || System.getProperty("java.util.logging.config.class") != null) return;
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    for (java.util.logging.Handler h : root.getHandlers()) root.removeHandler(h);
    java.util.logging.StreamHandler h = new java.util.logging.StreamHandler(System.err, new OneLineFormatter()) {
      @Override
      public synchronized void publish(java.util.logging.LogRecord r) {
        super.publish(r);
        flush();
      }
    };
    h.setLevel(java.util.logging.Level.ALL);
    root.addHandler(h);
    TENSOR_LOGGER.setLevel(java.util.logging.Level.WARNING);
  }

  /** Held so that the level set on it is not lost to garbage collection. */
  private static final java.util.logging.Logger TENSOR_LOGGER = java.util.logging.Logger.getLogger("vecrl.tensor");

  /** One line per record, no date: {@code vecrl: message}, with the level for warnings and errors. */
  static final class OneLineFormatter extends java.util.logging.Formatter {
    @Override
    public String format(java.util.logging.LogRecord r) {
      String level = r.getLevel().intValue() > java.util.logging.Level.INFO.intValue() ? r.getLevel().getName() + ": " : "";
      String msg = formatMessage(r);
      if (msg.startsWith("vecrl: ")) msg = msg.substring("vecrl: ".length());
      String thrown = r.getThrown() == null ? "" : " (" + r.getThrown() + ")";
      return "vecrl: " + level + msg + thrown + System.lineSeparator();
    }
  }
}
