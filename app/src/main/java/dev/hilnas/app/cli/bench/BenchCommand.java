package dev.hilnas.app.cli.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmarks that print their figures next to a baseline measured in the same run.",
    subcommands = {
      BenchIngestCommand.class,
      BenchModelCommand.class,
      BenchRuntimeCommand.class,
      BenchRepeatCommand.class,
      BenchFleetCommand.class,
      BenchSearchCommand.class,
      BenchFuzzCommand.class,
      BenchMemoryCommand.class,
      BenchQueryCommand.class,
      BenchChaosCommand.class,
      BenchScaleCommand.class
    })
public final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }
}
