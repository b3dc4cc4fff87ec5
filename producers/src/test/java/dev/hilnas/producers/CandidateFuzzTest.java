package dev.hilnas.producers;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Limits;
import dev.hilnas.schemas.CandidateRequest;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.json.CandidateJson;
import dev.hilnas.schemas.json.Json;
import dev.hilnas.testing.HostileInput;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * How agents and the evaluator meet candidates, under fuzz: a candidate file (`agent --once`,
 * `quality --candidate`) is a candidate within the limits or an {@link IllegalArgumentException}
 * naming what is wrong; bytes on hil.candidates decode to a request or fail with an exception the
 * worker turns into a dead letter — never an {@link Error} that would take the agent down.
 */
class CandidateFuzzTest {

  @Provide
  Arbitrary<String> candidateFiles() {
    return HostileInput.lines(HostileInput.CANDIDATES);
  }

  @Provide
  Arbitrary<byte[]> requestBytes() {
    CandidateRequest valid =
        CandidateRequest.newBuilder()
            .setRequestId("s1-x")
            .setCandidate(
                Convert.toAvro(
                    CandidateJson.fromTree(
                        Json.readTree(HostileInput.CANDIDATES.get(1)), Limits.DEFAULTS)))
            .setTargets(List.of("x86/java-cpu"))
            .setReason("fuzz")
            .setGeneration(1)
            .setRequestedAt(Instant.EPOCH)
            .build();
    byte[] encoded = Topics.CANDIDATES.valueSerde().serializer().serialize(null, valid);
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
        Arbitraries.randoms().map(r -> damaged(encoded, r)));
  }

  @Property(tries = 1000)
  void shouldReadACandidateFileOrSayWhatIsWrong(@ForAll("candidateFiles") String text) {
    try {
      Candidate c = CandidateJson.fromTree(Json.readTree(text), Limits.DEFAULTS);
      Limits.DEFAULTS.check(c);
    } catch (IllegalArgumentException e) {
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "the error says why");
    }
  }

  @Property(tries = 1000)
  void shouldDecodeACandidateRequestOrFailWithAnExceptionTheWorkerCatches(
      @ForAll("requestBytes") byte[] bytes) {
    try {
      CandidateRequest request =
          Topics.CANDIDATES
              .valueSerde()
              .deserializer()
              .deserialize(Topics.CANDIDATES.name(), bytes);
      Limits.DEFAULTS.check(Convert.fromAvro(request.getCandidate()));
    } catch (RuntimeException e) {
      // the worker publishes the request to hil.dlq with this reason and goes on
    }
  }

  private static byte[] damaged(byte[] encoded, Random r) {
    if (r.nextBoolean()) {
      return java.util.Arrays.copyOf(encoded, r.nextInt(encoded.length));
    }
    byte[] out = encoded.clone();
    for (int i = 0; i < 1 + r.nextInt(4); i++) {
      out[10 + r.nextInt(out.length - 10)] = (byte) r.nextInt(256);
    }
    return out;
  }
}
