package dev.hilnas.schemas.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Candidate files as {@code agent --once} and {@code quality --candidate} read them. */
class CandidateJsonTest {

  @TempDir Path dir;

  @Test
  void shouldReadACandidateFile() throws Exception {
    Path file = Files.writeString(dir.resolve("c.json"), HostileJson.CANDIDATES.get(0));
    assertEquals("abae1e689d819b115", CandidateJson.read(file, Limits.DEFAULTS).archId());
  }

  @Test
  void shouldSayWhatIsWrongWithAFileThatIsNoCandidate() throws Exception {
    Path notUtf8 = Files.write(dir.resolve("latin1.json"), new byte[] {'{', (byte) 0xE9, '}'});
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> CandidateJson.read(notUtf8, Limits.DEFAULTS));
    assertEquals(notUtf8 + " is not UTF-8 text", e.getMessage());

    Path notJson = Files.writeString(dir.resolve("cut.json"), "{\"layers\": 4,");
    var j =
        assertThrows(
            IllegalArgumentException.class, () -> CandidateJson.read(notJson, Limits.DEFAULTS));
    assertTrue(j.getMessage().startsWith("not valid JSON: "), j.getMessage());

    Path empty = Files.writeString(dir.resolve("empty.json"), "\n");
    assertEquals(
        empty + " is empty: it should hold a candidate object",
        assertThrows(
                IllegalArgumentException.class, () -> CandidateJson.read(empty, Limits.DEFAULTS))
            .getMessage());
    var folder =
        assertThrows(
            java.nio.file.FileSystemException.class,
            () -> CandidateJson.read(dir, Limits.DEFAULTS));
    assertEquals(dir.toString(), folder.getFile());
  }
}
