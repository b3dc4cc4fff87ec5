package dev.hilnas.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What import says of files it cannot read, before it connects to anything. */
class ImportCommandTest {

  @Test
  void aFileThatIsNotThereIsSaidBeforeKafkaIsAskedAndTheRestIsRead() {
    CliRun run =
        CliRun.of(
            "import",
            "--dry-run",
            "--bootstrap",
            "localhost:1",
            "/no/such/file.jsonl",
            "../examples/measurements-train.jsonl",
            "--json");
    assertEquals(1, run.exit(), run.err());
    assertEquals(
        "{\"valid\":120,\"invalid\":0,\"errors\":[],\"unreadable\":[\"/no/such/file.jsonl\"]}",
        run.out().strip());
    assertTrue(
        run.err().startsWith("/no/such/file.jsonl: cannot read: no such file or directory"),
        run.err());
    assertTrue(run.err().contains("measurements-train.jsonl: 120 valid"), run.err());
  }

  @Test
  void withNoFileToReadNothingConnects() {
    // no broker listens on port 1: asking one would take 10 s and end in another message
    CliRun run = CliRun.of("import", "--bootstrap", "localhost:1", "/no/such/file.jsonl");
    assertEquals(1, run.exit());
    assertEquals("/no/such/file.jsonl: cannot read: no such file or directory", run.err().strip());
  }
}
