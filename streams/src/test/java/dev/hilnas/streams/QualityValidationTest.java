package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Quality;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.QualityEvaluation;
import dev.hilnas.schemas.Topics;
import org.junit.jupiter.api.Test;

class QualityValidationTest {

  private static QualityEvaluation valid() {
    Candidate c =
        Candidate.builder()
            .layers(2)
            .dModel(128)
            .heads(2, 1)
            .headDim(64)
            .ffnDim(256)
            .vocabSize(8000)
            .attention("GL")
            .window(64)
            .build();
    return Convert.toAvro(new Quality("q", c, Quality.PERPLEXITY, 12.5, "wiki", "test"));
  }

  private static byte[] encode(QualityEvaluation q) {
    return Topics.QUALITY.valueSerde().serializer().serialize(null, q);
  }

  @Test
  void shouldAcceptAValidEvaluation() {
    QualityValidation.Verdict verdict =
        QualityValidation.validate(encode(valid()), Limits.DEFAULTS);
    assertTrue(verdict.accepted());
    assertEquals(valid().getCandidate().getArchId(), verdict.quality().getCandidate().getArchId());
  }

  @Test
  void shouldRejectNegativeValuesAndUnknownMetricsWithTheReason() {
    QualityEvaluation negative = valid();
    negative.setValue(-3.0);
    assertEquals(
        "invalid quality evaluation: value must be a finite number > 0, got -3.0",
        QualityValidation.validate(encode(negative), Limits.DEFAULTS).reason());
    QualityEvaluation bleu = valid();
    bleu.setMetric("bleu");
    assertEquals(
        "invalid quality evaluation: metric must be 'perplexity', got 'bleu'",
        QualityValidation.validate(encode(bleu), Limits.DEFAULTS).reason());
  }

  @Test
  void shouldRejectUndecodableBytes() {
    assertTrue(
        QualityValidation.validate(new byte[] {9, 9}, Limits.DEFAULTS)
            .reason()
            .startsWith("not a QualityEvaluation in Avro single-object encoding (2 bytes)"));
  }

  @Test
  void shouldRejectAPerplexityBeyondTheLimits() {
    QualityEvaluation huge = valid();
    huge.setValue(1e308);

    assertEquals(
        "invalid quality evaluation: value must be at most 10000000, got 1.0E308",
        QualityValidation.validate(encode(huge), Limits.DEFAULTS).reason());
  }
}
