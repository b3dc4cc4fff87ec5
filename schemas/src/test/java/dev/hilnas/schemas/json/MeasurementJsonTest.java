package dev.hilnas.schemas.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hilnas.core.AttentionKind;
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
    Measurement m = MeasurementJson.parse(DESIGN_EXAMPLE);
    assertEquals("c0007", m.candidateId());
    assertEquals(6, m.candidate().layerCount());
    assertEquals(AttentionKind.SKIP, m.candidate().layers().get(3).attention());
    assertEquals(2048, m.contextLength());
    assertEquals(41.7, m.latencyMs());
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
        MeasurementJson.parse(DESIGN_EXAMPLE).candidate().archId(),
        MeasurementJson.parse(perLayer).candidate().archId());
  }

  @Test
  void shouldNameTheMissingField() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MeasurementJson.parse(DESIGN_EXAMPLE.replace("\"hardware\":\"pixel8-cpu\",", "")));
    assertEquals("hardware is required", e.getMessage());
    var c =
        assertThrows(
            IllegalArgumentException.class,
            () -> MeasurementJson.parse(DESIGN_EXAMPLE.replace("\"contextLength\":2048,", "")));
    assertEquals("missing field 'contextLength'", c.getMessage());
  }

  @Test
  void shouldNameTheFieldOfTheWrongType() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MeasurementJson.parse(
                    DESIGN_EXAMPLE.replace(
                        "\"contextLength\":2048", "\"contextLength\":\"long\"")));
    assertEquals(
        "field 'contextLength': Cannot deserialize value of type `java.lang.Integer` from String \"long\": not a valid `java.lang.Integer` value",
        e.getMessage());
  }

  @Test
  void shouldRejectAnUnknownPhaseWithTheAcceptedValues() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> MeasurementJson.parse(DESIGN_EXAMPLE.replace("PREFILL", "WARMUP")));
    assertEquals("phase must be PREFILL or DECODE, got 'WARMUP'", e.getMessage());
  }

  @Test
  void shouldWriteWhatItReadsBack() {
    String line =
        "{\"candidateId\":\"c\",\"candidate\":{\"layers\":3,\"dModel\":64,\"nHeads\":2,\"nKvHeads\":1,"
            + "\"headDim\":32,\"ffnDim\":128,\"vocabSize\":100,\"attention\":\"GLS\",\"window\":8},"
            + "\"hardware\":\"h\",\"runtime\":\"r\",\"phase\":\"DECODE\",\"contextLength\":64,"
            + "\"latencyMs\":1.5,\"samplesMs\":[1.4,1.5],\"threads\":2,\"environment\":{\"os\":\"x\"}}";
    Measurement m = MeasurementJson.parse(line);

    assertEquals(m, MeasurementJson.parse(MeasurementJson.toJson(m)));
  }

  @Test
  void shouldReadAndWriteTheBackboneLayersAPruningKeeps() {
    var tree =
        Json.readTree(
            "{\"layers\":2,\"dModel\":64,\"nHeads\":2,\"headDim\":32,\"ffnDim\":128,"
                + "\"vocabSize\":100,\"attention\":\"GS\",\"sourceLayers\":[0,5]}");
    var c = CandidateJson.fromTree(tree);
    assertEquals(java.util.List.of(0, 5), c.sourceLayers());
    assertEquals(java.util.List.of(0, 5), CandidateJson.toMap(c).get("sourceLayers"));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CandidateJson.fromTree(
                    Json.readTree(
                        "{\"layers\":2,\"dModel\":64,\"nHeads\":2,\"headDim\":32,\"ffnDim\":128,"
                            + "\"vocabSize\":100,\"attention\":\"GS\",\"sourceLayers\":[3]}")));
    assertEquals("candidate: sourceLayers names 1 backbone layers for 2 layers", e.getMessage());
  }
}
