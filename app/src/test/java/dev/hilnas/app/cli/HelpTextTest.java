package dev.hilnas.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The help of every command and subcommand reads as written: picocli prints each element of a
 * description array on a line of its own and wraps long ones again, so an element is a whole
 * paragraph, never a line cut mid-sentence.
 *
 * <p>The rule: every element of a command's or an option's description is empty (a blank line
 * between paragraphs) or a paragraph that ends with {@code .}, {@code :} or {@code )} and does not
 * start with a lower-case letter (which would continue the element before it). A command's first
 * element is its summary in command lists: one sentence of at most {@value #SUMMARY_CHARS}
 * characters. Every option with a default says so, and rendering a usage prints nothing to stderr
 * (picocli warns there).
 */
class HelpTextTest {

  static final int SUMMARY_CHARS = 80;

  /** Every command, the root first, by qualified name. */
  private static List<CommandLine> all(CommandLine root) {
    List<CommandLine> out = new ArrayList<>();
    out.add(root);
    for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
      // aliases list a command twice
      if (e.getKey().equals(e.getValue().getCommandName())) {
        out.addAll(all(e.getValue()));
      }
    }
    return out;
  }

  private static List<String> problems(String where, String[] description) {
    List<String> out = new ArrayList<>();
    for (String element : description) {
      String text = element.strip();
      if (text.isEmpty()) {
        continue;
      }
      if (!(text.endsWith(".") || text.endsWith(":") || text.endsWith(")"))) {
        out.add(where + ": does not end a sentence: '" + element + "'");
      }
      if (Character.isLowerCase(text.charAt(0))) {
        out.add(where + ": continues the line before it: '" + element + "'");
      }
      if (element.contains("\n")) {
        out.add(where + ": a hard line break (use one element per paragraph): '" + element + "'");
      }
    }
    return out;
  }

  @Test
  void shouldHaveOnlyWholeParagraphsInEveryDescription() {
    List<String> problems = new ArrayList<>();
    for (CommandLine c : all(HilnasCommand.commandLine())) {
      CommandSpec spec = c.getCommandSpec();
      problems.addAll(problems(spec.qualifiedName(), spec.usageMessage().description()));
      for (OptionSpec o : spec.options()) {
        problems.addAll(problems(spec.qualifiedName() + " " + o.longestName(), o.description()));
      }
      for (var p : spec.positionalParameters()) {
        problems.addAll(problems(spec.qualifiedName() + " " + p.paramLabel(), p.description()));
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void shouldSummariseEveryCommandInOneShortSentence() {
    List<String> problems = new ArrayList<>();
    for (CommandLine c : all(HilnasCommand.commandLine())) {
      CommandSpec spec = c.getCommandSpec();
      String[] header = spec.usageMessage().header();
      String[] description = spec.usageMessage().description();
      String summary = header.length > 0 ? header[0] : description.length > 0 ? description[0] : "";
      if (summary.isBlank() || summary.length() > SUMMARY_CHARS || !summary.endsWith(".")) {
        problems.add(spec.qualifiedName() + " (" + summary.length() + " chars): '" + summary + "'");
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void shouldSayTheDefaultOfEveryOptionThatHasOne() {
    List<String> problems = new ArrayList<>();
    for (CommandLine c : all(HilnasCommand.commandLine())) {
      for (OptionSpec o : c.getCommandSpec().options()) {
        if (o.usageHelp() || o.versionHelp() || !hasDefault(o)) {
          continue;
        }
        String text = String.join(" ", o.description()).toLowerCase(Locale.ROOT);
        if (!text.contains("default")) {
          problems.add(c.getCommandSpec().qualifiedName() + " " + o.longestName());
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  /** A default a user would want to know: not a flag's false, not an empty list. */
  private static boolean hasDefault(OptionSpec o) {
    if (o.type() == boolean.class || o.type() == Boolean.class) {
      return false;
    }
    if (o.defaultValue() != null) {
      return true;
    }
    Object initial = o.initialValue();
    return initial != null && !(initial instanceof Collection<?> list && list.isEmpty());
  }

  @Test
  void theHelpCommandShowsANestedCommandsHelpAsItsOwnHelpOptionDoes() {
    assertEquals(run("model", "evaluate", "--help"), run("help", "model", "evaluate"));
    assertEquals(run("device", "add", "--help"), run("help", "device", "add"));
    assertEquals(run("demo", "--help"), run("help", "demo"));
  }

  @Test
  void theHelpCommandNamesTheCommandsThereAreForOneThatIsNot() {
    CliRun run = CliRun.of("help", "model", "nope");
    assertEquals(2, run.exit());
    assertEquals(
        "Unknown command: 'model nope'; model has evaluate", run.err().lines().findFirst().get());
    assertEquals(
        "Unknown command: 'model evaluate more'; evaluate has no subcommands",
        CliRun.of("help", "model", "evaluate", "more").err().lines().findFirst().get());
  }

  /** What a command prints to stdout, after checking it exits 0. */
  private static String run(String... args) {
    CliRun run = CliRun.of(args);
    assertEquals(0, run.exit(), run.err());
    return run.out();
  }

  @Test
  void shouldRenderEveryUsageWithoutAWarning() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int rendered = 0;
    try {
      for (CommandLine c : all(HilnasCommand.commandLine())) {
        String usage = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertTrue(usage.contains("Usage: " + c.getCommandSpec().qualifiedName()), usage);
        rendered++;
      }
    } finally {
      System.setErr(err);
    }
    assertTrue(rendered > 20, "rendered " + rendered + " usages");
    assertEquals("", captured.toString(StandardCharsets.UTF_8));
  }
}
