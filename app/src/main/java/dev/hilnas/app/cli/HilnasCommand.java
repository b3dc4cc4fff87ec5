package dev.hilnas.app.cli;

import dev.hilnas.app.cli.bench.BenchCommand;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "hilnas",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Hardware-in-the-loop architecture search for on-device language models.",
      "",
      "Options can also come from the environment (HILNAS_<OPTION>, e.g. HILNAS_BOOTSTRAP) or a properties file (HILNAS_CONFIG, default ~/.hilnas/hilnas.properties, keys like bootstrap=localhost:9092). The command line wins, then the environment, then the file."
    },
    subcommands = {
      DemoCommand.class,
      DeviceCommand.class,
      ServeCommand.class,
      SearchCommand.class,
      ImportCommand.class,
      ModelCommand.class,
      FrontierCommand.class,
      AgentCommand.class,
      PredictCommand.class,
      BenchCommand.class,
      ClusterCommand.class,
      QualityCommand.class,
      TrainBackboneCommand.class,
      StatusCommand.class,
      HelpCommand.class
    })
public final class HilnasCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description =
          "Show every log line on the console. Without it the long-running commands (demo, serve,"
              + " agent, search, quality --serve) write their logs to a file, named when they"
              + " start, and show only warnings, errors and a status line.")
  boolean verbose;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  /**
   * Runs a command line and returns its exit code; a configuration file that cannot be read ({@code
   * HILNAS_CONFIG}), which fails before any command is chosen, says so as any error does.
   */
  public static int execute(String... args) {
    CommandLine cli;
    try {
      cli = commandLine();
    } catch (IllegalArgumentException | UncheckedIOException e) {
      System.err.println("error: " + ErrorMessage.of(e));
      return 2;
    }
    return cli.execute(args);
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new HilnasCommand());
    cli.setDefaultValueProvider(new Defaults());
    Converters.register(cli);
    // picocli skips the unmatched-argument check when --help is given; `hilnas nope --help` must
    // still fail rather than print the top-level help and exit 0.
    readable(cli, StatusLine.columns());
    cli.setExecutionStrategy(
        parseResult -> {
          CommandLine.ParseResult last = parseResult;
          while (last.hasSubcommand()) {
            last = last.subcommand();
          }
          if (!last.unmatched().isEmpty()) {
            throw new CommandLine.UnmatchedArgumentException(
                last.commandSpec().commandLine(), last.unmatched());
          }
          boolean verbose = false;
          for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
            verbose |= p.hasMatchedOption("--verbose");
          }
          ConsoleLog.verbose(verbose);
          quietIfLongRunning(last);
          return new CommandLine.RunLast().execute(parseResult);
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("error: " + ErrorMessage.of(e));
          if (ConsoleLog.isVerbose()) {
            e.printStackTrace(commandLine.getErr());
          }
          return e instanceof IllegalArgumentException ? 2 : 1;
        });
    return cli;
  }

  /**
   * Help as wide as the terminal (80 to 120 columns), and the synopsis of a command with many
   * options shortened to {@code [OPTIONS]}: the option list below it says them all.
   */
  private static void readable(CommandLine cli, int columns) {
    cli.setUsageHelpWidth(Math.max(80, Math.min(120, columns)));
    cli.setUsageHelpLongOptionsMaxWidth(32);
    if (cli.getCommandSpec().options().size() > 12) {
      cli.getCommandSpec().usageMessage().abbreviateSynopsis(true);
    }
    cli.getSubcommands().values().forEach(sub -> readable(sub, columns));
  }

  /**
   * The long-running commands without a data directory of their own log to {@code
   * ~/.hilnas/logs/<command>.log}, with their newest line as the status ({@code demo} and {@code
   * serve} log into their data directory themselves).
   */
  private static void quietIfLongRunning(CommandLine.ParseResult command) {
    String name = command.commandSpec().qualifiedName(" ");
    boolean longRunning =
        switch (name) {
          case "hilnas agent" -> !command.hasMatchedOption("--once");
          case "hilnas search" -> true;
          case "hilnas quality" -> command.hasMatchedOption("--serve");
          default -> false;
        };
    if (longRunning && !command.isUsageHelpRequested() && !command.isVersionHelpRequested()) {
      String file = name.substring(name.indexOf(' ') + 1) + ".log";
      AutoCloseable line =
          ConsoleLog.toFileShowingLatest(
              java.nio.file.Path.of(System.getProperty("user.home"), ".hilnas", "logs", file),
              java.time.Duration.ofSeconds(5));
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      line.close();
                    } catch (Exception e) {
                      // the JVM is stopping; the status line is all that is lost
                    }
                  },
                  "status-line-end"));
    }
  }
}
