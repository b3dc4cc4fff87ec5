package dev.hilnas.app.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How often the job publishes what changed, for the commands that run it (serve, demo). */
final class PacingOptions {

  @Option(
      names = "--refit-interval",
      description =
          "The most often a target's latency model is refitted by its timer; a target with"
              + " new points refits just before each checkpoint, whose commit makes output"
              + " visible, and its timer refits only when that did not reach it"
              + " (default: ${DEFAULT-VALUE}).",
      defaultValue = "250ms")
  Duration refitInterval;

  @Option(
      names = "--frontier-interval",
      description =
          "The most often a target publishes its frontier updates, each carrying every change"
              + " since the last; a new model publishes them at once; 0ms: after each record"
              + " (default: ${DEFAULT-VALUE}).",
      defaultValue = "250ms")
  Duration frontierInterval;
}
