package dev.hilnas.app.cli.bench;

import dev.hilnas.app.bench.RuntimeBenchmark;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Statistics;
import dev.hilnas.llm.quality.Backbone;
import dev.hilnas.schemas.json.CandidateJson;
import dev.hilnas.schemas.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "runtime",
    mixinStandardHelpOptions = true,
    description = {
      "GFLOP/s of the Java decoder, next to matmul and OpenBLAS baselines.",
      "",
      "GFLOP/s of the Java decoder on a candidate (prefill and decode, the work it really does) next to the runtime's own 1024² matmul and OpenBLAS sgemm (via python3 + numpy, if present), on the same threads, in the same run."
    })
final class BenchRuntimeCommand implements Callable<Integer> {
  @Option(
      names = "--candidate",
      paramLabel = "FILE.json",
      description = "Default: the shipped backbone.")
  Path candidate;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "Threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--prefill",
      defaultValue = "256",
      description = "Prompt tokens (default: ${DEFAULT-VALUE}).")
  int prefill;

  @Option(
      names = "--decode-context",
      defaultValue = "512",
      description = "KV cache for decode (default: ${DEFAULT-VALUE}).")
  int decodeContext;

  @Option(
      names = "--repeat",
      defaultValue = "5",
      description = "Repetitions (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Candidate c =
        candidate == null
            ? Backbone.shipped().architecture()
            : CandidateJson.fromTree(
                Json.MAPPER.readTree(Files.readString(candidate)), Limits.DEFAULTS);
    var r = RuntimeBenchmark.run(c, prefill, decodeContext, threads, repeat);
    var out = spec.commandLine().getOut();
    out.printf(
        "candidate %s (%,d parameters), %d thread(s)%n", c.archId(), c.parameterCount(), threads);
    out.printf(
        "OpenBLAS sgemm 1024²         : %s%n",
        r.openBlasGflops() == null
            ? "n/a (needs python3 + numpy)"
            : String.format("%7.1f GFLOP/s", r.openBlasGflops()));
    out.printf(
        "hilnas matmul 1024²          : %7.1f GFLOP/s  %s%n",
        Statistics.median(r.peakGflops()), Spread.gflops(r.peakGflops()));
    out.printf(
        "decoder PREFILL@%-6d       : %7.1f GFLOP/s  %s%n",
        prefill, Statistics.median(r.prefillGflops()), Spread.gflops(r.prefillGflops()));
    out.printf(
        "decoder DECODE@%-6d        : %7.1f GFLOP/s  %s%n",
        decodeContext, Statistics.median(r.decodeGflops()), Spread.gflops(r.decodeGflops()));
    return 0;
  }
}
