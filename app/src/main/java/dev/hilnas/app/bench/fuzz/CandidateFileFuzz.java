package dev.hilnas.app.bench.fuzz;

import dev.hilnas.core.Limits;
import dev.hilnas.schemas.json.CandidateJson;
import dev.hilnas.schemas.json.HostileJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Candidate files as {@code agent --once --candidate} and {@code quality --candidate} read them
 * ({@link CandidateJson#read}), in this process: each file is a candidate or an {@link
 * IllegalArgumentException} saying what is wrong — which those commands print as {@code error: …} —
 * and anything else is the commands' own failure.
 */
final class CandidateFileFuzz {
  private CandidateFileFuzz() {}

  static Tally run(int cases, Path scratch, Random r) throws IOException {
    Tally tally = new Tally("candidate-files");
    Path file = scratch.resolve("candidate.json");
    for (int i = 0; i < cases; i++) {
      boolean isValid = i % 10 == 0;
      if (isValid) {
        tally.validSent();
        Files.writeString(file, HostileJson.CANDIDATES.get(i / 10 % HostileJson.CANDIDATES.size()));
      } else {
        tally.sent();
        Files.write(file, HostileJson.bytes(HostileJson.CANDIDATES, r));
      }
      try {
        CandidateJson.read(file, Limits.DEFAULTS);
        tally.accepted();
        if (isValid) {
          tally.validAccepted();
        }
      } catch (IllegalArgumentException e) {
        tally.rejected(e.getMessage());
      } catch (Exception | Error e) {
        tally.serverError(e.getClass().getName() + ": " + e.getMessage());
      }
    }
    Files.delete(file);
    return tally;
  }
}
