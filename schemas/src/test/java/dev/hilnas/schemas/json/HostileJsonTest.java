package dev.hilnas.schemas.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Limits;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HostileJsonTest {

  @Test
  void shouldStartFromSeedsThatAreValid() {
    HostileJson.MEASUREMENTS.forEach(m -> MeasurementJson.parse(m, Limits.DEFAULTS));
    HostileJson.QUALITY.forEach(q -> QualityJson.parse(q, Limits.DEFAULTS));
    HostileJson.CANDIDATES.forEach(c -> CandidateJson.fromTree(Json.readTree(c), Limits.DEFAULTS));
  }

  @Test
  void shouldDrawTheSameCasesFromTheSameSeed() {
    Random a = new Random(7);
    Random b = new Random(7);
    for (int i = 0; i < 200; i++) {
      assertArrayEquals(
          HostileJson.bytes(HostileJson.MEASUREMENTS, a),
          HostileJson.bytes(HostileJson.MEASUREMENTS, b));
    }
  }

  @Test
  void shouldMutateASeedIntoJsonThatDiffersFromIt() {
    Random r = new Random(1);
    String seed = HostileJson.QUALITY.get(0);
    for (int i = 0; i < 200; i++) {
      String mutated = HostileJson.mutate(seed, r);
      assertNotEquals(seed, mutated);
      if (!mutated.contains("NaN") && !mutated.contains("1e999")) { // the bare tokens are not JSON
        Json.readTree(mutated);
      }
    }
  }

  @Test
  void shouldSendSomeCasesAsTheyAreAndSomeThatAreNotUtf8() {
    Random r = new Random(3);
    List<String> seeds = HostileJson.CANDIDATES;
    int asTheyAre = 0;
    int notUtf8 = 0;
    for (int i = 0; i < 1000; i++) {
      byte[] bytes = HostileJson.bytes(seeds, r);
      if (seeds.contains(new String(bytes, StandardCharsets.UTF_8))) {
        asTheyAre++;
      }
      try {
        StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
      } catch (CharacterCodingException e) {
        notUtf8++;
      }
    }
    assertTrue(asTheyAre > 30, "seeds as they are: " + asTheyAre);
    assertTrue(notUtf8 > 100, "not UTF-8: " + notUtf8);
  }

  @Test
  void shouldMakeEveryInvalidUtf8CaseUndecodable() {
    Random r = new Random(5);
    byte[] valid = HostileJson.MEASUREMENTS.get(0).getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 100; i++) {
      byte[] broken = HostileJson.invalidUtf8(valid, r);
      assertEquals(valid.length, broken.length);
      assertThrows(
          CharacterCodingException.class,
          () -> StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(broken)));
    }
  }
}
