package dev.hilnas.app.cli;

import dev.hilnas.core.HardwareTarget;
import dev.hilnas.producers.search.SearchProducer;
import dev.hilnas.schemas.KafkaConnection;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = {
      "The search producer: publish candidates worth measuring.",
      "",
      "The search producer: follows hil.latency-models and hil.frontiers and publishes prunings of the shipped backbone worth measuring to hil.candidates, as agents have capacity. What it requested is read back from hil.candidates on start. Ctrl-C stops."
    })
final class SearchCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;

  @Option(
      names = "--target",
      paramLabel = "TARGET=AGENTS",
      description =
          "A target to search for and its number of agents, e.g. x86-1thread/java-cpu/fp32=2; repeatable."
              + " Targets seen in Kafka but not named get 1.")
  List<String> targets = List.of();

  @Mixin SearchOptions search;

  @Mixin LimitsOptions limits;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Map<String, Integer> capacity = new HashMap<>();
    for (String t : targets) {
      int eq = t.lastIndexOf('=');
      // a typo fails here rather than becoming a target that no agent ever reports for
      String target = HardwareTarget.parse(eq < 0 ? t : t.substring(0, eq)).id();
      capacity.put(target, eq < 0 ? 1 : Integer.parseInt(t.substring(eq + 1)));
    }
    KafkaConnection connection = kafka.connection();
    var settings = search.settings(capacity, limits.limits());
    if (capacity.isEmpty()) { // on a fresh stack it would wait, saying nothing, for ever
      spec.commandLine()
          .getErr()
          .println(
              "search: no --target named: it searches for the targets that have a latency model"
                  + " on hil.latency-models; on a stack without measurements yet, name one:"
                  + " --target HARDWARE/RUNTIME[/PRECISION]=AGENTS");
    }
    // without a broker the search's first read waited a minute, deaf to Ctrl-C, then threw; a
    // search started beside its broker (compose, a cluster) waits for it
    KafkaReach.await(connection, spec.commandLine().getErr());
    SearchProducer producer = new SearchProducer(connection, settings, Clock.systemUTC());
    spec.commandLine()
        .getErr()
        .printf(
            "search publishing to hil.candidates on %s — Ctrl-C stops%n",
            connection.bootstrapServers());
    Foreground.run("search", producer::run, producer::close);
    return 0;
  }
}
