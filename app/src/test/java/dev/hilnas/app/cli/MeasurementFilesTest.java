package dev.hilnas.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hilnas.core.Limits;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the offline commands read of a file that import would publish whole. */
class MeasurementFilesTest {

  @TempDir Path dir;

  @Test
  void qualityEvaluationsMixedInAreSkippedAndCountedNotFailedOn() throws Exception {
    Path examples = Path.of("..", "examples");
    Path mixed = dir.resolve("mixed.jsonl");
    Files.writeString(
        mixed,
        Files.readString(examples.resolve("measurements-train.jsonl"))
            + Files.readString(examples.resolve("quality.jsonl")));
    StringWriter err = new StringWriter();

    var read = MeasurementFiles.read(mixed, new PrintWriter(err), Limits.DEFAULTS);

    assertEquals(120, read.size());
    assertEquals(
        mixed
            + ":121: skipped 40 quality evaluation line(s), the first here: this command reads"
            + " measurements (import publishes both)",
        err.toString().strip());
  }

  @Test
  void modelEvaluateNamesAFileWithNothingToScore() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.jsonl"), "\n");
    CliRun run =
        CliRun.of(
            "model",
            "evaluate",
            "--train",
            "../examples/measurements-train.jsonl",
            "--test",
            empty.toString());
    assertEquals(2, run.exit());
    assertEquals("error: " + empty + " holds no valid measurement to score", run.err().strip());
  }

  @Test
  void aDirectoryGivenForAFileIsNamed() {
    CliRun run =
        CliRun.of(
            "model",
            "evaluate",
            "--train",
            dir.toString(),
            "--test",
            "../examples/measurements-test.jsonl");
    assertEquals("error: " + dir + ": a directory, not a file", run.err().strip());
  }

  @Test
  void predictSaysAsModelEvaluateDoesThatThereIsNothingToFitOn() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.jsonl"), "\n");
    CliRun run =
        CliRun.of(
            "predict",
            "--train",
            empty.toString(),
            "--input",
            "../examples/measurements-test.jsonl");
    assertEquals(1, run.exit(), "its documented exit code");
    assertEquals("error: " + empty + " holds no valid measurement to fit on", run.err().strip());
  }
}
