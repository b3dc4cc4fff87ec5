package dev.hilnas.schemas.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hilnas.core.AttentionKind;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import org.junit.jupiter.api.Test;

class MeasurementJsonTest {

  private static final String DESIGN_EXAMPLE =
      "{\"candidateId\":\"c0007\",\"candidate\":{\"layers\":6,\"dModel\":512,\"nHeads\":8,\"nKvHeads\":2,"
          + "\"headDim\":64,\"ffnDim\":1536,\"vocabSize\":32000,\"attention\":\"GGLSLG\",\"window\":512},"
          + "\"hardware\":\"pixel8-cpu\",\"runtime\":\"executorch-xnnpack\",\"phase\":\"PREFILL\","
          + "\"contextLength\":2048,\"latencyMs\":41.7,\"samplesMs\":[41.2,41.7,42.9],\"params\":123,\"extra\":true}";

  @Test
  void shouldReadTheExampleOfTheDesignAndIgnoreUnknownFields() {
    Measurement m = MeasurementJson.parse(DESIGN_EXAMPLE, Limits.DEFAULTS);
    assertEquals("c0007", m.candidateId());
    assertEquals(6, m.candidate().layerCount());
    assertEquals(AttentionKind.SKIP, m.candidate().layers().get(3).attention());
    assertEquals(2048, m.contextLength());
    assertEquals(41.7, m.latencyMs());
  }

  @Test
  void bindingWithoutATreeReadsWhatParsingReadsAndLeavesWhatIsNoObjectToTheTree() throws Exception {
    assertEquals(
        MeasurementJson.parse(DESIGN_EXAMPLE, Limits.DEFAULTS),
        MeasurementJson.bind(DESIGN_EXAMPLE, Limits.DEFAULTS));
    assertEquals(
        "missing field 'contextLength'",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    MeasurementJson.bind(
                        DESIGN_EXAMPLE.replace("\"contextLength\":2048,", ""), Limits.DEFAULTS))
            .getMessage());
    for (String notAnObject : new String[] {"[1,2]", "\"text\"", "{\"phase\":", "not json"}) {
      assertThrows(
          JsonProcessingException.class,
          () -> MeasurementJson.bind(notAnObject, Limits.DEFAULTS),
          notAnObject);
    }
    assertThrows(
        JsonProcessingException.class,
        () -> MeasurementJson.bind(DESIGN_EXAMPLE.replace("2048", "\"many\""), Limits.DEFAULTS));
  }

  @Test
  void latenciesReadAsTheJdkReadsThem() throws Exception {
    // the mapper's fast decimal parser: the same doubles, to the last bit, in both readers
    for (String text :
        new String[] {
          "1.566561575172281",
          "0.1",
          "41.7",
          "9007.199254740993",
          "3.0000000000000004",
          "123456.78901234567",
          "1e-3",
          "2.718281828459045235360287",
          "0.30000000000000004441",
          "3599999.9999999995"
        }) {
      String line = DESIGN_EXAMPLE.replace("\"latencyMs\":41.7", "\"latencyMs\":" + text);
      double expected = Double.parseDouble(text);
      assertEquals(expected, MeasurementJson.bind(line, Limits.DEFAULTS).latencyMs(), 0.0, text);
      assertEquals(expected, MeasurementJson.parse(line, Limits.DEFAULTS).latencyMs(), 0.0, text);
    }
  }

  @Test
  void shouldReadThePerLayerFormToTheSameArchitecture() {
    String perLayer =
        DESIGN_EXAMPLE.replace(
            "{\"layers\":6,\"dModel\":512,\"nHeads\":8,\"nKvHeads\":2,\"headDim\":64,\"ffnDim\":1536,\"vocabSize\":32000,\"attention\":\"GGLSLG\",\"window\":512}",
            "{\"dModel\":512,\"headDim\":64,\"vocabSize\":32000,\"window\":512,\"layerSpecs\":["
                + "{\"attention\":\"GLOBAL\",\"nHeads\":8,\"nKvHeads\":2,\"ffnDim\":1536},{\"attention\":\"G\",\"nHeads\":8,\"nKvHeads\":2,\"ffnDim\":1536},"
                + "{\"attention\":\"L\",\"nHeads\":8,\"nKvHeads\":2,\"ffnDim\":1536},{\"attention\":\"SKIP\",\"ffnDim\":1536},"
                + "{\"attention\":\"L\",\"nHeads\":8,\"nKvHeads\":2,\"ffnDim\":1536},{\"attention\":\"G\",\"nHeads\":8,\"nKvHeads\":2,\"ffnDim\":1536}]}");
    assertEquals(
        MeasurementJson.parse(DESIGN_EXAMPLE, Limits.DEFAULTS).candidate().archId(),
        MeasurementJson.parse(perLayer, Limits.DEFAULTS).candidate().archId());
  }

  @Test
  void shouldNameTheMissingField() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MeasurementJson.parse(
                    DESIGN_EXAMPLE.replace("\"hardware\":\"pixel8-cpu\",", ""), Limits.DEFAULTS));
    assertEquals("hardware is required", e.getMessage());
    var c =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MeasurementJson.parse(
                    DESIGN_EXAMPLE.replace("\"contextLength\":2048,", ""), Limits.DEFAULTS));
    assertEquals("missing field 'contextLength'", c.getMessage());
  }

  @Test
  void shouldNameTheFieldOfTheWrongType() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MeasurementJson.parse(
                    DESIGN_EXAMPLE.replace("\"contextLength\":2048", "\"contextLength\":\"long\""),
                    Limits.DEFAULTS));
    assertEquals(
        "field 'contextLength': Cannot deserialize value of type `java.lang.Integer` from String \"long\": not a valid `java.lang.Integer` value",
        e.getMessage());
  }

  @Test
  void shouldRejectANullInTheEnvironmentNamingTheKey() {
    // found by `hilnas bench fuzz`: device ingest answered it with a 500, import stopped on it
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MeasurementJson.parse(
                    DESIGN_EXAMPLE.replace("\"extra\":true", "\"environment\":{\"os\":null}"),
                    Limits.DEFAULTS));
    assertEquals("environment['os'] must be a string, got null", e.getMessage());
  }

  @Test
  void shouldRejectAnUnknownPhaseWithTheAcceptedValues() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MeasurementJson.parse(
                    DESIGN_EXAMPLE.replace("PREFILL", "WARMUP"), Limits.DEFAULTS));
    assertEquals("phase must be PREFILL or DECODE, got 'WARMUP'", e.getMessage());
  }

  @Test
  void shouldWriteWhatItReadsBack() {
    String line =
        "{\"candidateId\":\"c\",\"candidate\":{\"layers\":3,\"dModel\":64,\"nHeads\":2,\"nKvHeads\":1,"
            + "\"headDim\":32,\"ffnDim\":128,\"vocabSize\":100,\"attention\":\"GLS\",\"window\":8},"
            + "\"hardware\":\"h\",\"runtime\":\"r\",\"phase\":\"DECODE\",\"contextLength\":64,"
            + "\"latencyMs\":1.5,\"samplesMs\":[1.4,1.5],\"threads\":2,\"environment\":{\"os\":\"x\"}}";
    Measurement m = MeasurementJson.parse(line, Limits.DEFAULTS);

    assertEquals(m, MeasurementJson.parse(MeasurementJson.toJson(m), Limits.DEFAULTS));
  }

  @Test
  void shouldReadAndWriteTheBackboneLayersAPruningKeeps() {
    var tree =
        Json.readTree(
            "{\"layers\":2,\"dModel\":64,\"nHeads\":2,\"headDim\":32,\"ffnDim\":128,"
                + "\"vocabSize\":100,\"attention\":\"GS\",\"sourceLayers\":[0,5]}");
    var c = CandidateJson.fromTree(tree, Limits.DEFAULTS);
    assertEquals(java.util.List.of(0, 5), c.sourceLayers());
    assertEquals(java.util.List.of(0, 5), CandidateJson.toMap(c).get("sourceLayers"));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CandidateJson.fromTree(
                    Json.readTree(
                        "{\"layers\":2,\"dModel\":64,\"nHeads\":2,\"headDim\":32,\"ffnDim\":128,"
                            + "\"vocabSize\":100,\"attention\":\"GS\",\"sourceLayers\":[3]}"),
                    Limits.DEFAULTS));
    assertEquals("candidate: sourceLayers names 1 backbone layers for 2 layers", e.getMessage());
  }

  @Test
  void shouldRejectALineBeyondTheLimitsNamingTheFieldTheBoundAndTheValue() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MeasurementJson.parse(
                    DESIGN_EXAMPLE.replace("\"latencyMs\":41.7", "\"latencyMs\":1e308"),
                    Limits.DEFAULTS));
    assertEquals("latencyMs must be at most 3600000, got 1.0E308", e.getMessage());
    var tight =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MeasurementJson.parse(
                    DESIGN_EXAMPLE, Limits.builder().maxContextLength(1024).build()));
    assertEquals("contextLength must be at most 1024, got 2048", tight.getMessage());
  }

  @Test
  void shouldRejectACompactCandidateWithTooManyLayersBeforeMakingThem() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CandidateJson.fromTree(
                    Json.readTree(
                        "{\"layers\":2000000000,\"dModel\":64,\"nHeads\":2,\"headDim\":32,"
                            + "\"ffnDim\":128,\"vocabSize\":100}"),
                    Limits.DEFAULTS));
    assertEquals("candidate: layers must be at most 1024, got 2000000000", e.getMessage());
  }

  @Test
  void shouldRejectAQualityLineBeyondTheLimits() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                QualityJson.parse(
                    "{\"candidate\":{\"layers\":2,\"dModel\":64,\"nHeads\":2,\"headDim\":32,"
                        + "\"ffnDim\":128,\"vocabSize\":100},\"metric\":\"perplexity\","
                        + "\"value\":1e308}",
                    Limits.DEFAULTS));
    assertEquals("value must be at most 10000000, got 1.0E308", e.getMessage());
  }

  @Test
  void shouldRejectAPredictionRequestBeyondTheLimits() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MeasurementJson.parseQuery(
                    DESIGN_EXAMPLE.replace("\"contextLength\":2048", "\"contextLength\":2000000"),
                    Limits.DEFAULTS));
    assertEquals("contextLength must be at most 1048576, got 2000000", e.getMessage());
  }
}
