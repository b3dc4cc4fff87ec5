package dev.hilnas.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** The JDK's file exceptions name only the path; the console says what is wrong with it. */
class ErrorMessageTest {

  @Test
  void aFileThatIsNotThereIsSaidInWords() {
    assertEquals(
        "/data/m.jsonl: no such file or directory",
        ErrorMessage.of(new NoSuchFileException("/data/m.jsonl")));
    assertEquals(
        "/data/m.jsonl: permission denied",
        ErrorMessage.of(new AccessDeniedException("/data/m.jsonl")));
  }

  @Test
  void aWrappedFileErrorIsSaidOnceWithWhatTheWrapperAdds() {
    NoSuchFileException missing = new NoSuchFileException("/data/m.jsonl");
    assertEquals(
        "/data/m.jsonl: no such file or directory",
        ErrorMessage.of(new UncheckedIOException(missing)));
    assertEquals(
        "cannot read the training data: /data/m.jsonl: no such file or directory",
        ErrorMessage.of(new UncheckedIOException("cannot read the training data", missing)));
  }

  @Test
  void anExceptionWithoutAMessageIsNamed() {
    assertEquals("IOException", ErrorMessage.of(new IOException()));
    assertEquals("disk full", ErrorMessage.of(new IOException("disk full")));
  }
}
