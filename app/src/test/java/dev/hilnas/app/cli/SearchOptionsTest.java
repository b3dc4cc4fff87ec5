package dev.hilnas.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hilnas.core.Limits;
import dev.hilnas.core.Objective;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What the search asks agents to time before a target has frontiers, by the options given. */
class SearchOptionsTest {

  @CommandLine.Command
  static final class Holder {
    @CommandLine.Mixin SearchOptions search;
  }

  private static SearchOptions parsed(String... args) {
    Holder holder = new Holder();
    new CommandLine(holder).parseArgs(args);
    return holder.search;
  }

  private static List<String> learned(SearchOptions options) {
    return options.settings(Map.of(), Limits.DEFAULTS).loop().objectives().stream()
        .map(Objective::toString)
        .toList();
  }

  @Test
  void shouldLearnAt512TokensUnlessTold() {
    assertEquals(List.of("PREFILL@512", "DECODE@512"), learned(parsed()));
    assertEquals(
        List.of("DECODE@64"), learned(parsed("--learn-objectives", "DECODE@64")), "as given");
  }

  @Test
  void shouldLearnTheDemosObjectivesUnlessTold() {
    SearchOptions untold = parsed();
    untold.learnByDefault(List.of("PREFILL@256", "DECODE@256"));
    assertEquals(List.of("PREFILL@256", "DECODE@256"), learned(untold));

    SearchOptions told = parsed("--learn-objectives", "DECODE@64");
    told.learnByDefault(List.of("PREFILL@256", "DECODE@256"));
    assertEquals(List.of("DECODE@64"), learned(told));
  }
}
