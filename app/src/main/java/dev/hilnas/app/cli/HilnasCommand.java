package dev.hilnas.app.cli;

import dev.hilnas.app.cli.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "hilnas",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Hardware-in-the-loop architecture search for on-device language models.",
      "",
      "Options can also come from the environment (HILNAS_<OPTION>, e.g. HILNAS_BOOTSTRAP)",
      "or a properties file (HILNAS_CONFIG, default ~/.hilnas/hilnas.properties, keys like",
      "bootstrap=localhost:9092). The command line wins, then the environment, then the file."
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
      CommandLine.HelpCommand.class
    })
public final class HilnasCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new HilnasCommand());
    cli.setDefaultValueProvider(new Defaults());
    Converters.register(cli);
    // picocli skips the unmatched-argument check when --help is given; `hilnas nope --help` must
    // still fail rather than print the top-level help and exit 0.
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
          return new CommandLine.RunLast().execute(parseResult);
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("error: " + e.getMessage());
          return e instanceof IllegalArgumentException ? 2 : 1;
        });
    return cli;
  }
}
