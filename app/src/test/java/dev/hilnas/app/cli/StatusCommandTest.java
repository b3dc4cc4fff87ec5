package dev.hilnas.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.schemas.json.Json;
import org.junit.jupiter.api.Test;

/** `hilnas status` where no stack answers, or the address is not one. */
class StatusCommandTest {

  @Test
  void shouldSayOnStdoutTooWithJsonThatNothingAnswers() throws Exception {
    CliRun r = CliRun.of("status", "--url", "http://localhost:1/", "--json");

    assertEquals(1, r.exit(), r.err());
    JsonNode down = Json.MAPPER.readTree(r.out());
    assertEquals("http://localhost:1/", down.get("url").asText());
    assertEquals(false, down.get("up").asBoolean(true));
    assertTrue(down.get("error").asText().startsWith("nothing answers at "), r.out());
    assertTrue(r.err().startsWith("error: nothing answers at "), r.err());
  }

  @Test
  void shouldAskForTheSchemeOfAnAddressWithout() {
    CliRun r = CliRun.of("status", "--url", "localhost:8080");

    assertEquals(2, r.exit());
    assertEquals(
        "error: --url is an address with its scheme, e.g. http://localhost:8080/, got"
            + " localhost:8080",
        r.err().strip());
  }
}
