package dev.hilnas.sinks.state;

import dev.hilnas.schemas.CandidateRequest;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.Topics;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The keys a request or a failed attempt counts under in the progress stores: {@code
 * targetId|archId}, with {@value #EVERY_TARGET} for a request of every target. Mirrors what the
 * search producer counts, so that the page and the search agree.
 */
final class Attempts {

  /** The target id under which a request for every target is counted. */
  static final String EVERY_TARGET = "*";

  private Attempts() {}

  static String key(String targetId, String archId) {
    return targetId + "|" + archId;
  }

  /** One key per target the request names, or {@code *|archId} when it names none. */
  static List<String> requested(CandidateRequest request) {
    String archId = Convert.fromAvro(request.getCandidate()).archId();
    if (request.getTargets().isEmpty()) {
      return List.of(key(EVERY_TARGET, archId));
    }
    return request.getTargets().stream()
        .map(CharSequence::toString)
        .distinct()
        .map(t -> key(t, archId))
        .toList();
  }

  /**
   * The key of an agent's failed attempt: a dead letter of a candidate request that names its
   * target; none for the other dead letters (invalid imports, measurements, quality).
   *
   * @throws RuntimeException when the letter's value is not a candidate request
   */
  static List<String> failed(DeadLetter letter) {
    if (letter.getTargetId() == null
        || !Topics.CANDIDATES.name().contentEquals(letter.getSourceTopic())
        || letter.getValue() == null) {
      return List.of();
    }
    ByteBuffer value = letter.getValue().duplicate();
    byte[] bytes = new byte[value.remaining()];
    value.get(bytes);
    CandidateRequest request =
        Topics.CANDIDATES.valueSerde().deserializer().deserialize(Topics.CANDIDATES.name(), bytes);
    return List.of(
        key(letter.getTargetId().toString(), Convert.fromAvro(request.getCandidate()).archId()));
  }
}
