package dev.hilnas.app.cli;

import dev.hilnas.llm.quality.Backbone;
import dev.hilnas.llm.quality.BackboneTrainer;
import dev.hilnas.llm.quality.Corpus;
import dev.hilnas.llm.quality.TrainingConfig;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "train-backbone",
    mixinStandardHelpOptions = true,
    description = {
      "Retrain the shipped backbone (about 50 minutes on 2 cores).",
      "",
      "Retrains the shipped backbone from scratch (deterministic for a given --threads): 6 layers, dModel 256, 8 heads over 2 KV heads, SwiGLU 512, byte vocabulary, on the King James Bible from tools/fetch-kjv-corpus.sh. Writes the weights and the held-out text into --out-dir and the training curve as CSV. About 50 minutes on 2 cores; CI never runs it."
    })
final class TrainBackboneCommand implements Callable<Integer> {

  @Option(
      names = "--corpus",
      defaultValue = "data/corpus/kjv.txt",
      description =
          "Plain text, one verse per line (default: ${DEFAULT-VALUE}; build it with tools/fetch-kjv-corpus.sh).")
  Path corpus;

  @Option(
      names = "--steps",
      defaultValue = "600",
      description = "Optimiser steps of 8×256 bytes (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--threads", description = "Training threads (default: all cores).")
  Integer threads;

  @Option(
      names = "--eval-every",
      defaultValue = "50",
      description = "Steps between held-out evaluations (default: ${DEFAULT-VALUE}).")
  int evalEvery;

  @Option(
      names = "--out-dir",
      defaultValue = "llm/src/main/resources/dev/hilnas/llm/quality",
      description = "Where the weights and held-out text go (default: ${DEFAULT-VALUE}).")
  Path outDir;

  @Option(
      names = "--curve",
      defaultValue = "data/backbone-training-curve.csv",
      description =
          "CSV of step, tokens, learning rate, train and held-out loss (default: ${DEFAULT-VALUE}).")
  Path curve;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(corpus)) {
      throw new IllegalArgumentException(
          corpus + " not found; build it first with tools/fetch-kjv-corpus.sh");
    }
    PrintWriter err = spec.commandLine().getErr();
    Corpus split = Corpus.split(Files.readString(corpus, StandardCharsets.US_ASCII));
    TrainingConfig config = TrainingConfig.builder().steps(steps).build();
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    err.printf(
        "training %s (%,d parameters) on %,d bytes, %,d held out, %d threads%n",
        config.architecture().archId(),
        config.architecture().parameterCount(),
        split.train().length,
        split.heldOut().length,
        n);
    Files.createDirectories(outDir);
    if (curve.getParent() != null) {
      Files.createDirectories(curve.getParent());
    }
    Backbone backbone;
    try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(curve));
        ProgressBar bar =
            new ProgressBarBuilder()
                .setTaskName("train")
                .setInitialMax(steps)
                .setStyle(ProgressBarStyle.ASCII)
                .showSpeed()
                .build()) {
      csv.println("step,tokens,learning_rate,train_loss,held_out_loss,elapsed_s");
      backbone =
          BackboneTrainer.train(
              config,
              split,
              n,
              evalEvery,
              p -> {
                csv.printf(
                    Locale.ROOT,
                    "%d,%d,%.6g,%.4f,%s,%.1f%n",
                    p.step(),
                    p.tokens(),
                    p.learningRate(),
                    p.trainLoss(),
                    Double.isNaN(p.heldOutLoss())
                        ? ""
                        : String.format(Locale.ROOT, "%.4f", p.heldOutLoss()),
                    p.elapsedMs() / 1000.0);
                csv.flush();
                bar.stepTo(p.step());
                bar.setExtraMessage(String.format(Locale.ROOT, " loss %.3f", p.trainLoss()));
                if (!Double.isNaN(p.heldOutLoss())) {
                  err.printf(
                      Locale.ROOT,
                      "%nstep %d: held-out %.4f nats/byte (perplexity %.2f)%n",
                      p.step(),
                      p.heldOutLoss(),
                      Math.exp(p.heldOutLoss()));
                }
              });
    }
    try (OutputStream out = Files.newOutputStream(outDir.resolve(Backbone.RESOURCE))) {
      backbone.write(out);
    }
    Files.write(outDir.resolve(Backbone.HELD_OUT_RESOURCE), split.heldOut());
    err.printf(
        Locale.ROOT,
        "wrote %s and %s; final held-out perplexity %.3f%n",
        outDir.resolve(Backbone.RESOURCE),
        outDir.resolve(Backbone.HELD_OUT_RESOURCE),
        Math.exp(backbone.heldOutLoss()));
    return 0;
  }
}
