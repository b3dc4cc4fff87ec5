package dev.hilnas.app.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hilnas help [COMMAND [SUBCOMMAND...]]}: the help of any command, nested ones too ({@code
 * hilnas help model evaluate}), as its {@code --help} shows it. picocli's own help command takes
 * one name, and refused the second.
 */
@Command(
    name = "help",
    helpCommand = true,
    description = "`hilnas help COMMAND` shows the help of a command, as its --help does.")
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show usage help for the help command and exit.")
  boolean help;

  @Parameters(
      paramLabel = "COMMAND",
      arity = "0..*",
      description = "The command, e.g. model evaluate.")
  List<String> names = List.of();

  private CommandLine self;
  private PrintWriter out;
  private CommandLine.Help.Ansi ansi;

  @Override
  public void init(
      CommandLine helpCommandLine,
      CommandLine.Help.ColorScheme colorScheme,
      PrintWriter out,
      PrintWriter err) {
    this.self = helpCommandLine;
    this.out = out;
    this.ansi = colorScheme.ansi();
  }

  @Override
  public void run() {
    CommandLine command = self.getParent();
    for (String name : names) {
      CommandLine sub = command.getSubcommands().get(name);
      if (sub == null) {
        List<String> known =
            command.getSubcommands().entrySet().stream()
                .filter(e -> e.getKey().equals(e.getValue().getCommandName())) // not aliases
                .map(Map.Entry::getKey)
                .filter(n -> !n.equals("help"))
                .toList();
        throw new CommandLine.ParameterException(
            self,
            "Unknown command: '"
                + String.join(" ", names)
                + "'; "
                + command.getCommandName()
                + (known.isEmpty() ? " has no subcommands" : " has " + String.join(", ", known)));
      }
      command = sub;
    }
    command.usage(out, ansi);
    out.flush();
  }
}
