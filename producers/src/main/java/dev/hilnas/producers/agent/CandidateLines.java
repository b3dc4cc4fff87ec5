package dev.hilnas.producers.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Objective;
import dev.hilnas.schemas.json.CandidateJson;
import dev.hilnas.schemas.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The candidates of {@code agent --once --candidates FILE.jsonl}: one JSON object per line, either
 * a candidate (compact or per-layer form) or {@code {"candidateId", "candidate", "objectives"}},
 * where the id and the objectives are optional. Blank lines are skipped.
 */
public final class CandidateLines {

  /** One line: what to measure, under which id, at which objectives. */
  public record Entry(String candidateId, Candidate candidate, List<Objective> objectives) {}

  private CandidateLines() {}

  /**
   * Reads every line at once, so a bad line fails before anything is measured.
   *
   * @param objectives the objectives of lines that name none
   * @throws IllegalArgumentException naming the line that is not a valid candidate
   */
  public static List<Entry> read(Path file, Limits limits, List<Objective> objectives)
      throws IOException {
    String stem = file.getFileName().toString().replaceFirst("\\.jsonl?$", "");
    List<String> lines = Files.readAllLines(file);
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      try {
        out.add(entry(Json.readTree(lines.get(i)), stem + "-" + (i + 1), limits, objectives));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static Entry entry(
      JsonNode node, String defaultId, Limits limits, List<Objective> defaults) {
    if (!node.has("candidate")) {
      return new Entry(defaultId, CandidateJson.fromTree(node, limits), defaults);
    }
    List<Objective> objectives = new ArrayList<>();
    node.path("objectives").forEach(o -> objectives.add(limits.check(Objective.parse(o.asText()))));
    return new Entry(
        node.path("candidateId").asText(defaultId),
        CandidateJson.fromTree(node.get("candidate"), limits),
        objectives.isEmpty() ? defaults : List.copyOf(objectives));
  }
}
