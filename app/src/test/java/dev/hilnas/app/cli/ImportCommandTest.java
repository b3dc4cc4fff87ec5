package dev.hilnas.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What import says of files it cannot read, before it connects to anything. */
class ImportCommandTest {

  @Test
  void aFileThatIsNotThereIsSaidBeforeKafkaIsAskedAndTheRestIsRead() {
    CommandLine cli = HilnasCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit =
        cli.execute(
            "import",
            "--dry-run",
            "--bootstrap",
            "localhost:1",
            "/no/such/file.jsonl",
            "../examples/measurements-train.jsonl",
            "--json");
    assertEquals(1, exit, err.toString());
    assertEquals(
        "{\"valid\":120,\"invalid\":0,\"errors\":[],\"unreadable\":[\"/no/such/file.jsonl\"]}",
        out.toString().strip());
    assertTrue(
        err.toString().startsWith("/no/such/file.jsonl: cannot read: no such file or directory"),
        err.toString());
    assertTrue(err.toString().contains("measurements-train.jsonl: 120 valid"), err.toString());
  }

  @Test
  void withNoFileToReadNothingConnects() {
    CommandLine cli = HilnasCommand.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    // no broker listens on port 1: asking one would take 10 s and end in another message
    assertEquals(1, cli.execute("import", "--bootstrap", "localhost:1", "/no/such/file.jsonl"));
    assertEquals(
        "/no/such/file.jsonl: cannot read: no such file or directory", err.toString().strip());
  }
}
