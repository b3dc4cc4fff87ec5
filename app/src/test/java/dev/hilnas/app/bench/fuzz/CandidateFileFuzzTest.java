package dev.hilnas.app.bench.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one path that needs no stack: candidate files, read as the commands read them. */
class CandidateFileFuzzTest {

  @TempDir Path dir;

  @Test
  void shouldAcceptEveryValidFileAndRefuseTheRestWithAReason() throws Exception {
    PathReport report = CandidateFileFuzz.run(500, dir, new Random(11)).report(null, null);

    assertEquals(500, report.cases());
    assertEquals(500, report.accepted() + report.rejected(), "one outcome per file");
    assertEquals(0, report.serverErrors(), report.reasons().toString());
    assertEquals(50, report.valid().sent());
    assertEquals(50, report.valid().accepted());
    assertTrue(report.clean());
    assertTrue(report.reasons().keySet().stream().anyMatch(r -> r.startsWith("not valid JSON")));
  }
}
