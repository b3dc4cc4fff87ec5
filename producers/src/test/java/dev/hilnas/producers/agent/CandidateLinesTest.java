package dev.hilnas.producers.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Limits;
import dev.hilnas.core.Objective;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CandidateLinesTest {

  private static final String TINY =
      "{\"layers\":2,\"dModel\":64,\"nHeads\":2,\"nKvHeads\":1,\"headDim\":32,\"ffnDim\":128,"
          + "\"vocabSize\":100,\"attention\":\"GS\"}";
  private static final List<Objective> DEFAULTS = List.of(Objective.parse("PREFILL@16"));

  @TempDir Path dir;

  @Test
  void shouldReadBareCandidatesAndCandidatesWithTheirIdAndObjectives() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("set.jsonl"),
            TINY
                + "\n\n{\"candidateId\":\"b\",\"candidate\":"
                + TINY
                + ",\"objectives\":[\"DECODE@32\",\"PREFILL@64\"]}\n");

    List<CandidateLines.Entry> entries = CandidateLines.read(file, Limits.DEFAULTS, DEFAULTS);

    assertEquals(2, entries.size());
    assertEquals("set-1", entries.get(0).candidateId(), "named by the file and the line number");
    assertEquals(DEFAULTS, entries.get(0).objectives());
    assertEquals("b", entries.get(1).candidateId());
    assertEquals(
        List.of(Objective.parse("DECODE@32"), Objective.parse("PREFILL@64")),
        entries.get(1).objectives());
    assertEquals("GS", entries.get(1).candidate().attentionPattern());
  }

  @Test
  void shouldNameTheLineThatIsNotACandidate() throws Exception {
    Path file = Files.writeString(dir.resolve("set.jsonl"), TINY + "\n{\"layers\":0}\n");

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CandidateLines.read(file, Limits.DEFAULTS, DEFAULTS));

    assertTrue(e.getMessage().contains("set.jsonl line 2"), e.getMessage());
  }

  @Test
  void shouldRefuseAnObjectiveBeyondTheLimits() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("set.jsonl"),
            "{\"candidate\":" + TINY + ",\"objectives\":[\"DECODE@999999999\"]}\n");

    assertThrows(
        IllegalArgumentException.class, () -> CandidateLines.read(file, Limits.DEFAULTS, DEFAULTS));
  }
}
