package dev.hilnas.app.cli;

import dev.hilnas.app.stack.StackStatus;
import dev.hilnas.schemas.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "A running stack at a glance, from its HTTP API.",
      "",
      "Per target: accepted measurements, the latency model's cross-validated accuracy and the"
          + " size of each frontier; then the candidates no agent has taken yet, the dead letters"
          + " on hil.dlq and every hilnas consumer group's lag per topic. It reads /healthz,"
          + " /api/v1/targets, /api/v1/frontiers/{target} and /metrics of `serve`, `demo` or"
          + " `cluster up`'s query service.",
      "",
      "Exit code 0 when the stack is up, 3 when it answers but /healthz says DOWN, 1 when"
          + " nothing answers."
    })
final class StatusCommand implements Callable<Integer> {

  @Option(
      names = "--url",
      defaultValue = "http://localhost:8080/",
      description = "The stack's HTTP address (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--json", description = "Print one JSON object instead of the table.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!url.matches("(?i)https?://.+")) {
      throw new IllegalArgumentException(
          "--url is an address with its scheme, e.g. http://localhost:8080/, got " + url);
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    PrintWriter out = spec.commandLine().getOut();
    StackStatus status;
    try {
      status = StackStatus.fetch(http, url);
    } catch (IOException e) {
      if (json) { // a script reading stdout learns it too
        Map<String, Object> down = new LinkedHashMap<>();
        down.put("url", url);
        down.put("up", false);
        down.put("error", ErrorMessage.of(e));
        out.println(Json.MAPPER.writeValueAsString(down));
        out.flush();
      }
      throw e;
    }
    if (json) {
      out.println(Json.MAPPER.writeValueAsString(status));
    } else {
      print(status, out);
    }
    out.flush();
    return status.up() ? 0 : 3;
  }

  private static void print(StackStatus s, PrintWriter out) {
    out.printf(
        "%s  %s%s%n", s.url(), s.up() ? "UP" : "DOWN", s.loading() ? " (state loading)" : "");
    if (s.targets().isEmpty() && !s.loading()) {
      out.println("no target has measurements yet");
    }
    if (!s.targets().isEmpty()) {
      int width =
          Math.max(6, s.targets().stream().mapToInt(t -> t.target().length()).max().orElse(0));
      out.printf(
          Locale.ROOT,
          "%-" + width + "s  %12s  %11s  %7s  %s%n",
          "target",
          "measurements",
          "within ±10%",
          "MAPE",
          "frontier points");
      for (StackStatus.Target t : s.targets()) {
        out.printf(
            Locale.ROOT,
            "%-" + width + "s  %12d  %11s  %7s  %s%n",
            t.target(),
            t.measurements(),
            percent(t.cvWithin10()),
            percent(t.cvMape()),
            t.frontiers().isEmpty()
                ? "-"
                : t.frontiers().stream()
                    .map(f -> f.objective() + " " + f.points())
                    .collect(Collectors.joining(", ")));
      }
    }
    out.printf("candidates waiting for an agent: %d%n", s.pendingCandidates());
    out.printf("dead letters on hil.dlq: %d%n", s.deadLetters());
    if (!s.consumerLag().isEmpty()) {
      out.println("consumer lag (records):");
      for (StackStatus.Lag l : s.consumerLag()) {
        out.printf("  %-40s %-20s %d%n", l.group(), l.topic(), l.records());
      }
    }
  }

  private static String percent(Double fraction) {
    return fraction == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
  }
}
