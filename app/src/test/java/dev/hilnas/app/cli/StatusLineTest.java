package dev.hilnas.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The status line is redrawn in place on a terminal and printed as plain lines elsewhere; a message
 * never runs into it. The line is drawn by hand here ({@link StatusLine#close}, {@link
 * StatusLine#say}) with an interval long enough that its thread never draws during the test.
 */
class StatusLineTest {
  private static final Duration NEVER = Duration.ofHours(1);

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void shouldPrintPlainLinesWithoutEscapesWhenNotATerminal() {
    AtomicReference<String> status = new AtomicReference<>("requested 2");
    StatusLine line = StatusLine.start(out, status::get, NEVER, false);
    line.say("live at http://localhost:8080/");
    line.close();
    List<String> lines = printed().lines().toList();
    assertEquals(2, lines.size(), printed());
    assertEquals("live at http://localhost:8080/", lines.get(0));
    assertTrue(lines.get(1).matches("\\[0:0\\d] requested 2"), lines.get(1));
  }

  @Test
  void shouldEraseTheLineBeforeEachDrawOnATerminal() {
    StatusLine line = StatusLine.start(out, () -> "requested 2", NEVER, true);
    line.say("live");
    line.close();
    String text = printed();
    // the message erases the line it lands on, the status is drawn again below it, then ended
    assertTrue(text.startsWith("\r\u001b[Klive" + System.lineSeparator() + "\r\u001b[K[0:0"), text);
    assertTrue(text.endsWith("requested 2" + System.lineSeparator()), text);
  }

  @Test
  void shouldCutAStatusWiderThanTheTerminal() {
    System.setProperty("hilnas.columns", "40");
    try {
      StatusLine line = StatusLine.start(out, () -> "x".repeat(100), NEVER, true);
      line.close();
    } finally {
      System.clearProperty("hilnas.columns");
    }
    String drawn = printed().strip().replace("\u001b[K", "");
    assertEquals(38 + 1, drawn.length(), drawn); // 38 characters and the ellipsis
    assertTrue(drawn.endsWith("…"), drawn);
  }
}
